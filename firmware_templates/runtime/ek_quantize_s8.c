/* edgekit runtime: QUANTIZE (TFLM reference_ops::AffineQuantize and reference_ops::Requantize). */
#include "ek_quantize_s8.h"

/*
 * roundf() then a cast to int32, without libm and without undefined behaviour: values outside the int32
 * range and NaN give INT32_MIN, which is what cvttss2si (the x86 cast TFLM's host build uses) returns.
 */
static int32_t ek_roundf_to_i32(float v)
{
    int32_t i;
    float frac;
    if (!(v >= -2147483648.0f && v < 2147483648.0f)) {
        return INT32_MIN;
    }
    i = (int32_t)v; /* truncates toward zero; exact in range */
    frac = v - (float)i; /* exact: the fractional part of a float is representable */
    if (frac >= 0.5f) {
        ++i;
    } else if (frac <= -0.5f) {
        --i;
    }
    return i;
}

ek_status_t ek_quantize_f32_s8(const ek_context_t *ctx, const ek_quantize_params_t *params, const ek_dims_t *input_dims,
                               const float *input, const ek_dims_t *output_dims, int8_t *output)
{
    const int32_t size = ek_dims_count(input_dims);
    const float scale = params->output_scale;
    int32_t i;
    (void)ctx;
    if (size != ek_dims_count(output_dims) || !(scale > 0.0f)) {
        return EK_ERR_ARGUMENT;
    }
    for (i = 0; i < size; ++i) {
        /* The division must stay in float32: TFLM divides in float, never in double. */
        const float scaled = input[i] / scale;
        const int32_t q = ek_roundf_to_i32(scaled);
        const int32_t v = (int32_t)((uint32_t)q + (uint32_t)params->output_zero_point);
        output[i] = ek_sat_s8(v);
    }
    return EK_OK;
}

ek_status_t ek_requantize_s8(const ek_context_t *ctx, const ek_requantize_params_t *params, const ek_dims_t *input_dims,
                             const int8_t *input, const ek_dims_t *output_dims, int8_t *output)
{
    const int32_t size = ek_dims_count(input_dims);
    int32_t i;
    (void)ctx;
    if (size != ek_dims_count(output_dims)) {
        return EK_ERR_ARGUMENT;
    }
    for (i = 0; i < size; ++i) {
        const int32_t v = ek_mbqm((int32_t)input[i] - params->input_zero_point, params->quant.multiplier,
                                  params->quant.shift);
        output[i] = ek_sat_s8(v + params->output_zero_point);
    }
    return EK_OK;
}
