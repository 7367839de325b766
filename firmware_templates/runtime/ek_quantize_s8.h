/* edgekit runtime: QUANTIZE float32 -> int8 and int8 -> int8 (requantize), bit-exact with TFLite Micro
 * (ARITHMETIC.md 3.11). */
#ifndef EK_QUANTIZE_S8_H
#define EK_QUANTIZE_S8_H

#include "ek_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* float32 -> int8 (TFLM AffineQuantize). */
typedef struct {
    float output_scale;        /* s_out as stored in the model, > 0 */
    int32_t output_zero_point; /* in [-128, 127] */
} ek_quantize_params_t;

/* int8 -> int8 (TFLM Requantize). */
typedef struct {
    int32_t input_zero_point;  /* in [-128, 127] */
    int32_t output_zero_point; /* in [-128, 127] */
    ek_quant_t quant;          /* QuantizeMultiplier(f64(s_in) / f64(s_out)) */
} ek_requantize_params_t;

/*
 * q = (int32) roundf(x / s_out) in float32, plus the zero point, saturated to int8. NaN, +-inf and
 * |x / s_out| >= 2^31 give INT32_MIN before the zero point, as TFLM's cast does on x86 hosts, on every target.
 * Element-wise over n * h * w * c values.
 */
ek_status_t ek_quantize_f32_s8(const ek_context_t *ctx, const ek_quantize_params_t *params, const ek_dims_t *input_dims,
                               const float *input, const ek_dims_t *output_dims, int8_t *output);

/* out = sat8(MBQM(q - zp_in, M, e) + zp_out). Element-wise; input and output may be the same buffer. */
ek_status_t ek_requantize_s8(const ek_context_t *ctx, const ek_requantize_params_t *params, const ek_dims_t *input_dims,
                             const int8_t *input, const ek_dims_t *output_dims, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* EK_QUANTIZE_S8_H */
