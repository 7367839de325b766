/* edgekit runtime: int8 PAD / PADV2 up to 5-D, a byte copy as in TFLite Micro (ARITHMETIC.md 3.14). */
#ifndef EK_PAD_S8_H
#define EK_PAD_S8_H

#include "ek_common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EK_PAD_MAX_RANK 5

/* Shapes are right-aligned into 5 dimensions (leading dimensions of size 1 with no padding). */
typedef struct {
    int32_t input_shape[EK_PAD_MAX_RANK]; /* >= 1 each */
    int32_t before[EK_PAD_MAX_RANK];      /* padding before, >= 0 */
    int32_t after[EK_PAD_MAX_RANK];       /* padding after, >= 0 */
    int32_t pad_value;                    /* the output zero point (PAD) or the constant (PADV2), int8 range */
} ek_pad_params_t;

/* No requantization: TFLM copies the input bytes even when the output's quantization differs. */
ek_status_t ek_pad_s8(const ek_context_t *ctx, const ek_pad_params_t *params, const ek_dims_t *input_dims,
                      const int8_t *input, const ek_dims_t *output_dims, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* EK_PAD_S8_H */
