/* edgekit runtime: int8 MAXIMUM / MINIMUM (TFLM reference MaximumMinimumBroadcastSlow on raw codes). */
#include "ek_maximum_minimum_s8.h"

#include "ek_broadcast.h"

static inline int8_t ek_pick_s8(int8_t a, int8_t b, int32_t take_max)
{
    if (take_max) {
        return a > b ? a : b;
    }
    return a < b ? a : b;
}

static ek_status_t ek_maxmin_s8(const ek_maxmin_params_t *params, int32_t take_max, const ek_dims_t *input1_dims,
                                const int8_t *input1, const ek_dims_t *input2_dims, const int8_t *input2,
                                const ek_dims_t *output_dims, int8_t *output)
{
    int32_t total = 1, i;
    if (params->rank < 1 || params->rank > EK_MAXMIN_MAX_RANK) {
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
            output[i] = ek_pick_s8(input1[i], input2[i], take_max);
        }
        return EK_OK;
    }
    {
        /* Innermost dimension as a plain strided loop, the outer ones by the odometer of ek_broadcast.h. */
        const int32_t last = params->rank - 1;
        const int32_t inner = params->shape[last];
        const int32_t s1 = params->stride1[last], s2 = params->stride2[last];
        int32_t idx[EK_MAXMIN_MAX_RANK] = {0, 0, 0, 0, 0, 0};
        int32_t off1 = 0, off2 = 0, done = 0;
        while (done < total) {
            int32_t j;
            for (j = 0; j < inner; ++j) {
                output[done + j] = ek_pick_s8(input1[off1 + j * s1], input2[off2 + j * s2], take_max);
            }
            done += inner;
            ek_broadcast_step(params->shape, params->stride1, params->stride2, last - 1, idx, &off1, &off2);
        }
    }
    return EK_OK;
}

ek_status_t ek_maximum_s8(const ek_context_t *ctx, const ek_maxmin_params_t *params, const ek_dims_t *input1_dims,
                          const int8_t *input1, const ek_dims_t *input2_dims, const int8_t *input2,
                          const ek_dims_t *output_dims, int8_t *output)
{
    (void)ctx;
    return ek_maxmin_s8(params, 1, input1_dims, input1, input2_dims, input2, output_dims, output);
}

ek_status_t ek_minimum_s8(const ek_context_t *ctx, const ek_maxmin_params_t *params, const ek_dims_t *input1_dims,
                          const int8_t *input1, const ek_dims_t *input2_dims, const int8_t *input2,
                          const ek_dims_t *output_dims, int8_t *output)
{
    (void)ctx;
    return ek_maxmin_s8(params, 0, input1_dims, input1, input2_dims, input2, output_dims, output);
}
