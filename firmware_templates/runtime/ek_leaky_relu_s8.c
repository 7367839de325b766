/* edgekit runtime: int8 LEAKY_RELU (TFLM reference_ops::QuantizeLeakyRelu, double rounding). */
#include "ek_leaky_relu_s8.h"

ek_status_t ek_leaky_relu_s8(const ek_context_t *ctx, const ek_leaky_relu_params_t *params,
                             const ek_dims_t *input_dims, const int8_t *input, const ek_dims_t *output_dims,
                             int8_t *output)
{
    const int32_t size = ek_dims_count(input_dims);
    int32_t i;
    (void)ctx;
    if (size != ek_dims_count(output_dims) || params->identity.shift > 31 || params->alpha.shift > 31 ||
        params->identity.shift < -31 || params->alpha.shift < -31) {
        return EK_ERR_ARGUMENT;
    }
    for (i = 0; i < size; ++i) {
        const int32_t x = (int32_t)input[i] - params->input_zero_point;
        const ek_quant_t *q = x >= 0 ? &params->identity : &params->alpha;
        output[i] = ek_sat_s8(params->output_zero_point + ek_mbqm(x, q->multiplier, q->shift));
    }
    return EK_OK;
}
