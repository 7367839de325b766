"""DEQUANTIZE -> ek_dequantize_s8_f32 (int8 -> float32, ARITHMETIC.md 3.12)."""

from __future__ import annotations

from edgekit.converters.c_codegen.quant import f32, qparams
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register

from edgekit.ir import Operator


@register("DEQUANTIZE", runtime=("ek_dequantize_s8.c", "ek_dequantize_s8.h"))
def emit(ctx: EmitContext, op: Operator) -> OpEmission:
    x, y = op.inputs[0], op.outputs[0]
    s_in, zp_in = qparams(ctx.model, x)
    params = ctx.define(
        "ek_dequantize_params_t", "dequantize", {"input_scale": f32(s_in[0]), "input_zero_point": int(zp_in[0])}
    )
    call = (
        f"ek_dequantize_s8_f32(&ek_ctx, &{params}, &{ctx.dims(x)}, {ctx.data(x, 'const int8_t')}, "
        f"&{ctx.dims(y)}, {ctx.data(y, 'float')})"
    )
    return OpEmission(call=call, comment="int8 -> float32")
