/* edgekit runtime: int8 BATCH_TO_SPACE_ND, 4-D NHWC or 3-D NHC, as in TFLite Micro (batch_to_space_nd.cc). */
#ifndef EK_BATCH_TO_SPACE_S8_H
#define EK_BATCH_TO_SPACE_S8_H

#include "ek_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Shapes are given as NHWC here because a 3-D NHC tensor is read as N,H,1,C (block_w 1, crop_left 0), as TFLM's
 * ExtendShapeBatchToSpace does; the ek_dims_t arguments are only checked for their element counts.
 * Input batch ib = (dy * block_w + dx) * out_n + b lands at output row iy * block_h + dy - crop_top and column
 * ix * block_w + dx - crop_left of batch b; positions cropped away are skipped.
 */
typedef struct {
    int32_t in_n, in_h, in_w;    /* input batch, height, width, >= 1 each (in_w 1 for 3-D) */
    int32_t out_n, out_h, out_w; /* output shape: in_n = out_n * block_h * block_w, >= 1 each */
    int32_t channels;            /* innermost extent of both tensors, >= 1 */
    int32_t block_h, block_w;    /* block shape, >= 1 each (block_w 1 for 3-D) */
    int32_t crop_top, crop_left; /* leading crops, >= 0 (the trailing ones follow from the output shape) */
} ek_batch_to_space_params_t;

/* Every output element is written exactly once when the output shape is (in_h * block_h - crops, ...), which
   the generator checks; no requantization (TFLM copies bytes). */
ek_status_t ek_batch_to_space_s8(const ek_context_t *ctx, const ek_batch_to_space_params_t *params,
                                 const ek_dims_t *input_dims, const int8_t *input, const ek_dims_t *output_dims,
                                 int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* EK_BATCH_TO_SPACE_S8_H */
