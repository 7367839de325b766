"""PACK -> ek_concatenation_s8: N equal-shaped inputs stacked along a new axis (TFLM pack.cc), a byte copy.

Stacking is concatenation with every input contributing ``copy_size`` bytes (the product of the output dimensions
after the axis) per outer index, so PACK shares CONCATENATION's kernel. TFLM's PACK has no Prepare: it never
compares scales or zero points and copies bytes whatever they are, so neither does edgekit.
"""

from __future__ import annotations

from edgekit.converters.c_codegen.quant import opt
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register
from edgekit.converters.c_codegen.shapes import around_axis
from edgekit.converters.c_codegen.support import OP_RULES, SUMMARY, Rule

from edgekit.ir import Model, Operator


def geometry(model: Model, op: Operator) -> tuple[int, int, int]:
    """(axis, outer, copy_size) on the output shape, the axis made non-negative as TFLM's PackImpl does."""
    return around_axis(model.tensor(op.outputs[0]).shape, int(opt(op, "axis", 0)))


@register("PACK", runtime=("ek_concatenation_s8.c", "ek_concatenation_s8.h"))
def emit(ctx: EmitContext, op: Operator) -> OpEmission:
    y = op.outputs[0]
    axis, outer, copy = geometry(ctx.model, op)
    chunks = ctx.array("int32_t", "pack_chunks", [copy] * len(op.inputs))
    params = ctx.define("ek_concatenation_params_t", "pack",
                        {"outer": outer, "num_inputs": len(op.inputs), "chunk_bytes": chunks})
    dims = ", ".join(f"&{ctx.dims(t)}" for t in op.inputs)
    datas = ", ".join(ctx.data(t, "const int8_t") for t in op.inputs)
    call = (
        f"ek_concatenation_s8(&ek_ctx, &{params}, (const ek_dims_t *const[]){{{dims}}}, "
        f"(const int8_t *const[]){{{datas}}}, &{ctx.dims(y)}, {ctx.data(y, 'int8_t')})"
    )
    return OpEmission(call=call, comment=f"PACK of {len(op.inputs)} inputs along axis {axis}")


def _int8_all(model: Model, op: Operator) -> str | None:
    for t in (*op.inputs, *op.outputs):
        if model.tensor(t).dtype != "int8":
            return f"has a {model.tensor(t).dtype} tensor {t} '{model.tensor(t).name}'; its kernel needs int8 inputs and output"
    return None


def _shapes(model: Model, op: Operator) -> str | None:
    count = int(opt(op, "values_count", len(op.inputs)))
    if count != len(op.inputs):
        return f"has values_count {count} but {len(op.inputs)} inputs"
    shape = list(model.tensor(op.inputs[0]).shape)
    for t in op.inputs[1:]:
        if list(model.tensor(t).shape) != shape:
            return f"has inputs of different shapes ({shape} and {list(model.tensor(t).shape)})"
    out = list(model.tensor(op.outputs[0]).shape)
    raw = int(opt(op, "axis", 0))
    if not -len(out) <= raw < len(out):
        return f"has axis {raw} for a rank-{len(out)} output"
    axis = raw + len(out) if raw < 0 else raw
    want = shape[:axis] + [count] + shape[axis:]
    if out != want:
        return f"has output shape {out}, not the stacked shape {want}"
    return None


OP_RULES["PACK"] = (
    Rule("int8 inputs and output", _int8_all),
    Rule("equal input shapes stacked along one axis of the output", _shapes),
)
SUMMARY["PACK"] = "any axis (negative allowed), any number of inputs, constant inputs; a byte copy (no requantization, as TFLM)"
