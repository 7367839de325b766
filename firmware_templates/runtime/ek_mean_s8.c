/* edgekit runtime: int8 MEAN (TFLM reference_ops::QuantizedMeanOrSum, compute_sum = false). */
#include "ek_mean_s8.h"

/*
 * One step of an odometer over a subset of the dimensions (dims[0..n), outermost first): the innermost moves by
 * one, carrying outwards, and `off` follows with the dimensions' strides (rewinding a dimension when it wraps).
 */
static inline void ek_mean_step(const int32_t *dims, int32_t n, const int32_t *shape, const int32_t *stride,
                                int32_t *idx, int32_t *off)
{
    int32_t k = n - 1;
    while (k >= 0) {
        const int32_t dd = dims[k];
        idx[k] += 1;
        *off += stride[dd];
        if (idx[k] < shape[dd]) {
            break;
        }
        *off -= stride[dd] * shape[dd];
        idx[k] = 0;
        --k;
    }
}

ek_status_t ek_mean_s8(const ek_context_t *ctx, const ek_mean_params_t *params, const ek_quant_t *quant,
                       const ek_dims_t *input_dims, const int8_t *input, const ek_dims_t *output_dims,
                       int8_t *output)
{
    int32_t stride[EK_MEAN_MAX_RANK];
    int32_t kept[EK_MEAN_MAX_RANK], red[EK_MEAN_MAX_RANK];
    int32_t nk = 0, nr = 0, d, total = 1, outputs = 1, n_check = 1;
    int32_t kidx[EK_MEAN_MAX_RANK] = {0, 0, 0, 0, 0, 0};
    int32_t base = 0, o;
    (void)ctx;
    if (params->rank < 1 || params->rank > EK_MEAN_MAX_RANK) {
        return EK_ERR_ARGUMENT;
    }
    for (d = params->rank - 1; d >= 0; --d) {
        if (params->shape[d] < 1) {
            return EK_ERR_ARGUMENT;
        }
        stride[d] = total;
        total *= params->shape[d];
    }
    for (d = 0; d < params->rank; ++d) {
        if (params->reduced[d]) {
            red[nr++] = d;
            n_check *= params->shape[d];
        } else {
            kept[nk++] = d;
            outputs *= params->shape[d];
        }
    }
    if (total != ek_dims_count(input_dims) || outputs != ek_dims_count(output_dims) || n_check != params->num_reduced) {
        return EK_ERR_ARGUMENT;
    }
    /* Outputs in row-major order of the kept dimensions; each sums its reduced sub-block. */
    for (o = 0; o < outputs; ++o) {
        int32_t ridx[EK_MEAN_MAX_RANK] = {0, 0, 0, 0, 0, 0};
        int32_t off = base, j, sum = 0;
        if (nr == 1) {
            /* One reduced dimension (the usual case once the generator has merged neighbours): a strided sum. */
            const int32_t step = stride[red[0]];
            for (j = 0; j < params->num_reduced; ++j) {
                sum += input[off];
                off += step;
            }
        } else {
            for (j = 0; j < params->num_reduced; ++j) {
                sum += input[off];
                ek_mean_step(red, nr, params->shape, stride, ridx, &off);
            }
        }
        {
            /* The zero point is removed once per output, with int32 wrap as in TFLM. */
            const int32_t shifted = (int32_t)((uint32_t)sum - (uint32_t)params->input_zero_point *
                                                                  (uint32_t)params->num_reduced);
            output[o] = ek_sat_s8(ek_mbqm(shifted, quant->multiplier, quant->shift) + params->output_zero_point);
        }
        ek_mean_step(kept, nk, params->shape, stride, kidx, &base);
    }
    return EK_OK;
}
