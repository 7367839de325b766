/* edgekit runtime: int8 SOFTMAX (TFLM reference_ops::Softmax<int8_t, int8_t>, gemmlowp fixed point). */
#include "ek_softmax_s8.h"

#include "ek_fixedpoint.h"

static int32_t ek_clz32(uint32_t x)
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

/* exp((x_j - max) * beta * s_in) in Q0, from the Q5.26 scaled difference (MultiplyByQuantizedMultiplierGreaterThanOne). */
static int32_t ek_softmax_exp(int32_t diff, const ek_softmax_params_t *params)
{
    const int32_t shifted = (int32_t)((uint32_t)diff << params->input_left_shift);
    return ek_fp_exp_on_negative_values(ek_srdhm(shifted, params->input_multiplier), 5);
}

/* Rows of `depth` values along the last dimension; both kernels refuse an empty tensor or mismatched shapes. */
static int32_t ek_softmax_rows(const ek_dims_t *input_dims, const ek_dims_t *output_dims)
{
    const int32_t depth = input_dims->c;
    const int32_t rows = input_dims->n * input_dims->h * input_dims->w;
    if (depth <= 0 || rows <= 0 || output_dims->c != depth ||
        output_dims->n * output_dims->h * output_dims->w != rows) {
        return -1;
    }
    return rows;
}

static int32_t ek_row_max(const int8_t *x, int32_t depth)
{
    int32_t max_in_row = -128, c;
    for (c = 0; c < depth; ++c) {
        max_in_row = EK_MAX(max_in_row, (int32_t)x[c]);
    }
    return max_in_row;
}

/*
 * TFLM GetReciprocal: 1 / sum (Q12.19) as a Q0.31 scale and the rounding right shift that puts scale * exp on the
 * 1/256 output grid. EK_ERR_NUMERIC where TFLM's TFLITE_CHECK aborts: the row's sum of exp values reached 512.
 */
static ek_status_t ek_softmax_reciprocal(int32_t sum_of_exps, int32_t *shifted_scale, int32_t *exponent)
{
    const int32_t headroom_plus_one = ek_clz32((uint32_t)sum_of_exps);
    const int32_t num_bits_over_unit = 12 - headroom_plus_one;
    const int32_t shifted_sum_minus_one =
        (int32_t)(((uint32_t)sum_of_exps << headroom_plus_one) - ((uint32_t)1 << 31));
    *shifted_scale = ek_fp_one_over_one_plus_x_for_x_in_0_1(shifted_sum_minus_one);
    *exponent = num_bits_over_unit + 31 - 8;
    return (*exponent < 0 || *exponent > 31) ? EK_ERR_NUMERIC : EK_OK;
}

ek_status_t ek_softmax_s8(const ek_context_t *ctx, const ek_softmax_params_t *params, const ek_dims_t *input_dims,
                          const int8_t *input, const ek_dims_t *output_dims, int8_t *output)
{
    const int32_t depth = input_dims->c;
    const int32_t rows = ek_softmax_rows(input_dims, output_dims);
    int32_t r;
    (void)ctx;
    if (rows < 0 || params->input_left_shift < 0 || params->input_left_shift > 31 || params->diff_min > 0) {
        return EK_ERR_ARGUMENT;
    }
    for (r = 0; r < rows; ++r) {
        const int8_t *x = input + (size_t)r * (size_t)depth;
        int8_t *y = output + (size_t)r * (size_t)depth;
        const int32_t max_in_row = ek_row_max(x, depth);
        int32_t sum_of_exps = 0; /* Q12.19 */
        int32_t c, shifted_scale, exponent;
        for (c = 0; c < depth; ++c) {
            const int32_t diff = (int32_t)x[c] - max_in_row;
            if (diff >= params->diff_min) {
                /* Rescale<12>: Q0 -> Q12 is a rounding right shift by 12; the sum wraps like gemmlowp's. */
                sum_of_exps = ek_fp_add(sum_of_exps, ek_rdbpot(ek_softmax_exp(diff, params), 12));
            }
        }
        if (ek_softmax_reciprocal(sum_of_exps, &shifted_scale, &exponent) != EK_OK) {
            return EK_ERR_NUMERIC;
        }
        for (c = 0; c < depth; ++c) {
            const int32_t diff = (int32_t)x[c] - max_in_row;
            if (diff >= params->diff_min) {
                const int32_t e = ek_softmax_exp(diff, params);
                const int32_t unsat = ek_rdbpot(ek_srdhm(shifted_scale, e), exponent);
                y[c] = (int8_t)ek_clamp(unsat - 128, -128, 127);
            } else {
                y[c] = -128;
            }
        }
    }
    return EK_OK;
}

ek_status_t ek_softmax_table_s8(const ek_context_t *ctx, const int32_t *exp_table, const ek_dims_t *input_dims,
                                const int8_t *input, const ek_dims_t *output_dims, int8_t *output)
{
    const int32_t depth = input_dims->c;
    const int32_t rows = ek_softmax_rows(input_dims, output_dims);
    int32_t r;
    (void)ctx;
    if (rows < 0) {
        return EK_ERR_ARGUMENT;
    }
    for (r = 0; r < rows; ++r) {
        const int8_t *x = input + (size_t)r * (size_t)depth;
        int8_t *y = output + (size_t)r * (size_t)depth;
        const int32_t max_in_row = ek_row_max(x, depth);
        int32_t sum_of_exps = 0;
        int32_t c, shifted_scale, exponent;
        for (c = 0; c < depth; ++c) {
            sum_of_exps = ek_fp_add(sum_of_exps, ek_rdbpot(exp_table[max_in_row - (int32_t)x[c]], 12));
        }
        if (ek_softmax_reciprocal(sum_of_exps, &shifted_scale, &exponent) != EK_OK) {
            return EK_ERR_NUMERIC;
        }
        for (c = 0; c < depth; ++c) {
            const int32_t e = exp_table[max_in_row - (int32_t)x[c]];
            y[c] = (int8_t)ek_clamp(ek_rdbpot(ek_srdhm(shifted_scale, e), exponent) - 128, -128, 127);
        }
    }
    return EK_OK;
}

int32_t ek_softmax_s8_buffer_size(const ek_dims_t *input_dims)
{
    (void)input_dims;
    return 0;
}
