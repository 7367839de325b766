/*
 * FULLY_CONNECTED, int8, Cortex-M DSP extension (SMLAD): same arguments and bytes as ek_fully_connected_s8,
 * with two offline transformations made by the generator (converters/c_codegen/dsp.py):
 *   filter  each of the O rows padded with zeros to K4 = K rounded up to a multiple of 4 bytes, then rows
 *           4j .. 4j + 3 interleaved by groups of 4 bytes (16 bytes per group); the O % 4 last rows stay alone;
 *   bias    bias[o] + input_offset * sum_d w[o,d] + K * input_offset * filter_offset: every term of TFLM's
 *           sum_d (w + filter_offset)(x + input_offset) + bias that does not depend on the input, so the int32
 *           accumulator is identical before requantization (all sums modulo 2^32, as TFLM's int32 wraps).
 * params->input_offset is therefore not read; params->filter_offset (per-tensor only) multiplies the input's
 * sum at run time. Scratch: the input row sign-extended to int16 pairs, ek_fully_connected_s8_dsp_buffer_size().
 */
#ifndef EK_FULLY_CONNECTED_S8_DSP_H
#define EK_FULLY_CONNECTED_S8_DSP_H

#include "ek_fully_connected_s8.h"

#ifdef __cplusplus
extern "C" {
#endif

ek_status_t ek_fully_connected_s8_dsp(const ek_context_t *ctx, const ek_fc_params_t *params, const ek_quant_t *quant,
                                      const ek_dims_t *input_dims, const int8_t *input, const ek_dims_t *filter_dims,
                                      const int8_t *filter, const ek_dims_t *bias_dims, const int32_t *bias,
                                      const ek_dims_t *output_dims, int8_t *output);

/* Scratch bytes: 2 * K4 (one input row as int16). filter_dims: n = O, c = K (the unpadded depth). */
int32_t ek_fully_connected_s8_dsp_buffer_size(const ek_dims_t *filter_dims);

#ifdef __cplusplus
}
#endif

#endif /* EK_FULLY_CONNECTED_S8_DSP_H */
