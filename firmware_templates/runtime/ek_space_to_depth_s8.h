/* edgekit runtime: int8 SPACE_TO_DEPTH, NHWC, a byte permutation as in TFLite Micro (space_to_depth.cc). */
#ifndef EK_SPACE_TO_DEPTH_S8_H
#define EK_SPACE_TO_DEPTH_S8_H

#include "ek_common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t block_size; /* >= 1; output H = input H / block_size, W likewise, C = input C * block_size^2 */
} ek_space_to_depth_params_t;

/*
 * output[b][y][x][((dy * bs) + dx) * C_in + c] = input[b][y * bs + dy][x * bs + dx][c], the inverse of
 * DEPTH_TO_SPACE. Both tensors are 4-D NHWC; input H and W are multiples of the block size. No requantization.
 */
ek_status_t ek_space_to_depth_s8(const ek_context_t *ctx, const ek_space_to_depth_params_t *params,
                                 const ek_dims_t *input_dims, const int8_t *input, const ek_dims_t *output_dims,
                                 int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* EK_SPACE_TO_DEPTH_S8_H */
