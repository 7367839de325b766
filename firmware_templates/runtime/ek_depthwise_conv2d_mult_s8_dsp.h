/*
 * DEPTHWISE_CONV_2D, int8, depth multiplier >= 2, Cortex-M DSP extension: same arguments and bytes as
 * ek_depthwise_conv2d_s8 for at most EK_DW_MULT_DSP_MAX_TAPS taps. Per output pixel the kernel first gathers a
 * patch of int16 tap pairs, patch[ic][p] = (x(tap 2p, ic), x(tap 2p + 1, ic)) (four channels per pair of word
 * loads: SXTB16 and PKHBT/PKHTB), then every output channel o = ic * dm + m of input channel ic takes one SMLAD per
 * pair of taps, two output channels per filter word. Two offline transformations by the generator
 * (converters/c_codegen/dsp.py):
 *   filter  reordered: per input channel ic, per pair of output channels (o0, o1) = (ic * dm + 2j, o0 + 1), per
 *           pair of taps (t0, t1) = (2p, 2p + 1), the 4 bytes w(t0,o0) w(t0,o1) w(t1,o0) w(t1,o1); a tap
 *           t1 = KH * KW (odd tap count) and a channel o1 = (ic + 1) * dm (odd multiplier) are zero bytes. That is
 *           C_in * ceil(dm / 2) * ceil(KH * KW / 2) words;
 *   bias    bias[o] + input_offset * sum_t w[t,o] (modulo 2^32), never NULL.
 * Taps outside the image read the input zero point, which the folded bias cancels, so the int32 accumulator
 * equals TFLM's exactly. Scratch: a row of C_in zero-point bytes (rounded up to 4), the per-channel requantization
 * constants (sizeof(ek_dsp_rq_t) = 24 bytes per output channel), then the patch (4 * C_in * ceil(KH * KW / 2)).
 */
#ifndef EK_DEPTHWISE_CONV2D_MULT_S8_DSP_H
#define EK_DEPTHWISE_CONV2D_MULT_S8_DSP_H

#include "ek_depthwise_conv2d_s8.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EK_DW_MULT_DSP_MAX_TAPS 64 /* KH * KW; the generator keeps larger kernels on the portable path */

ek_status_t ek_depthwise_conv2d_mult_s8_dsp(const ek_context_t *ctx, const ek_dw_conv_params_t *params,
                                            const ek_quant_t *quant, const ek_dims_t *input_dims,
                                            const int8_t *input, const ek_dims_t *filter_dims, const int8_t *filter,
                                            const ek_dims_t *bias_dims, const int32_t *bias,
                                            const ek_dims_t *output_dims, int8_t *output);

/* Scratch bytes: round4(C_in) + 24 * C_out + 4 * C_in * ceil(KH * KW / 2); filter_dims are the unreordered
   [1, KH, KW, C_out]. */
int32_t ek_depthwise_conv2d_mult_s8_dsp_buffer_size(const ek_dims_t *input_dims, const ek_dims_t *filter_dims);

#ifdef __cplusplus
}
#endif

#endif /* EK_DEPTHWISE_CONV2D_MULT_S8_DSP_H */
