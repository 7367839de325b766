/* FULLY_CONNECTED, int8: TFLM reference FullyConnected / FullyConnectedPerChannel (ARITHMETIC.md 3.3). */
#ifndef EK_FULLY_CONNECTED_S8_H
#define EK_FULLY_CONNECTED_S8_H

#include "ek_common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t input_offset;  /* -input zero point, in [-127, 128] */
    int32_t filter_offset; /* -filter zero point, applied only when per_channel == 0 (as TFLM does) */
    int32_t output_offset; /* output zero point, in [-128, 127] */
    int32_t per_channel;   /* 0: quant[0] for every output; 1: quant[o] per output unit, filter zp ignored */
    ek_act_t act;          /* fused activation as an int8 clamp range */
} ek_fc_params_t;

/*
 * input read flat as [B, K] (input_dims: n = B, c = K); filter [O, K] (n = O, c = K); bias [O] int32 or NULL;
 * output [B, O] (n = B, c = O). keep_num_dims only changes the output's declared shape. Needs no scratch.
 */
ek_status_t ek_fully_connected_s8(const ek_context_t *ctx, const ek_fc_params_t *params, const ek_quant_t *quant,
                                  const ek_dims_t *input_dims, const int8_t *input, const ek_dims_t *filter_dims,
                                  const int8_t *filter, const ek_dims_t *bias_dims, const int32_t *bias,
                                  const ek_dims_t *output_dims, int8_t *output);

/* Scratch bytes ek_fully_connected_s8 needs: always 0 for this portable kernel. */
int32_t ek_fully_connected_s8_buffer_size(const ek_dims_t *filter_dims);

#ifdef __cplusplus
}
#endif

#endif /* EK_FULLY_CONNECTED_S8_H */
