/* edgekit runtime: int8 HARD_SWISH (TFLM reference_ops::HardSwish, int16 gemmlowp fixed point). */
#include "ek_hard_swish_s8.h"

/* int32 -> int16 as C++'s static_cast does on every TFLM target: two's-complement wrap. */
static int32_t ek_wrap16(int32_t x)
{
    return (int32_t)((((uint32_t)x + 0x8000u) & 0xFFFFu)) - 0x8000;
}

static int32_t ek_sat16(int64_t x)
{
    return (int32_t)(x > 32767 ? 32767 : (x < -32768 ? -32768 : x));
}

/* gemmlowp SaturatingRoundingDoublingHighMul for int16. */
static int32_t ek_srdhm16(int32_t a, int32_t b)
{
    const int32_t ab = a * b;
    const int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
    if (a == -32768 && b == -32768) {
        return 32767;
    }
    return ek_wrap16((ab + nudge) / (1 << 15));
}

/* TFLM SaturatingDoublingHighMul for int16: truncating, like SQDMULH. */
static int32_t ek_sdhm16(int32_t a, int32_t b)
{
    if (a == -32768 && b == -32768) {
        return 32767;
    }
    return ek_wrap16((a * b) / (1 << 15));
}

/* gemmlowp RoundingDivideByPOT for int16: ties away from zero. */
static int32_t ek_rdbpot16(int32_t x, int32_t exponent)
{
    const int32_t mask = (int32_t)((1L << exponent) - 1);
    const int32_t remainder = x & mask;
    const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return ek_wrap16((x >> exponent) + (remainder > threshold ? 1 : 0));
}

/* TFLM SaturatingLeftShift for int16. */
static int32_t ek_sat_left_shift16(int32_t value, int32_t amount)
{
    return ek_sat16((int64_t)value * ((int64_t)1 << amount));
}

ek_status_t ek_hard_swish_s8(const ek_context_t *ctx, const ek_hard_swish_params_t *params,
                             const ek_dims_t *input_dims, const int8_t *input, const ek_dims_t *output_dims,
                             int8_t *output)
{
    const int32_t size = ek_dims_count(input_dims);
    const int32_t relu_exp = params->reluish_multiplier_exponent;
    int32_t i;
    (void)ctx;
    if (size != ek_dims_count(output_dims) ||
        params->output_multiplier_exponent > 0 || params->output_multiplier_exponent < -15 || relu_exp > 31 ||
        relu_exp < -15) {
        return EK_ERR_ARGUMENT;
    }
    for (i = 0; i < size; ++i) {
        const int32_t input_value = (int32_t)input[i] - params->input_zero_point;
        /* |x| <= 255, so x * 128 fits int16: the high bits carry the signal for the int16 fixed point. */
        const int32_t hires = input_value * 128;
        const int32_t preshift_output_scale = ek_srdhm16(hires, params->output_multiplier_int16);
        int32_t reluish = hires;
        int32_t out;
        /* Rescale to the scale where 3.0 is 32768 (saturating), as TFLM does it: shift left by all but one
         * bit, multiply, then the last bit, so any saturation happens in the last step only. */
        if (relu_exp > 0) {
            reluish = ek_sat_left_shift16(reluish, relu_exp - 1);
        }
        reluish = ek_srdhm16(reluish, params->reluish_multiplier_int16);
        if (relu_exp > 0) {
            reluish = ek_sat_left_shift16(reluish, 1);
        }
        if (relu_exp < 0) {
            reluish = ek_rdbpot16(reluish, -relu_exp);
        }
        /* [-1, 1] -> [0, 1] */
        reluish = ek_wrap16((reluish + (1 << 15)) >> 1);
        out = ek_rdbpot16(ek_sdhm16(reluish, preshift_output_scale), -params->output_multiplier_exponent);
        out = ek_wrap16(out + params->output_zero_point);
        output[i] = (int8_t)ek_clamp(out, -128, 127);
    }
    return EK_OK;
}
