/* edgekit runtime: int8 REDUCE_MAX / REDUCE_MIN over any axes, bit-exact with TFLite Micro (reduce.cc). */
#ifndef EK_REDUCE_S8_H
#define EK_REDUCE_S8_H

#include "ek_common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EK_REDUCE_MAX_RANK 6

/*
 * The input shape with each dimension marked reduced or kept (keep_dims does not change the bytes). TFLM
 * requires equal input and output quantization for int8 and does not requantize: the result is a raw code.
 */
typedef struct {
    int32_t rank;                        /* 1..6 */
    int32_t shape[EK_REDUCE_MAX_RANK];   /* input shape, outermost first, >= 1 each */
    int32_t reduced[EK_REDUCE_MAX_RANK]; /* 1 where the dimension is reduced, 0 where it is kept */
    int32_t is_max;                      /* 1: REDUCE_MAX (start at -128), 0: REDUCE_MIN (start at 127) */
} ek_reduce_params_t;

/* output[kept index] = max (or min) of the input over the reduced dimensions. No scratch; output must not
   overlap the input. */
ek_status_t ek_reduce_s8(const ek_context_t *ctx, const ek_reduce_params_t *params, const ek_dims_t *input_dims,
                         const int8_t *input, const ek_dims_t *output_dims, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* EK_REDUCE_S8_H */
