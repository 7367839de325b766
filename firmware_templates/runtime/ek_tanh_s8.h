/* edgekit runtime: int8 TANH, bit-exact with TFLite Micro (ARITHMETIC.md 3.10). */
#ifndef EK_TANH_S8_H
#define EK_TANH_S8_H

#include "ek_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Computed by the generator exactly as TFLM's Prepare does (frexp of s_in * 2^27, no 2^31 fix-up). */
typedef struct {
    int32_t input_zero_point;   /* in [-128, 127] */
    int32_t input_multiplier;   /* Q31, round(frexp mantissa * 2^31) */
    int32_t input_left_shift;   /* frexp exponent, in [0, 31]: input * 2^shift stays within int32 below the radius */
    int32_t input_range_radius; /* |x - zp| at or beyond this saturates the output, >= 0 */
} ek_tanh_params_t;

/*
 * The output is always on TFLM's grid: scale 1/128, zero point 0, whatever the output tensor says.
 * Element-wise over n * h * w * c values; input and output may be the same buffer.
 */
ek_status_t ek_tanh_s8(const ek_context_t *ctx, const ek_tanh_params_t *params, const ek_dims_t *input_dims,
                       const int8_t *input, const ek_dims_t *output_dims, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* EK_TANH_S8_H */
