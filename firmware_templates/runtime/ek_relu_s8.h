/* edgekit runtime: standalone int8 RELU and RELU6, bit-exact with TFLite Micro (activations.cc). */
#ifndef EK_RELU_S8_H
#define EK_RELU_S8_H

#include "ek_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* RELU requantizes (TFLM ReluQuantized): out = clamp(zp_out + MBQM(q - zp_in, M, e), act.min, act.max). */
typedef struct {
    int32_t input_zero_point;  /* in [-128, 127] */
    int32_t output_zero_point; /* in [-128, 127] */
    ek_quant_t quant;          /* QuantizeMultiplier(f64(s_in) / f64(s_out)) */
    ek_act_t act;              /* [max(-128, zp_out), 127] */
} ek_relu_params_t;

/* RELU6 does not requantize (TFLM Relu6Quantized): out = clamp(q, lower, upper) in the input's codes. */
typedef struct {
    int32_t lower; /* the input zero point, in [-128, 127] */
    int32_t upper; /* sat8(round(6 / s_in) + zp_in), >= lower */
} ek_relu6_params_t;

/* Element-wise over n * h * w * c values; input and output may be the same buffer. */
ek_status_t ek_relu_s8(const ek_context_t *ctx, const ek_relu_params_t *params, const ek_dims_t *input_dims,
                       const int8_t *input, const ek_dims_t *output_dims, int8_t *output);

ek_status_t ek_relu6_s8(const ek_context_t *ctx, const ek_relu6_params_t *params, const ek_dims_t *input_dims,
                        const int8_t *input, const ek_dims_t *output_dims, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* EK_RELU_S8_H */
