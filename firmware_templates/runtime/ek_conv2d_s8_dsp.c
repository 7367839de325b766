#include "ek_conv2d_s8_dsp.h"

#include "ek_dsp_common.h"

static int32_t conv_direct(const ek_conv_params_t *params, const ek_dims_t *filter_dims)
{
    return filter_dims->h == 1 && filter_dims->w == 1 && params->pad_h == 0 && params->pad_w == 0;
}

int32_t ek_conv2d_s8_dsp_buffer_size(const ek_conv_params_t *params, const ek_dims_t *input_dims,
                                     const ek_dims_t *filter_dims)
{
    const int32_t k4 = EK_DSP_ROUND4(filter_dims->h * filter_dims->w * filter_dims->c);
    const int32_t rq = (int32_t)sizeof(ek_dsp_rq_t) * filter_dims->n;
    (void)input_dims;
    return 4 * k4 + rq + (conv_direct(params, filter_dims) || filter_dims->c % 4 == 0 ? 0 : k4);
}

/*
 * Channels a multiple of 4: each tap's C_in bytes are whole groups, so the patch is unpacked straight from the
 * input rows into dst (stride 4 words per group), taps outside the image as the unpacked zero-point word pair.
 */
static void conv_unpack_taps(const ek_conv_params_t *params, const ek_dims_t *input_dims, const int8_t *input,
                             const ek_dims_t *filter_dims, int32_t b, int32_t oy, int32_t ox, int32_t pad_e,
                             int32_t pad_o, int32_t *dst)
{
    const int32_t in_h = input_dims->h, in_w = input_dims->w, in_c = input_dims->c;
    const int32_t k_h = filter_dims->h, k_w = filter_dims->w, groups = in_c / 4;
    const int32_t y0 = oy * params->stride_h - params->pad_h, x0 = ox * params->stride_w - params->pad_w;
    int32_t ky, kx, g;
    for (ky = 0; ky < k_h; ++ky) {
        const int32_t iy = y0 + ky * params->dilation_h;
        for (kx = 0; kx < k_w; ++kx) {
            const int32_t ix = x0 + kx * params->dilation_w;
            if (iy < 0 || iy >= in_h || ix < 0 || ix >= in_w) {
                for (g = 0; g < groups; ++g) {
                    dst[0] = pad_e;
                    dst[1] = pad_o;
                    dst += 4;
                }
            } else {
                const int8_t *src = input + (((int32_t)b * in_h + iy) * in_w + ix) * in_c;
                for (g = 0; g < groups; ++g) {
                    const int32_t v = ek_dsp_read4(src + 4 * g);
                    dst[0] = __sxtb16(v);
                    dst[1] = ek_dsp_sxtb16_ror8(v);
                    dst += 4;
                }
            }
        }
    }
}

/* The int8 patch of output pixel (b, oy, ox) in [KH][KW][C_in] order; taps outside the image hold pad. */
static void conv_im2col(const ek_conv_params_t *params, const ek_dims_t *input_dims, const int8_t *input,
                        const ek_dims_t *filter_dims, int32_t b, int32_t oy, int32_t ox, int8_t pad, int8_t *dst)
{
    const int32_t in_h = input_dims->h, in_w = input_dims->w, in_c = input_dims->c;
    const int32_t k_h = filter_dims->h, k_w = filter_dims->w;
    const int32_t y0 = oy * params->stride_h - params->pad_h, x0 = ox * params->stride_w - params->pad_w;
    const int32_t row_bytes = k_w * in_c;
    int32_t ky, kx;
    for (ky = 0; ky < k_h; ++ky) {
        const int32_t iy = y0 + ky * params->dilation_h;
        const int8_t *row;
        if (iy < 0 || iy >= in_h) {
            memset(dst, pad, (size_t)row_bytes);
            dst += row_bytes;
            continue;
        }
        row = input + ((int32_t)b * in_h + iy) * in_w * in_c;
        if (params->dilation_w == 1) {
            /* the in-image taps of a row are contiguous: one copy between two pad runs */
            const int32_t lo = x0 < 0 ? -x0 : 0;
            const int32_t hi = x0 + k_w > in_w ? in_w - x0 : k_w;
            if (hi <= lo) {
                memset(dst, pad, (size_t)row_bytes);
            } else {
                memset(dst, pad, (size_t)(lo * in_c));
                memcpy(dst + lo * in_c, row + (x0 + lo) * in_c, (size_t)((hi - lo) * in_c));
                memset(dst + hi * in_c, pad, (size_t)((k_w - hi) * in_c));
            }
        } else {
            for (kx = 0; kx < k_w; ++kx) {
                const int32_t ix = x0 + kx * params->dilation_w;
                if (ix < 0 || ix >= in_w) {
                    memset(dst + kx * in_c, pad, (size_t)in_c);
                } else {
                    memcpy(dst + kx * in_c, row + ix * in_c, (size_t)in_c);
                }
            }
        }
        dst += row_bytes;
    }
}

