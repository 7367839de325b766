"""LOG_SOFTMAX -> ek_log_softmax_s8 (TFLM log_softmax.cc, reference_ops::LogSoftmaxQuantized<int8_t>).

Prepare (offline here): ``PreprocessLogSoftmaxScalingExp(beta = 1, f64(s_in), 5)`` gives the Q5.26 input
multiplier and left shift (as softmax's ``PreprocessSoftmaxScaling``) and the reverse-scaling divisor
``QuantizeMultiplierSmallerThanOneExp(2^(31 - left_shift) / M)``; ``diff_min = -CalculateInputRadius(5, ls)``.
TFLM ENSUREs the output quantization 16/256 and zero point 127 exactly (it does not load otherwise).

Each row of the last axis: the sum of ``Rescale<12>(exp(MBQM(x - max)))`` over ``x - max >= diff_min`` in Q12,
its gemmlowp ``log_x_for_x_greater_than_or_equal_to_1<5>`` (ported below and in the kernel), then
``out = clamp(RDBPOT(MBQM(x - max) - log_sum, 22) + 127)`` where ``x - max`` exceeds an adjusted minimum, else
-128. Rows of 4096 or more could wrap the Q12 sum (undefined in TFLM's log), so they are refused.
"""

from __future__ import annotations

import numpy as np
from edgekit.converters.c_codegen import fixedpoint as fp
from edgekit.converters.c_codegen.ops.softmax import input_radius
from edgekit.converters.c_codegen.quant import qparams, quantize_multiplier
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register
from edgekit.converters.c_codegen.support import OP_RULES, SUMMARY, Rule, _int8

from edgekit.ir import Model, Operator

INPUT_INTEGER_BITS = 5
ACCUM_INTEGER_BITS = 12
OUTPUT_INTEGER_BITS = 4
MAX_DEPTH = 4095  # exp(0) is 2^19 in Q12: 4096 equal values wrap the int32 sum
OUTPUT_SCALE = 16.0 / 256.0
OUTPUT_ZERO_POINT = 127


def log_softmax_params(s_in: float) -> dict[str, int]:
    """TFLM's LOG_SOFTMAX Prepare for int8 (beta is 1)."""
    real = min(1.0 * float(s_in) * float(1 << (31 - INPUT_INTEGER_BITS)), float((1 << 31) - 1))
    if not 1.0 < real < 2.0**30:
        raise ValueError(f"input scale {float(s_in):g} outside (2^-26, 16), the range TFLM's Prepare handles")
    m, ls = quantize_multiplier(real)
    rm, rs = quantize_multiplier(float(1 << (31 - ls)) / float(m))
    return {
        "input_multiplier": m,
        "input_left_shift": ls,
        "reverse_scaling_divisor": rm,
        "reverse_scaling_right_shift": -rs,
        "diff_min": -input_radius(INPUT_INTEGER_BITS, ls),
    }


def _clz32(x: int) -> int:
    return 32 - (x & 0xFFFFFFFF).bit_length()


def _srmpot_param(x: int, exponent: int) -> int:
    """TFLM SaturatingRoundingMultiplyByPOTParam (exponent >= 0 here: a saturating left shift)."""
    return x if exponent == 0 else fp.srmpot(x, exponent)


def _sat_add(a: int, b: int) -> int:
    return max(fp.INT32_MIN, min(fp.INT32_MAX, a + b))


def log_x_q5(x: int) -> int:
    """gemmlowp-style ``log_x_for_x_greater_than_or_equal_to_1<5>`` of a Q12 value, in Q5 (TFLM common.h);
    mirrors ``ek_log_x_q5`` in ek_log_softmax_s8.c."""
    accum_bits = INPUT_INTEGER_BITS + 1  # log_x's OutputIntegerBits (5, the Q5 result) + 1 bit of headroom
    log_2, sqrt_sqrt_half, sqrt_half, one_quarter = 1488522236, 1805811301, 1518500250, 536870912
    alpha_n, alpha_d, alpha_i, alpha_f = 117049297, 127690142, 1057819769, 638450708
    shifted_quarter = fp.rdbpot(one_quarter, accum_bits)  # Rescale<6> of a Q0 value
    add, mul = (lambda a, b: fp.wrap32(a + b)), fp.srdhm
    h_a = _clz32(x)
    r_a = _srmpot_param(mul(_srmpot_param(x, h_a - 1), sqrt_half), 1)
    pow_a = _sat_add(_srmpot_param(ACCUM_INTEGER_BITS - h_a, 31 - accum_bits), shifted_quarter)
    z_b = mul(x, sqrt_half)
    h_b = _clz32(z_b) - 1
    r_b = _srmpot_param(x, h_b)
    pow_b = max(fp.INT32_MIN, min(fp.INT32_MAX, _srmpot_param(ACCUM_INTEGER_BITS - h_b, 31 - accum_bits)
                                  - shifted_quarter))
    r = min(r_a, r_b)
    z_pow_2_adj = max(pow_a, pow_b)
    p = fp.rounding_half_sum(r, sqrt_sqrt_half)
    q = fp.wrap32(r - sqrt_sqrt_half)
    q = add(q, q)
    common_sq = mul(q, q)
    num = add(mul(q, r), mul(mul(q, common_sq), alpha_n))
    denom_minus_one = add(mul(p, add(add(alpha_i, q), mul(alpha_d, common_sq))), mul(alpha_f, q))
    recip_denom = fp.one_over_one_plus_x_for_x_in_0_1(denom_minus_one)
    num_scaled = fp.rdbpot(num, accum_bits)  # Rescale<6> of a Q0 value
    return fp.srmpot(add(mul(z_pow_2_adj, log_2), mul(num_scaled, recip_denom)), 1)  # Q6 -> Q5


