"""REDUCE_MAX / REDUCE_MIN (int8) -> ek_reduce_s8, as TFLM's reduce.cc (ReduceGeneric).

TFLM's int8 path ENSUREs equal input and output scale and zero point and does not requantize: the output is the
largest (smallest) raw code over the reduced axes, starting from -128 (127). The axes are resolved and the shape
collapsed exactly as for MEAN (``mean.reduced_axes`` / ``mean.collapse``).
"""

from __future__ import annotations

from edgekit.converters.c_codegen.ops.mean import MAX_RANK, _has_axes, collapse, reduced_axes
from edgekit.converters.c_codegen.quant import qparams
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register
from edgekit.converters.c_codegen.support import OP_RULES, SUMMARY, Rule, _const_input, _int8, _max_rank

from edgekit.ir import Model, Operator

RUNTIME = ("ek_reduce_s8.c", "ek_reduce_s8.h")


def reduce_params(model: Model, op: Operator) -> dict[str, object]:
    """ek_reduce_params_t for this op: the collapsed shape, its reduced flags and the direction."""
    shape = tuple(model.tensor(op.inputs[0]).shape) or (1,)
    dims, flags = collapse(shape, reduced_axes(model, op))
    pad = MAX_RANK - len(dims)
    return {"rank": len(dims), "shape": dims + [1] * pad, "reduced": flags + [0] * pad,
            "is_max": int(op.op == "REDUCE_MAX")}


def _emit(ctx: EmitContext, op: Operator) -> OpEmission:
    x, y = op.inputs[0], op.outputs[0]
    model = ctx.model
    params = ctx.define("ek_reduce_params_t", "reduce", reduce_params(model, op))
    flat = {t: ctx.define("ek_dims_t", f"dims{i}", {"n": 1, "h": 1, "w": 1, "c": model.tensor(t).num_elements})
            for i, t in enumerate((x, y))}
    call = (f"ek_reduce_s8(&ek_ctx, &{params}, &{flat[x]}, {ctx.data(x, 'const int8_t')}, "
            f"&{flat[y]}, {ctx.data(y, 'int8_t')})")
    axes = sorted(reduced_axes(model, op))
    return OpEmission(call=call, comment=f"over axes {axes} of {list(model.tensor(x).shape)}")


register("REDUCE_MAX", runtime=RUNTIME)(_emit)
register("REDUCE_MIN", runtime=RUNTIME)(_emit)


def _same_quant(model: Model, op: Operator) -> str | None:
    # TFLM's Eval ENSUREs both (the float scales compared exactly) and fails the invoke otherwise.
    s_in, zp_in = qparams(model, op.inputs[0])
    s_out, zp_out = qparams(model, op.outputs[0])
    if float(s_in[0]) != float(s_out[0]) or int(zp_in[0]) != int(zp_out[0]):
        return ("has different input and output quantization; TFLite Micro's int8 kernel requires them equal "
                "(it does not requantize)")
    return None


for _op in ("REDUCE_MAX", "REDUCE_MIN"):
    OP_RULES[_op] = (
        _int8(("input", 0), ("output", 0)),
        _const_input("axes", 1),
        _max_rank(MAX_RANK),
        Rule("at least one axis", _has_axes),
        Rule("input and output quantization equal", _same_quant),
    )
SUMMARY["REDUCE_MAX"] = "any axes (negative, duplicates), keep_dims or not; raw codes, no requantization"
SUMMARY["REDUCE_MIN"] = "any axes (negative, duplicates), keep_dims or not; raw codes, no requantization"
