/*
 * AVERAGE_POOL_2D, int8, Cortex-M DSP extension: same arguments and bytes as ek_avg_pool2d_s8 for windows of at
 * most EK_AVG_POOL_DSP_MAX_TAPS taps. Four channels per word load: SXTAB16 and SXTAB16 ROR #8 add the even and the
 * odd channels into two pairs of 16-bit sums, exact because |sum| <= 128 * 256 = 2^15 (the sum of at most 256
 * int8 values); then TFLM's rounding division per channel. The C % 4 last channels take the scalar loop. No
 * scratch.
 */
#ifndef EK_AVG_POOL2D_S8_DSP_H
#define EK_AVG_POOL2D_S8_DSP_H

#include "ek_avg_pool2d_s8.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EK_AVG_POOL_DSP_MAX_TAPS 256 /* filter_h * filter_w; larger windows keep the portable kernel */

ek_status_t ek_avg_pool2d_s8_dsp(const ek_context_t *ctx, const ek_pool_params_t *params,
                                 const ek_dims_t *input_dims, const int8_t *input, const ek_dims_t *output_dims,
                                 int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* EK_AVG_POOL2D_S8_DSP_H */
