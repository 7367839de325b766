/* edgekit runtime: SPLIT / SPLIT_V (TFLM SplitImpl): per outer index, one chunk to each output in turn. */
#include "ek_split_s8.h"

#include <string.h>

ek_status_t ek_split_s8(const ek_context_t *ctx, const ek_split_params_t *params, const ek_dims_t *input_dims,
                        const int8_t *input, const ek_dims_t *const *output_dims, int8_t *const *outputs)
{
    int32_t axis_total = 0, i, k;
    const int8_t *src = input;
    (void)ctx;
    if (params->outer < 1 || params->inner < 1 || params->num_outputs < 1) {
        return EK_ERR_ARGUMENT;
    }
    for (i = 0; i < params->num_outputs; ++i) {
        if (params->sizes[i] < 1 ||
            ek_dims_count(output_dims[i]) != params->outer * params->sizes[i] * params->inner) {
            return EK_ERR_ARGUMENT;
        }
        axis_total += params->sizes[i];
    }
    if (ek_dims_count(input_dims) != params->outer * axis_total * params->inner) {
        return EK_ERR_ARGUMENT;
    }
    for (k = 0; k < params->outer; ++k) {
        for (i = 0; i < params->num_outputs; ++i) {
            const int32_t n = params->sizes[i] * params->inner;
            memcpy(outputs[i] + (size_t)k * (size_t)n, src, (size_t)n);
            src += n;
        }
    }
    return EK_OK;
}
