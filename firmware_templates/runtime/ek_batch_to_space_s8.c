/* edgekit runtime: BATCH_TO_SPACE_ND (TFLM reference_ops::BatchToSpaceND): walk the input, drop cropped pixels. */
#include "ek_batch_to_space_s8.h"

#include <string.h>

ek_status_t ek_batch_to_space_s8(const ek_context_t *ctx, const ek_batch_to_space_params_t *params,
                                 const ek_dims_t *input_dims, const int8_t *input, const ek_dims_t *output_dims,
                                 int8_t *output)
{
    const ek_batch_to_space_params_t *p = params;
    const size_t c = (size_t)p->channels;
    int32_t ib, iy, ix;
    const int8_t *src = input;
    (void)ctx;
    if (p->in_n < 1 || p->in_h < 1 || p->in_w < 1 || p->out_n < 1 || p->out_h < 1 || p->out_w < 1 ||
        p->channels < 1 || p->block_h < 1 || p->block_w < 1 || p->crop_top < 0 || p->crop_left < 0 ||
        p->in_n != p->out_n * p->block_h * p->block_w ||
        ek_dims_count(input_dims) != p->in_n * p->in_h * p->in_w * p->channels ||
        ek_dims_count(output_dims) != p->out_n * p->out_h * p->out_w * p->channels) {
        return EK_ERR_ARGUMENT;
    }
    for (ib = 0; ib < p->in_n; ++ib) {
        const int32_t b = ib % p->out_n;
        const int32_t dy = (ib / p->out_n) / p->block_w;
        const int32_t dx = (ib / p->out_n) % p->block_w;
        for (iy = 0; iy < p->in_h; ++iy) {
            const int32_t oy = iy * p->block_h + dy - p->crop_top;
            for (ix = 0; ix < p->in_w; ++ix, src += c) {
                const int32_t ox = ix * p->block_w + dx - p->crop_left;
                if (oy < 0 || oy >= p->out_h || ox < 0 || ox >= p->out_w) {
                    continue;
                }
                memcpy(output + (((size_t)b * (size_t)p->out_h + (size_t)oy) * (size_t)p->out_w + (size_t)ox) * c,
                       src, c);
            }
        }
    }
    return EK_OK;
}
