/* edgekit runtime: int8 REDUCE_MAX / REDUCE_MIN (TFLM reference_ops::ReduceGeneric, no requantization). */
#include "ek_reduce_s8.h"

ek_status_t ek_reduce_s8(const ek_context_t *ctx, const ek_reduce_params_t *params, const ek_dims_t *input_dims,
                         const int8_t *input, const ek_dims_t *output_dims, int8_t *output)
{
    int32_t out_stride[EK_REDUCE_MAX_RANK];
    int32_t idx[EK_REDUCE_MAX_RANK] = {0, 0, 0, 0, 0, 0};
    int32_t d, i, total = 1, outputs = 1, off = 0;
    const int8_t init = params->is_max ? (int8_t)-128 : (int8_t)127;
    (void)ctx;
    if (params->rank < 1 || params->rank > EK_REDUCE_MAX_RANK) {
        return EK_ERR_ARGUMENT;
    }
    /* Output strides of the kept dimensions (row-major over the kept ones); 0 for reduced dimensions. */
    for (d = params->rank - 1; d >= 0; --d) {
        if (params->shape[d] < 1) {
            return EK_ERR_ARGUMENT;
        }
        total *= params->shape[d];
        if (params->reduced[d]) {
            out_stride[d] = 0;
        } else {
            out_stride[d] = outputs;
            outputs *= params->shape[d];
        }
    }
    if (total != ek_dims_count(input_dims) || outputs != ek_dims_count(output_dims)) {
        return EK_ERR_ARGUMENT;
    }
    for (i = 0; i < outputs; ++i) {
        output[i] = init;
    }
    /* Every input element in memory order; `off` follows its output position (an odometer over all dims). */
    for (i = 0; i < total; ++i) {
        const int8_t v = input[i];
        if (params->is_max ? (v > output[off]) : (v < output[off])) {
            output[off] = v;
        }
        d = params->rank - 1;
        while (d >= 0) {
            idx[d] += 1;
            off += out_stride[d];
            if (idx[d] < params->shape[d]) {
                break;
            }
            off -= out_stride[d] * params->shape[d];
            idx[d] = 0;
            --d;
        }
    }
    return EK_OK;
}
