#include "ek_add_s8_dsp.h"

#include "ek_dsp_common.h"

int32_t ek_add_s8_dsp_buffer_size(void)
{
    return 2 * 256 * (int32_t)sizeof(int32_t);
}

static int32_t add_count(const ek_dims_t *d)
{
    return d->n * d->h * d->w * d->c;
}

ek_status_t ek_add_s8_dsp(const ek_context_t *ctx, const ek_add_params_t *params, const ek_add_quant_t *quant,
                          const ek_dims_t *input1_dims, const int8_t *input1, const ek_dims_t *input2_dims,
                          const int8_t *input2, const ek_dims_t *output_dims, int8_t *output)
{
    const int32_t total = add_count(output_dims);
    /* copied once: the int8 output stores may alias anything, so the compiler would reload the fields */
    const int32_t out_off = params->output_offset, lo = params->act.min, hi = params->act.max;
    const ek_dsp_rq_t rq = ek_dsp_rq_make(&quant->output);
    int32_t *t1, *t2;
    int32_t i;

    if (params->broadcast || params->left_shift < 0 || params->left_shift > 24 || add_count(input1_dims) != total ||
        add_count(input2_dims) != total) {
        return EK_ERR_ARGUMENT;
    }
    if (ctx == NULL || ctx->buf == NULL || ctx->size < ek_add_s8_dsp_buffer_size()) {
        return EK_ERR_SCRATCH;
    }
    /* tables indexed by code + 128 */
    t1 = (int32_t *)ctx->buf;
    t2 = t1 + 256;
    for (i = 0; i < 256; ++i) {
        const int32_t q = i - 128;
        t1[i] = ek_mbqm((q + params->input1_offset) * ((int32_t)1 << params->left_shift), quant->input1.multiplier,
                        quant->input1.shift);
        t2[i] = ek_mbqm((q + params->input2_offset) * ((int32_t)1 << params->left_shift), quant->input2.multiplier,
                        quant->input2.shift);
    }
    t1 += 128;
    t2 += 128;
    if (ek_dsp_rq_fast_ok(&rq)) {
        for (i = 0; i < total; ++i) {
            /* the sum wraps as TFLM's int32 addition does */
            const int32_t sum = (int32_t)((uint32_t)t1[input1[i]] + (uint32_t)t2[input2[i]]);
            output[i] = ek_dsp_clamp_s8(ek_dsp_rq_apply_fast(sum, &rq) + out_off, lo, hi);
        }
    } else {
        for (i = 0; i < total; ++i) {
            const int32_t sum = (int32_t)((uint32_t)t1[input1[i]] + (uint32_t)t2[input2[i]]);
            output[i] = ek_dsp_clamp_s8(ek_dsp_rq_apply(sum, &rq) + out_off, lo, hi);
        }
    }
    return EK_OK;
}
