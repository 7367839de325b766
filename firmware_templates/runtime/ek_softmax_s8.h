/* edgekit runtime: int8 SOFTMAX over the last axis, bit-exact with TFLite Micro (ARITHMETIC.md 3.8). */
#ifndef EK_SOFTMAX_S8_H
#define EK_SOFTMAX_S8_H

#include "ek_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Computed by the generator from beta and the input scale (TFLM PreprocessSoftmaxScaling). */
typedef struct {
    int32_t input_multiplier; /* Q31 multiplier of beta * s_in * 2^26, in [2^30, 2^31) */
    int32_t input_left_shift; /* left shift applied before the multiply, in [0, 31] */
    int32_t diff_min;         /* x - row max below this gives output -128 and no sum term; <= 0 */
} ek_softmax_params_t;

/*
 * Output quantization is fixed by TFLM: scale 1/256, zero point -128. Rows are the last dimension (c);
 * n * h * w rows. Returns EK_ERR_NUMERIC where TFLM would abort (a row whose sum of exp values reaches 512,
 * possible only when c >= 512); that row and the rows after it are left unwritten.
 */
ek_status_t ek_softmax_s8(const ek_context_t *ctx, const ek_softmax_params_t *params, const ek_dims_t *input_dims,
                          const int8_t *input, const ek_dims_t *output_dims, int8_t *output);

/*
 * The same op with exp() read from a table: exp_table[k] = exp_on_negative_values of the Q5.26 scaled difference
 * -k (k = max - x in [0, 255]), or 0 where -k < diff_min, computed by the generator with the exact rules
 * (converters/c_codegen/fixedpoint.py). An entry of 0 gives exactly what the skip gives (no sum term, output
 * -128), so the bytes are the same; ~10x fewer instructions for 1 KB of flash.
 */
ek_status_t ek_softmax_table_s8(const ek_context_t *ctx, const int32_t *exp_table, const ek_dims_t *input_dims,
                                const int8_t *input, const ek_dims_t *output_dims, int8_t *output);

/* No scratch memory is needed. */
int32_t ek_softmax_s8_buffer_size(const ek_dims_t *input_dims);

#ifdef __cplusplus
}
#endif

#endif /* EK_SOFTMAX_S8_H */
