/*
 * MAX_POOL_2D, int8, Cortex-M DSP extension: same arguments and bytes as ek_max_pool2d_s8. Four channels per
 * word: SSUB8 sets a GE flag per byte where the tap is >= the running maximum, SEL keeps the larger bytes, so one
 * word load and two instructions per tap handle four channels; the fused activation is applied the same way. The
 * C % 4 last channels take the scalar loop. No scratch.
 */
#ifndef EK_MAX_POOL2D_S8_DSP_H
#define EK_MAX_POOL2D_S8_DSP_H

#include "ek_max_pool2d_s8.h"

#ifdef __cplusplus
extern "C" {
#endif

ek_status_t ek_max_pool2d_s8_dsp(const ek_context_t *ctx, const ek_pool_params_t *params,
                                 const ek_dims_t *input_dims, const int8_t *input, const ek_dims_t *output_dims,
                                 int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* EK_MAX_POOL2D_S8_DSP_H */
