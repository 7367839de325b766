/* edgekit runtime: int8 DEPTH_TO_SPACE, NHWC, a byte permutation as in TFLite Micro (depth_to_space.cc). */
#ifndef EK_DEPTH_TO_SPACE_S8_H
#define EK_DEPTH_TO_SPACE_S8_H

#include "ek_common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t block_size; /* >= 1; output H = input H * block_size, W likewise, C = input C / block_size^2 */
} ek_depth_to_space_params_t;

/*
 * output[b][y][x][c] = input[b][y / bs][x / bs][((y % bs) * bs + x % bs) * C_out + c] (TensorFlow's DCR order).
 * Both tensors are 4-D NHWC. No requantization: TFLM copies bytes.
 */
ek_status_t ek_depth_to_space_s8(const ek_context_t *ctx, const ek_depth_to_space_params_t *params,
                                 const ek_dims_t *input_dims, const int8_t *input, const ek_dims_t *output_dims,
                                 int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* EK_DEPTH_TO_SPACE_S8_H */
