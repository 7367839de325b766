/* edgekit runtime: GATHER (TFLM gather.cc): one inner-sized chunk per (batch, outer, index). */
#include "ek_gather_s8.h"

#include <string.h>

ek_status_t ek_gather_s8(const ek_context_t *ctx, const ek_gather_params_t *params, const ek_dims_t *input_dims,
                         const int8_t *input, const ek_dims_t *indices_dims, const int32_t *indices,
                         const ek_dims_t *output_dims, int8_t *output)
{
    const ek_gather_params_t *p = params;
    int32_t b, o, k, n_indices;
    (void)ctx;
    if (p->batch < 1 || p->outer < 1 || p->axis_size < 1 || p->coords < 1 || p->inner < 1) {
        return EK_ERR_ARGUMENT;
    }
    n_indices = p->batch * p->coords;
    if (ek_dims_count(input_dims) != p->batch * p->outer * p->axis_size * p->inner ||
        ek_dims_count(indices_dims) != n_indices ||
        ek_dims_count(output_dims) != p->batch * p->outer * p->coords * p->inner) {
        return EK_ERR_ARGUMENT;
    }
    /* Indices may be a graph input: check them all first, so a bad one leaves the output untouched. */
    for (k = 0; k < n_indices; ++k) {
        if (indices[k] < 0 || indices[k] >= p->axis_size) {
            return EK_ERR_ARGUMENT;
        }
    }
    for (b = 0; b < p->batch; ++b) {
        for (o = 0; o < p->outer; ++o) {
            const int8_t *src = input + ((size_t)b * (size_t)p->outer + (size_t)o) * (size_t)p->axis_size *
                                            (size_t)p->inner;
            int8_t *dst = output + ((size_t)b * (size_t)p->outer + (size_t)o) * (size_t)p->coords *
                                       (size_t)p->inner;
            const int32_t *idx = indices + (size_t)b * (size_t)p->coords;
            for (k = 0; k < p->coords; ++k) {
                memcpy(dst + (size_t)k * (size_t)p->inner, src + (size_t)idx[k] * (size_t)p->inner,
                       (size_t)p->inner);
            }
        }
    }
    return EK_OK;
}
