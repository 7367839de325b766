/*
 * edgekit runtime: int8 STRIDED_SLICE and SLICE up to 5-D, a byte gather as in TFLite Micro
 * (reference_ops::StridedSlice / reference_ops::Slice). No requantization: TFLM copies the input bytes even when
 * the output's scale or zero point differs.
 */
#ifndef EK_STRIDED_SLICE_S8_H
#define EK_STRIDED_SLICE_S8_H

#include "ek_common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EK_STRIDED_SLICE_MAX_RANK 5

/*
 * Shapes are right-aligned into 5 axes (leading axes: shape 1, begin 0, stride 1, count 1). The generator resolves
 * begin/end/stride tensors and the begin/end/shrink masks offline exactly as TFLM's StridedSliceStartForAxis /
 * StridedSliceEndForAxis do; a shrunk axis is an axis of count 1. Output element k (row-major over count) reads
 * input element sum_a (begin[a] + i_a * stride[a]) * (product of input_shape after a).
 */
typedef struct {
    int32_t input_shape[EK_STRIDED_SLICE_MAX_RANK]; /* >= 1 each */
    int32_t begin[EK_STRIDED_SLICE_MAX_RANK];       /* first input index read on the axis, in [0, input_shape) */
    int32_t stride[EK_STRIDED_SLICE_MAX_RANK];      /* input index step per output index, != 0, may be < 0 */
    int32_t count[EK_STRIDED_SLICE_MAX_RANK];       /* output elements along the axis, >= 1; every index read
                                                       (begin + (count - 1) * stride) stays in [0, input_shape) */
} ek_strided_slice_params_t;

/* The output's element count must equal the product of count[]; the input's the product of input_shape[]. */
ek_status_t ek_strided_slice_s8(const ek_context_t *ctx, const ek_strided_slice_params_t *params,
                                const ek_dims_t *input_dims, const int8_t *input, const ek_dims_t *output_dims,
                                int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* EK_STRIDED_SLICE_S8_H */
