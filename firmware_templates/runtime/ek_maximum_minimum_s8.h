/* edgekit runtime: int8 MAXIMUM and MINIMUM with NumPy broadcasting, bit-exact with TFLite Micro's
 * maximum_minimum.cc (reference MaximumMinimumBroadcastSlow): the raw int8 codes are compared, nothing is
 * requantized (TFLM has no Prepare for these ops, whatever the tensors' scales and zero points). */
#ifndef EK_MAXIMUM_MINIMUM_S8_H
#define EK_MAXIMUM_MINIMUM_S8_H

#include "ek_common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EK_MAXMIN_MAX_RANK 6

typedef struct {
    int32_t rank;                        /* 1..6: rank of the (merged) output shape below */
    int32_t shape[EK_MAXMIN_MAX_RANK];   /* output shape, outermost first */
    int32_t stride1[EK_MAXMIN_MAX_RANK]; /* element stride of input1 per output dim, 0 where broadcast */
    int32_t stride2[EK_MAXMIN_MAX_RANK]; /* element stride of input2 per output dim, 0 where broadcast */
    int32_t broadcast;                   /* 0: same shapes, one flat loop; 1: walk shape with the strides */
} ek_maxmin_params_t;

/* out = max(q1, q2) element-wise on the int8 codes. Dims are element counts only; geometry is in params. The
 * output may be the storage of an input of the output's size (each element is read before it is written). */
ek_status_t ek_maximum_s8(const ek_context_t *ctx, const ek_maxmin_params_t *params, const ek_dims_t *input1_dims,
                          const int8_t *input1, const ek_dims_t *input2_dims, const int8_t *input2,
                          const ek_dims_t *output_dims, int8_t *output);

/* out = min(q1, q2) element-wise on the int8 codes; otherwise as ek_maximum_s8. */
ek_status_t ek_minimum_s8(const ek_context_t *ctx, const ek_maxmin_params_t *params, const ek_dims_t *input1_dims,
                          const int8_t *input1, const ek_dims_t *input2_dims, const int8_t *input2,
                          const ek_dims_t *output_dims, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* EK_MAXIMUM_MINIMUM_S8_H */
