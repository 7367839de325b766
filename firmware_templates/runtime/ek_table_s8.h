/* edgekit runtime: int8 -> int8 through a 256-entry table, the one kernel of every op that is a pure function
 * of the input code (LOGISTIC, TANH, HARD_SWISH, RELU, int8 and uint8 <-> int8 QUANTIZE). */
#ifndef EK_TABLE_S8_H
#define EK_TABLE_S8_H

#include "ek_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * out[i] = table[in[i] + 128]: table[b + 128] is the output byte for input byte b (read as int8), computed by
 * the generator from the op's exact rules (converters/c_codegen/fixedpoint.py and the op emitters); the
 * arithmetic kernels (ek_logistic_s8, ek_tanh_s8, ek_hard_swish_s8, ek_relu_s8, ek_requantize_s8) stay as the
 * reference. Bit-exact, one load per element. Element-wise over n * h * w * c values; input and output may be
 * the same buffer. Because it maps raw bytes, the same kernel serves the uint8 <-> int8 edges of uint8 I/O
 * models (the caller passes uint8 buffers as int8 pointers).
 */
ek_status_t ek_table_s8(const ek_context_t *ctx, const int8_t *table, const ek_dims_t *input_dims,
                        const int8_t *input, const ek_dims_t *output_dims, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* EK_TABLE_S8_H */
