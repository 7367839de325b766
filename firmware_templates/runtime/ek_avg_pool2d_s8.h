/* AVERAGE_POOL_2D, int8: TFLM reference AveragePool (ARITHMETIC.md 3.4). Input and output share scale and zero point. */
#ifndef EK_AVG_POOL2D_S8_H
#define EK_AVG_POOL2D_S8_H

#include "ek_common.h"
#include "ek_pool_params.h"

#ifdef __cplusplus
extern "C" {
#endif

/* input [N, H, W, C]; output [N, OH, OW, C]; no quant params (pooling does not requantize); no scratch. */
ek_status_t ek_avg_pool2d_s8(const ek_context_t *ctx, const ek_pool_params_t *params,
                               const ek_dims_t *input_dims, const int8_t *input, const ek_dims_t *output_dims,
                               int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* EK_AVG_POOL2D_S8_H */
