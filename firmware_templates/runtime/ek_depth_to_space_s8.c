/* edgekit runtime: DEPTH_TO_SPACE (TFLM reference_ops::DepthToSpace): walk the output, one channel run at a time. */
#include "ek_depth_to_space_s8.h"

#include <string.h>

ek_status_t ek_depth_to_space_s8(const ek_context_t *ctx, const ek_depth_to_space_params_t *params,
                                 const ek_dims_t *input_dims, const int8_t *input, const ek_dims_t *output_dims,
                                 int8_t *output)
{
    const int32_t bs = params->block_size;
    const ek_dims_t *in = input_dims, *out = output_dims;
    int32_t b, y, x;
    int8_t *dst = output;
    (void)ctx;
    if (bs < 1 || out->n != in->n || out->h != in->h * bs || out->w != in->w * bs || in->c != out->c * bs * bs ||
        out->c < 1) {
        return EK_ERR_ARGUMENT;
    }
    for (b = 0; b < out->n; ++b) {
        for (y = 0; y < out->h; ++y) {
            for (x = 0; x < out->w; ++x) {
                const size_t pixel = (((size_t)b * (size_t)in->h + (size_t)(y / bs)) * (size_t)in->w +
                                      (size_t)(x / bs)) * (size_t)in->c;
                const size_t offset = (size_t)((y % bs) * bs + x % bs) * (size_t)out->c;
                memcpy(dst, input + pixel + offset, (size_t)out->c);
                dst += out->c;
            }
        }
    }
    return EK_OK;
}
