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
    int32_t total = 1, i;
    (void)ctx;
    if (params->rank < 1 || params->rank > EK_MUL_MAX_RANK || params->act.min > params->act.max) {
        return EK_ERR_ARGUMENT;
    }
    for (i = 0; i < params->rank; ++i) {
        total *= params->shape[i];
    }
    if (total != ek_dims_count(output_dims)) {
        return EK_ERR_ARGUMENT;
    }
    if (!params->broadcast) {
        if (ek_dims_count(input1_dims) != total || ek_dims_count(input2_dims) != total) {
            return EK_ERR_ARGUMENT;
        }
        for (i = 0; i < total; ++i) {
            output[i] = ek_mul_one(params, quant, input1[i], input2[i]);
        }
        return EK_OK;
    }
    {
        /* The innermost dimension is a plain loop with each input's stride (0 where broadcast); an odometer
         * walks the outer dimensions. The generator has merged dimensions where it could, so rank is small. */
        const int32_t last = params->rank - 1;
        const int32_t inner = params->shape[last];
        const int32_t s1 = params->stride1[last], s2 = params->stride2[last];
        int32_t idx[EK_MUL_MAX_RANK] = {0, 0, 0, 0, 0, 0};
        int32_t off1 = 0, off2 = 0, done = 0;
        while (done < total) {
            int32_t j;
            for (j = 0; j < inner; ++j) {
                output[done + j] = ek_mul_one(params, quant, input1[off1 + j * s1], input2[off2 + j * s2]);
            }
            done += inner;
            ek_broadcast_step(params->shape, params->stride1, params->stride2, last - 1, idx, &off1, &off2);
        }
    }
    return EK_OK;
}
