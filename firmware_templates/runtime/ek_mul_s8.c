/* edgekit runtime: int8 MUL (TFLM reference_integer_ops::Mul / BroadcastMul6DSlow). */
#include "ek_mul_s8.h"

#include "ek_broadcast.h"

static int8_t ek_mul_one(const ek_mul_params_t *p, const ek_quant_t *q, int32_t a, int32_t b)
{
    const int32_t product = (a + p->input1_offset) * (b + p->input2_offset);
    const int32_t out = ek_mbqm(product, q->multiplier, q->shift) + p->output_offset;
    return (int8_t)ek_clamp(out, p->act.min, p->act.max);
}

ek_status_t ek_mul_s8(const ek_context_t *ctx, const ek_mul_params_t *params, const ek_quant_t *quant,
                      const ek_dims_t *input1_dims, const int8_t *input1, const ek_dims_t *input2_dims,
                      const int8_t *input2, const ek_dims_t *output_dims, int8_t *output)
{
    (void)ctx;
    EK_BROADCAST_KERNEL(EK_MUL_MAX_RANK, 1, params, params->act.min > params->act.max, params->stride1,
                        params->stride2, input1_dims, input1, input2_dims, input2, output_dims, output, ek_mul_one,
                        params, quant);
}
