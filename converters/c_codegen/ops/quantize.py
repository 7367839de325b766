"""QUANTIZE -> ek_quantize_f32_s8 (float32 -> int8) or int8 -> int8 requantization, ARITHMETIC.md 3.11.

int8 -> int8 is a pure function of the code: by default a 256-byte table built here with the exact rule A
arithmetic (``ek_requantize_table_s8``); ``USE_TABLE = False`` emits the arithmetic kernel ``ek_requantize_s8``.
"""

from __future__ import annotations

from edgekit.converters.c_codegen import fixedpoint as fp
from edgekit.converters.c_codegen.quant import f32, qparams, quantize_multiplier
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register
from edgekit.converters.c_codegen.support import OP_RULES, SUMMARY, Rule

from edgekit.ir import Model, Operator

USE_TABLE = True  # False: the arithmetic kernel (same bytes, slower, no table in flash)


def requantize_params(s_in: float, zp_in: int, s_out: float, zp_out: int) -> dict[str, object]:
    m, e = quantize_multiplier(float(s_in) / float(s_out))
    return {
        "input_zero_point": int(zp_in),
        "output_zero_point": int(zp_out),
        "quant": {"multiplier": m, "shift": e},
    }


def requantize_table(p: dict[str, object]) -> list[int]:
    """ek_requantize_s8's output for every code -128..127."""
    q = p["quant"]
    assert isinstance(q, dict)
    zi, zo = int(p["input_zero_point"]), int(p["output_zero_point"])  # type: ignore[call-overload]
    return [max(-128, min(127, fp.mbqm(c - zi, q["multiplier"], q["shift"]) + zo)) for c in range(-128, 128)]


@register("QUANTIZE", runtime=("ek_quantize_s8.c", "ek_quantize_s8.h"))
def emit(ctx: EmitContext, op: Operator) -> OpEmission:
    x, y = op.inputs[0], op.outputs[0]
    model = ctx.model
    s_out, zp_out = qparams(model, y)
    out = f"&{ctx.dims(y)}, {ctx.data(y, 'int8_t')}"
    if model.tensor(x).dtype == "float32":
        params = ctx.define(
            "ek_quantize_params_t", "quantize", {"output_scale": f32(s_out[0]), "output_zero_point": int(zp_out[0])}
        )
        call = f"ek_quantize_f32_s8(&ek_ctx, &{params}, &{ctx.dims(x)}, {ctx.data(x, 'const float')}, {out})"
        return OpEmission(call=call, comment="float32 -> int8")
    s_in, zp_in = qparams(model, x)
    p = requantize_params(s_in[0], zp_in[0], s_out[0], zp_out[0])
    io = f"&{ctx.dims(x)}, {ctx.data(x, 'const int8_t')}, {out}"
    if USE_TABLE:
        table = ctx.array("int8_t", "table", requantize_table(p))
        return OpEmission(call=f"ek_requantize_table_s8(&ek_ctx, {table}, {io})", comment="int8 -> int8, table")
    params = ctx.define("ek_requantize_params_t", "requantize", p)
    return OpEmission(call=f"ek_requantize_s8(&ek_ctx, &{params}, {io})", comment="int8 -> int8")


def _types(model: Model, op: Operator) -> str | None:
    src, dst = model.tensor(op.inputs[0]), model.tensor(op.outputs[0])
    if src.dtype not in ("float32", "int8") or dst.dtype != "int8":
        return f"converts {src.dtype} to {dst.dtype}; edgekit's QUANTIZE handles float32 -> int8 and int8 -> int8"
    for t in (src, dst):
        if t.dtype == "int8" and (t.quant is None or t.quant.per_channel):
            return f"has tensor {t.index} '{t.name}' without a single scale; per-tensor quantization is needed"
    return None


OP_RULES["QUANTIZE"] = (Rule("float32 -> int8 or int8 -> int8, per-tensor", _types),)
SUMMARY["QUANTIZE"] = ("float32 -> int8 (float32 division, roundf; NaN/inf as TFLM on x86) and int8 -> int8 "
                       "requantization")
