"""PAD / PADV2 -> ek_pad_s8 (ARITHMETIC.md 3.14): a byte copy, no requantization, up to 5-D."""

from __future__ import annotations

from edgekit.converters.c_codegen.quant import qparams
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register
from edgekit.converters.c_codegen.support import OP_RULES, SUMMARY, Rule, _const_input, _int8, _max_rank

from edgekit.ir import Model, Operator

MAX_RANK = 5


def paddings(model: Model, op: Operator) -> list[tuple[int, int]]:
    arr = model.tensor(op.inputs[1]).array().reshape(-1, 2)
    return [(int(b), int(a)) for b, a in arr.tolist()]


def pad_value(model: Model, op: Operator) -> int:
    """PADV2's constant when given; otherwise the output zero point (TFLM's (int8)(uint8) cast is a no-op here)."""
    if op.op == "PADV2" and len(op.inputs) > 2 and op.inputs[2] >= 0:
        return int(model.tensor(op.inputs[2]).array().reshape(-1)[0])
    _, zp = qparams(model, op.outputs[0])
    return int(zp[0])


def _emit(ctx: EmitContext, op: Operator) -> OpEmission:
    x, y = op.inputs[0], op.outputs[0]
    model = ctx.model
    shape = list(model.tensor(x).shape) or [1]
    pads = paddings(model, op)
    lead = MAX_RANK - len(shape)
    params = ctx.define(
        "ek_pad_params_t",
        "pad",
        {
            "input_shape": [1] * lead + shape,
            "before": [0] * lead + [b for b, _ in pads],
            "after": [0] * lead + [a for _, a in pads],
            "pad_value": pad_value(model, op),
        },
    )
    call = (
        f"ek_pad_s8(&ek_ctx, &{params}, &{ctx.dims(x)}, {ctx.data(x, 'const int8_t')}, "
        f"&{ctx.dims(y)}, {ctx.data(y, 'int8_t')})"
    )
    return OpEmission(call=call, comment=f"paddings {pads}")


register("PAD", runtime=("ek_pad_s8.c", "ek_pad_s8.h"))(_emit)
register("PADV2", runtime=("ek_pad_s8.c", "ek_pad_s8.h"))(_emit)


def _padv2_constant(model: Model, op: Operator) -> str | None:
    if op.op != "PADV2" or len(op.inputs) < 3 or op.inputs[2] < 0:
        return None
    c = model.tensor(op.inputs[2])
    if not c.is_constant or c.dtype != "int8":
        return "has a pad value that is not a constant int8 tensor"
    _, zp_c = qparams(model, op.inputs[2])
    _, zp_out = qparams(model, op.outputs[0])
    if int(zp_c[0]) != int(zp_out[0]):
        return "has a pad value whose zero point differs from the output's (TFLite Micro refuses it too)"
    return None


_RULES = (
    _int8(("input", 0), ("output", 0)),
    _const_input("paddings", 1),
    _max_rank(MAX_RANK),
    Rule("PADV2: constant int8 pad value with the output's zero point", _padv2_constant),
)
OP_RULES["PAD"] = _RULES
OP_RULES["PADV2"] = _RULES
SUMMARY["PAD"] = "up to 5-D, any amounts; a byte copy (no requantization, as TFLM)"
SUMMARY["PADV2"] = "up to 5-D, any amounts, constant pad value; a byte copy"
