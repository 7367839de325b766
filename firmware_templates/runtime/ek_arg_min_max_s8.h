/* edgekit runtime: int8 ARG_MAX / ARG_MIN with int32 output, bit-exact with TFLite Micro (arg_min_max.cc). */
#ifndef EK_ARG_MIN_MAX_S8_H
#define EK_ARG_MIN_MAX_S8_H

#include "ek_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The input is viewed as [outer, axis_size, inner] around the reduced axis (the generator folds the other
 * dimensions); the output is [outer, inner]. No quantization is involved: indices compare raw int8 codes.
 */
typedef struct {
    int32_t outer;     /* product of the input dimensions before the axis, >= 1 */
    int32_t axis_size; /* length of the reduced axis, >= 1 */
    int32_t inner;     /* product of the input dimensions after the axis, >= 1 */
    int32_t is_max;    /* 1: ARG_MAX (index of the largest), 0: ARG_MIN (index of the smallest); ties: first */
} ek_arg_min_max_params_t;

/* output[o * inner + i] = first k in [0, axis_size) with input[(o * axis_size + k) * inner + i] extreme. */
ek_status_t ek_arg_min_max_s8(const ek_context_t *ctx, const ek_arg_min_max_params_t *params,
                              const ek_dims_t *input_dims, const int8_t *input, const ek_dims_t *output_dims,
                              int32_t *output);

#ifdef __cplusplus
}
#endif

#endif /* EK_ARG_MIN_MAX_S8_H */
