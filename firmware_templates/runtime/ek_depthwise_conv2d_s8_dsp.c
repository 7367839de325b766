#include "ek_depthwise_conv2d_s8_dsp.h"

#include "ek_dsp_common.h"

int32_t ek_depthwise_conv2d_s8_dsp_buffer_size(const ek_dims_t *input_dims, const ek_dims_t *filter_dims)
{
    (void)filter_dims;
    return EK_DSP_ROUND4(input_dims->c) + (int32_t)sizeof(ek_dsp_rq_t) * input_dims->c;
}

/* Requantize with the fast rule when every channel allows it (decided once per call). */
static inline __attribute__((always_inline)) int32_t dw_rq(int32_t fast, int32_t acc, const ek_dsp_rq_t *r)
{
    return fast ? ek_dsp_rq_apply_fast(acc, r) : ek_dsp_rq_apply(acc, r);
}

/*
 * One output pixel, all channels. taps[t] points at the pixel under tap t (or at the zero-point row). Inlined
 * with n_taps == 9 for the 3x3 kernels, where the pair loop is fully unrolled.
 */
static inline __attribute__((always_inline)) void dw_pixel(const int8_t *const *taps, int32_t n_taps,
                                                           int32_t channels, const int8_t *filter,
                                                           const int32_t *bias, const ek_dsp_rq_t *rq,
                                                           int32_t out_off, int32_t lo, int32_t hi, int8_t *y,
                                                           int32_t fast)
{
    const int32_t pairs = n_taps / 2, quads = channels / 4, rest = channels - 4 * quads;
    const int8_t *w = filter;
    int32_t q, c, t, r;
    for (q = 0; q < quads; ++q) {
        int32_t a0, a1, a2, a3, pr;
        c = 4 * q;
        a0 = bias[c];
        a1 = bias[c + 1];
        a2 = bias[c + 2];
        a3 = bias[c + 3];
        for (pr = 0; pr < pairs; ++pr) {
            const int32_t x0 = ek_dsp_read4(taps[2 * pr] + c);
            const int32_t x1 = ek_dsp_read4(taps[2 * pr + 1] + c);
            /* PKHBT / PKHTB: channels (c0, c1) of both taps, then (c2, c3) of both taps */
            const int32_t lo = ek_dsp_pack_lo(x0, x1);
            const int32_t hi = ek_dsp_pack_hi(x0, x1);
            const int32_t wa = ek_dsp_read4(w), wb = ek_dsp_read4(w + 4);
            a0 = __smlad(__sxtb16(wa), __sxtb16(lo), a0);
            a1 = __smlad(ek_dsp_sxtb16_ror8(wa), ek_dsp_sxtb16_ror8(lo), a1);
            a2 = __smlad(__sxtb16(wb), __sxtb16(hi), a2);
            a3 = __smlad(ek_dsp_sxtb16_ror8(wb), ek_dsp_sxtb16_ror8(hi), a3);
            w += 8;
        }
        if (n_taps & 1) {
            /* the odd last tap alone: single 16x16 MACs on the even (c0, c2) and odd (c1, c3) halves */
            const int32_t x = ek_dsp_read4(taps[n_taps - 1] + c), wv = ek_dsp_read4(w);
            const int32_t xe = __sxtb16(x), xo = ek_dsp_sxtb16_ror8(x);
            const int32_t we = __sxtb16(wv), wo = ek_dsp_sxtb16_ror8(wv);
            a0 = __smlabb(we, xe, a0);
            a2 = __smlatt(we, xe, a2);
            a1 = __smlabb(wo, xo, a1);
            a3 = __smlatt(wo, xo, a3);
            w += 4;
        }
        y[c] = ek_dsp_clamp_s8(dw_rq(fast, a0, &rq[c]) + out_off, lo, hi);
        y[c + 1] = ek_dsp_clamp_s8(dw_rq(fast, a1, &rq[c + 1]) + out_off, lo, hi);
        y[c + 2] = ek_dsp_clamp_s8(dw_rq(fast, a2, &rq[c + 2]) + out_off, lo, hi);
        y[c + 3] = ek_dsp_clamp_s8(dw_rq(fast, a3, &rq[c + 3]) + out_off, lo, hi);
    }
    for (r = 0; r < rest; ++r) {
        uint32_t acc;
        c = 4 * quads + r;
        acc = (uint32_t)bias[c];
        for (t = 0; t < n_taps; ++t) {
            acc += (uint32_t)((int32_t)w[t * rest + r] * (int32_t)taps[t][c]);
        }
        y[c] = ek_dsp_clamp_s8(dw_rq(fast, (int32_t)acc, &rq[c]) + out_off, lo, hi);
    }
}