def log_softmax_row(row: list[int], p: dict[str, int]) -> list[int]:
    """LogSoftmaxQuantized<int8_t> for one row of codes (the C kernel's arithmetic)."""
    m, ls, dmin = p["input_multiplier"], p["input_left_shift"], p["diff_min"]
    mx = max(row)
    total = 0
    for q in row:
        if q - mx >= dmin:
            e = fp.exp_on_negative_values(fp.mbqm(q - mx, m, ls), INPUT_INTEGER_BITS)
            total = fp.wrap32(total + fp.rdbpot(e, ACCUM_INTEGER_BITS))
    log_sum = log_x_q5(total)
    adjusted = max(dmin - 1, fp.mbqm(fp.wrap32(log_sum + fp.INT32_MIN), p["reverse_scaling_divisor"],
                                     -p["reverse_scaling_right_shift"]))
    out = []
    for q in row:
        if q - mx > adjusted:
            v = fp.rdbpot(fp.wrap32(fp.mbqm(q - mx, m, ls) - log_sum),
                          31 - INPUT_INTEGER_BITS - OUTPUT_INTEGER_BITS) + 127
            out.append(max(-128, min(127, v)))
        else:
            out.append(-128)
    return out


@register("LOG_SOFTMAX", runtime=("ek_log_softmax_s8.c", "ek_log_softmax_s8.h", "ek_fixedpoint.h"))
def emit(ctx: EmitContext, op: Operator) -> OpEmission:
    x, y = op.inputs[0], op.outputs[0]
    s_in, _ = qparams(ctx.model, x)
    params = ctx.define("ek_log_softmax_params_t", "log_softmax", log_softmax_params(s_in[0]))
    call = (f"ek_log_softmax_s8(&ek_ctx, &{params}, &{ctx.dims(x)}, {ctx.data(x, 'const int8_t')}, "
            f"&{ctx.dims(y)}, {ctx.data(y, 'int8_t')})")
    depth = (ctx.model.tensor(x).shape or (1,))[-1]
    return OpEmission(call=call, comment=f"rows of {depth}")


def _output_grid(model: Model, op: Operator) -> str | None:
    s, zp = qparams(model, op.outputs[0])
    if int(zp[0]) != OUTPUT_ZERO_POINT or float(np.float32(s[0])) != OUTPUT_SCALE:
        return (f"has output scale {s[0]:g} and zero point {zp[0]}; TFLite Micro's int8 LOG_SOFTMAX needs exactly "
                "16/256 and 127")
    return None


def _input_scale(model: Model, op: Operator) -> str | None:
    s, _ = qparams(model, op.inputs[0])
    try:
        log_softmax_params(s[0])
    except ValueError as e:
        return f"has an {e}"
    return None


def _depth(model: Model, op: Operator) -> str | None:
    depth = (model.tensor(op.inputs[0]).shape or (1,))[-1]
    if depth > MAX_DEPTH:
        return f"has rows of {depth} values; from 4096 on TFLM's Q12 sum of exp values can wrap"
    return None


OP_RULES["LOG_SOFTMAX"] = (
    _int8(("input", 0), ("output", 0)),
    Rule("output scale exactly 16/256, zero point 127", _output_grid),
    Rule("input scale in (2^-26, 16)", _input_scale),
    Rule(f"rows (last axis) of at most {MAX_DEPTH} values", _depth),
)
SUMMARY["LOG_SOFTMAX"] = "last axis, gemmlowp fixed-point exp and log as TFLM"
