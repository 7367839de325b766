#include "ek_transpose_conv_s8.h"

int32_t ek_transpose_conv_s8_buffer_size(const ek_dims_t *output_dims)
{
    const int64_t bytes = (int64_t)output_dims->n * output_dims->h * output_dims->w * output_dims->c *
                          (int64_t)sizeof(int32_t);
    return bytes > (int64_t)INT32_MAX ? -1 : (int32_t)bytes;
}

ek_status_t ek_transpose_conv_s8(const ek_context_t *ctx, const ek_transpose_conv_params_t *params,
                                 const ek_quant_t *quant, const ek_dims_t *input_dims, const int8_t *input,
                                 const ek_dims_t *filter_dims, const int8_t *filter, const ek_dims_t *bias_dims,
                                 const int32_t *bias, const ek_dims_t *output_dims, int8_t *output)
{
    const int32_t in_h = input_dims->h, in_w = input_dims->w, in_c = input_dims->c;
    const int32_t k_h = filter_dims->h, k_w = filter_dims->w;
    const int32_t out_h = output_dims->h, out_w = output_dims->w, out_c = output_dims->c;
    const int32_t needed = ek_transpose_conv_s8_buffer_size(output_dims);
    /* int32 accumulation wraps as TFLM's does; unsigned arithmetic keeps that defined in C. */
    uint32_t *acc;
    int32_t b, iy, ix, ky, kx, o, ic, i, count;

    if (filter_dims->c != in_c || filter_dims->n != out_c || input_dims->n != output_dims->n ||
        params->stride_h < 1 || params->stride_w < 1 || params->pad_h < 0 || params->pad_w < 0) {
        return EK_ERR_ARGUMENT;
    }
    if (bias != NULL && bias_dims != NULL && bias_dims->c != out_c) {
        return EK_ERR_ARGUMENT;
    }
    if (needed < 0 || ctx == NULL || ctx->buf == NULL || ctx->size < needed ||
        ((uintptr_t)ctx->buf & (sizeof(int32_t) - 1u)) != 0u) {
        return EK_ERR_SCRATCH;
    }
    acc = (uint32_t *)ctx->buf;
    count = ek_dims_count(output_dims);
    for (i = 0; i < count; ++i) {
        acc[i] = 0u;
    }

    /* Scatter. TFLM loops input channel outside the taps; int32 wrap-around sums are order-independent, so
     * visiting each in-range tap once and summing over input channels inside gives the same bytes. */
    for (b = 0; b < input_dims->n; ++b) {
        for (iy = 0; iy < in_h; ++iy) {
            const int32_t oy0 = iy * params->stride_h - params->pad_h;
            for (ix = 0; ix < in_w; ++ix) {
                const int32_t ox0 = ix * params->stride_w - params->pad_w;
                const int8_t *x = input + (((int32_t)b * in_h + iy) * in_w + ix) * in_c;
                for (ky = 0; ky < k_h; ++ky) {
                    const int32_t oy = oy0 + ky;
                    if (oy < 0 || oy >= out_h) {
                        continue;
                    }
                    for (kx = 0; kx < k_w; ++kx) {
                        const int32_t ox = ox0 + kx;
                        uint32_t *a;
                        if (ox < 0 || ox >= out_w) {
                            continue;
                        }
                        a = acc + (((int32_t)b * out_h + oy) * out_w + ox) * out_c;
                        for (o = 0; o < out_c; ++o) {
                            const int8_t *w = filter + ((o * k_h + ky) * k_w + kx) * in_c;
                            uint32_t sum = a[o];
                            for (ic = 0; ic < in_c; ++ic) {
                                sum += (uint32_t)(((int32_t)x[ic] + params->input_offset) * (int32_t)w[ic]);
                            }
                            a[o] = sum;
                        }
                    }
                }
            }
        }
    }

    /* Bias, per-channel requantization, output offset, clamp. */
    for (i = 0; i < count; i += out_c) {
        for (o = 0; o < out_c; ++o) {
            uint32_t total = acc[i + o];
            int32_t y;
            if (bias != NULL) {
                total += (uint32_t)bias[o];
            }
            y = ek_mbqm((int32_t)total, quant[o].multiplier, quant[o].shift) + params->output_offset;
            output[i + o] = (int8_t)ek_clamp(y, params->act.min, params->act.max);
        }
    }
    return EK_OK;
}