/*
 * 2 pixels x 2 output channels. xs: per group of 4 taps, (a even, a odd, b even, b odd) int16 pairs; w: per
 * group, 4 bytes of channel 0 then 4 bytes of channel 1. Two weight words feed 8 SMLADs.
 */
static inline void conv_block22(const int32_t *xs, const int8_t *w, int32_t groups, int32_t acc[4])
{
    int32_t a00 = acc[0], a01 = acc[1], a10 = acc[2], a11 = acc[3];
    const int32_t *end = xs + 4 * groups;
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC unroll 4
#endif
    while (xs != end) {
        const int32_t v0 = ek_dsp_read4(w), v1 = ek_dsp_read4(w + 4);
        const int32_t xae = xs[0], xao = xs[1], xbe = xs[2], xbo = xs[3];
        const int32_t w0e = __sxtb16(v0), w0o = ek_dsp_sxtb16_ror8(v0);
        const int32_t w1e = __sxtb16(v1), w1o = ek_dsp_sxtb16_ror8(v1);
        a00 = __smlad(w0e, xae, a00);
        a00 = __smlad(w0o, xao, a00);
        a01 = __smlad(w0e, xbe, a01);
        a01 = __smlad(w0o, xbo, a01);
        a10 = __smlad(w1e, xae, a10);
        a10 = __smlad(w1o, xao, a10);
        a11 = __smlad(w1e, xbe, a11);
        a11 = __smlad(w1o, xbo, a11);
        w += 8;
        xs += 4;
    }
    acc[0] = a00;
    acc[1] = a01;
    acc[2] = a10;
    acc[3] = a11;
}

/* One pixel (the a slots of xs) against one weight row read with a byte stride of wstride per group. */
static inline int32_t conv_dot(const int32_t *xs, const int8_t *w, int32_t wstride, int32_t groups, int32_t acc)
{
    int32_t g;
    for (g = 0; g < groups; ++g) {
        const int32_t v0 = ek_dsp_read4(w);
        acc = __smlad(__sxtb16(v0), xs[0], acc);
        acc = __smlad(ek_dsp_sxtb16_ror8(v0), xs[1], acc);
        xs += 4;
        w += wstride;
    }
    return acc;
}

/* Requantize with the fast rule when every channel allows it (decided once per call). */
static inline __attribute__((always_inline)) int32_t conv_rq(int32_t fast, int32_t acc, const ek_dsp_rq_t *r)
{
    return fast ? ek_dsp_rq_apply_fast(acc, r) : ek_dsp_rq_apply(acc, r);
}

/* All output channels of a pixel pair whose patches are unpacked in xs; fast is a constant per call site. */
static inline __attribute__((always_inline)) void conv_channels2(const int32_t *xs, const int8_t *filter,
                                                                 const int32_t *bias, const ek_dsp_rq_t *rq,
                                                                 int32_t out_c, int32_t k4, int32_t groups, int8_t *y0,
                                                                 int32_t out_off, int32_t lo, int32_t hi, int32_t fast)
{
    int32_t o;
    for (o = 0; o + 2 <= out_c; o += 2) {
        int32_t acc[4];
        acc[0] = acc[1] = bias[o];
        acc[2] = acc[3] = bias[o + 1];
        conv_block22(xs, filter + (int32_t)o * k4, groups, acc);
        y0[o] = ek_dsp_clamp_s8(conv_rq(fast, acc[0], &rq[o]) + out_off, lo, hi);
        y0[out_c + o] = ek_dsp_clamp_s8(conv_rq(fast, acc[1], &rq[o]) + out_off, lo, hi);
        y0[o + 1] = ek_dsp_clamp_s8(conv_rq(fast, acc[2], &rq[o + 1]) + out_off, lo, hi);
        y0[out_c + o + 1] = ek_dsp_clamp_s8(conv_rq(fast, acc[3], &rq[o + 1]) + out_off, lo, hi);
    }
}

/*
 * Channels the pair blocks do not cover: every channel of a lone last pixel (pixel == 0 only, two == 0) and
 * the odd last channel of each pair (from == out_c - 1). Rare, so one compact copy with the exact rule.
 */
