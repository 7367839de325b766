/* edgekit runtime: SPACE_TO_BATCH_ND (TFLM reference_ops::SpaceToBatchND): walk the output, copy or pad each pixel. */
#include "ek_space_to_batch_s8.h"

#include <string.h>

ek_status_t ek_space_to_batch_s8(const ek_context_t *ctx, const ek_space_to_batch_params_t *params,
                                 const ek_dims_t *input_dims, const int8_t *input, const ek_dims_t *output_dims,
                                 int8_t *output)
{
    const ek_space_to_batch_params_t *p = params;
    const size_t c = (size_t)p->channels;
    int32_t ob, oy, ox;
    int8_t *dst = output;
    (void)ctx;
    if (p->in_n < 1 || p->in_h < 1 || p->in_w < 1 || p->out_n < 1 || p->out_h < 1 || p->out_w < 1 ||
        p->channels < 1 || p->block_h < 1 || p->block_w < 1 || p->pad_top < 0 || p->pad_left < 0 ||
        p->pad_value < -128 || p->pad_value > 127 || p->out_n != p->in_n * p->block_h * p->block_w ||
        ek_dims_count(input_dims) != p->in_n * p->in_h * p->in_w * p->channels ||
        ek_dims_count(output_dims) != p->out_n * p->out_h * p->out_w * p->channels) {
        return EK_ERR_ARGUMENT;
    }
    for (ob = 0; ob < p->out_n; ++ob) {
        const int32_t b = ob % p->in_n;
        const int32_t dx = (ob / p->in_n) % p->block_w;
        const int32_t dy = (ob / p->in_n) / p->block_w;
        for (oy = 0; oy < p->out_h; ++oy) {
            const int32_t iy = oy * p->block_h + dy - p->pad_top;
            for (ox = 0; ox < p->out_w; ++ox) {
                const int32_t ix = ox * p->block_w + dx - p->pad_left;
                if (iy < 0 || iy >= p->in_h || ix < 0 || ix >= p->in_w) {
                    memset(dst, p->pad_value, c);
                } else {
                    memcpy(dst, input + (((size_t)b * (size_t)p->in_h + (size_t)iy) * (size_t)p->in_w + (size_t)ix) * c,
                           c);
                }
                dst += c;
            }
        }
    }
    return EK_OK;
}
