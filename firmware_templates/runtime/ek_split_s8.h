/* edgekit runtime: int8 SPLIT / SPLIT_V along any axis, a byte copy as in TFLite Micro (split.cc, split_v.cc). */
#ifndef EK_SPLIT_S8_H
#define EK_SPLIT_S8_H

#include "ek_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The input is seen as [outer, axis, inner]; output i receives sizes[i] consecutive axis rows per outer index. */
typedef struct {
    int32_t outer;        /* product of the dimensions before the axis, >= 1 */
    int32_t inner;        /* product of the dimensions after the axis, >= 1 */
    int32_t num_outputs;  /* >= 1 */
    const int32_t *sizes; /* num_outputs entries: each output's extent along the axis, >= 1, summing to the
                             input's axis size */
} ek_split_params_t;

/*
 * outputs[i] has output_dims[i], whose element count must be outer * sizes[i] * inner. No requantization: TFLM
 * copies the bytes whatever the outputs' scales and zero points.
 */
ek_status_t ek_split_s8(const ek_context_t *ctx, const ek_split_params_t *params, const ek_dims_t *input_dims,
                        const int8_t *input, const ek_dims_t *const *output_dims, int8_t *const *outputs);

#ifdef __cplusplus
}
#endif

#endif /* EK_SPLIT_S8_H */
