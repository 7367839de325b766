/* edgekit runtime: int8 L2_NORMALIZATION over the last axis, bit-exact with TFLite Micro (l2norm.cc). */
#ifndef EK_L2NORM_S8_H
#define EK_L2NORM_S8_H

#include "ek_common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t input_zero_point; /* in [-128, 127] */
} ek_l2norm_params_t;

/*
 * y = x / sqrt(sum of x^2 over the row), x = q - zp_in, with TFLM's fixed-point inverse square root
 * (GetInvSqrtQuantizedMultiplierExp). The output is always Q0.7 (scale 1/128, zero point 0), whatever the output
 * tensor's quantization says: TFLM does not read it. Rows are the last dimension (c), n * h * w of them, each of
 * at most 33025 values (the int32 sum of squares cannot overflow). No scratch memory.
 */
ek_status_t ek_l2norm_s8(const ek_context_t *ctx, const ek_l2norm_params_t *params, const ek_dims_t *input_dims,
                         const int8_t *input, const ek_dims_t *output_dims, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* EK_L2NORM_S8_H */
