#include "ek_fully_connected_s8_dsp.h"

#include "ek_dsp_common.h"

int32_t ek_fully_connected_s8_dsp_buffer_size(const ek_dims_t *filter_dims)
{
    return 2 * EK_DSP_ROUND4(filter_dims->c);
}

/* Four output units at once: each unpacked input pair is loaded once for four rows, whose 4-byte groups are
   interleaved offline (16 bytes per group). */
static inline void fc_rows4(const int32_t *xs, int32_t groups, const int8_t *w, int32_t acc[4])
{
    int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    const int32_t *end = xs + 2 * groups;
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC unroll 2
#endif
    while (xs != end) {
        const int32_t xe = xs[0], xo = xs[1];
        const int32_t v0 = ek_dsp_read4(w), v1 = ek_dsp_read4(w + 4);
        const int32_t v2 = ek_dsp_read4(w + 8), v3 = ek_dsp_read4(w + 12);
        a0 = __smlad(__sxtb16(v0), xe, a0);
        a0 = __smlad(ek_dsp_sxtb16_ror8(v0), xo, a0);
        a1 = __smlad(__sxtb16(v1), xe, a1);
        a1 = __smlad(ek_dsp_sxtb16_ror8(v1), xo, a1);
        a2 = __smlad(__sxtb16(v2), xe, a2);
        a2 = __smlad(ek_dsp_sxtb16_ror8(v2), xo, a2);
        a3 = __smlad(__sxtb16(v3), xe, a3);
        a3 = __smlad(ek_dsp_sxtb16_ror8(v3), xo, a3);
        xs += 2;
        w += 16;
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}

static inline int32_t fc_row1(const int32_t *xs, int32_t groups, const int8_t *w0, int32_t a0)
{
    int32_t g;
    for (g = 0; g < groups; ++g) {
        const int32_t v0 = ek_dsp_read4(w0 + 4 * g);
        a0 = __smlad(__sxtb16(v0), xs[2 * g], a0);
        a0 = __smlad(ek_dsp_sxtb16_ror8(v0), xs[2 * g + 1], a0);
    }
    return a0;
}

ek_status_t ek_fully_connected_s8_dsp(const ek_context_t *ctx, const ek_fc_params_t *params, const ek_quant_t *quant,
                                      const ek_dims_t *input_dims, const int8_t *input, const ek_dims_t *filter_dims,
                                      const int8_t *filter, const ek_dims_t *bias_dims, const int32_t *bias,
                                      const ek_dims_t *output_dims, int8_t *output)
{
    const int32_t batches = input_dims->n, depth = input_dims->c, units = output_dims->c;
    const int32_t k4 = EK_DSP_ROUND4(depth), groups = k4 / 4;
    const int32_t filter_offset = params->per_channel ? 0 : params->filter_offset;
    const int32_t per_channel = params->per_channel;
    /* copied once: the int8 output stores may alias anything, so the compiler would reload the fields */
    const int32_t out_off = params->output_offset, lo = params->act.min, hi = params->act.max;
    int32_t *xs;
    int32_t b, o, j;

    if (filter_dims->c != depth || filter_dims->n != units || output_dims->n != batches ||
        (bias != NULL && bias_dims != NULL && bias_dims->c != units)) {
        return EK_ERR_ARGUMENT;
    }
    if (ctx == NULL || ctx->buf == NULL || ctx->size < ek_fully_connected_s8_dsp_buffer_size(filter_dims)) {
        return EK_ERR_SCRATCH;
    }
    xs = (int32_t *)ctx->buf;
    for (b = 0; b < batches; ++b) {
        const int8_t *x = input + (int32_t)b * depth;
        uint32_t row_term = 0; /* filter_offset * sum(x): the only input-dependent offset term */
        int8_t *y = output + (int32_t)b * units;
        ek_dsp_rq_t r = ek_dsp_rq_make(&quant[0]);
        ek_dsp_unpack_s8(x, depth, xs, 2);
        if (filter_offset != 0) {
            uint32_t sum = 0;
            int32_t d;
            for (d = 0; d < depth; ++d) {
                sum += (uint32_t)(int32_t)x[d];
            }
            row_term = sum * (uint32_t)filter_offset;
        }
        for (o = 0; o + 4 <= units; o += 4) {
            int32_t acc[4];
            for (j = 0; j < 4; ++j) {
                acc[j] = (int32_t)((bias != NULL ? (uint32_t)bias[o + j] : 0u) + row_term);
            }
            fc_rows4(xs, groups, filter + (int32_t)o * k4, acc);
            for (j = 0; j < 4; ++j) {
                if (per_channel) {
                    r = ek_dsp_rq_make(&quant[o + j]);
                }
                y[o + j] = ek_dsp_clamp_s8(ek_dsp_rq_apply(acc[j], &r) + out_off, lo, hi);
            }
        }
        for (; o < units; ++o) {
            int32_t a0 = (int32_t)((bias != NULL ? (uint32_t)bias[o] : 0u) + row_term);
            a0 = fc_row1(xs, groups, filter + (int32_t)o * k4, a0);
            if (per_channel) {
                r = ek_dsp_rq_make(&quant[o]);
            }
            y[o] = ek_dsp_clamp_s8(ek_dsp_rq_apply(a0, &r) + out_off, lo, hi);
        }
    }
    return EK_OK;
}
