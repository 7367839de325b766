#include "ek_depthwise_conv2d_mult_s8_dsp.h"

#include "ek_dsp_common.h"

int32_t ek_depthwise_conv2d_mult_s8_dsp_buffer_size(const ek_dims_t *input_dims, const ek_dims_t *filter_dims)
{
    const int32_t pairs = (filter_dims->h * filter_dims->w + 1) / 2;
    return EK_DSP_ROUND4(input_dims->c) + (int32_t)sizeof(ek_dsp_rq_t) * filter_dims->c +
           4 * input_dims->c * pairs;
}

/* The patch of one output pixel: taps[t] points at the pixel under tap t (or at the zero-point row), for
   t < 2 * pairs. patch[ic * pairs + p] holds x(2p, ic) in the low and x(2p + 1, ic) in the high halfword. */
static void dw_patch(const int8_t *const *taps, int32_t pairs, int32_t in_c, int32_t *patch)
{
    const int32_t quads = in_c / 4;
    int32_t p, q, c;
    for (p = 0; p < pairs; ++p) {
        const int8_t *x0 = taps[2 * p], *x1 = taps[2 * p + 1];
        int32_t *dst = patch + p;
        for (q = 0; q < quads; ++q, dst += 4 * pairs) {
            const int32_t v0 = ek_dsp_read4(x0 + 4 * q), v1 = ek_dsp_read4(x1 + 4 * q);
            const int32_t e0 = __sxtb16(v0), e1 = __sxtb16(v1);                     /* channels 0, 2 */
            const int32_t o0 = ek_dsp_sxtb16_ror8(v0), o1 = ek_dsp_sxtb16_ror8(v1); /* channels 1, 3 */
            dst[0] = ek_dsp_pack_lo(e0, e1);
            dst[pairs] = ek_dsp_pack_lo(o0, o1);
            dst[2 * pairs] = ek_dsp_pack_hi(e0, e1);
            dst[3 * pairs] = ek_dsp_pack_hi(o0, o1);
        }
        for (c = 4 * quads; c < in_c; ++c, dst += pairs) {
            dst[0] = (int32_t)(((uint32_t)(int32_t)x0[c] & 0xFFFFu) | ((uint32_t)(int32_t)x1[c] << 16));
        }
    }
}

/* Requantize with the fast rule when every channel allows it (decided once per call). */
static inline __attribute__((always_inline)) int8_t dw_out(int32_t fast, int32_t acc, const ek_dsp_rq_t *r,
                                                           int32_t out_off, int32_t lo, int32_t hi)
{
    return ek_dsp_clamp_s8((fast ? ek_dsp_rq_apply_fast(acc, r) : ek_dsp_rq_apply(acc, r)) + out_off, lo, hi);
}

/* All output channels of one pixel from its patch. Inlined twice (fast and exact requantization). */
static inline __attribute__((always_inline)) void dw_pixel(const int32_t *patch, int32_t pairs, int32_t in_c,
                                                           int32_t dm, const int8_t *filter, const int32_t *bias,
                                                           const ek_dsp_rq_t *rq, int32_t out_off, int32_t lo,
                                                           int32_t hi, int8_t *y, int32_t fast)
{
    const int8_t *w = filter;
    int32_t ic, m, p;
    for (ic = 0; ic < in_c; ++ic) {
        const int32_t *x = patch + ic * pairs;
        const int32_t o = ic * dm;
        for (m = 0; m < dm; m += 2) {
            const int32_t two = m + 1 < dm;
            int32_t a0 = bias[o + m], a1 = two ? bias[o + m + 1] : 0;
            for (p = 0; p < pairs; ++p, w += 4) {
                const int32_t wv = ek_dsp_read4(w), xv = x[p];
                a0 = __smlad(__sxtb16(wv), xv, a0);
                a1 = __smlad(ek_dsp_sxtb16_ror8(wv), xv, a1);
            }
            y[o + m] = dw_out(fast, a0, &rq[o + m], out_off, lo, hi);
            if (two) {
                y[o + m + 1] = dw_out(fast, a1, &rq[o + m + 1], out_off, lo, hi);
            }
        }
    }
}

