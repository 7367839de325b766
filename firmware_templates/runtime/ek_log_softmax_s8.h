/* edgekit runtime: int8 LOG_SOFTMAX over the last axis, bit-exact with TFLite Micro (log_softmax.cc). */
#ifndef EK_LOG_SOFTMAX_S8_H
#define EK_LOG_SOFTMAX_S8_H

#include "ek_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Computed by the generator from the input scale (TFLM PreprocessLogSoftmaxScalingExp with beta 1). */
typedef struct {
    int32_t input_multiplier;            /* Q31 multiplier of s_in * 2^26, in [2^30, 2^31) */
    int32_t input_left_shift;            /* left shift before the multiply, in [1, 30] */
    int32_t reverse_scaling_divisor;     /* Q31 multiplier of 2^(31 - input_left_shift) / input_multiplier */
    int32_t reverse_scaling_right_shift; /* rounding right shift after that multiply, in [0, 31] */
    int32_t diff_min;                    /* x - row max below this never enters the sum; <= 0 */
} ek_log_softmax_params_t;

/*
 * Output quantization is fixed by TFLM: scale 16/256, zero point 127. Rows are the last dimension (c), n * h * w
 * of them, each of at most 4095 values (longer rows could wrap TFLM's Q12 sum). Gemmlowp fixed point only: exp
 * (ek_fixedpoint.h) and TFLM's log_x_for_x_greater_than_or_equal_to_1. No scratch memory.
 */
ek_status_t ek_log_softmax_s8(const ek_context_t *ctx, const ek_log_softmax_params_t *params,
                              const ek_dims_t *input_dims, const int8_t *input, const ek_dims_t *output_dims,
                              int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* EK_LOG_SOFTMAX_S8_H */
