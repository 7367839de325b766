/* edgekit runtime: DEQUANTIZE (TFLM reference_ops::Dequantize). */
#include "ek_dequantize_s8.h"

ek_status_t ek_dequantize_s8_f32(const ek_context_t *ctx, const ek_dequantize_params_t *params,
                                 const ek_dims_t *input_dims, const int8_t *input, const ek_dims_t *output_dims,
                                 float *output)
{
    const int32_t size = ek_dims_count(input_dims);
    int32_t i;
    (void)ctx;
    if (size != ek_dims_count(output_dims)) {
        return EK_ERR_ARGUMENT;
    }
    for (i = 0; i < size; ++i) {
        /* TFLM's double product s * (q - zp) is exact (24 + 8 bits) and then rounded to float once; a float
         * multiply rounds the same exact product once, so a single-precision FPU gives the same bits. */
        output[i] = params->input_scale * (float)((int32_t)input[i] - params->input_zero_point);
    }
    return EK_OK;
}

ek_status_t ek_dequantize_u8_f32(const ek_context_t *ctx, const ek_dequantize_params_t *params,
                                 const ek_dims_t *input_dims, const uint8_t *input, const ek_dims_t *output_dims,
                                 float *output)
{
    const int32_t size = ek_dims_count(input_dims);
    int32_t i;
    (void)ctx;
    if (size != ek_dims_count(output_dims)) {
        return EK_ERR_ARGUMENT;
    }
    for (i = 0; i < size; ++i) {
        /* |q - zp| <= 255 as for int8: the float product is TFLM's exact double product rounded once. */
        output[i] = params->input_scale * (float)((int32_t)input[i] - params->input_zero_point);
    }
    return EK_OK;
}
