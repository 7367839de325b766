/* edgekit runtime: CONCATENATION along any axis, a byte copy as in TFLite Micro (ARITHMETIC.md 3.15). */
#ifndef EK_CONCATENATION_S8_H
#define EK_CONCATENATION_S8_H

#include "ek_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The tensors are seen as [outer, axis * inner]; each input contributes one chunk per outer index. */
typedef struct {
    int32_t outer;             /* product of the dimensions before the axis, >= 1 */
    int32_t num_inputs;        /* >= 1 */
    const int32_t *chunk_bytes; /* per input: its axis size * inner size * element size, >= 0 */
} ek_concatenation_params_t;

/*
 * TFLM requires every input to share the output's scale and zero point, so no requantization happens.
 * inputs[i] has input_dims[i]; its element count must equal outer * chunk_bytes[i] (int8 elements).
 */
ek_status_t ek_concatenation_s8(const ek_context_t *ctx, const ek_concatenation_params_t *params,
                                const ek_dims_t *const *input_dims, const int8_t *const *inputs,
                                const ek_dims_t *output_dims, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* EK_CONCATENATION_S8_H */
