/* edgekit runtime: int8 PRELU (TFLM reference_ops::BroadcastPrelu4DSlow, double rounding). */
#include "ek_prelu_s8.h"

#include "ek_broadcast.h"

static int8_t ek_prelu_one(const ek_prelu_params_t *p, const ek_prelu_quant_t *q, int32_t in, int32_t a)
{
    const int32_t x = in + p->input_offset;
    int32_t out;
    if (x >= 0) {
        out = ek_mbqm(x, q->identity.multiplier, q->identity.shift);
    } else {
        out = ek_mbqm(x * (a + p->alpha_offset), q->alpha.multiplier, q->alpha.shift);
    }
    return ek_sat_s8(out + p->output_offset);
}

ek_status_t ek_prelu_s8(const ek_context_t *ctx, const ek_prelu_params_t *params, const ek_prelu_quant_t *quant,
                        const ek_dims_t *input_dims, const int8_t *input, const ek_dims_t *alpha_dims,
                        const int8_t *alpha, const ek_dims_t *output_dims, int8_t *output)
{
    int32_t total = 1, i;
    (void)ctx;
    if (params->rank < 1 || params->rank > EK_PRELU_MAX_RANK || quant->identity.shift > 31 ||
        quant->identity.shift < -31 || quant->alpha.shift > 31 || quant->alpha.shift < -31) {
        return EK_ERR_ARGUMENT;
    }
    for (i = 0; i < params->rank; ++i) {
        total *= params->shape[i];
    }
    if (total != ek_dims_count(output_dims)) {
        return EK_ERR_ARGUMENT;
    }
    if (!params->broadcast) {
        if (ek_dims_count(input_dims) != total || ek_dims_count(alpha_dims) != total) {
            return EK_ERR_ARGUMENT;
        }
        for (i = 0; i < total; ++i) {
            output[i] = ek_prelu_one(params, quant, input[i], alpha[i]);
        }
        return EK_OK;
    }
    {
        /* The innermost dimension is a plain loop with each operand's stride (0 where broadcast); an odometer
         * walks the outer ones. The generator has merged dimensions where it could, so the rank is small. */
        const int32_t last = params->rank - 1;
        const int32_t inner = params->shape[last];
        const int32_t s_in = params->stride_input[last], s_alpha = params->stride_alpha[last];
        int32_t idx[EK_PRELU_MAX_RANK] = {0, 0, 0, 0};
        int32_t off_in = 0, off_alpha = 0, done = 0;
        while (done < total) {
            int32_t j;
            for (j = 0; j < inner; ++j) {
                output[done + j] = ek_prelu_one(params, quant, input[off_in + j * s_in], alpha[off_alpha + j * s_alpha]);
            }
            done += inner;
            ek_broadcast_step(params->shape, params->stride_input, params->stride_alpha, last - 1, idx, &off_in,
                              &off_alpha);
        }
    }
    return EK_OK;
}
