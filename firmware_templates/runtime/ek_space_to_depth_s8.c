/* edgekit runtime: SPACE_TO_DEPTH (TFLM reference_ops::SpaceToDepth): walk the output, one channel run at a time. */
#include "ek_space_to_depth_s8.h"

#include <string.h>

ek_status_t ek_space_to_depth_s8(const ek_context_t *ctx, const ek_space_to_depth_params_t *params,
                                 const ek_dims_t *input_dims, const int8_t *input, const ek_dims_t *output_dims,
                                 int8_t *output)
{
    const int32_t bs = params->block_size;
    const ek_dims_t *in = input_dims, *out = output_dims;
    int32_t b, y, x, dy, dx;
    int8_t *dst = output;
    (void)ctx;
    if (bs < 1 || out->n != in->n || in->h != out->h * bs || in->w != out->w * bs || out->c != in->c * bs * bs ||
        in->c < 1) {
        return EK_ERR_ARGUMENT;
    }
    for (b = 0; b < out->n; ++b) {
        for (y = 0; y < out->h; ++y) {
            for (x = 0; x < out->w; ++x) {
                for (dy = 0; dy < bs; ++dy) {
                    for (dx = 0; dx < bs; ++dx) {
                        const size_t pixel = (((size_t)b * (size_t)in->h + (size_t)(y * bs + dy)) * (size_t)in->w +
                                              (size_t)(x * bs + dx)) * (size_t)in->c;
                        memcpy(dst, input + pixel, (size_t)in->c);
                        dst += in->c;
                    }
                }
            }
        }
    }
    return EK_OK;
}
