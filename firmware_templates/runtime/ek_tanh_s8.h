/* edgekit runtime: int8 TANH, bit-exact with TFLite Micro (ARITHMETIC.md 3.10). */
#ifndef EK_TANH_S8_H
#define EK_TANH_S8_H

#include "ek_common.h"
#include "ek_q4_input.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The Q4.27 input parameters (ek_q4_input.h), as TFLM's Prepare computes them. */
typedef ek_q4_input_params_t ek_tanh_params_t;

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
