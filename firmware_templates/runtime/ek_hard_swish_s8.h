/* edgekit runtime: int8 HARD_SWISH, bit-exact with TFLite Micro (reference_ops::HardSwish<int8_t>). */
#ifndef EK_HARD_SWISH_S8_H
#define EK_HARD_SWISH_S8_H

#include "ek_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Computed by the generator as TFLM's HardSwishPrepare does: float32 scale ratios, QuantizeMultiplier, then
 * DownScaleInt32ToInt16Multiplier. All the arithmetic at run time is int16 fixed point, as in TFLM. */
typedef struct {
    int32_t input_zero_point;            /* in [-128, 127] */
    int32_t output_zero_point;           /* in [-128, 127] */
    int32_t output_multiplier_int16;     /* Q15 multiplier of (s_in / 128) / s_out, in [0, 32767] */
    int32_t output_multiplier_exponent;  /* <= 0 (TFLM refuses > 0); a rounding right shift of -exponent */
    int32_t reluish_multiplier_int16;    /* Q15 multiplier of (s_in / 128) / (3 / 32768), in [0, 32767] */
    int32_t reluish_multiplier_exponent; /* > 0: saturating left shift; < 0: rounding right shift */
} ek_hard_swish_params_t;

/* Element-wise over n * h * w * c values; input and output may be the same buffer. */
ek_status_t ek_hard_swish_s8(const ek_context_t *ctx, const ek_hard_swish_params_t *params,
                             const ek_dims_t *input_dims, const int8_t *input, const ek_dims_t *output_dims,
                             int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* EK_HARD_SWISH_S8_H */
