/*
 * ADD, int8, same shapes (no broadcast): the Cortex-M fast path of ek_add_s8, same arguments and bytes.
 * Each input's scaled value MBQM((q + offset) * 2^left_shift, M_i, e_i) depends on one int8 code only, so the
 * kernel first tabulates it for all 256 codes of each input (with ek_mbqm itself: exact by construction), then
 * per element does two table loads, one add and the output requantization. Scratch: two 256-entry int32 tables.
 */
#ifndef EK_ADD_S8_DSP_H
#define EK_ADD_S8_DSP_H

#include "ek_add_s8.h"

#ifdef __cplusplus
extern "C" {
#endif

ek_status_t ek_add_s8_dsp(const ek_context_t *ctx, const ek_add_params_t *params, const ek_add_quant_t *quant,
                          const ek_dims_t *input1_dims, const int8_t *input1, const ek_dims_t *input2_dims,
                          const int8_t *input2, const ek_dims_t *output_dims, int8_t *output);

/* Scratch bytes: 2 * 256 * 4 = 2048, whatever the shapes. */
int32_t ek_add_s8_dsp_buffer_size(void);

#ifdef __cplusplus
}
#endif

#endif /* EK_ADD_S8_DSP_H */
