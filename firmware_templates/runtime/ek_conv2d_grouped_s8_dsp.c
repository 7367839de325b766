#include "ek_conv2d_grouped_s8_dsp.h"

#include "ek_dsp_common.h"

int32_t ek_conv2d_grouped_s8_dsp_buffer_size(const ek_dims_t *filter_dims)
{
    const int32_t k4 = EK_DSP_ROUND4(filter_dims->h * filter_dims->w * filter_dims->c);
    return 3 * k4 + (int32_t)sizeof(ek_dsp_rq_t) * filter_dims->n;
}

/* Requantize with the fast rule when every channel allows it (decided once per call). */
static inline __attribute__((always_inline)) int8_t conv_out(int32_t fast, int32_t acc, const ek_dsp_rq_t *r,
                                                             int32_t out_off, int32_t lo, int32_t hi)
{
    return ek_dsp_clamp_s8((fast ? ek_dsp_rq_apply_fast(acc, r) : ek_dsp_rq_apply(acc, r)) + out_off, lo, hi);
}

/* The output channels [first, first + n) of one pixel from the unpacked patch (k4 / 2 words). Inlined twice. */
static inline __attribute__((always_inline)) void conv_channels(const int32_t *patch, int32_t k4, int32_t first,
                                                                int32_t n, const int8_t *filter,
                                                                const int32_t *bias, const ek_dsp_rq_t *rq,
                                                                int32_t out_off, int32_t lo, int32_t hi, int8_t *y,
                                                                int32_t fast)
{
    int32_t o = first, j;
    for (; o + 2 <= first + n; o += 2) {
        const int8_t *w0 = filter + o * k4, *w1 = w0 + k4;
        int32_t a0 = bias[o], a1 = bias[o + 1];
        for (j = 0; j < k4; j += 4) {
            const int32_t p0 = patch[j / 2], p1 = patch[j / 2 + 1];
            const int32_t v0 = ek_dsp_read4(w0 + j), v1 = ek_dsp_read4(w1 + j);
            a0 = __smlad(__sxtb16(v0), p0, a0);
            a0 = __smlad(ek_dsp_sxtb16_ror8(v0), p1, a0);
            a1 = __smlad(__sxtb16(v1), p0, a1);
            a1 = __smlad(ek_dsp_sxtb16_ror8(v1), p1, a1);
        }
        y[o] = conv_out(fast, a0, &rq[o], out_off, lo, hi);
        y[o + 1] = conv_out(fast, a1, &rq[o + 1], out_off, lo, hi);
    }
    if (o < first + n) {
        const int8_t *w0 = filter + o * k4;
        int32_t a0 = bias[o];
        for (j = 0; j < k4; j += 4) {
            const int32_t v0 = ek_dsp_read4(w0 + j);
            a0 = __smlad(__sxtb16(v0), patch[j / 2], a0);
            a0 = __smlad(ek_dsp_sxtb16_ror8(v0), patch[j / 2 + 1], a0);
        }
        y[o] = conv_out(fast, a0, &rq[o], out_off, lo, hi);
    }
}

