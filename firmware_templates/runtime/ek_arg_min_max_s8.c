/* edgekit runtime: int8 ARG_MAX / ARG_MIN (TFLM reference_ops::ArgMinMax with GreaterFn / LessFn). */
#include "ek_arg_min_max_s8.h"

ek_status_t ek_arg_min_max_s8(const ek_context_t *ctx, const ek_arg_min_max_params_t *params,
                              const ek_dims_t *input_dims, const int8_t *input, const ek_dims_t *output_dims,
                              int32_t *output)
{
    int32_t o, i, k;
    (void)ctx;
    if (params->outer < 1 || params->axis_size < 1 || params->inner < 1 ||
        params->outer * params->axis_size * params->inner != ek_dims_count(input_dims) ||
        params->outer * params->inner != ek_dims_count(output_dims)) {
        return EK_ERR_ARGUMENT;
    }
    for (o = 0; o < params->outer; ++o) {
        const int8_t *block = input + o * params->axis_size * params->inner;
        for (i = 0; i < params->inner; ++i) {
            int32_t best = block[i];
            int32_t index = 0;
            /* A strict comparison keeps the first of equal extremes, as TFLM does. */
            for (k = 1; k < params->axis_size; ++k) {
                const int32_t v = block[k * params->inner + i];
                if (params->is_max ? (v > best) : (v < best)) {
                    best = v;
                    index = k;
                }
            }
            output[o * params->inner + i] = index;
        }
    }
    return EK_OK;
}
