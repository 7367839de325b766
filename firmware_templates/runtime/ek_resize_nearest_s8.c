/* edgekit runtime: RESIZE_NEAREST_NEIGHBOR (TFLM reference_ops::ResizeNearestNeighbor) with offline index tables. */
#include "ek_resize_nearest_s8.h"

#include <string.h>

ek_status_t ek_resize_nearest_s8(const ek_context_t *ctx, const ek_resize_nearest_params_t *params,
                                 const ek_dims_t *input_dims, const int8_t *input, const ek_dims_t *output_dims,
                                 int8_t *output)
{
    const int32_t depth = input_dims->c;
    const int32_t row = input_dims->w * depth;
    const int32_t image = input_dims->h * row;
    int32_t b, y, x;
    int8_t *dst = output;
    (void)ctx;
    if (input_dims->n != output_dims->n || depth != output_dims->c || ek_dims_count(input_dims) < 1 ||
        ek_dims_count(output_dims) < 1) {
        return EK_ERR_ARGUMENT;
    }
    for (y = 0; y < output_dims->h; ++y) {
        if (params->source_y[y] < 0 || params->source_y[y] >= input_dims->h) {
            return EK_ERR_ARGUMENT;
        }
    }
    for (x = 0; x < output_dims->w; ++x) {
        if (params->source_x[x] < 0 || params->source_x[x] >= input_dims->w) {
            return EK_ERR_ARGUMENT;
        }
    }
    for (b = 0; b < output_dims->n; ++b) {
        const int8_t *src_image = input + (size_t)b * (size_t)image;
        for (y = 0; y < output_dims->h; ++y) {
            const int8_t *src_row = src_image + params->source_y[y] * row;
            for (x = 0; x < output_dims->w; ++x) {
                memcpy(dst, src_row + params->source_x[x] * depth, (size_t)depth);
                dst += depth;
            }
        }
    }
    return EK_OK;
}
