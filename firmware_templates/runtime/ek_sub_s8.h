/* edgekit runtime: int8 SUB with NumPy broadcasting, bit-exact with TFLite Micro's reference Sub /
 * BroadcastQuantSubSlow (sub.cc, sub_common.cc). */
#ifndef EK_SUB_S8_H
#define EK_SUB_S8_H

#include "ek_common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EK_SUB_MAX_RANK 6

typedef struct {
    int32_t input1_offset;            /* -input1 zero point, in [-127, 128] */
    int32_t input2_offset;            /* -input2 zero point, in [-127, 128] */
    int32_t output_offset;            /* output zero point, in [-128, 127] */
    int32_t left_shift;               /* 20, as TFLM; both inputs are scaled by 2^left_shift first, in [0, 22] */
    ek_act_t act;                     /* fused activation as an int8 clamp range */
    int32_t rank;                     /* 1..6: rank of the (merged) broadcast output shape below */
    int32_t shape[EK_SUB_MAX_RANK];   /* output shape, outermost first */
    int32_t stride1[EK_SUB_MAX_RANK]; /* element stride of input1 per output dim, 0 where broadcast */
    int32_t stride2[EK_SUB_MAX_RANK]; /* element stride of input2 per output dim, 0 where broadcast */
    int32_t broadcast;                /* 0: same shapes, one flat loop; 1: walk shape with the strides */
} ek_sub_params_t;

typedef struct {
    ek_quant_t input1; /* s1 / (2 max(s1, s2)), in double as ADD: shift <= 0 */
    ek_quant_t input2; /* s2 / (2 max(s1, s2)), in double: shift <= 0 */
    ek_quant_t output; /* 2 max(s1, s2) / (2^left_shift s_out) in double, below 1: shift <= 0 */
} ek_sub_quant_t;

/*
 * y_i = MBQM((q_i - zp_i) * 2^left_shift, M_i, e_i); out = clamp(MBQM(y1 - y2, M_o, e_o) + zp_out, act).
 * The dims give element counts only (flattened); the geometry is in params. No scratch. The output may be the
 * storage of an input of the output's size (each element is read before it is written).
 */
ek_status_t ek_sub_s8(const ek_context_t *ctx, const ek_sub_params_t *params, const ek_sub_quant_t *quant,
                      const ek_dims_t *input1_dims, const int8_t *input1, const ek_dims_t *input2_dims,
                      const int8_t *input2, const ek_dims_t *output_dims, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* EK_SUB_S8_H */
