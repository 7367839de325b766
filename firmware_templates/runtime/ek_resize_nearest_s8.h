/*
 * edgekit runtime: int8 RESIZE_NEAREST_NEIGHBOR on NHWC tensors, as TFLite Micro's reference kernel
 * (reference_ops::ResizeNearestNeighbor). No requantization: TFLM copies the bytes whatever the output's
 * quantization.
 */
#ifndef EK_RESIZE_NEAREST_S8_H
#define EK_RESIZE_NEAREST_S8_H

#include "ek_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The source row and column of every output row and column, computed offline with TFLM's float32 rule
 * (GetNearestNeighbor: scale = in / out, or (in - 1) / (out - 1) with align_corners; floor((i + 0.5?) * scale),
 * roundf with align_corners; clamped to in - 1, and to 0 with half_pixel_centers), so the device does no float
 * arithmetic.
 */
typedef struct {
    const int32_t *source_y; /* output_dims->h entries, each in [0, input_dims->h) */
    const int32_t *source_x; /* output_dims->w entries, each in [0, input_dims->w) */
} ek_resize_nearest_params_t;

/* Batches and channels must match between input and output. */
ek_status_t ek_resize_nearest_s8(const ek_context_t *ctx, const ek_resize_nearest_params_t *params,
                                 const ek_dims_t *input_dims, const int8_t *input, const ek_dims_t *output_dims,
                                 int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* EK_RESIZE_NEAREST_S8_H */
