/*
 * CONV_2D, int8, Cortex-M DSP extension (SMLAD): same arguments and bytes as ek_conv2d_s8 (groups == 1), with
 * two offline transformations made by the generator (converters/c_codegen/dsp.py):
 *   filter  each of the C_out rows (KH * KW * C_in bytes, K) padded with zeros to K4 = K rounded up to 4, then
 *           rows 2j and 2j + 1 interleaved by groups of 4 bytes (4 of row 2j, 4 of row 2j + 1, ...); an odd
 *           last row stays alone at the end;
 *   bias    bias[o] + input_offset * sum_k w[o,k] (all modulo 2^32), never NULL.
 * Taps outside the image are read as the input zero point (-input_offset), so they add w * zp, which the
 * folded bias cancels: the int32 accumulator equals TFLM's exactly, before requantization.
 * Two output pixels are computed together: their patches are sign-extended once into int16 pairs in the
 * scratch buffer, then each weight word feeds four SMLADs (2 pixels x 2 output channels).
 * Scratch: ek_conv2d_s8_dsp_buffer_size(); a 1x1 kernel without padding, or C_in a multiple of 4, unpacks the
 * input pixels directly (no int8 patch).
 */
#ifndef EK_CONV2D_S8_DSP_H
#define EK_CONV2D_S8_DSP_H

#include "ek_conv2d_s8.h"

#ifdef __cplusplus
extern "C" {
#endif

ek_status_t ek_conv2d_s8_dsp(const ek_context_t *ctx, const ek_conv_params_t *params, const ek_quant_t *quant,
                             const ek_dims_t *input_dims, const int8_t *input, const ek_dims_t *filter_dims,
                             const int8_t *filter, const ek_dims_t *bias_dims, const int32_t *bias,
                             const ek_dims_t *output_dims, int8_t *output);

/* Scratch bytes: 4 * K4 (two unpacked patches) + 24 * C_out (requantization constants, made once per call), plus
   K4 for an int8 patch when C_in is not a multiple of 4 and the kernel is not 1x1 without padding.
   filter_dims are the unpadded [C_out, KH, KW, C_in]. */
int32_t ek_conv2d_s8_dsp_buffer_size(const ek_conv_params_t *params, const ek_dims_t *input_dims,
                                     const ek_dims_t *filter_dims);

#ifdef __cplusplus
}
#endif

#endif /* EK_CONV2D_S8_DSP_H */