static void conv_channels_rest(const int32_t *xs, const int8_t *filter, const int32_t *bias, const ek_dsp_rq_t *rq,
                               int32_t from, int32_t out_c, int32_t k4, int32_t groups, int32_t two, int8_t *y0,
                               int32_t out_off, int32_t lo, int32_t hi)
{
    int32_t o, i;
    for (o = from; o < out_c; ++o) {
        /* row o starts at o * K4; inside a pair block its groups are 8 bytes apart, alone 4 */
        const int32_t paired = o < out_c - out_c % 2;
        const int8_t *w = filter + (int32_t)(o - (paired ? o % 2 : 0)) * k4 + (paired ? 4 * (o % 2) : 0);
        for (i = 0; i <= two; ++i) {
            const int32_t acc = conv_dot(xs + 2 * i, w, paired ? 8 : 4, groups, bias[o]);
            y0[i * out_c + o] = ek_dsp_clamp_s8(ek_dsp_rq_apply(acc, &rq[o]) + out_off, lo, hi);
        }
    }
}

ek_status_t ek_conv2d_s8_dsp(const ek_context_t *ctx, const ek_conv_params_t *params, const ek_quant_t *quant,
                             const ek_dims_t *input_dims, const int8_t *input, const ek_dims_t *filter_dims,
                             const int8_t *filter, const ek_dims_t *bias_dims, const int32_t *bias,
                             const ek_dims_t *output_dims, int8_t *output)
{
    const int32_t in_h = input_dims->h, in_w = input_dims->w, in_c = input_dims->c;
    const int32_t out_h = output_dims->h, out_w = output_dims->w, out_c = output_dims->c;
    const int32_t k = filter_dims->h * filter_dims->w * filter_dims->c, k4 = EK_DSP_ROUND4(k), groups = k4 / 4;
    const int32_t pixels = output_dims->n * out_h * out_w;
    const int32_t direct = conv_direct(params, filter_dims);
    const int32_t stride_h = params->stride_h, stride_w = params->stride_w;
    /* copied once: the int8 output stores may alias anything, so the compiler would reload the fields */
    const int32_t out_off = params->output_offset, lo = params->act.min, hi = params->act.max;
    const int8_t pad = (int8_t)(-params->input_offset);
    int32_t *xs, pad_e, pad_o, fast = 1;
    ek_dsp_rq_t *rq;
    int8_t *patch;
    int32_t p, o;

    if (filter_dims->c != in_c || filter_dims->n != out_c || input_dims->n != output_dims->n || bias == NULL ||
        stride_h < 1 || stride_w < 1 || params->dilation_h < 1 || params->dilation_w < 1 ||
        (bias_dims != NULL && bias_dims->c != out_c)) {
        return EK_ERR_ARGUMENT;
    }
    if (ctx == NULL || ctx->buf == NULL || ctx->size < ek_conv2d_s8_dsp_buffer_size(params, input_dims, filter_dims)) {
        return EK_ERR_SCRATCH;
    }
    xs = (int32_t *)ctx->buf;
    rq = (ek_dsp_rq_t *)(void *)(xs + k4); /* after the 2 x K4 int16 values */
    patch = (int8_t *)(rq + out_c);
    for (o = 0; o < out_c; ++o) {
        rq[o] = ek_dsp_rq_make(&quant[o]); /* once per call, not once per output pixel */
        fast = fast && ek_dsp_rq_fast_ok(&rq[o]);
    }
    {
        const int32_t pad_word = (int32_t)((uint32_t)(uint8_t)pad * 0x01010101u);
        pad_e = __sxtb16(pad_word);
        pad_o = ek_dsp_sxtb16_ror8(pad_word);
    }

    for (p = 0; p < pixels; p += 2) {
        const int32_t two = p + 1 < pixels;
        int8_t *y0 = output + (int32_t)p * out_c;
        int32_t i;
        for (i = 0; i <= two; ++i) {
            const int32_t q = p + i, ox = q % out_w, oy = (q / out_w) % out_h, b = q / (out_w * out_h);
            if (direct) {
                ek_dsp_unpack_s8(input + (((int32_t)b * in_h + oy * stride_h) * in_w + ox * stride_w) * in_c, k,
                                 xs + 2 * i, 4);
            } else if (in_c % 4 == 0) {
                conv_unpack_taps(params, input_dims, input, filter_dims, b, oy, ox, pad_e, pad_o, xs + 2 * i);
            } else {
                conv_im2col(params, input_dims, input, filter_dims, b, oy, ox, pad, patch);
                ek_dsp_unpack_s8(patch, k, xs + 2 * i, 4);
            }
        }
        if (!two) {
            conv_channels_rest(xs, filter, bias, rq, 0, out_c, k4, groups, 0, y0, out_off, lo, hi);
            continue;
        }
        if (fast) {
            conv_channels2(xs, filter, bias, rq, out_c, k4, groups, y0, out_off, lo, hi, 1);
        } else {
            conv_channels2(xs, filter, bias, rq, out_c, k4, groups, y0, out_off, lo, hi, 0);
        }
        if (out_c % 2) {
            conv_channels_rest(xs, filter, bias, rq, out_c - 1, out_c, k4, groups, 1, y0, out_off, lo, hi);
        }
    }
    return EK_OK;
}
