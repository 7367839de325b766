"""HARD_SWISH -> ek_hard_swish_s8: TFLM's HardSwishPrepare (float32 scale ratios, int16 multipliers), offline."""

from __future__ import annotations

import numpy as np
from edgekit.converters.c_codegen.quant import qparams, quantize_multiplier
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register
from edgekit.converters.c_codegen.support import OP_RULES, SUMMARY, Rule, _int8

from edgekit.ir import Model, Operator

INT32_MAX = 2**31 - 1


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


@register("HARD_SWISH", runtime=("ek_hard_swish_s8.c", "ek_hard_swish_s8.h"))
def emit(ctx: EmitContext, op: Operator) -> OpEmission:
    x, y = op.inputs[0], op.outputs[0]
    s_in, zp_in = qparams(ctx.model, x)
    s_out, zp_out = qparams(ctx.model, y)
    params = ctx.define(
        "ek_hard_swish_params_t", "hswish", hard_swish_params(s_in[0], zp_in[0], s_out[0], zp_out[0])
    )
    call = (
        f"ek_hard_swish_s8(&ek_ctx, &{params}, &{ctx.dims(x)}, {ctx.data(x, 'const int8_t')}, "
        f"&{ctx.dims(y)}, {ctx.data(y, 'int8_t')})"
    )
    return OpEmission(call=call)


def _scales(model: Model, op: Operator) -> str | None:
    s_in, zp_in = qparams(model, op.inputs[0])
    s_out, zp_out = qparams(model, op.outputs[0])
    try:
        hard_swish_params(s_in[0], zp_in[0], s_out[0], zp_out[0])
    except ValueError as e:
        return f"cannot be computed: {e}"
    return None


OP_RULES["HARD_SWISH"] = (_int8(("input", 0), ("output", 0)), Rule("input/output scales TFLM accepts", _scales))
SUMMARY["HARD_SWISH"] = "TFLM's int16 fixed-point reference, every int8 code bit-exact"
