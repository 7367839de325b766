#include "ek_depthwise_conv2d_s8.h"

int32_t ek_depthwise_conv2d_s8_buffer_size(const ek_dims_t *input_dims, const ek_dims_t *filter_dims)
{
    (void)input_dims;
    (void)filter_dims;
    return 0;
}

ek_status_t ek_depthwise_conv2d_s8(const ek_context_t *ctx, const ek_dw_conv_params_t *params,
                                   const ek_quant_t *quant, const ek_dims_t *input_dims, const int8_t *input,
                                   const ek_dims_t *filter_dims, const int8_t *filter, const ek_dims_t *bias_dims,
                                   const int32_t *bias, const ek_dims_t *output_dims, int8_t *output)
{
    const int32_t in_h = input_dims->h, in_w = input_dims->w, in_c = input_dims->c;
    const int32_t k_h = filter_dims->h, k_w = filter_dims->w;
    const int32_t out_h = output_dims->h, out_w = output_dims->w, out_c = output_dims->c;
    const int32_t dm = params->depth_multiplier;
    int32_t b, oy, ox, ic, m;
    (void)ctx;

    if (dm < 1 || filter_dims->c != out_c || in_c * dm != out_c || input_dims->n != output_dims->n ||
        params->stride_h < 1 || params->stride_w < 1 || params->dilation_h < 1 || params->dilation_w < 1 ||
        bias == NULL || (bias_dims != NULL && bias_dims->c != out_c)) {
        return EK_ERR_ARGUMENT;
    }

    for (b = 0; b < input_dims->n; ++b) {
        for (oy = 0; oy < out_h; ++oy) {
            const int32_t in_y0 = oy * params->stride_h - params->pad_h;
            for (ox = 0; ox < out_w; ++ox) {
                const int32_t in_x0 = ox * params->stride_w - params->pad_w;
                for (ic = 0; ic < in_c; ++ic) {
                    for (m = 0; m < dm; ++m) {
                        const int32_t o = ic * dm + m;
                        uint32_t acc = 0; /* wraps like TFLM's int32 accumulator */
                        int32_t ky, kx, y;
                        for (ky = 0; ky < k_h; ++ky) {
                            const int32_t iy = in_y0 + ky * params->dilation_h;
                            if (iy < 0 || iy >= in_h) {
                                continue;
                            }
                            for (kx = 0; kx < k_w; ++kx) {
                                const int32_t ix = in_x0 + kx * params->dilation_w;
                                int32_t xv, wv;
                                if (ix < 0 || ix >= in_w) {
                                    continue;
                                }
                                xv = input[(((int32_t)b * in_h + iy) * in_w + ix) * in_c + ic];
                                wv = filter[(ky * k_w + kx) * out_c + o];
                                acc += (uint32_t)(wv * (xv + params->input_offset));
                            }
                        }
                        acc += (uint32_t)bias[o];
                        y = ek_mbqm((int32_t)acc, quant[o].multiplier, quant[o].shift) + params->output_offset;
                        output[(((int32_t)b * out_h + oy) * out_w + ox) * out_c + o] =
                            (int8_t)ek_clamp(y, params->act.min, params->act.max);
                    }
                }
            }
        }
    }
    return EK_OK;
}
