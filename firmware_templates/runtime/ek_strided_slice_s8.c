/* edgekit runtime: STRIDED_SLICE / SLICE (TFLM reference_ops::StridedSlice, reference_ops::Slice). */
#include "ek_strided_slice_s8.h"

#include <string.h>

ek_status_t ek_strided_slice_s8(const ek_context_t *ctx, const ek_strided_slice_params_t *params,
                                const ek_dims_t *input_dims, const int8_t *input, const ek_dims_t *output_dims,
                                int8_t *output)
{
    int32_t step[EK_STRIDED_SLICE_MAX_RANK]; /* input element distance between neighbours on each axis */
    int32_t in_total = 1, out_total = 1, a;
    int32_t i0, i1, i2, i3, i4;
    const int32_t *count = params->count;
    int8_t *dst = output;
    (void)ctx;
    for (a = EK_STRIDED_SLICE_MAX_RANK - 1; a >= 0; --a) {
        const int32_t size = params->input_shape[a];
        int32_t last;
        if (size < 1 || count[a] < 1 || params->stride[a] == 0) {
            return EK_ERR_ARGUMENT;
        }
        last = params->begin[a] + (count[a] - 1) * params->stride[a];
        if (params->begin[a] < 0 || params->begin[a] >= size || last < 0 || last >= size) {
            return EK_ERR_ARGUMENT;
        }
        step[a] = in_total * params->stride[a];
        in_total *= size;
        out_total *= count[a];
    }
    if (in_total != ek_dims_count(input_dims) || out_total != ek_dims_count(output_dims)) {
        return EK_ERR_ARGUMENT;
    }
    {
        /* Offset of the first element read: sum of begin[a] times the input's row-major stride of axis a. */
        int32_t base = 0, stride_a = 1;
        for (a = EK_STRIDED_SLICE_MAX_RANK - 1; a >= 0; --a) {
            base += params->begin[a] * stride_a;
            stride_a *= params->input_shape[a];
        }
        input += base;
    }
    for (i0 = 0; i0 < count[0]; ++i0) {
        const int8_t *p0 = input + i0 * step[0];
        for (i1 = 0; i1 < count[1]; ++i1) {
            const int8_t *p1 = p0 + i1 * step[1];
            for (i2 = 0; i2 < count[2]; ++i2) {
                const int8_t *p2 = p1 + i2 * step[2];
                for (i3 = 0; i3 < count[3]; ++i3) {
                    const int8_t *p3 = p2 + i3 * step[3];
                    if (step[4] == 1) {
                        memcpy(dst, p3, (size_t)count[4]);
                        dst += count[4];
                    } else {
                        for (i4 = 0; i4 < count[4]; ++i4) {
                            *dst++ = p3[i4 * step[4]];
                        }
                    }
                }
            }
        }
    }
    return EK_OK;
}
