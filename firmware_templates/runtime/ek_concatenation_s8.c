/* edgekit runtime: CONCATENATION (TFLM reference_ops::Concatenation). */
#include "ek_concatenation_s8.h"

#include <string.h>

static int32_t ek_count(const ek_dims_t *d)
{
    return d->n * d->h * d->w * d->c;
}

ek_status_t ek_concatenation_s8(const ek_context_t *ctx, const ek_concatenation_params_t *params,
                                const ek_dims_t *const *input_dims, const int8_t *const *inputs,
                                const ek_dims_t *output_dims, int8_t *output)
{
    int32_t total = 0, i, o;
    int8_t *dst = output;
    (void)ctx;
    if (params->outer < 1 || params->num_inputs < 1) {
        return EK_ERR_ARGUMENT;
    }
    for (i = 0; i < params->num_inputs; ++i) {
        if (params->chunk_bytes[i] < 0 || ek_count(input_dims[i]) != params->outer * params->chunk_bytes[i]) {
            return EK_ERR_ARGUMENT;
        }
        total += params->chunk_bytes[i];
    }
    if (ek_count(output_dims) != params->outer * total) {
        return EK_ERR_ARGUMENT;
    }
    for (o = 0; o < params->outer; ++o) {
        for (i = 0; i < params->num_inputs; ++i) {
            const int32_t n = params->chunk_bytes[i];
            memcpy(dst, inputs[i] + (size_t)o * (size_t)n, (size_t)n);
            dst += n;
        }
    }
    return EK_OK;
}
