"""RELU / RELU6 (standalone int8) -> ek_relu_s8 / ek_relu6_s8, as TFLM's activations.cc.

RELU requantizes from the input to the output scale; RELU6 only clamps in the input's codes. RELU is a pure
function of the code, emitted by default as a 256-byte table built with the exact rule A arithmetic
(``USE_TABLE = False``: the arithmetic kernel).
"""

from __future__ import annotations

import numpy as np
from edgekit.converters.c_codegen import fixedpoint as fp
from edgekit.converters.c_codegen.ops.quantize import requantize_params
from edgekit.converters.c_codegen.quant import qparams, round_away
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register
from edgekit.converters.c_codegen.support import OP_RULES, SUMMARY, _int8
from edgekit.converters.c_codegen.table import RUNTIME as TABLE_RUNTIME
from edgekit.converters.c_codegen.table import emit_table, unary_io, unary_qparams

from edgekit.ir import Operator

USE_TABLE = True  # False: the arithmetic kernel (same bytes, slower, no table in flash)


def relu_params(s_in: float, zp_in: int, s_out: float, zp_out: int) -> dict[str, object]:
    """The requantization of int8 QUANTIZE plus the clamp."""
    # TFLM: max(-128, zp_out + (int) roundf(0.0f / s_out)); the upper bound is +inf, so 127.
    return {**requantize_params(s_in, zp_in, s_out, zp_out), "act": {"min": max(-128, int(zp_out)), "max": 127}}


def relu_table(p: dict[str, object]) -> list[int]:
    """ek_relu_s8's output for every code -128..127."""
    q, act = p["quant"], p["act"]
    assert isinstance(q, dict) and isinstance(act, dict)
    zi, zo = int(p["input_zero_point"]), int(p["output_zero_point"])  # type: ignore[call-overload]
    return [max(act["min"], min(act["max"], zo + fp.mbqm(c - zi, q["multiplier"], q["shift"])))
            for c in range(-128, 128)]


def relu6_params(s_in: float, zp_in: int) -> dict[str, int]:
    # TFLM FloatToQuantizedType<int8_t>(6.0f, s_in, zp_in): round(6.0f / s_in) in float, + zp, saturated.
    six = round_away(float(np.float32(np.float32(6.0) / np.float32(s_in)))) + int(zp_in)
    return {"lower": int(zp_in), "upper": max(-128, min(127, six))}


@register("RELU", runtime=("ek_relu_s8.c", "ek_relu_s8.h", *TABLE_RUNTIME))
def emit_relu(ctx: EmitContext, op: Operator) -> OpEmission:
    p = relu_params(*unary_qparams(ctx.model, op))
    if USE_TABLE:
        return emit_table(ctx, op, relu_table(p))
    params = ctx.define("ek_relu_params_t", "relu", p)
    return OpEmission(call=f"ek_relu_s8(&ek_ctx, &{params}, {unary_io(ctx, op)})")


@register("RELU6", runtime=("ek_relu_s8.c", "ek_relu_s8.h"))
def emit_relu6(ctx: EmitContext, op: Operator) -> OpEmission:
    s_in, zp_in = qparams(ctx.model, op.inputs[0])
    params = ctx.define("ek_relu6_params_t", "relu6", relu6_params(s_in[0], zp_in[0]))
    return OpEmission(call=f"ek_relu6_s8(&ek_ctx, &{params}, {unary_io(ctx, op)})")


OP_RULES["RELU"] = (_int8(("input", 0), ("output", 0)),)
OP_RULES["RELU6"] = (_int8(("input", 0), ("output", 0)),)
SUMMARY["RELU"] = "standalone int8, requantizes to the output scale"
SUMMARY["RELU6"] = "standalone int8, clamps in the input's codes (TFLM does not requantize)"
