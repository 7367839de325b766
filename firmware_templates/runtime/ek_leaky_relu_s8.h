/* edgekit runtime: int8 LEAKY_RELU, bit-exact with TFLite Micro (leaky_relu.cc, reference QuantizeLeakyRelu). */
#ifndef EK_LEAKY_RELU_S8_H
#define EK_LEAKY_RELU_S8_H

#include "ek_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * x = q - zp_in; out = clamp(zp_out + MBQM(x, identity) if x >= 0, else zp_out + MBQM(x, alpha), -128, 127).
 * Both multipliers come from QuantizeMultiplier in double, offline; alpha may be > 1 or negative.
 */
typedef struct {
    int32_t input_zero_point;  /* in [-128, 127] */
    int32_t output_zero_point; /* in [-128, 127] */
    ek_quant_t identity;       /* QuantizeMultiplier(f64(s_in) / f64(s_out)), used where q >= zp_in */
    ek_quant_t alpha;          /* QuantizeMultiplier(f64(s_in) * f64(alpha) / f64(s_out)), used where q < zp_in;
                                  the multiplier is negative for a negative alpha, 0 for alpha 0 */
} ek_leaky_relu_params_t;

/* Element-wise over n * h * w * c values; input and output may be the same buffer. */
ek_status_t ek_leaky_relu_s8(const ek_context_t *ctx, const ek_leaky_relu_params_t *params,
                             const ek_dims_t *input_dims, const int8_t *input, const ek_dims_t *output_dims,
                             int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* EK_LEAKY_RELU_S8_H */
