/* edgekit runtime: int8 TRANSPOSE up to 5-D, a byte permutation as in TFLite Micro (reference_ops::Transpose). */
#ifndef EK_TRANSPOSE_S8_H
#define EK_TRANSPOSE_S8_H

#include "ek_common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EK_TRANSPOSE_MAX_RANK 5

/*
 * The tensor is right-aligned into 5 axes: a rank-r permutation p becomes {0, .., 4-r, p[0] + 5-r, ..}, so the
 * leading size-1 axes stay in place. Output axis a takes input axis perm[a]: out[.. i_a ..] = in[.. i_perm^-1 ..].
 * No requantization: TFLM copies bytes whatever the output's scale and zero point.
 */
typedef struct {
    int32_t input_shape[EK_TRANSPOSE_MAX_RANK]; /* >= 1 each */
    int32_t perm[EK_TRANSPOSE_MAX_RANK];        /* a permutation of 0..4 */
} ek_transpose_params_t;

ek_status_t ek_transpose_s8(const ek_context_t *ctx, const ek_transpose_params_t *params,
                            const ek_dims_t *input_dims, const int8_t *input, const ek_dims_t *output_dims,
                            int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* EK_TRANSPOSE_S8_H */
