/* edgekit runtime: int8 SQUARED_DIFFERENCE (TFLM squared_difference.cc, SquaredDifference<int8_t> with params). */
#include "ek_squared_difference_s8.h"

#include "ek_broadcast.h"

static int8_t ek_squared_difference_one(const ek_squared_difference_params_t *p,
                                        const ek_squared_difference_quant_t *q, int32_t a, int32_t b)
{
    const int32_t x1 = (a + p->input1_offset) * ((int32_t)1 << p->left_shift);
    const int32_t x2 = (b + p->input2_offset) * ((int32_t)1 << p->left_shift);
    const int32_t y1 = ek_mbqm(x1, q->input1.multiplier, q->input1.shift);
    const int32_t y2 = ek_mbqm(x2, q->input2.multiplier, q->input2.shift);
    const int32_t d = y1 - y2; /* |d| <= 255 * 2^7: d * d < 2^31 */
    return ek_sat_s8(ek_mbqm(d * d, q->output.multiplier, q->output.shift) + p->output_offset);
}

ek_status_t ek_squared_difference_s8(const ek_context_t *ctx, const ek_squared_difference_params_t *params,
                                     const ek_squared_difference_quant_t *quant, const ek_dims_t *input1_dims,
                                     const int8_t *input1, const ek_dims_t *input2_dims, const int8_t *input2,
                                     const ek_dims_t *output_dims, int8_t *output)
{
    int32_t total = 1, i;
    (void)ctx;
    if (params->rank < 1 || params->rank > EK_SQUARED_DIFFERENCE_MAX_RANK || params->left_shift < 0 ||
        params->left_shift > 7 || quant->input1.shift > 0 || quant->input2.shift > 0) {
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
            output[i] = ek_squared_difference_one(params, quant, input1[i], input2[i]);
        }
        return EK_OK;
    }
    {
        /* Innermost dimension as a plain strided loop, the outer ones by the odometer of ek_broadcast.h. */
        const int32_t last = params->rank - 1;
        const int32_t inner = params->shape[last];
        const int32_t s1 = params->stride1[last], s2 = params->stride2[last];
        int32_t idx[EK_SQUARED_DIFFERENCE_MAX_RANK] = {0, 0, 0, 0, 0, 0};
        int32_t off1 = 0, off2 = 0, done = 0;
        while (done < total) {
            int32_t j;
            for (j = 0; j < inner; ++j) {
                output[done + j] =
                    ek_squared_difference_one(params, quant, input1[off1 + j * s1], input2[off2 + j * s2]);
            }
            done += inner;
            ek_broadcast_step(params->shape, params->stride1, params->stride2, last - 1, idx, &off1, &off2);
        }
    }
    return EK_OK;
}
