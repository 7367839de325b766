"""UNPACK -> ek_split_s8: one input cut into size-1 pieces along an axis, the axis dropped (TFLM unpack.cc).

Unstacking is SPLIT with every piece of extent 1, so UNPACK shares SPLIT's kernel; the outputs' shapes lack the
axis but hold the same bytes. TFLM's UNPACK has no Prepare and copies bytes whatever the quantization.
"""

from __future__ import annotations

from edgekit.converters.c_codegen.quant import opt
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register
from edgekit.converters.c_codegen.shapes import around_axis
from edgekit.converters.c_codegen.support import OP_RULES, SUMMARY, Rule

from edgekit.ir import Model, Operator


def geometry(model: Model, op: Operator) -> tuple[int, int, int]:
    """(axis, outer, inner) on the input shape, the axis made non-negative as TFLM's UnpackImpl does."""
    return around_axis(model.tensor(op.inputs[0]).shape, int(opt(op, "axis", 0)))


@register("UNPACK", runtime=("ek_split_s8.c", "ek_split_s8.h"))
def emit(ctx: EmitContext, op: Operator) -> OpEmission:
    x = op.inputs[0]
    axis, outer, inner = geometry(ctx.model, op)
    sizes = ctx.array("int32_t", "unpack_sizes", [1] * len(op.outputs))
    params = ctx.define("ek_split_params_t", "unpack",
                        {"outer": outer, "inner": inner, "num_outputs": len(op.outputs), "sizes": sizes})
    dims = ", ".join(f"&{ctx.dims(t)}" for t in op.outputs)
    datas = ", ".join(ctx.data(t, "int8_t") for t in op.outputs)
    call = (
        f"ek_split_s8(&ek_ctx, &{params}, &{ctx.dims(x)}, {ctx.data(x, 'const int8_t')}, "
        f"(const ek_dims_t *const[]){{{dims}}}, (int8_t *const[]){{{datas}}})"
    )
    return OpEmission(call=call, comment=f"UNPACK into {len(op.outputs)} outputs along axis {axis}")


def _int8_all(model: Model, op: Operator) -> str | None:
    for t in (*op.inputs[:1], *op.outputs):
        if model.tensor(t).dtype != "int8":
            return f"has a {model.tensor(t).dtype} tensor {t} '{model.tensor(t).name}'; its kernel needs int8 input and outputs"
    return None


def _shapes(model: Model, op: Operator) -> str | None:
    shape = list(model.tensor(op.inputs[0]).shape)
    raw = int(opt(op, "axis", 0))
    if not -len(shape) <= raw < len(shape):
        return f"has axis {raw} for a rank-{len(shape)} input"
    axis = raw + len(shape) if raw < 0 else raw
    num = int(opt(op, "num", len(op.outputs)))
    if num != len(op.outputs) or num != shape[axis]:
        return f"has num {num} and {len(op.outputs)} outputs for an axis of size {shape[axis]}; all three must agree"
    want = shape[:axis] + shape[axis + 1 :]
    for t in op.outputs:
        if list(model.tensor(t).shape) != want:
            return f"has output tensor {t} of shape {list(model.tensor(t).shape)}, not {want}"
    return None


OP_RULES["UNPACK"] = (
    Rule("int8 input and outputs", _int8_all),
    Rule("one output per slice along the axis, the axis dropped", _shapes),
)
SUMMARY["UNPACK"] = "any axis (negative allowed); a byte copy into every output (no requantization, as TFLM)"
