/* edgekit runtime: int8 PRELU with broadcasting, bit-exact with TFLite Micro (prelu.cc, BroadcastPrelu4DSlow). */
#ifndef EK_PRELU_S8_H
#define EK_PRELU_S8_H

#include "ek_common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EK_PRELU_MAX_RANK 4

typedef struct {
    int32_t input_offset;                    /* -input zero point, in [-127, 128] */
    int32_t alpha_offset;                    /* -alpha zero point, in [-127, 128] */
    int32_t output_offset;                   /* output zero point, in [-128, 127] */
    int32_t rank;                            /* 1..4: rank of the broadcast output shape below */
    int32_t shape[EK_PRELU_MAX_RANK];        /* output shape, outermost first */
    int32_t stride_input[EK_PRELU_MAX_RANK]; /* element stride of the input per output dim, 0 where broadcast */
    int32_t stride_alpha[EK_PRELU_MAX_RANK]; /* element stride of alpha per output dim, 0 where broadcast */
    int32_t broadcast;                       /* 0: same shapes, one flat loop; 1: walk shape with the strides */
} ek_prelu_params_t;

/* The two requantizations, computed offline with QuantizeMultiplier in double. */
typedef struct {
    ek_quant_t identity; /* f64(s_in) / f64(s_out), for x = q - zp_in >= 0 */
    ek_quant_t alpha;    /* f64(s_in) * f64(s_alpha) / f64(s_out), for x < 0, applied to x * (a - zp_alpha) */
} ek_prelu_quant_t;

/*
 * x = q + input_offset; out = clamp(output_offset + (x >= 0 ? MBQM(x, identity) : MBQM(x * (a + alpha_offset),
 * alpha)), -128, 127), with a the alpha element broadcast to the output position. The dims give element counts
 * only; the geometry is in params.
 */
ek_status_t ek_prelu_s8(const ek_context_t *ctx, const ek_prelu_params_t *params, const ek_prelu_quant_t *quant,
                        const ek_dims_t *input_dims, const int8_t *input, const ek_dims_t *alpha_dims,
                        const int8_t *alpha, const ek_dims_t *output_dims, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* EK_PRELU_S8_H */
