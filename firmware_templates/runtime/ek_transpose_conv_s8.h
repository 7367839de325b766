/*
 * TRANSPOSE_CONV, int8 activations and weights, int32 bias: TFLM reference_integer_ops::TransposeConv
 * (transpose_conv.cc). Every input pixel scatters input x filter into an int32 accumulator the size of the
 * output (the caller's scratch), then bias, per-channel requantization (rule A), output offset and the fused
 * activation's clamp give the int8 output.
 */
#ifndef EK_TRANSPOSE_CONV_S8_H
#define EK_TRANSPOSE_CONV_S8_H

#include "ek_common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t stride_h;      /* >= 1: output rows between two neighbouring input rows */
    int32_t stride_w;      /* >= 1: output columns between two neighbouring input columns */
    int32_t pad_h;         /* >= 0: output rows cut off above (TFLM's padding computed from the OUTPUT height) */
    int32_t pad_w;         /* >= 0: output columns cut off on the left (computed from the output width) */
    int32_t input_offset;  /* -input zero point, in [-127, 128] */
    int32_t output_offset; /* output zero point, in [-128, 127] */
    ek_act_t act;          /* fused activation as an int8 clamp range ([-128, 127] for NONE) */
} ek_transpose_conv_params_t;

/*
 * input  [N, H, W, C_in]; filter [C_out, KH, KW, C_in] (OHWI); bias [C_out] int32 or NULL;
 * output [N, OH, OW, C_out]. quant has C_out entries (a per-tensor scale is broadcast by the generator).
 * Input pixel (y, x) adds to output pixel (y * stride_h - pad_h + ky, x * stride_w - pad_w + kx); taps that
 * fall outside the output are dropped. The filter zero point is ignored, as TFLM ignores it.
 * ctx->buf: at least ek_transpose_conv_s8_buffer_size(output_dims) bytes, 4-byte aligned, else EK_ERR_SCRATCH.
 */
ek_status_t ek_transpose_conv_s8(const ek_context_t *ctx, const ek_transpose_conv_params_t *params,
                                 const ek_quant_t *quant, const ek_dims_t *input_dims, const int8_t *input,
                                 const ek_dims_t *filter_dims, const int8_t *filter, const ek_dims_t *bias_dims,
                                 const int32_t *bias, const ek_dims_t *output_dims, int8_t *output);

/* Scratch bytes ek_transpose_conv_s8 needs: one int32 per output element; -1 if that exceeds INT32_MAX. */
int32_t ek_transpose_conv_s8_buffer_size(const ek_dims_t *output_dims);

#ifdef __cplusplus
}
#endif

#endif /* EK_TRANSPOSE_CONV_S8_H */
