/* edgekit runtime: int8 GATHER with int32 indices, a byte copy as in TFLite Micro (gather.cc). */
#ifndef EK_GATHER_S8_H
#define EK_GATHER_S8_H

#include "ek_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The params tensor is seen as [batch, outer, axis_size, inner] and the indices as [batch, coords]; the output is
 * [batch, outer, coords, inner]. batch is the product of the first batch_dims dimensions (shared by params and
 * indices), outer the product of the params dimensions between batch_dims and the axis.
 */
typedef struct {
    int32_t batch;     /* product of the params' first batch_dims dimensions, >= 1 */
    int32_t outer;     /* product of the params' dimensions from batch_dims up to the axis, >= 1 */
    int32_t axis_size; /* the params' extent along the axis, >= 1; every index must lie in [0, axis_size) */
    int32_t coords;    /* product of the indices' dimensions after batch_dims, >= 1 */
    int32_t inner;     /* product of the params' dimensions after the axis, >= 1 */
} ek_gather_params_t;

/*
 * No requantization: TFLM copies bytes. An index outside [0, axis_size) makes TFLM's Eval fail; here it returns
 * EK_ERR_ARGUMENT before anything is written.
 */
ek_status_t ek_gather_s8(const ek_context_t *ctx, const ek_gather_params_t *params, const ek_dims_t *input_dims,
                         const int8_t *input, const ek_dims_t *indices_dims, const int32_t *indices,
                         const ek_dims_t *output_dims, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* EK_GATHER_S8_H */
