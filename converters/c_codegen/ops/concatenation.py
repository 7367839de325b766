"""CONCATENATION -> ek_concatenation_s8 (ARITHMETIC.md 3.15): a byte copy along any axis."""

from __future__ import annotations

from edgekit.converters.c_codegen.quant import opt
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register
from edgekit.converters.c_codegen.shapes import around_axis
from edgekit.converters.c_codegen.support import OP_RULES, SUMMARY, Rule

from edgekit.ir import Model, Operator


def concat_geometry(model: Model, op: Operator) -> tuple[int, list[int]]:
    """(outer, bytes each input contributes per outer index) for the op's axis (negative allowed)."""
    axis, outer, _ = around_axis(model.tensor(op.outputs[0]).shape, int(opt(op, "axis", 0)))
    chunks = []
    for t in op.inputs:
        tensor = model.tensor(t)
        inner = 1
        for d in tensor.shape[axis:]:
            inner *= d
        chunks.append(inner * tensor.itemsize)
    return outer, chunks


@register("CONCATENATION", runtime=("ek_concatenation_s8.c", "ek_concatenation_s8.h"))
def emit(ctx: EmitContext, op: Operator) -> OpEmission:
    y = op.outputs[0]
    outer, chunks = concat_geometry(ctx.model, op)
    chunk_arr = ctx.array("int32_t", "chunks", chunks)
    params = ctx.define(
        "ek_concatenation_params_t",
        "concat",
        {"outer": outer, "num_inputs": len(op.inputs), "chunk_bytes": chunk_arr},
    )
    dims = ", ".join(f"&{ctx.dims(t)}" for t in op.inputs)
    datas = ", ".join(ctx.data(t, "const int8_t") for t in op.inputs)
    # C99 compound literals: the pointer lists live with the call, so arena offsets need not be constants.
    call = (
        f"ek_concatenation_s8(&ek_ctx, &{params}, (const ek_dims_t *const[]){{{dims}}}, "
        f"(const int8_t *const[]){{{datas}}}, &{ctx.dims(y)}, {ctx.data(y, 'int8_t')})"
    )
    return OpEmission(call=call, comment=f"axis {opt(op, 'axis', 0)}, {len(op.inputs)} inputs")


def _same_quant(model: Model, op: Operator) -> str | None:
    # TFLM's Prepare ENSUREs these (ARITHMETIC.md 3.15): a pure byte copy.
    out = model.tensor(op.outputs[0])
    if out.dtype != "int8" or out.quant is None:
        return f"has a {out.dtype} output; edgekit's CONCATENATION is int8 only"
    for t in op.inputs:
        x = model.tensor(t)
        if x.dtype != "int8" or x.quant is None:
            return f"has a {x.dtype} input (tensor {t}); edgekit's CONCATENATION is int8 only"
        if tuple(x.quant.scale) != tuple(out.quant.scale) or tuple(x.quant.zero_point) != tuple(out.quant.zero_point):
            return f"has input tensor {t} '{x.name}' quantized differently from the output; TFLite Micro needs them equal"
    if (opt(op, "fused_activation_function") or "NONE") != "NONE":
        return "has a fused activation; TFLite Micro's int8 CONCATENATION allows none"
    return None


OP_RULES["CONCATENATION"] = (Rule("int8 inputs quantized exactly as the output; no fused activation", _same_quant),)
SUMMARY["CONCATENATION"] = "any axis (negative allowed), any number of inputs; a byte copy"
