/* edgekit runtime: the Q4.27 input stage LOGISTIC and TANH share (TFLM's Prepare and input handling for both,
 * ARITHMETIC.md 3.9 and 3.10). */
#ifndef EK_Q4_INPUT_H
#define EK_Q4_INPUT_H

#include "ek_common.h"

/* Computed by the generator exactly as TFLM's Prepare does (frexp of s_in * 2^27, no 2^31 fix-up). */
typedef struct {
    int32_t input_zero_point;   /* in [-128, 127] */
    int32_t input_multiplier;   /* Q31, round(frexp mantissa * 2^31) */
    int32_t input_left_shift;   /* frexp exponent, in [0, 31]: input * 2^shift stays within int32 below the radius */
    int32_t input_range_radius; /* |x - zp| at or beyond this saturates the output, >= 0 */
} ek_q4_input_params_t;

/* The checks both kernels make: as many outputs as inputs, and the parameters in their ranges above. */
static inline int ek_q4_args_valid(const ek_q4_input_params_t *params, const ek_dims_t *input_dims,
                                   const ek_dims_t *output_dims)
{
    return ek_dims_count(input_dims) == ek_dims_count(output_dims) && params->input_left_shift >= 0 &&
           params->input_left_shift <= 31 && params->input_range_radius >= 0;
}

/*
 * x = q - zp. Returns -1 when x <= -radius and 1 when x >= radius (the output saturates to -128 or 127 there);
 * otherwise 0, with *z = x in Q4.27 (ek_mbqm by the input multiplier and left shift).
 */
static inline int32_t ek_q4_input(const ek_q4_input_params_t *params, int8_t q, int32_t *z)
{
    const int32_t x = (int32_t)q - params->input_zero_point;
    if (x <= -params->input_range_radius) {
        return -1;
    }
    if (x >= params->input_range_radius) {
        return 1;
    }
    *z = ek_mbqm(x, params->input_multiplier, params->input_left_shift);
    return 0;
}

#endif /* EK_Q4_INPUT_H */