ek_status_t ek_depthwise_conv2d_mult_s8_dsp(const ek_context_t *ctx, const ek_dw_conv_params_t *params,
                                            const ek_quant_t *quant, const ek_dims_t *input_dims,
                                            const int8_t *input, const ek_dims_t *filter_dims, const int8_t *filter,
                                            const ek_dims_t *bias_dims, const int32_t *bias,
                                            const ek_dims_t *output_dims, int8_t *output)
{
    const int32_t in_h = input_dims->h, in_w = input_dims->w, in_c = input_dims->c;
    const int32_t k_h = filter_dims->h, k_w = filter_dims->w, n_taps = k_h * k_w, pairs = (n_taps + 1) / 2;
    const int32_t out_h = output_dims->h, out_w = output_dims->w, out_c = output_dims->c;
    const int32_t dm = params->depth_multiplier;
    /* copied once: the int8 output stores may alias anything, so the compiler would reload the fields */
    const int32_t out_off = params->output_offset, lo = params->act.min, hi = params->act.max;
    const int32_t span_h = (k_h - 1) * params->dilation_h + 1, span_w = (k_w - 1) * params->dilation_w + 1;
    const int8_t *taps[EK_DW_MULT_DSP_MAX_TAPS + 1];
    int32_t offs[EK_DW_MULT_DSP_MAX_TAPS];
    int8_t *pad_row;
    ek_dsp_rq_t *rq;
    int32_t *patch;
    int32_t b, oy, ox, i, ky, kx, t, fast = 1;

    if (n_taps > EK_DW_MULT_DSP_MAX_TAPS) {
        return EK_ERR_UNSUPPORTED;
    }
    if (dm < 1 || filter_dims->c != out_c || in_c * dm != out_c || input_dims->n != output_dims->n ||
        params->stride_h < 1 || params->stride_w < 1 || params->dilation_h < 1 || params->dilation_w < 1 ||
        bias == NULL || (bias_dims != NULL && bias_dims->c != out_c)) {
        return EK_ERR_ARGUMENT;
    }
    if (ctx == NULL || ctx->buf == NULL ||
        ctx->size < ek_depthwise_conv2d_mult_s8_dsp_buffer_size(input_dims, filter_dims)) {
        return EK_ERR_SCRATCH;
    }
    pad_row = (int8_t *)ctx->buf;
    rq = (ek_dsp_rq_t *)(void *)(pad_row + EK_DSP_ROUND4(in_c));
    patch = (int32_t *)(void *)(rq + out_c);
    for (i = 0; i < in_c; ++i) {
        pad_row[i] = (int8_t)(-params->input_offset);
    }
    for (i = 0; i < out_c; ++i) {
        rq[i] = ek_dsp_rq_make(&quant[i]); /* once per call, not once per output pixel */
        fast = fast && ek_dsp_rq_fast_ok(&rq[i]);
    }
    taps[n_taps] = pad_row; /* the phantom tap of an odd count: its weights are zero */
    /* offsets of the taps from the top-left tap, for pixels whose window lies inside the image */
    for (ky = 0, t = 0; ky < k_h; ++ky) {
        for (kx = 0; kx < k_w; ++kx, ++t) {
            offs[t] = (ky * params->dilation_h * in_w + kx * params->dilation_w) * in_c;
        }
    }

    for (b = 0; b < input_dims->n; ++b) {
        for (oy = 0; oy < out_h; ++oy) {
            const int32_t y0 = oy * params->stride_h - params->pad_h;
            const int32_t rows_in = y0 >= 0 && y0 + span_h <= in_h;
            for (ox = 0; ox < out_w; ++ox) {
                const int32_t x0 = ox * params->stride_w - params->pad_w;
                int8_t *y = output + (((int32_t)b * out_h + oy) * out_w + ox) * out_c;
                if (rows_in && x0 >= 0 && x0 + span_w <= in_w) {
                    const int8_t *base = input + (((int32_t)b * in_h + y0) * in_w + x0) * in_c;
                    for (t = 0; t < n_taps; ++t) {
                        taps[t] = base + offs[t];
                    }
                } else {
                    for (ky = 0, t = 0; ky < k_h; ++ky) {
                        const int32_t iy = y0 + ky * params->dilation_h;
                        for (kx = 0; kx < k_w; ++kx, ++t) {
                            const int32_t ix = x0 + kx * params->dilation_w;
                            taps[t] = (iy < 0 || iy >= in_h || ix < 0 || ix >= in_w)
                                          ? pad_row
                                          : input + (((int32_t)b * in_h + iy) * in_w + ix) * in_c;
                        }
                    }
                }
                dw_patch(taps, pairs, in_c, patch);
                if (fast) {
                    dw_pixel(patch, pairs, in_c, dm, filter, bias, rq, out_off, lo, hi, y, 1);
                } else {
                    dw_pixel(patch, pairs, in_c, dm, filter, bias, rq, out_off, lo, hi, y, 0);
                }
            }
        }
    }
    return EK_OK;
}
