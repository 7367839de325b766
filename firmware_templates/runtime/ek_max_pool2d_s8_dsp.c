#include "ek_max_pool2d_s8_dsp.h"

#include "ek_dsp_common.h"

/* Byte-wise signed maximum of four int8 lanes: SSUB8 sets GE where a >= b, SEL then takes a there, b elsewhere. */
static inline __attribute__((always_inline)) int32_t max_s8x4(int32_t a, int32_t b)
{
    (void)__ssub8(a, b);
    return (int32_t)__sel((uint32_t)a, (uint32_t)b);
}

/* Byte-wise signed minimum: SSUB8 sets GE where b >= a, SEL takes a there. */
static inline __attribute__((always_inline)) int32_t min_s8x4(int32_t a, int32_t b)
{
    (void)__ssub8(b, a);
    return (int32_t)__sel((uint32_t)a, (uint32_t)b);
}

/* One int8 value repeated in the four bytes of a word. */
static int32_t splat_s8(int32_t v)
{
    return (int32_t)(((uint32_t)v & 0xFFu) * 0x01010101u);
}

ek_status_t ek_max_pool2d_s8_dsp(const ek_context_t *ctx, const ek_pool_params_t *params,
                                 const ek_dims_t *input_dims, const int8_t *input, const ek_dims_t *output_dims,
                                 int8_t *output)
{
    const int32_t in_h = input_dims->h, in_w = input_dims->w, depth = input_dims->c;
    const int32_t quads = depth / 4, row = in_w * depth;
    const int32_t lo = params->act.min, hi = params->act.max;
    const int32_t lo4 = splat_s8(lo), hi4 = splat_s8(hi);
    int32_t b, oy, ox, q, c;
    (void)ctx;

    if (!ek_pool_args_valid(params, input_dims, output_dims)) {
        return EK_ERR_ARGUMENT;
    }
    for (b = 0; b < input_dims->n; ++b) {
        for (oy = 0; oy < output_dims->h; ++oy) {
            const ek_pool_window_t wy = ek_pool_window(oy, params->stride_h, params->pad_h, params->filter_h, in_h);
            for (ox = 0; ox < output_dims->w; ++ox) {
                const ek_pool_window_t wx =
                    ek_pool_window(ox, params->stride_w, params->pad_w, params->filter_w, in_w);
                const int32_t rows = wy.end - wy.start, cols = wx.end - wx.start;
                /* the window's first in-image tap, channel 0 */
                const int8_t *first =
                    input + (((int32_t)b * in_h + wy.origin + wy.start) * in_w + wx.origin + wx.start) * depth;
                int8_t *y = output + (((int32_t)b * output_dims->h + oy) * output_dims->w + ox) * depth;
                for (q = 0; q < quads; ++q) {
                    int32_t m = (int32_t)0x80808080u; /* -128 in each lane, as TFLM starts */
                    const int8_t *p_row = first + 4 * q;
                    int32_t fy, fx, v;
                    for (fy = 0; fy < rows; ++fy, p_row += row) {
                        const int8_t *p = p_row;
                        for (fx = 0; fx < cols; ++fx, p += depth) {
                            m = max_s8x4(ek_dsp_read4(p), m);
                        }
                    }
                    /* clamp to [lo, hi]: the larger of (m, lo), then the smaller of (that, hi) */
                    v = min_s8x4(max_s8x4(m, lo4), hi4);
                    memcpy(y + 4 * q, &v, sizeof v);
                }
                for (c = 4 * quads; c < depth; ++c) {
                    int32_t m = -128, fy, fx;
                    for (fy = 0; fy < rows; ++fy) {
                        for (fx = 0; fx < cols; ++fx) {
                            m = EK_MAX(m, first[fy * row + fx * depth + c]);
                        }
                    }
                    y[c] = (int8_t)ek_clamp(m, lo, hi);
                }
            }
        }
    }
    return EK_OK;
}
