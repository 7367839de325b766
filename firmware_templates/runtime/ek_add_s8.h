/* ADD, int8, with NumPy broadcasting: TFLM reference integer_ops AddFunc (ARITHMETIC.md 3.5). */
#ifndef EK_ADD_S8_H
#define EK_ADD_S8_H

#include "ek_common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EK_ADD_MAX_RANK 6

typedef struct {
    int32_t input1_offset;               /* -input1 zero point, in [-127, 128] */
    int32_t input2_offset;               /* -input2 zero point, in [-127, 128] */
    int32_t output_offset;               /* output zero point, in [-128, 127] */
    int32_t left_shift;                  /* 20, as TFLM; inputs are scaled by 2^left_shift first */
    ek_act_t act;                        /* fused activation as an int8 clamp range */
    int32_t rank;                        /* 1..6: rank of the broadcast output shape below */
    int32_t shape[EK_ADD_MAX_RANK];      /* output shape, outermost first */
    int32_t stride1[EK_ADD_MAX_RANK];    /* element stride of input1 per output dim, 0 where broadcast */
    int32_t stride2[EK_ADD_MAX_RANK];    /* element stride of input2 per output dim, 0 where broadcast */
    int32_t broadcast;                   /* 0: same shapes, one flat loop; 1: walk shape with the strides */
} ek_add_params_t;

typedef struct {
    ek_quant_t input1; /* QuantizeMultiplierSmallerThanOneExp(s1 / (2 max(s1, s2))): shift <= 0 */
    ek_quant_t input2; /* same for s2 */
    ek_quant_t output; /* 2 max(s1, s2) / (2^left_shift s_out) */
} ek_add_quant_t;

/* The dims give element counts only (flattened, n*h*w*c); the geometry is in params. No scratch. */
ek_status_t ek_add_s8(const ek_context_t *ctx, const ek_add_params_t *params, const ek_add_quant_t *quant,
                      const ek_dims_t *input1_dims, const int8_t *input1, const ek_dims_t *input2_dims,
                      const int8_t *input2, const ek_dims_t *output_dims, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* EK_ADD_S8_H */
