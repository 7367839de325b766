/* edgekit runtime: int8 RSQRT, a checked 256-entry table (see ek_rsqrt_s8.h). */
#include "ek_rsqrt_s8.h"

ek_status_t ek_rsqrt_s8(const ek_context_t *ctx, int32_t input_zero_point, const int8_t *table,
                        const ek_dims_t *input_dims, const int8_t *input, const ek_dims_t *output_dims,
                        int8_t *output)
{
    const int32_t size = ek_dims_count(input_dims);
    int32_t i;
    (void)ctx;
    if (size != ek_dims_count(output_dims) || input_zero_point < -128 || input_zero_point > 127) {
        return EK_ERR_ARGUMENT;
    }
    for (i = 0; i < size; ++i) {
        if ((int32_t)input[i] < input_zero_point) {
            return EK_ERR_NUMERIC; /* TFLM: "Rsqrt is only defined for positive values", the invoke fails */
        }
    }
    for (i = 0; i < size; ++i) {
        output[i] = table[(int32_t)input[i] + 128];
    }
    return EK_OK;
}
