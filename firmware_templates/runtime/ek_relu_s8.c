/* edgekit runtime: standalone int8 RELU / RELU6 (TFLM ReluQuantized, Relu6Quantized). */
#include "ek_relu_s8.h"

ek_status_t ek_relu_s8(const ek_context_t *ctx, const ek_relu_params_t *params, const ek_dims_t *input_dims,
                       const int8_t *input, const ek_dims_t *output_dims, int8_t *output)
{
    const int32_t size = ek_dims_count(input_dims);
    int32_t i;
    (void)ctx;
    if (size != ek_dims_count(output_dims) || params->act.min > params->act.max) {
        return EK_ERR_ARGUMENT;
    }
    for (i = 0; i < size; ++i) {
        const int32_t v = params->output_zero_point + ek_mbqm((int32_t)input[i] - params->input_zero_point,
                                                              params->quant.multiplier, params->quant.shift);
        output[i] = (int8_t)ek_clamp(v, params->act.min, params->act.max);
    }
    return EK_OK;
}

ek_status_t ek_relu6_s8(const ek_context_t *ctx, const ek_relu6_params_t *params, const ek_dims_t *input_dims,
                        const int8_t *input, const ek_dims_t *output_dims, int8_t *output)
{
    const int32_t size = ek_dims_count(input_dims);
    int32_t i;
    (void)ctx;
    if (size != ek_dims_count(output_dims) || params->lower < -128 || params->upper > 127) {
        return EK_ERR_ARGUMENT;
    }
    for (i = 0; i < size; ++i) {
        const int32_t v = input[i];
        /* TFLM tests the lower bound first, so an upper bound below the lower one still gives `lower`. */
        output[i] = (int8_t)(v < params->lower ? params->lower : (v > params->upper ? params->upper : v));
    }
    return EK_OK;
}
