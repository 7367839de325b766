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
    (void)ctx;
    EK_BROADCAST_KERNEL(EK_PRELU_MAX_RANK, 1, params,
                        quant->identity.shift > 31 || quant->identity.shift < -31 || quant->alpha.shift > 31 ||
                            quant->alpha.shift < -31,
                        params->stride_input, params->stride_alpha, input_dims, input, alpha_dims, alpha, output_dims,
                        output, ek_prelu_one, params, quant);
}
