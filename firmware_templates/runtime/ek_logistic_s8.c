/* edgekit runtime: int8 LOGISTIC (TFLM reference_integer_ops::Logistic, gemmlowp fixed point). */
#include "ek_logistic_s8.h"

#include "ek_fixedpoint.h"

ek_status_t ek_logistic_s8(const ek_context_t *ctx, const ek_logistic_params_t *params, const ek_dims_t *input_dims,
                           const int8_t *input, const ek_dims_t *output_dims, int8_t *output)
{
    const int32_t size = ek_dims_count(input_dims);
    int32_t i;
    (void)ctx;
    if (!ek_q4_args_valid(params, input_dims, output_dims)) {
        return EK_ERR_ARGUMENT;
    }
    for (i = 0; i < size; ++i) {
        int32_t z;
        const int32_t side = ek_q4_input(params, input[i], &z);
        if (side != 0) {
            output[i] = (int8_t)(side < 0 ? -128 : 127);
        } else {
            /* Q4.27 input, Q0.31 result, then Q0.31 -> 1/256 steps with TFLM's output zero point -128. */
            const int32_t l = ek_fp_logistic(z, 4);
            output[i] = (int8_t)ek_clamp(ek_rdbpot(l, 23) - 128, -128, 127);
        }
    }
    return EK_OK;
}