ek_status_t ek_depthwise_conv2d_s8_dsp(const ek_context_t *ctx, const ek_dw_conv_params_t *params,
                                       const ek_quant_t *quant, const ek_dims_t *input_dims, const int8_t *input,
                                       const ek_dims_t *filter_dims, const int8_t *filter,
                                       const ek_dims_t *bias_dims, const int32_t *bias,
                                       const ek_dims_t *output_dims, int8_t *output)
{
    const int32_t in_h = input_dims->h, in_w = input_dims->w, in_c = input_dims->c;
    const int32_t k_h = filter_dims->h, k_w = filter_dims->w, n_taps = k_h * k_w;
    const int32_t out_h = output_dims->h, out_w = output_dims->w, out_c = output_dims->c;
    /* copied once: the int8 output stores may alias anything, so the compiler would reload the fields */
    const int32_t out_off = params->output_offset, lo = params->act.min, hi = params->act.max;
    const int32_t span_h = (k_h - 1) * params->dilation_h + 1, span_w = (k_w - 1) * params->dilation_w + 1;
    const int8_t *taps[EK_DW_DSP_MAX_TAPS + 1];
    int32_t offs[EK_DW_DSP_MAX_TAPS];
    int8_t *pad_row;
    ek_dsp_rq_t *rq;
    int32_t b, oy, ox, i, ky, kx, t, fast = 1;

    if (params->depth_multiplier != 1 || n_taps > EK_DW_DSP_MAX_TAPS) {
        return EK_ERR_UNSUPPORTED;
    }
    if (filter_dims->c != out_c || in_c != out_c || input_dims->n != output_dims->n || params->stride_h < 1 ||
        params->stride_w < 1 || params->dilation_h < 1 || params->dilation_w < 1 || bias == NULL ||
        (bias_dims != NULL && bias_dims->c != out_c)) {
        return EK_ERR_ARGUMENT;
    }
    if (ctx == NULL || ctx->buf == NULL || ctx->size < ek_depthwise_conv2d_s8_dsp_buffer_size(input_dims, filter_dims)) {
        return EK_ERR_SCRATCH;
    }
    pad_row = (int8_t *)ctx->buf;
    rq = (ek_dsp_rq_t *)(void *)(pad_row + EK_DSP_ROUND4(in_c));
    for (i = 0; i < in_c; ++i) {
        pad_row[i] = (int8_t)(-params->input_offset);
        rq[i] = ek_dsp_rq_make(&quant[i]); /* once per call, not once per output pixel */
        fast = fast && ek_dsp_rq_fast_ok(&rq[i]);
    }
    taps[n_taps] = pad_row;
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
                /* two copies only (flash): 3x3 with the fast rule, and the general one */
                if (n_taps == 9 && fast) {
                    dw_pixel(taps, 9, out_c, filter, bias, rq, out_off, lo, hi, y, 1);
                } else {
                    dw_pixel(taps, n_taps, out_c, filter, bias, rq, out_off, lo, hi, y, 0);
                }
            }
        }
    }
    return EK_OK;
}
