/* edgekit runtime: int8 SQUARED_DIFFERENCE with NumPy broadcasting, bit-exact with TFLite Micro's
 * squared_difference.cc (int8 path: ElementWise / BroadcastBinaryFunction4DSlow). */
#ifndef EK_SQUARED_DIFFERENCE_S8_H
#define EK_SQUARED_DIFFERENCE_S8_H

#include "ek_common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EK_SQUARED_DIFFERENCE_MAX_RANK 6

typedef struct {
    int32_t input1_offset;                           /* -input1 zero point, in [-127, 128] */
    int32_t input2_offset;                           /* -input2 zero point, in [-127, 128] */
    int32_t output_offset;                           /* output zero point, in [-128, 127] */
    int32_t left_shift;                              /* 7, as TFLM: (255 * 2^7)^2 fits in int32; in [0, 7] */
    int32_t rank;                                    /* 1..6: rank of the (merged) output shape below */
    int32_t shape[EK_SQUARED_DIFFERENCE_MAX_RANK];   /* output shape, outermost first */
    int32_t stride1[EK_SQUARED_DIFFERENCE_MAX_RANK]; /* element stride of input1 per output dim, 0 = broadcast */
    int32_t stride2[EK_SQUARED_DIFFERENCE_MAX_RANK]; /* element stride of input2 per output dim, 0 = broadcast */
    int32_t broadcast;                               /* 0: same shapes, one flat loop; 1: walk with the strides */
} ek_squared_difference_params_t;

typedef struct {
    ek_quant_t input1; /* s1 / (2 max(s1, s2)) in double: shift <= 0 */
    ek_quant_t input2; /* s2 / (2 max(s1, s2)) in double: shift <= 0 */
    ek_quant_t output; /* (2 max(s1, s2))^2 / (2^(2 left_shift) s_out): any shift (may exceed 1) */
} ek_squared_difference_quant_t;

/*
 * y_i = MBQM((q_i - zp_i) * 2^left_shift, M_i, e_i); d = y1 - y2;
 * out = clamp(MBQM(d * d, M_o, e_o) + zp_out, -128, 127). The op has no fused activation.
 * The dims give element counts only (flattened); the geometry is in params. No scratch.
 */
ek_status_t ek_squared_difference_s8(const ek_context_t *ctx, const ek_squared_difference_params_t *params,
                                     const ek_squared_difference_quant_t *quant, const ek_dims_t *input1_dims,
                                     const int8_t *input1, const ek_dims_t *input2_dims, const int8_t *input2,
                                     const ek_dims_t *output_dims, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* EK_SQUARED_DIFFERENCE_S8_H */
