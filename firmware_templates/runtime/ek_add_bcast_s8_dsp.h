/*
 * ADD, int8, with NumPy broadcasting, Cortex-M fast path: same arguments and bytes as ek_add_s8 (any shapes it
 * takes). As in ek_add_s8_dsp, each input's scaled value MBQM((q + offset) * 2^left_shift, M_i, e_i) is tabulated
 * for its 256 codes first (with ek_mbqm, exact by construction). The innermost output dimensions that both inputs
 * walk alike are merged into one run; a run is done four elements per word (one word load per contiguous input,
 * one table value for a broadcast input, one word store) and the broadcast odometer only moves between runs.
 * Scratch: two 256-entry int32 tables.
 */
#ifndef EK_ADD_BCAST_S8_DSP_H
#define EK_ADD_BCAST_S8_DSP_H

#include "ek_add_s8.h"

#ifdef __cplusplus
extern "C" {
#endif

ek_status_t ek_add_bcast_s8_dsp(const ek_context_t *ctx, const ek_add_params_t *params, const ek_add_quant_t *quant,
                                const ek_dims_t *input1_dims, const int8_t *input1, const ek_dims_t *input2_dims,
                                const int8_t *input2, const ek_dims_t *output_dims, int8_t *output);

/* Scratch bytes: 2 * 256 * 4 = 2048, whatever the shapes. */
int32_t ek_add_bcast_s8_dsp_buffer_size(void);

#ifdef __cplusplus
}
#endif

#endif /* EK_ADD_BCAST_S8_DSP_H */
