/* edgekit runtime: int8 LOG_SOFTMAX (TFLM reference_ops::LogSoftmaxQuantized<int8_t>, gemmlowp fixed point). */
#include "ek_log_softmax_s8.h"

#include "ek_fixedpoint.h"

#define EK_LS_INPUT_BITS 5  /* the scaled difference is Q5.26 */
#define EK_LS_ACCUM_BITS 12 /* the sum of exp values is Q12.19 */
#define EK_LS_LOG_ACCUM_BITS 6 /* log_x accumulates its Q5 result with one bit of headroom */

static int32_t ek_ls_clz32(uint32_t x)
{
    int32_t n = 0;
    if (x == 0u) {
        return 32;
    }
    while ((x & 0x80000000u) == 0u) {
        x <<= 1;
        ++n;
    }
    return n;
}

static int32_t ek_ls_sat_add(int32_t a, int32_t b)
{
    const int64_t s = (int64_t)a + (int64_t)b;
    return (int32_t)(s > INT32_MAX ? INT32_MAX : (s < INT32_MIN ? INT32_MIN : s));
}

static int32_t ek_ls_sat_sub(int32_t a, int32_t b)
{
    const int64_t s = (int64_t)a - (int64_t)b;
    return (int32_t)(s > INT32_MAX ? INT32_MAX : (s < INT32_MIN ? INT32_MIN : s));
}

/*
 * TFLM log_x_for_x_greater_than_or_equal_to_1<5> of a Q12 value (common.h), Q5 result: log2 of the input's
 * power of two (the better of two headroom estimates, one premultiplied by sqrt(1/2)) times log(2), plus a
 * rational approximation of the log of the remaining Q0 mantissa. Additions wrap as gemmlowp's do.
 */
static int32_t ek_log_x_q5(int32_t x)
{
    const int32_t log_2 = 1488522236, sqrt_sqrt_half = 1805811301, sqrt_half = 1518500250;
    const int32_t alpha_n = 117049297, alpha_d = 127690142, alpha_i = 1057819769, alpha_f = 638450708;
    const int32_t shifted_quarter = ek_rdbpot(536870912, EK_LS_LOG_ACCUM_BITS); /* 1/4 in Q6 */
    const int32_t h_a = ek_ls_clz32((uint32_t)x);
    const int32_t r_a = ek_fp_srmpot(ek_srdhm(ek_fp_srmpot(x, h_a - 1), sqrt_half), 1);
    const int32_t pow_a =
        ek_ls_sat_add(ek_fp_srmpot(EK_LS_ACCUM_BITS - h_a, 31 - EK_LS_LOG_ACCUM_BITS), shifted_quarter);
    const int32_t z_b = ek_srdhm(x, sqrt_half);
    const int32_t h_b = ek_ls_clz32((uint32_t)z_b) - 1;
    const int32_t r_b = ek_fp_srmpot(x, h_b);
    const int32_t pow_b =
        ek_ls_sat_sub(ek_fp_srmpot(EK_LS_ACCUM_BITS - h_b, 31 - EK_LS_LOG_ACCUM_BITS), shifted_quarter);
    const int32_t r = EK_MIN(r_a, r_b);
    const int32_t z_pow_2_adj = EK_MAX(pow_a, pow_b);
    const int32_t p = ek_fp_rounding_half_sum(r, sqrt_sqrt_half);
    const int32_t q1 = ek_fp_sub(r, sqrt_sqrt_half);
    const int32_t q = ek_fp_add(q1, q1);
    const int32_t common_sq = ek_srdhm(q, q);
    const int32_t num = ek_fp_add(ek_srdhm(q, r), ek_srdhm(ek_srdhm(q, common_sq), alpha_n));
    const int32_t denom_minus_one = ek_fp_add(
        ek_srdhm(p, ek_fp_add(ek_fp_add(alpha_i, q), ek_srdhm(alpha_d, common_sq))), ek_srdhm(alpha_f, q));
    const int32_t recip_denom = ek_fp_one_over_one_plus_x_for_x_in_0_1(denom_minus_one);
    const int32_t num_scaled = ek_rdbpot(num, EK_LS_LOG_ACCUM_BITS);
    return ek_fp_srmpot(ek_fp_add(ek_srdhm(z_pow_2_adj, log_2), ek_srdhm(num_scaled, recip_denom)), 1);
}

ek_status_t ek_log_softmax_s8(const ek_context_t *ctx, const ek_log_softmax_params_t *params,
                              const ek_dims_t *input_dims, const int8_t *input, const ek_dims_t *output_dims,
                              int8_t *output)
{
    const int32_t depth = input_dims->c;
    const int32_t rows = input_dims->n * input_dims->h * input_dims->w;
    const int32_t m = params->input_multiplier, ls = params->input_left_shift;
    int32_t r;
    (void)ctx;
    if (depth <= 0 || depth > 4095 || rows <= 0 || output_dims->c != depth ||
        output_dims->n * output_dims->h * output_dims->w != rows || ls < 0 || ls > 31 || params->diff_min > 0 ||
        params->reverse_scaling_right_shift < 0 || params->reverse_scaling_right_shift > 31) {
        return EK_ERR_ARGUMENT;
    }
    for (r = 0; r < rows; ++r) {
        const int8_t *x = input + (size_t)r * (size_t)depth;
        int8_t *y = output + (size_t)r * (size_t)depth;
        int32_t max_in_row = -128, sum_of_exps = 0, c, log_sum, adjusted_diff_min, bound;
        for (c = 0; c < depth; ++c) {
            max_in_row = EK_MAX(max_in_row, (int32_t)x[c]);
        }
        for (c = 0; c < depth; ++c) {
            const int32_t diff = (int32_t)x[c] - max_in_row;
            if (diff >= params->diff_min) {
                const int32_t e = ek_fp_exp_on_negative_values(ek_mbqm(diff, m, ls), EK_LS_INPUT_BITS);
                sum_of_exps = ek_fp_add(sum_of_exps, ek_rdbpot(e, EK_LS_ACCUM_BITS));
            }
        }
        log_sum = ek_log_x_q5(sum_of_exps);
        /* The smallest Q5.26 value plus the log sum, scaled back to an input difference (note > below). */
        bound = ek_mbqm(ek_fp_add(log_sum, INT32_MIN), params->reverse_scaling_divisor,
                        -params->reverse_scaling_right_shift);
        adjusted_diff_min = EK_MAX(params->diff_min - 1, bound);
        for (c = 0; c < depth; ++c) {
            const int32_t diff = (int32_t)x[c] - max_in_row;
            if (diff > adjusted_diff_min) {
                const int32_t scaled = ek_fp_sub(ek_mbqm(diff, m, ls), log_sum);
                const int32_t out = ek_rdbpot(scaled, 31 - EK_LS_INPUT_BITS - 4) + 127; /* Q4 output bits */
                y[c] = (int8_t)ek_clamp(out, -128, 127);
            } else {
                y[c] = -128;
            }
        }
    }
    return EK_OK;
}
