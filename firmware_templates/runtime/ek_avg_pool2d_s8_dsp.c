#include "ek_avg_pool2d_s8_dsp.h"

#include "ek_dsp_common.h"

/* SXTAB16 a, b, ROR #8: a plus the sign-extended bytes 1 and 3 of b, per halfword (GCC's __sxtab16 has no
   rotate operand and does not fold a separate rotation into it). */
#if EK_DSP_NATIVE
static inline __attribute__((always_inline)) int32_t sxtab16_ror8(int32_t a, int32_t b)
{
    int32_t r;
    __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(a), "r"(b));
    return r;
}
#else
static inline int32_t sxtab16_ror8(int32_t a, int32_t b)
{
    return __sxtab16(a, ek_dsp_ror8(b));
}
#endif

/* The low halfword of a lane pair, sign-extended. */
static inline int32_t lane_lo(int32_t x)
{
    return (int32_t)(int16_t)(uint16_t)((uint32_t)x & 0xFFFFu);
}

/* TFLM's average: acc / count rounded half away from zero with C's truncating division. */
static inline __attribute__((always_inline)) int8_t avg_out(int32_t acc, int32_t count, int32_t lo, int32_t hi)
{
    const int32_t avg = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
    return ek_dsp_clamp_s8(avg, lo, hi);
}

ek_status_t ek_avg_pool2d_s8_dsp(const ek_context_t *ctx, const ek_pool_params_t *params,
                                 const ek_dims_t *input_dims, const int8_t *input, const ek_dims_t *output_dims,
                                 int8_t *output)
{
    const int32_t in_h = input_dims->h, in_w = input_dims->w, depth = input_dims->c;
    const int32_t quads = depth / 4, row = in_w * depth;
    const int32_t lo = params->act.min, hi = params->act.max;
    int32_t b, oy, ox, q, c;
    (void)ctx;

    if (!ek_pool_args_valid(params, input_dims, output_dims)) {
        return EK_ERR_ARGUMENT;
    }
    if (params->filter_h * params->filter_w > EK_AVG_POOL_DSP_MAX_TAPS) {
        return EK_ERR_UNSUPPORTED; /* the 16-bit lane sums could wrap */
    }
    for (b = 0; b < input_dims->n; ++b) {
        for (oy = 0; oy < output_dims->h; ++oy) {
            const ek_pool_window_t wy = ek_pool_window(oy, params->stride_h, params->pad_h, params->filter_h, in_h);
            for (ox = 0; ox < output_dims->w; ++ox) {
                const ek_pool_window_t wx =
                    ek_pool_window(ox, params->stride_w, params->pad_w, params->filter_w, in_w);
                const int32_t rows = wy.end - wy.start, cols = wx.end - wx.start;
                const int32_t count = rows * cols;
                const int8_t *first;
                int8_t *y = output + (((int32_t)b * output_dims->h + oy) * output_dims->w + ox) * depth;
                if (rows <= 0 || cols <= 0) {
                    return EK_ERR_ARGUMENT; /* a window entirely in the padding: TFLM fails here too */
                }
                first = input + (((int32_t)b * in_h + wy.origin + wy.start) * in_w + wx.origin + wx.start) * depth;
                for (q = 0; q < quads; ++q) {
                    int32_t even = 0, odd = 0, fy, fx; /* lanes: channels (0, 2) and (1, 3) of the quad */
                    const int8_t *p_row = first + 4 * q;
                    for (fy = 0; fy < rows; ++fy, p_row += row) {
                        const int8_t *p = p_row;
                        for (fx = 0; fx < cols; ++fx, p += depth) {
                            const int32_t v = ek_dsp_read4(p);
                            even = __sxtab16(even, v);
                            odd = sxtab16_ror8(odd, v);
                        }
                    }
                    y[4 * q] = avg_out(lane_lo(even), count, lo, hi);
                    y[4 * q + 1] = avg_out(lane_lo(odd), count, lo, hi);
                    y[4 * q + 2] = avg_out(even >> 16, count, lo, hi);
                    y[4 * q + 3] = avg_out(odd >> 16, count, lo, hi);
                }
                for (c = 4 * quads; c < depth; ++c) {
                    int32_t acc = 0, fy, fx;
                    for (fy = 0; fy < rows; ++fy) {
                        for (fx = 0; fx < cols; ++fx) {
                            acc += first[fy * row + fx * depth + c];
                        }
                    }
                    y[c] = avg_out(acc, count, lo, hi);
                }
            }
        }
    }
    return EK_OK;
}
