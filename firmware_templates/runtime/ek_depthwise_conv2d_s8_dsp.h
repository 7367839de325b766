/*
 * DEPTHWISE_CONV_2D, int8, Cortex-M DSP extension (SMLAD over pairs of taps): same arguments and bytes as
 * ek_depthwise_conv2d_s8 for depth_multiplier == 1 and at most EK_DW_DSP_MAX_TAPS taps, with two offline
 * transformations made by the generator (converters/c_codegen/dsp.py):
 *   filter  reordered: for each group of 4 channels c0..c3, each pair of taps (t0, t1) as 8 bytes
 *           w(t0,c0) w(t0,c1) w(t1,c0) w(t1,c1) w(t0,c2) w(t0,c3) w(t1,c2) w(t1,c3), then an odd last tap t as
 *           4 bytes w(t,c0..c3) (so 4 * KH * KW bytes per group, no padding); then the C % 4 remaining
 *           channels as [tap][channel];
 *   bias    bias[o] + input_offset * sum_t w[t,o] (modulo 2^32), never NULL.
 * Taps outside the image read the input zero point, which the folded bias cancels, so the int32 accumulator
 * equals TFLM's exactly. Scratch: one row of C_in bytes of the zero point (rounded up to 4), then the
 * per-channel requantization constants (sizeof(ek_dsp_rq_t) = 24 bytes per channel), made once per call.
 */
#ifndef EK_DEPTHWISE_CONV2D_S8_DSP_H
#define EK_DEPTHWISE_CONV2D_S8_DSP_H

#include "ek_depthwise_conv2d_s8.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EK_DW_DSP_MAX_TAPS 64 /* KH * KW; the generator keeps larger kernels on the portable path */

ek_status_t ek_depthwise_conv2d_s8_dsp(const ek_context_t *ctx, const ek_dw_conv_params_t *params,
                                       const ek_quant_t *quant, const ek_dims_t *input_dims, const int8_t *input,
                                       const ek_dims_t *filter_dims, const int8_t *filter,
                                       const ek_dims_t *bias_dims, const int32_t *bias,
                                       const ek_dims_t *output_dims, int8_t *output);

/* Scratch bytes: C_in rounded up to 4, + 24 * C_in. filter_dims are the unreordered [1, KH, KW, C_out]. */
int32_t ek_depthwise_conv2d_s8_dsp_buffer_size(const ek_dims_t *input_dims, const ek_dims_t *filter_dims);

#ifdef __cplusplus
}
#endif

#endif /* EK_DEPTHWISE_CONV2D_S8_DSP_H */
