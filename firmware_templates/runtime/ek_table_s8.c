/* edgekit runtime: the 256-entry table kernel shared by the element-wise int8 ops (see ek_table_s8.h). */
#include "ek_table_s8.h"

ek_status_t ek_table_s8(const ek_context_t *ctx, const int8_t *table, const ek_dims_t *input_dims,
                        const int8_t *input, const ek_dims_t *output_dims, int8_t *output)
{
    const int32_t size = ek_dims_count(input_dims);
    int32_t i;
    (void)ctx;
    if (size != ek_dims_count(output_dims)) {
        return EK_ERR_ARGUMENT;
    }
    for (i = 0; i < size; ++i) {
        output[i] = table[(int32_t)input[i] + 128];
    }
    return EK_OK;
}
