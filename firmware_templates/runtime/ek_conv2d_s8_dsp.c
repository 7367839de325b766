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
    (void)input_dims;
    return conv_direct(params, filter_dims) ? 4 * k4 : 5 * k4;
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

/* 2 pixels x 2 output channels: 4 weight words unpacked once per group feed 8 SMLADs. */
static inline void conv_block22(const int32_t *xa, const int32_t *xb, const int8_t *w0, const int8_t *w1,
                                int32_t groups, int32_t acc[4])
{
    int32_t a00 = acc[0], a01 = acc[1], a10 = acc[2], a11 = acc[3], g;
    for (g = 0; g < groups; ++g) {
        const int32_t v0 = ek_dsp_read4(w0), v1 = ek_dsp_read4(w1);
        const int32_t w0e = __sxtb16(v0), w0o = ek_dsp_sxtb16_ror8(v0);
        const int32_t w1e = __sxtb16(v1), w1o = ek_dsp_sxtb16_ror8(v1);
        const int32_t xae = xa[0], xao = xa[1], xbe = xb[0], xbo = xb[1];
        a00 = __smlad(w0e, xae, a00);
        a00 = __smlad(w0o, xao, a00);
        a01 = __smlad(w0e, xbe, a01);
        a01 = __smlad(w0o, xbo, a01);
        a10 = __smlad(w1e, xae, a10);
        a10 = __smlad(w1o, xao, a10);
        a11 = __smlad(w1e, xbe, a11);
        a11 = __smlad(w1o, xbo, a11);
        w0 += 4;
        w1 += 4;
        xa += 2;
        xb += 2;
    }
    acc[0] = a00;
    acc[1] = a01;
    acc[2] = a10;
    acc[3] = a11;
}

static inline int32_t conv_dot(const int32_t *xa, const int8_t *w0, int32_t groups, int32_t acc)
{
    int32_t g;
    for (g = 0; g < groups; ++g) {
        const int32_t v0 = ek_dsp_read4(w0 + 4 * g);
        acc = __smlad(__sxtb16(v0), xa[2 * g], acc);
        acc = __smlad(ek_dsp_sxtb16_ror8(v0), xa[2 * g + 1], acc);
    }
    return acc;
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
    const int8_t pad = (int8_t)(-params->input_offset);
    int32_t *xs0, *xs1;
    int8_t *patch;
    int32_t p;

    if (filter_dims->c != in_c || filter_dims->n != out_c || input_dims->n != output_dims->n || bias == NULL ||
        params->stride_h < 1 || params->stride_w < 1 || params->dilation_h < 1 || params->dilation_w < 1 ||
        (bias_dims != NULL && bias_dims->c != out_c)) {
        return EK_ERR_ARGUMENT;
    }
    if (ctx == NULL || ctx->buf == NULL || ctx->size < ek_conv2d_s8_dsp_buffer_size(params, input_dims, filter_dims)) {
        return EK_ERR_SCRATCH;
    }
    xs0 = (int32_t *)ctx->buf;
    xs1 = xs0 + k4 / 2;
    patch = (int8_t *)(xs1 + k4 / 2);

    for (p = 0; p < pixels; p += 2) {
        const int32_t two = p + 1 < pixels;
        int32_t i, o;
        for (i = 0; i <= two; ++i) {
            const int32_t q = p + i, ox = q % out_w, oy = (q / out_w) % out_h, b = q / (out_w * out_h);
            const int8_t *src;
            if (direct) {
                src = input + (((int32_t)b * in_h + oy * params->stride_h) * in_w + ox * params->stride_w) * in_c;
            } else {
                conv_im2col(params, input_dims, input, filter_dims, b, oy, ox, pad, patch);
                src = patch;
            }
            ek_dsp_unpack_s8(src, k, i == 0 ? xs0 : xs1);
        }
        if (two) {
            int8_t *y0 = output + (int32_t)p * out_c, *y1 = y0 + out_c;
            for (o = 0; o + 2 <= out_c; o += 2) {
                int32_t acc[4];
                acc[0] = acc[1] = bias[o];
                acc[2] = acc[3] = bias[o + 1];
                conv_block22(xs0, xs1, filter + (int32_t)o * k4, filter + (int32_t)(o + 1) * k4, groups, acc);
                y0[o] = ek_dsp_output(acc[0], &quant[o], params->output_offset, &params->act);
                y1[o] = ek_dsp_output(acc[1], &quant[o], params->output_offset, &params->act);
                y0[o + 1] = ek_dsp_output(acc[2], &quant[o + 1], params->output_offset, &params->act);
                y1[o + 1] = ek_dsp_output(acc[3], &quant[o + 1], params->output_offset, &params->act);
            }
            if (o < out_c) {
                const int8_t *w = filter + (int32_t)o * k4;
                y0[o] = ek_dsp_output(conv_dot(xs0, w, groups, bias[o]), &quant[o], params->output_offset,
                                      &params->act);
                y1[o] = ek_dsp_output(conv_dot(xs1, w, groups, bias[o]), &quant[o], params->output_offset,
                                      &params->act);
            }
        } else {
            int8_t *y0 = output + (int32_t)p * out_c;
            for (o = 0; o < out_c; ++o) {
                y0[o] = ek_dsp_output(conv_dot(xs0, filter + (int32_t)o * k4, groups, bias[o]), &quant[o],
                                      params->output_offset, &params->act);
            }
        }
    }
    return EK_OK;
}
