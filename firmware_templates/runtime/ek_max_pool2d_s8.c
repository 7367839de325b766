#include "ek_max_pool2d_s8.h"

ek_status_t ek_max_pool2d_s8(const ek_context_t *ctx, const ek_pool_params_t *params,
                             const ek_dims_t *input_dims, const int8_t *input, const ek_dims_t *output_dims,
                             int8_t *output)
{
    const int32_t in_h = input_dims->h, in_w = input_dims->w, depth = input_dims->c;
    int32_t b, oy, ox, c;
    (void)ctx;

    if (!ek_pool_args_valid(params, input_dims, output_dims)) {
        return EK_ERR_ARGUMENT;
    }
    for (b = 0; b < input_dims->n; ++b) {
        for (oy = 0; oy < output_dims->h; ++oy) {
            const ek_pool_window_t wy = ek_pool_window(oy, params->stride_h, params->pad_h, params->filter_h, in_h);
            const int32_t y0 = wy.origin, fy_start = wy.start, fy_end = wy.end;
            for (ox = 0; ox < output_dims->w; ++ox) {
                const ek_pool_window_t wx =
                    ek_pool_window(ox, params->stride_w, params->pad_w, params->filter_w, in_w);
                const int32_t x0 = wx.origin, fx_start = wx.start, fx_end = wx.end;
                for (c = 0; c < depth; ++c) {
                    int32_t m = -128, fy, fx;
                    for (fy = fy_start; fy < fy_end; ++fy) {
                        for (fx = fx_start; fx < fx_end; ++fx) {
                            const int32_t v = input[(((int32_t)b * in_h + y0 + fy) * in_w + x0 + fx) * depth + c];
                            m = EK_MAX(m, v);
                        }
                    }
                    output[(((int32_t)b * output_dims->h + oy) * output_dims->w + ox) * depth + c] =
                        (int8_t)ek_clamp(m, params->act.min, params->act.max);
                }
            }
        }
    }
    return EK_OK;
}
