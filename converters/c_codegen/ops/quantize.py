"""QUANTIZE -> ek_quantize_f32_s8 (float32 -> int8) or requantization, ARITHMETIC.md 3.11.

int8 -> int8 is a pure function of the code: by default a 256-byte table built here with the exact rule A
arithmetic (``ek_table_s8``); ``USE_TABLE = False`` emits the arithmetic kernel ``ek_requantize_s8``.
The uint8 <-> int8 edges of models converted with uint8 I/O (TFLM's mixed-type Requantize) always use the
table: it is indexed by the raw byte and holds the output's raw bytes, so one kernel serves every type pair.
"""

from __future__ import annotations

from edgekit.converters.c_codegen import fixedpoint as fp
from edgekit.converters.c_codegen.quant import f32, qparams, quantize_multiplier
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register
from edgekit.converters.c_codegen.support import OP_RULES, SUMMARY, Rule
from edgekit.converters.c_codegen.table import RUNTIME as TABLE_RUNTIME
from edgekit.converters.c_codegen.table import emit_table, unary_io

from edgekit.ir import Model, Operator

USE_TABLE = True  # False: the arithmetic kernel (same bytes, slower, no table in flash)


def requantize_params(s_in: float, zp_in: int, s_out: float, zp_out: int) -> dict[str, object]:
    m, e = quantize_multiplier(float(s_in) / float(s_out))
    return {
        "input_zero_point": int(zp_in),
        "output_zero_point": int(zp_out),
        "quant": {"multiplier": m, "shift": e},
    }


TYPE_RANGE = {"int8": (-128, 127), "uint8": (0, 255)}


def requantize_table(p: dict[str, object], src: str = "int8", dst: str = "int8") -> list[int]:
    """Output byte (as int8) for every input byte, indexed like the kernel: entry b + 128 is input byte b.

    TFLM Requantize<src, dst>: clamp(MBQM(q - zp_in, M, e) + zp_out) to dst's range (the uint8 <-> int8
    same-scale fast path, an XOR with 0x80, gives the same bytes as this arithmetic)."""
    q = p["quant"]
    assert isinstance(q, dict)
    zi, zo = int(p["input_zero_point"]), int(p["output_zero_point"])  # type: ignore[call-overload]
    lo, hi = TYPE_RANGE[dst]
    table = []
    for b in range(-128, 128):
        code = b & 0xFF if src == "uint8" else b
        v = max(lo, min(hi, fp.mbqm(code - zi, q["multiplier"], q["shift"]) + zo))
        table.append(v - 256 if v > 127 else v)
    return table


@register("QUANTIZE", runtime=("ek_quantize_s8.c", "ek_quantize_s8.h", *TABLE_RUNTIME))
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
    src, dst = model.tensor(x).dtype, model.tensor(y).dtype
    if USE_TABLE or (src, dst) != ("int8", "int8"):
        return emit_table(ctx, op, requantize_table(p, src, dst), comment=f"{src} -> {dst}, table")
    params = ctx.define("ek_requantize_params_t", "requantize", p)
    return OpEmission(call=f"ek_requantize_s8(&ek_ctx, &{params}, {unary_io(ctx, op)})", comment="int8 -> int8")


SUPPORTED = {("float32", "int8"), ("int8", "int8"), ("uint8", "int8"), ("int8", "uint8")}


def _types(model: Model, op: Operator) -> str | None:
    src, dst = model.tensor(op.inputs[0]), model.tensor(op.outputs[0])
    if (src.dtype, dst.dtype) not in SUPPORTED:
        return (f"converts {src.dtype} to {dst.dtype}; edgekit's QUANTIZE handles float32 -> int8, int8 -> int8 "
                "and uint8 <-> int8")
    for t in (src, dst):
        if t.dtype in ("int8", "uint8") and (t.quant is None or not t.quant.scale or t.quant.per_channel):
            return f"has tensor {t.index} '{t.name}' without a single scale; per-tensor quantization is needed"
    return None


OP_RULES["QUANTIZE"] = (Rule("float32 -> int8, int8 -> int8 or uint8 <-> int8, per-tensor", _types),)
SUMMARY["QUANTIZE"] = ("float32 -> int8 (float32 division, roundf; NaN/inf as TFLM on x86); int8 -> int8 and "
                       "uint8 <-> int8 requantization (256-byte table)")
