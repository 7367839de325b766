#include "ek_fully_connected_s8.h"

int32_t ek_fully_connected_s8_buffer_size(const ek_dims_t *filter_dims)
{
    (void)filter_dims;
    return 0;
}

ek_status_t ek_fully_connected_s8(const ek_context_t *ctx, const ek_fc_params_t *params, const ek_quant_t *quant,
                                  const ek_dims_t *input_dims, const int8_t *input, const ek_dims_t *filter_dims,
                                  const int8_t *filter, const ek_dims_t *bias_dims, const int32_t *bias,
                                  const ek_dims_t *output_dims, int8_t *output)
{
    const int32_t batches = input_dims->n, depth = input_dims->c, units = output_dims->c;
    const int32_t filter_offset = params->per_channel ? 0 : params->filter_offset;
    int32_t b, o, d;
    (void)ctx;

    if (filter_dims->c != depth || filter_dims->n != units || output_dims->n != batches ||
        (bias != NULL && bias_dims != NULL && bias_dims->c != units)) {
        return EK_ERR_ARGUMENT;
    }
    for (b = 0; b < batches; ++b) {
        const int8_t *x = input + (int32_t)b * depth;
        for (o = 0; o < units; ++o) {
            const int8_t *w = filter + (int32_t)o * depth;
            const ek_quant_t *q = params->per_channel ? &quant[o] : &quant[0];
            uint32_t acc = 0; /* wraps like TFLM's int32 accumulator */
            int32_t y;
            for (d = 0; d < depth; ++d) {
                acc += (uint32_t)(((int32_t)w[d] + filter_offset) * ((int32_t)x[d] + params->input_offset));
            }
            if (bias != NULL) {
                acc += (uint32_t)bias[o];
            }
            y = ek_mbqm((int32_t)acc, q->multiplier, q->shift) + params->output_offset;
            output[(int32_t)b * units + o] = (int8_t)ek_clamp(y, params->act.min, params->act.max);
        }
    }
    return EK_OK;
}
