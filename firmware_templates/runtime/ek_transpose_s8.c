/* edgekit runtime: TRANSPOSE (TFLM reference_ops::Transpose): walk the output in order, step through the input. */
#include "ek_transpose_s8.h"

ek_status_t ek_transpose_s8(const ek_context_t *ctx, const ek_transpose_params_t *params,
                            const ek_dims_t *input_dims, const int8_t *input, const ek_dims_t *output_dims,
                            int8_t *output)
{
    int32_t in_stride[EK_TRANSPOSE_MAX_RANK];
    int32_t step[EK_TRANSPOSE_MAX_RANK];  /* input distance per output index on each output axis */
    int32_t shape[EK_TRANSPOSE_MAX_RANK]; /* output shape */
    int32_t seen = 0, total = 1, a;
    int32_t i0, i1, i2, i3, i4;
    int8_t *dst = output;
    (void)ctx;
    for (a = EK_TRANSPOSE_MAX_RANK - 1; a >= 0; --a) {
        if (params->input_shape[a] < 1) {
            return EK_ERR_ARGUMENT;
        }
        in_stride[a] = total;
        total *= params->input_shape[a];
    }
    for (a = 0; a < EK_TRANSPOSE_MAX_RANK; ++a) {
        const int32_t p = params->perm[a];
        if (p < 0 || p >= EK_TRANSPOSE_MAX_RANK || (seen & (1 << p)) != 0) {
            return EK_ERR_ARGUMENT;
        }
        seen |= 1 << p;
        shape[a] = params->input_shape[p];
        step[a] = in_stride[p];
    }
    if (total != ek_dims_count(input_dims) || total != ek_dims_count(output_dims)) {
        return EK_ERR_ARGUMENT;
    }
    for (i0 = 0; i0 < shape[0]; ++i0) {
        const int8_t *p0 = input + i0 * step[0];
        for (i1 = 0; i1 < shape[1]; ++i1) {
            const int8_t *p1 = p0 + i1 * step[1];
            for (i2 = 0; i2 < shape[2]; ++i2) {
                const int8_t *p2 = p1 + i2 * step[2];
                for (i3 = 0; i3 < shape[3]; ++i3) {
                    const int8_t *p3 = p2 + i3 * step[3];
                    for (i4 = 0; i4 < shape[4]; ++i4) {
                        *dst++ = p3[i4 * step[4]];
                    }
                }
            }
        }
    }
    return EK_OK;
}
