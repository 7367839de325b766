/*
 * CONV_2D, int8, grouped (groups = C_in / filter.c >= 2), Cortex-M DSP extension: same arguments and bytes as
 * ek_conv2d_s8 for grouped filters. Per output pixel and group the kernel gathers the group's int8 patch
 * (KH * KW taps x Cg channels, taps outside the image read as the input zero point) and sign-extends it into the
 * dual-MAC order (ek_dsp_unpack_s8) -- when Cg % 4 == 0 straight from the input, tap by tap, with no int8 copy --
 * and every output channel of the group takes two SMLAD per 4 patch values, two
 * channels at a time sharing the patch loads. Two offline transformations by the generator
 * (converters/c_codegen/dsp.py):
 *   filter  each output channel's row of K = KH * KW * Cg weights padded with zeros to K4 = round4(K) bytes
 *           (row o starts at byte o * K4);
 *   bias    bias[o] + input_offset * sum_k w[o,k] (modulo 2^32), never NULL.
 * So the int32 accumulator equals TFLM's exactly. Scratch: the unpacked patch (2 * K4 bytes), the int8 patch (K4
 * bytes, unused when Cg % 4 == 0), then the per-channel requantization constants (sizeof(ek_dsp_rq_t) = 24 bytes per output channel).
 */
#ifndef EK_CONV2D_GROUPED_S8_DSP_H
#define EK_CONV2D_GROUPED_S8_DSP_H

#include "ek_conv2d_s8.h"

#ifdef __cplusplus
extern "C" {
#endif

ek_status_t ek_conv2d_grouped_s8_dsp(const ek_context_t *ctx, const ek_conv_params_t *params,
                                     const ek_quant_t *quant, const ek_dims_t *input_dims, const int8_t *input,
                                     const ek_dims_t *filter_dims, const int8_t *filter, const ek_dims_t *bias_dims,
                                     const int32_t *bias, const ek_dims_t *output_dims, int8_t *output);

/* Scratch bytes: 3 * round4(KH * KW * Cg) + 24 * C_out; filter_dims are the unpadded [C_out, KH, KW, Cg]. */
int32_t ek_conv2d_grouped_s8_dsp_buffer_size(const ek_dims_t *filter_dims);

#ifdef __cplusplus
}
#endif

#endif /* EK_CONV2D_GROUPED_S8_DSP_H */
