/* edgekit runtime: DEQUANTIZE int8 (or uint8) -> float32, bit-exact with TFLite Micro (ARITHMETIC.md 3.12). */
#ifndef EK_DEQUANTIZE_S8_H
#define EK_DEQUANTIZE_S8_H

#include "ek_common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    float input_scale;        /* s_in as stored in the model, > 0 */
    int32_t input_zero_point; /* in [-128, 127] (int8 input) or [0, 255] (uint8 input) */
} ek_dequantize_params_t;

/* f = s_in * (q - zp) in float32 (equal to TFLM's double product rounded once). Element-wise. */
ek_status_t ek_dequantize_s8_f32(const ek_context_t *ctx, const ek_dequantize_params_t *params,
                                 const ek_dims_t *input_dims, const int8_t *input, const ek_dims_t *output_dims,
                                 float *output);

/* The same for a uint8 input (TFLM's Dequantize<uint8_t>): input_zero_point is then in [0, 255]. */
ek_status_t ek_dequantize_u8_f32(const ek_context_t *ctx, const ek_dequantize_params_t *params,
                                 const ek_dims_t *input_dims, const uint8_t *input, const ek_dims_t *output_dims,
                                 float *output);

#ifdef __cplusplus
}
#endif

#endif /* EK_DEQUANTIZE_S8_H */
