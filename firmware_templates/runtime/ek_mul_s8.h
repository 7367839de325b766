/* edgekit runtime: int8 MUL with NumPy broadcasting, bit-exact with TFLite Micro (ARITHMETIC.md 3.6). */
#ifndef EK_MUL_S8_H
#define EK_MUL_S8_H

#include "ek_common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EK_MUL_MAX_RANK 6

typedef struct {
    int32_t input1_offset;            /* -input1 zero point, in [-127, 128] */
    int32_t input2_offset;            /* -input2 zero point, in [-127, 128] */
    int32_t output_offset;            /* output zero point, in [-128, 127] */
    ek_act_t act;                     /* fused activation as an int8 clamp range */
    int32_t rank;                     /* 1..6: rank of the broadcast output shape below */
    int32_t shape[EK_MUL_MAX_RANK];   /* output shape, outermost first */
    int32_t stride1[EK_MUL_MAX_RANK]; /* element stride of input1 per output dim, 0 where broadcast */
    int32_t stride2[EK_MUL_MAX_RANK]; /* element stride of input2 per output dim, 0 where broadcast */
    int32_t broadcast;                /* 0: same shapes, one flat loop; 1: walk shape with the strides */
} ek_mul_params_t;

/*
 * out = clamp(MBQM((q1 - zp1) * (q2 - zp2), M, e) + zp_out, act), with (M, e) = QuantizeMultiplier of
 * f64(s1) * f64(s2) / f64(s_out) (e may be > 0). The dims give element counts only; geometry is in params.
 */
ek_status_t ek_mul_s8(const ek_context_t *ctx, const ek_mul_params_t *params, const ek_quant_t *quant,
                      const ek_dims_t *input1_dims, const int8_t *input1, const ek_dims_t *input2_dims,
                      const int8_t *input2, const ek_dims_t *output_dims, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* EK_MUL_S8_H */
