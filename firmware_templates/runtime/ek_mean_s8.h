/* edgekit runtime: int8 MEAN over any axes, bit-exact with TFLite Micro (ARITHMETIC.md 3.13). */
#ifndef EK_MEAN_S8_H
#define EK_MEAN_S8_H

#include "ek_common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EK_MEAN_MAX_RANK 6

/*
 * The input shape is given with each dimension marked reduced or kept (keep_dims does not change the
 * bytes). The generator folds the 1/N of the mean into the multiplier exactly as QuantizedMeanOrSum does.
 */
typedef struct {
    int32_t rank;                          /* 1..6 */
    int32_t shape[EK_MEAN_MAX_RANK];       /* input shape, outermost first, >= 1 each */
    int32_t reduced[EK_MEAN_MAX_RANK];     /* 1 where the dimension is averaged, 0 where it is kept */
    int32_t num_reduced;                   /* N: product of the reduced dimensions, >= 1 */
    int32_t input_zero_point;              /* in [-128, 127] */
    int32_t output_zero_point;             /* in [-128, 127] */
} ek_mean_params_t;

/* out = sat8(MBQM(wrap32(sum - zp_in * N), M', e') + zp_out) with quant = (M', e'). No scratch.
   SUM calls it too (TFLM's QuantizedMeanOrSum with compute_sum): quant is then QuantizeMultiplier(s_in / s_out)
   itself, without the 1/N. */
ek_status_t ek_mean_s8(const ek_context_t *ctx, const ek_mean_params_t *params, const ek_quant_t *quant,
                       const ek_dims_t *input_dims, const int8_t *input, const ek_dims_t *output_dims,
                       int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* EK_MEAN_S8_H */
