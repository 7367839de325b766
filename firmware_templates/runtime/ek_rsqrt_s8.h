/* edgekit runtime: int8 RSQRT through its 256-entry table, failing where TFLite Micro fails (elementwise.cc). */
#ifndef EK_RSQRT_S8_H
#define EK_RSQRT_S8_H

#include "ek_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * out[i] = table[in[i] + 128], the table computed by the generator with TFLM's RsqrtEvalQuantized rules
 * (converters/c_codegen/ops/elementwise_math.py). TFLM fails the whole invoke when an input code is below the
 * input zero point (the square root of a negative value): this kernel checks every input first and returns
 * EK_ERR_NUMERIC, writing nothing, in that case. input_zero_point in [-128, 127]; when it is -128 no code can
 * fail and the generator uses ek_table_s8 instead. Input and output may be the same buffer.
 */
ek_status_t ek_rsqrt_s8(const ek_context_t *ctx, int32_t input_zero_point, const int8_t *table,
                        const ek_dims_t *input_dims, const int8_t *input, const ek_dims_t *output_dims,
                        int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* EK_RSQRT_S8_H */
