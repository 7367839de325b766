/* CONV_2D, int8 activations and weights, int32 bias: TFLM reference ConvPerChannel (ARITHMETIC.md 3.1). */
#ifndef EK_CONV2D_S8_H
#define EK_CONV2D_S8_H

#include "ek_common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t stride_h;      /* >= 1 */
    int32_t stride_w;      /* >= 1 */
    int32_t dilation_h;    /* >= 1 */
    int32_t dilation_w;    /* >= 1 */
    int32_t pad_h;         /* rows of implicit padding above the image, >= 0 (computed by the generator) */
    int32_t pad_w;         /* columns of implicit padding left of the image, >= 0 */
    int32_t input_offset;  /* -input zero point, in [-127, 128] */
    int32_t output_offset; /* output zero point, in [-128, 127] */
    ek_act_t act;          /* fused activation as an int8 clamp range */
} ek_conv_params_t;

/*
 * input  [N, H, W, C_in]; filter [C_out, KH, KW, C_in / groups]; bias [C_out] int32 or NULL;
 * output [N, OH, OW, C_out]. quant has C_out entries (a per-tensor scale is broadcast by the generator).
 * Grouped convolution: groups = C_in / filter.c, output channel o uses group o / (C_out / groups).
 * The filter zero point is ignored, as TFLM ignores it. Needs no scratch (ctx may be NULL).
 */
ek_status_t ek_conv2d_s8(const ek_context_t *ctx, const ek_conv_params_t *params, const ek_quant_t *quant,
                         const ek_dims_t *input_dims, const int8_t *input, const ek_dims_t *filter_dims,
                         const int8_t *filter, const ek_dims_t *bias_dims, const int32_t *bias,
                         const ek_dims_t *output_dims, int8_t *output);

/* Scratch bytes ek_conv2d_s8 needs: always 0 for this portable kernel. */
int32_t ek_conv2d_s8_buffer_size(const ek_dims_t *input_dims, const ek_dims_t *filter_dims);

#ifdef __cplusplus
}
#endif

#endif /* EK_CONV2D_S8_H */
