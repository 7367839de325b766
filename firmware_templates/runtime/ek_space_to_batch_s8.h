/* edgekit runtime: int8 SPACE_TO_BATCH_ND, 4-D NHWC or 3-D NHC, as in TFLite Micro (space_to_batch_nd.cc). */
#ifndef EK_SPACE_TO_BATCH_S8_H
#define EK_SPACE_TO_BATCH_S8_H

#include "ek_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Shapes are given as NHWC here because a 3-D NHC tensor is read as N,H,1,C (block_w 1, pad_left 0), as TFLM's
 * ExtendShapeSpaceToBatch does; the ek_dims_t arguments are only checked for their element counts.
 * Output batch ob = (dy * block_w + dx) * in_n + b reads input row oy * block_h + dy - pad_top and column
 * ox * block_w + dx - pad_left of batch b; positions in the padding get pad_value in every channel.
 */
typedef struct {
    int32_t in_n, in_h, in_w;    /* input batch, height, width, >= 1 each (in_w 1 for 3-D) */
    int32_t out_n, out_h, out_w; /* output shape: out_n = in_n * block_h * block_w, >= 1 each */
    int32_t channels;            /* innermost extent of both tensors, >= 1 */
    int32_t block_h, block_w;    /* block shape, >= 1 each (block_w 1 for 3-D) */
    int32_t pad_top, pad_left;   /* leading paddings, >= 0 (the trailing ones follow from the output shape) */
    int32_t pad_value;           /* the int8 code written into padding, in [-128, 127]: the output zero point (the
                                    generator emits zero paddings only, see ops/space_to_batch_nd.py) */
} ek_space_to_batch_params_t;

ek_status_t ek_space_to_batch_s8(const ek_context_t *ctx, const ek_space_to_batch_params_t *params,
                                 const ek_dims_t *input_dims, const int8_t *input, const ek_dims_t *output_dims,
                                 int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* EK_SPACE_TO_BATCH_S8_H */
