/* edgekit runtime: int8 SUB (TFLM reference_ops::SubElementwise / BroadcastQuantSubSlow). */
#include "ek_sub_s8.h"

#include "ek_broadcast.h"

static int8_t ek_sub_one(const ek_sub_params_t *p, const ek_sub_quant_t *q, int32_t a, int32_t b)
{
    const int32_t x1 = (a + p->input1_offset) * ((int32_t)1 << p->left_shift);
    const int32_t x2 = (b + p->input2_offset) * ((int32_t)1 << p->left_shift);
    const int32_t y1 = ek_mbqm(x1, q->input1.multiplier, q->input1.shift);
    const int32_t y2 = ek_mbqm(x2, q->input2.multiplier, q->input2.shift);
    const int32_t out = ek_mbqm(y1 - y2, q->output.multiplier, q->output.shift) + p->output_offset;
    return (int8_t)ek_clamp(out, p->act.min, p->act.max);
}

ek_status_t ek_sub_s8(const ek_context_t *ctx, const ek_sub_params_t *params, const ek_sub_quant_t *quant,
                      const ek_dims_t *input1_dims, const int8_t *input1, const ek_dims_t *input2_dims,
                      const int8_t *input2, const ek_dims_t *output_dims, int8_t *output)
{
    (void)ctx;
    EK_BROADCAST_KERNEL(EK_SUB_MAX_RANK, 1, params,
                        params->left_shift < 0 || params->left_shift > 22 || params->act.min > params->act.max ||
                            quant->input1.shift > 0 || quant->input2.shift > 0 || quant->output.shift > 0,
                        params->stride1, params->stride2, input1_dims, input1, input2_dims, input2, output_dims,
                        output, ek_sub_one, params, quant);
}
