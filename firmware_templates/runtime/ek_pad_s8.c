/* edgekit runtime: PAD / PADV2 (TFLM reference_ops::Pad). */
#include "ek_pad_s8.h"

#include <string.h>

static int32_t ek_count(const ek_dims_t *d)
{
    return d->n * d->h * d->w * d->c;
}

ek_status_t ek_pad_s8(const ek_context_t *ctx, const ek_pad_params_t *params, const ek_dims_t *input_dims,
                      const int8_t *input, const ek_dims_t *output_dims, int8_t *output)
{
    int32_t out_shape[EK_PAD_MAX_RANK];
    int32_t in_total = 1, out_total = 1, d;
    int32_t i0, i1, i2, i3;
    const int32_t *in_shape = params->input_shape;
    const int8_t pad = (int8_t)params->pad_value;
    const int8_t *src = input;
    int8_t *dst = output;
    (void)ctx;
    for (d = 0; d < EK_PAD_MAX_RANK; ++d) {
        if (in_shape[d] < 1 || params->before[d] < 0 || params->after[d] < 0) {
            return EK_ERR_ARGUMENT;
        }
        out_shape[d] = params->before[d] + in_shape[d] + params->after[d];
        in_total *= in_shape[d];
        out_total *= out_shape[d];
    }
    if (in_total != ek_count(input_dims) || out_total != ek_count(output_dims) || params->pad_value < -128 ||
        params->pad_value > 127) {
        return EK_ERR_ARGUMENT;
    }
    /* Walk the output in order; a row of the innermost dimension is pad, or pad + input row + pad. */
    for (i0 = 0; i0 < out_shape[0]; ++i0) {
        const int32_t in0 = i0 >= params->before[0] && i0 < params->before[0] + in_shape[0];
        for (i1 = 0; i1 < out_shape[1]; ++i1) {
            const int32_t in1 = in0 && i1 >= params->before[1] && i1 < params->before[1] + in_shape[1];
            for (i2 = 0; i2 < out_shape[2]; ++i2) {
                const int32_t in2 = in1 && i2 >= params->before[2] && i2 < params->before[2] + in_shape[2];
                for (i3 = 0; i3 < out_shape[3]; ++i3) {
                    const int32_t in3 = in2 && i3 >= params->before[3] && i3 < params->before[3] + in_shape[3];
                    if (!in3) {
                        memset(dst, pad, (size_t)out_shape[4]);
                    } else {
                        memset(dst, pad, (size_t)params->before[4]);
                        memcpy(dst + params->before[4], src, (size_t)in_shape[4]);
                        memset(dst + params->before[4] + in_shape[4], pad, (size_t)params->after[4]);
                        src += in_shape[4];
                    }
                    dst += out_shape[4];
                }
            }
        }
    }
    return EK_OK;
}