ek_status_t ek_conv2d_grouped_s8_dsp(const ek_context_t *ctx, const ek_conv_params_t *params,
                                     const ek_quant_t *quant, const ek_dims_t *input_dims, const int8_t *input,
                                     const ek_dims_t *filter_dims, const int8_t *filter, const ek_dims_t *bias_dims,
                                     const int32_t *bias, const ek_dims_t *output_dims, int8_t *output)
{
    const int32_t in_h = input_dims->h, in_w = input_dims->w, in_c = input_dims->c;
    const int32_t k_h = filter_dims->h, k_w = filter_dims->w, cg = filter_dims->c;
    const int32_t out_h = output_dims->h, out_w = output_dims->w, out_c = output_dims->c;
    const int32_t k = k_h * k_w * cg, k4 = EK_DSP_ROUND4(k);
    /* copied once: the int8 output stores may alias anything, so the compiler would reload the fields */
    const int32_t out_off = params->output_offset, lo = params->act.min, hi = params->act.max;
    const int8_t zp = (int8_t)(-params->input_offset);
    /* the zero point sign-extended into both halfwords: an unpacked word of taps outside the image */
    const int32_t zp_pair = (int32_t)(((uint32_t)(int32_t)zp & 0xFFFFu) * 0x10001u);
    int32_t groups, per_group, b, oy, ox, g, ky, kx, i, fast = 1;
    int8_t *patch8;
    int32_t *patch16;
    ek_dsp_rq_t *rq;

    if (cg < 1 || in_c % cg != 0 || filter_dims->n != out_c || input_dims->n != output_dims->n ||
        params->stride_h < 1 || params->stride_w < 1 || params->dilation_h < 1 || params->dilation_w < 1 ||
        bias == NULL || (bias_dims != NULL && bias_dims->c != out_c)) {
        return EK_ERR_ARGUMENT;
    }
    groups = in_c / cg;
    if (out_c % groups != 0) {
        return EK_ERR_ARGUMENT;
    }
    per_group = out_c / groups;
    if (ctx == NULL || ctx->buf == NULL || ctx->size < ek_conv2d_grouped_s8_dsp_buffer_size(filter_dims)) {
        return EK_ERR_SCRATCH;
    }
    patch16 = (int32_t *)ctx->buf;
    patch8 = (int8_t *)(patch16 + k4 / 2);
    rq = (ek_dsp_rq_t *)(void *)(patch8 + k4);
    for (i = 0; i < out_c; ++i) {
        rq[i] = ek_dsp_rq_make(&quant[i]); /* once per call, not once per output pixel */
        fast = fast && ek_dsp_rq_fast_ok(&rq[i]);
    }
    for (i = k; i < k4; ++i) {
        patch8[i] = 0; /* meets the zero padding of the filter rows */
    }

    for (b = 0; b < input_dims->n; ++b) {
        for (oy = 0; oy < out_h; ++oy) {
            const int32_t y0 = oy * params->stride_h - params->pad_h;
            for (ox = 0; ox < out_w; ++ox) {
                const int32_t x0 = ox * params->stride_w - params->pad_w;
                int8_t *y = output + (((int32_t)b * out_h + oy) * out_w + ox) * out_c;
                for (g = 0; g < groups; ++g) {
                    if (cg % 4 == 0) {
                        /* whole words per tap: unpack straight from the input, no int8 patch */
                        int32_t *dst = patch16;
                        for (ky = 0; ky < k_h; ++ky) {
                            const int32_t iy = y0 + ky * params->dilation_h;
                            for (kx = 0; kx < k_w; ++kx, dst += cg / 2) {
                                const int32_t ix = x0 + kx * params->dilation_w;
                                if (iy < 0 || iy >= in_h || ix < 0 || ix >= in_w) {
                                    for (i = 0; i < cg / 2; ++i) {
                                        dst[i] = zp_pair;
                                    }
                                } else {
                                    ek_dsp_unpack_s8(input + (((int32_t)b * in_h + iy) * in_w + ix) * in_c + g * cg,
                                                     cg, dst, 2);
                                }
                            }
                        }
                    } else {
                        int8_t *dst = patch8;
                        for (ky = 0; ky < k_h; ++ky) {
                            const int32_t iy = y0 + ky * params->dilation_h;
                            for (kx = 0; kx < k_w; ++kx, dst += cg) {
                                const int32_t ix = x0 + kx * params->dilation_w;
                                /* a few bytes each: cheaper inline than memcpy / memset calls */
                                if (iy < 0 || iy >= in_h || ix < 0 || ix >= in_w) {
                                    for (i = 0; i < cg; ++i) {
                                        dst[i] = zp;
                                    }
                                } else {
                                    const int8_t *src = input + (((int32_t)b * in_h + iy) * in_w + ix) * in_c + g * cg;
                                    for (i = 0; i < cg; ++i) {
                                        dst[i] = src[i];
                                    }
                                }
                            }
                        }
                        ek_dsp_unpack_s8(patch8, k4, patch16, 2);
                    }
                    if (fast) {
                        conv_channels(patch16, k4, g * per_group, per_group, filter, bias, rq, out_off, lo, hi, y,
                                      1);
                    } else {
                        conv_channels(patch16, k4, g * per_group, per_group, filter, bias, rq, out_off, lo, hi, y,
                                      0);
                    }
                }
            }
        }
    }
    return EK_OK;
}
