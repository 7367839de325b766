"""HARD_SWISH -> ek_table_s8: TFLM's HardSwishPrepare (float32 scale ratios, int16 multipliers) offline.

The op is a pure function of the int8 code, so by default the generator runs TFLM's int16 fixed-point
reference (ported below, ``hard_swish_code``) on all 256 codes and emits a 256-byte table. ``USE_TABLE = False``
emits the C fixed-point kernel ``ek_hard_swish_s8`` instead; the tests run both against TFLite Micro.
"""

from __future__ import annotations

import numpy as np
from edgekit.converters.c_codegen.quant import quantize_multiplier
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register
from edgekit.converters.c_codegen.support import OP_RULES, SUMMARY, Rule, _int8
from edgekit.converters.c_codegen.table import RUNTIME as TABLE_RUNTIME
from edgekit.converters.c_codegen.table import emit_table, unary_io, unary_qparams

from edgekit.ir import Model, Operator

INT32_MAX = 2**31 - 1
USE_TABLE = True  # False: the fixed-point reference kernel (same bytes, slower, no table in flash)


def _wrap16(x: int) -> int:
    return ((x + 2**15) % 2**16) - 2**15


def _trunc_div(n: int, d: int) -> int:
    q = abs(n) // d
    return q if n >= 0 else -q


def _srdhm16(a: int, b: int) -> int:
    if a == b == -(2**15):
        return 2**15 - 1
    ab = a * b
    return _wrap16(_trunc_div(ab + ((1 << 14) if ab >= 0 else 1 - (1 << 14)), 1 << 15))


def _sdhm16(a: int, b: int) -> int:
    """TFLM SaturatingDoublingHighMul: truncating."""
    if a == b == -(2**15):
        return 2**15 - 1
    return _wrap16(_trunc_div(a * b, 1 << 15))


def _rdbpot16(x: int, exponent: int) -> int:
    mask = (1 << exponent) - 1
    threshold = (mask >> 1) + (1 if x < 0 else 0)
    return _wrap16((x >> exponent) + (1 if (x & mask) > threshold else 0))


def _sat_left_shift16(x: int, amount: int) -> int:
    return max(-(2**15), min(2**15 - 1, x * (1 << amount)))


def hard_swish_code(q: int, p: dict[str, int]) -> int:
    """TFLM reference_ops::HardSwish<int8_t> for one input code (mirrors ek_hard_swish_s8.c line by line)."""
    hires = (q - p["input_zero_point"]) * 128
    preshift = _srdhm16(hires, p["output_multiplier_int16"])
    relu_exp = p["reluish_multiplier_exponent"]
    reluish = hires
    if relu_exp > 0:
        reluish = _sat_left_shift16(reluish, relu_exp - 1)
    reluish = _srdhm16(reluish, p["reluish_multiplier_int16"])
    if relu_exp > 0:
        reluish = _sat_left_shift16(reluish, 1)
    if relu_exp < 0:
        reluish = _rdbpot16(reluish, -relu_exp)
    reluish = _wrap16((reluish + (1 << 15)) >> 1)
    out = _rdbpot16(_sdhm16(reluish, preshift), -p["output_multiplier_exponent"])
    out = _wrap16(out + p["output_zero_point"])
    return max(-128, min(127, out))


def downscale_to_int16(m: int) -> int:
    """TFLM ``DownScaleInt32ToInt16Multiplier``: round the Q31 multiplier to Q15, saturating."""
    rounding = 1 << 15
    if m >= INT32_MAX - rounding:
        return 32767
    return (m + rounding) >> 16


def hard_swish_params(s_in: float, zp_in: int, s_out: float, zp_out: int) -> dict[str, int]:
    f = np.float32
    hires_input_scale = f(1.0 / 128.0) * f(s_in)  # float32, as TFLM's Prepare
    reluish_scale = f(3.0) / f(32768.0)
    out_m, out_e = quantize_multiplier(float(f(hires_input_scale / f(s_out))))
    if out_e > 0:
        raise ValueError("the output multiplier exponent is > 0, which TFLM's HARD_SWISH refuses")
    relu_m, relu_e = quantize_multiplier(float(f(hires_input_scale / reluish_scale)))
    if relu_e < -15 or relu_e > 31 or out_e < -15:
        raise ValueError("the input/output scale ratio is outside the int16 fixed-point range TFLM uses")
    return {
        "input_zero_point": int(zp_in),
        "output_zero_point": int(zp_out),
        "output_multiplier_int16": downscale_to_int16(out_m),
        "output_multiplier_exponent": out_e,
        "reluish_multiplier_int16": downscale_to_int16(relu_m),
        "reluish_multiplier_exponent": relu_e,
    }


@register("HARD_SWISH", runtime=("ek_hard_swish_s8.c", "ek_hard_swish_s8.h", *TABLE_RUNTIME))
def emit(ctx: EmitContext, op: Operator) -> OpEmission:
    p = hard_swish_params(*unary_qparams(ctx.model, op))
    if USE_TABLE:
        return emit_table(ctx, op, [hard_swish_code(q, p) for q in range(-128, 128)])
    params = ctx.define("ek_hard_swish_params_t", "hswish", p)
    return OpEmission(call=f"ek_hard_swish_s8(&ek_ctx, &{params}, {unary_io(ctx, op)})", comment="fixed point")


def _scales(model: Model, op: Operator) -> str | None:
    scales = unary_qparams(model, op)  # outside the try: an unquantized tensor is not this rule's ValueError
    try:
        hard_swish_params(*scales)
    except ValueError as e:
        return f"cannot be computed: {e}"
    return None


OP_RULES["HARD_SWISH"] = (_int8(("input", 0), ("output", 0)), Rule("input/output scales TFLM accepts", _scales))
SUMMARY["HARD_SWISH"] = "TFLM's int16 fixed-point reference, every int8 code bit-exact"
