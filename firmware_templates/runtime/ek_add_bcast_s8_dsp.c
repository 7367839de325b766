#include "ek_add_bcast_s8_dsp.h"

#include "ek_broadcast.h"
#include "ek_dsp_common.h"

int32_t ek_add_bcast_s8_dsp_buffer_size(void)
{
    return 2 * 256 * (int32_t)sizeof(int32_t);
}

/* Sum of the two tabulated values (wrapping as TFLM's int32 addition), requantized, offset and clamped. */
static inline __attribute__((always_inline)) int8_t add_out(int32_t y1, int32_t y2, const ek_dsp_rq_t *rq,
                                                            int32_t fast, int32_t out_off, int32_t lo, int32_t hi)
{
    const int32_t sum = (int32_t)((uint32_t)y1 + (uint32_t)y2);
    return ek_dsp_clamp_s8((fast ? ek_dsp_rq_apply_fast(sum, rq) : ek_dsp_rq_apply(sum, rq)) + out_off, lo, hi);
}

/*
 * One run of n outputs: input 1 advances by s1 elements, input 2 by s2 (0 for a broadcast input, whose scaled
 * value is then loaded once per run). t1 and t2 are the tables indexed by the int8 code. Inlined twice (fast and
 * exact requantization).
 */
static inline __attribute__((always_inline)) void add_run(const int32_t *t1, const int32_t *t2, const int8_t *a,
                                                          const int8_t *b, int32_t s1, int32_t s2, int32_t n,
                                                          int8_t *y, const ek_dsp_rq_t *rq, int32_t fast,
                                                          int32_t out_off, int32_t lo, int32_t hi)
{
    int32_t i;
    if (s2 == 0) {
        const int32_t y2 = t2[b[0]];
        for (i = 0; i < n; ++i, a += s1) {
            y[i] = add_out(t1[a[0]], y2, rq, fast, out_off, lo, hi);
        }
    } else if (s1 == 0) {
        const int32_t y1 = t1[a[0]];
        for (i = 0; i < n; ++i, b += s2) {
            y[i] = add_out(y1, t2[b[0]], rq, fast, out_off, lo, hi);
        }
    } else {
        for (i = 0; i < n; ++i, a += s1, b += s2) {
            y[i] = add_out(t1[a[0]], t2[b[0]], rq, fast, out_off, lo, hi);
        }
    }
}

ek_status_t ek_add_bcast_s8_dsp(const ek_context_t *ctx, const ek_add_params_t *params, const ek_add_quant_t *quant,
                                const ek_dims_t *input1_dims, const int8_t *input1, const ek_dims_t *input2_dims,
                                const int8_t *input2, const ek_dims_t *output_dims, int8_t *output)
{
    const int32_t out_off = params->output_offset, lo = params->act.min, hi = params->act.max;
    const ek_dsp_rq_t rq = ek_dsp_rq_make(&quant->output);
    const int32_t fast = ek_dsp_rq_fast_ok(&rq);
    int32_t idx[EK_ADD_MAX_RANK] = {0, 0, 0, 0, 0, 0};
    int32_t total = 1, last, run, s1, s2, off1 = 0, off2 = 0, done, i;
    int32_t *t1, *t2;

    if (params->rank < 1 || params->rank > EK_ADD_MAX_RANK || params->left_shift < 0 || params->left_shift > 24) {
        return EK_ERR_ARGUMENT;
    }
    for (i = 0; i < params->rank; ++i) {
        total *= params->shape[i];
    }
    if (total != ek_dims_count(output_dims) || (!params->broadcast && (ek_dims_count(input1_dims) != total ||
                                                                       ek_dims_count(input2_dims) != total))) {
        return EK_ERR_ARGUMENT;
    }
    if (ctx == NULL || ctx->buf == NULL || ctx->size < ek_add_bcast_s8_dsp_buffer_size()) {
        return EK_ERR_SCRATCH;
    }
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
    /* merge the innermost dimensions both inputs walk as one: stride[d - 1] == stride[d] * shape[d] for each */
    last = params->rank - 1;
    run = params->shape[last];
    s1 = params->stride1[last];
    s2 = params->stride2[last];
    if (!params->broadcast) { /* same shapes: one run */
        last = 0;
        run = total;
        s1 = s2 = 1;
    }
    while (last > 0 && params->stride1[last - 1] == s1 * run && params->stride2[last - 1] == s2 * run) {
        --last;
        run *= params->shape[last];
    }
    for (done = 0; done < total; done += run) {
        if (fast) {
            add_run(t1, t2, input1 + off1, input2 + off2, s1, s2, run, output + done, &rq, 1, out_off, lo, hi);
        } else {
            add_run(t1, t2, input1 + off1, input2 + off2, s1, s2, run, output + done, &rq, 0, out_off, lo, hi);
        }
        /* the odometer over the dimensions outside the run (a no-op when the run is everything) */
        if (last > 0) {
            ek_broadcast_step(params->shape, params->stride1, params->stride2, last - 1, idx, &off1, &off2);
        }
    }
    return EK_OK;
}
