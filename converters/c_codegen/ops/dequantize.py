"""DEQUANTIZE -> ek_dequantize_s8_f32 (int8 -> float32, ARITHMETIC.md 3.12) or ek_dequantize_u8_f32 (uint8).

TFLM's DEQUANTIZE also takes uint8 (the pinned wheel runs it: f32(f64(s) * (q - zp)), zero point 0..255) and
int16; int16 activations are refused by the general int16 rule, like every op of a 16x8 model."""

from __future__ import annotations

from edgekit.converters.c_codegen.quant import f32, qparams
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register
from edgekit.converters.c_codegen.support import OP_RULES, SUMMARY, Rule

from edgekit.ir import Model, Operator


@register("DEQUANTIZE", runtime=("ek_dequantize_s8.c", "ek_dequantize_s8.h"))
def emit(ctx: EmitContext, op: Operator) -> OpEmission:
    x, y = op.inputs[0], op.outputs[0]
    s_in, zp_in = qparams(ctx.model, x)
    params = ctx.define(
        "ek_dequantize_params_t", "dequantize", {"input_scale": f32(s_in[0]), "input_zero_point": int(zp_in[0])}
    )
    src = "u8" if ctx.model.tensor(x).dtype == "uint8" else "s8"
    ctype = "const uint8_t" if src == "u8" else "const int8_t"
    call = (
        f"ek_dequantize_{src}_f32(&ek_ctx, &{params}, &{ctx.dims(x)}, {ctx.data(x, ctype)}, "
        f"&{ctx.dims(y)}, {ctx.data(y, 'float')})"
    )
    return OpEmission(call=call, comment=f"{'uint8' if src == 'u8' else 'int8'} -> float32")


def _types(model: Model, op: Operator) -> str | None:
    src, dst = model.tensor(op.inputs[0]), model.tensor(op.outputs[0])
    if src.dtype not in ("int8", "uint8") or dst.dtype != "float32":
        return f"converts {src.dtype} to {dst.dtype}; edgekit's DEQUANTIZE handles int8 or uint8 -> float32"
    if src.quant is None or src.quant.per_channel:
        return "has an input without a single scale; per-tensor quantization is needed"
    return None


OP_RULES["DEQUANTIZE"] = (Rule("int8 or uint8 -> float32, per-tensor", _types),)
SUMMARY["DEQUANTIZE"] = "int8 or uint8 -> float32, bit-exact with TFLM's double product"
