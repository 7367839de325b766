/* edgekit runtime: int8 MAXIMUM / MINIMUM (TFLM reference MaximumMinimumBroadcastSlow on raw codes). */
#include "ek_maximum_minimum_s8.h"

#include "ek_broadcast.h"

static inline int8_t ek_pick_s8(int32_t take_max, int8_t a, int8_t b)
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
    EK_BROADCAST_KERNEL(EK_MAXMIN_MAX_RANK, 1, params, 0, params->stride1, params->stride2, input1_dims, input1,
                        input2_dims, input2, output_dims, output, ek_pick_s8, take_max);
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
