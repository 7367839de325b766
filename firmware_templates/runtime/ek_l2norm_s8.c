/* edgekit runtime: int8 L2_NORMALIZATION (TFLM reference_integer_ops::L2Normalization). */
#include "ek_l2norm_s8.h"

#include "ek_fixedpoint.h"

#define EK_L2NORM_MAX_DEPTH 33025 /* (2^31 - 1) / 255^2 */

/*
 * TFLM GetInvSqrtQuantizedMultiplierExp(x, kReverseShift): 1/sqrt(x) ~= *multiplier * 2^(*shift - 31), *shift <= 0.
 * x is normalised into [2^27, 2^29) by pairs of bits, then 5 Newton-Raphson steps x <- 1.5 x - (a/2) x^3 run in
 * Q3.28 from x = 1; x <= 1 (an all-zero row included) gives "1.0" as in TFLM.
 */
static void ek_l2norm_inv_sqrt(int32_t x, int32_t *multiplier, int32_t *shift)
{
    const int32_t half_three = ((int32_t)1 << 28) + ((int32_t)1 << 27);
    int32_t right_shift = 11, pairs, half_input, v = (int32_t)1 << 28, i, bits = 0;
    uint32_t u;
    if (x <= 1) {
        *multiplier = INT32_MAX;
        *shift = 0;
        return;
    }
    while (x >= ((int32_t)1 << 29)) {
        x /= 4;
        ++right_shift;
    }
    for (u = (uint32_t)x; u != 0u; u >>= 1) {
        ++bits;
    }
    pairs = (32 - bits - 1) / 2 - 1; /* leading zeros minus the sign bit, in pairs, minus one pair */
    right_shift -= pairs;
    x = (int32_t)((uint32_t)x << (2 * pairs));
    half_input = ek_rdbpot(x >> 1, 1);
    for (i = 0; i < 5; ++i) {
        const int32_t v3 = ek_fp_srmpot(ek_srdhm(ek_srdhm(v, v), v), 6);
        v = ek_fp_srmpot(ek_fp_sub(ek_srdhm(half_three, v), ek_srdhm(half_input, v3)), 3);
    }
    v = ek_srdhm(v, 1518500250); /* sqrt(2) / 2 */
    if (right_shift < 0) {
        v = (int32_t)((uint32_t)v << (-right_shift));
        right_shift = 0;
    }
    *multiplier = v;
    *shift = -right_shift;
}

ek_status_t ek_l2norm_s8(const ek_context_t *ctx, const ek_l2norm_params_t *params, const ek_dims_t *input_dims,
                         const int8_t *input, const ek_dims_t *output_dims, int8_t *output)
{
    const int32_t depth = input_dims->c;
    const int32_t rows = input_dims->n * input_dims->h * input_dims->w;
    const int32_t zp = params->input_zero_point;
    int32_t r;
    (void)ctx;
    if (depth <= 0 || depth > EK_L2NORM_MAX_DEPTH || rows <= 0 || output_dims->c != depth ||
        output_dims->n * output_dims->h * output_dims->w != rows || zp < -128 || zp > 127) {
        return EK_ERR_ARGUMENT;
    }
    for (r = 0; r < rows; ++r) {
        const int8_t *x = input + (size_t)r * (size_t)depth;
        int8_t *y = output + (size_t)r * (size_t)depth;
        int32_t acc = 0, multiplier, shift, c;
        for (c = 0; c < depth; ++c) {
            const int32_t v = (int32_t)x[c] - zp;
            acc += v * v;
        }
        ek_l2norm_inv_sqrt(acc, &multiplier, &shift);
        for (c = 0; c < depth; ++c) {
            y[c] = (int8_t)ek_clamp(ek_mbqm((int32_t)x[c] - zp, multiplier, shift + 7), -128, 127);
        }
    }
    return EK_OK;
}
