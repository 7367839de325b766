/* edgekit runtime: int8 MEAN (TFLM reference_ops::QuantizedMeanOrSum, compute_sum = false). */
#include "ek_mean_s8.h"

static int32_t ek_count(const ek_dims_t *d)
{
    return d->n * d->h * d->w * d->c;
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
    if (total != ek_count(input_dims) || outputs != ek_count(output_dims) || n_check != params->num_reduced) {
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
                int32_t k = nr - 1;
                sum += input[off];
                while (k >= 0) {
                    const int32_t dd = red[k];
                    ridx[k] += 1;
                    off += stride[dd];
                    if (ridx[k] < params->shape[dd]) {
                        break;
                    }
                    off -= stride[dd] * params->shape[dd];
                    ridx[k] = 0;
                    --k;
                }
            }
        }
        {
            /* The zero point is removed once per output, with int32 wrap as in TFLM. */
            const int32_t shifted = (int32_t)((uint32_t)sum - (uint32_t)params->input_zero_point *
                                                                  (uint32_t)params->num_reduced);
            output[o] = ek_sat_s8(ek_mbqm(shifted, quant->multiplier, quant->shift) + params->output_zero_point);
        }
        {
            int32_t k = nk - 1;
            while (k >= 0) {
                const int32_t dd = kept[k];
                kidx[k] += 1;
                base += stride[dd];
                if (kidx[k] < params->shape[dd]) {
                    break;
                }
                base -= stride[dd] * params->shape[dd];
                kidx[k] = 0;
                --k;
            }
        }
    }
    return EK_OK;
}
