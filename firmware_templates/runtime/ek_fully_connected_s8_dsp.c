#include "ek_fully_connected_s8_dsp.h"

#include "ek_dsp_common.h"

int32_t ek_fully_connected_s8_dsp_buffer_size(const ek_dims_t *filter_dims)
{
    return 2 * EK_DSP_ROUND4(filter_dims->c);
}

/* Two output units at once: each unpacked input pair is loaded once for both rows. */
static inline void fc_rows2(const int32_t *xs, int32_t groups, const int8_t *w0, const int8_t *w1, int32_t *acc0,
                            int32_t *acc1)
{
    int32_t a0 = *acc0, a1 = *acc1, g;
    for (g = 0; g < groups; ++g) {
        const int32_t xe = xs[2 * g], xo = xs[2 * g + 1];
        const int32_t v0 = ek_dsp_read4(w0 + 4 * g), v1 = ek_dsp_read4(w1 + 4 * g);
        a0 = __smlad(__sxtb16(v0), xe, a0);
        a0 = __smlad(ek_dsp_sxtb16_ror8(v0), xo, a0);
        a1 = __smlad(__sxtb16(v1), xe, a1);
        a1 = __smlad(ek_dsp_sxtb16_ror8(v1), xo, a1);
    }
    *acc0 = a0;
    *acc1 = a1;
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
    int32_t *xs;
    int32_t b, o;

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
        ek_dsp_unpack_s8(x, depth, xs);
        if (filter_offset != 0) {
            uint32_t sum = 0;
            int32_t d;
            for (d = 0; d < depth; ++d) {
                sum += (uint32_t)(int32_t)x[d];
            }
            row_term = sum * (uint32_t)filter_offset;
        }
        for (o = 0; o + 2 <= units; o += 2) {
            int32_t a0 = (int32_t)((bias != NULL ? (uint32_t)bias[o] : 0u) + row_term);
            int32_t a1 = (int32_t)((bias != NULL ? (uint32_t)bias[o + 1] : 0u) + row_term);
            fc_rows2(xs, groups, filter + (int32_t)o * k4, filter + (int32_t)(o + 1) * k4, &a0, &a1);
            y[o] = ek_dsp_output(a0, params->per_channel ? &quant[o] : &quant[0], params->output_offset, &params->act);
            y[o + 1] = ek_dsp_output(a1, params->per_channel ? &quant[o + 1] : &quant[0], params->output_offset,
                                     &params->act);
        }
        if (o < units) {
            int32_t a0 = (int32_t)((bias != NULL ? (uint32_t)bias[o] : 0u) + row_term);
            a0 = fc_row1(xs, groups, filter + (int32_t)o * k4, a0);
            y[o] = ek_dsp_output(a0, params->per_channel ? &quant[o] : &quant[0], params->output_offset, &params->act);
        }
    }
    return EK_OK;
}
