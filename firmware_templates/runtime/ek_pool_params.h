/* Parameters shared by the int8 pooling kernels (ek_avg_pool2d_s8, ek_max_pool2d_s8). */
#ifndef EK_POOL_PARAMS_H
#define EK_POOL_PARAMS_H

#include "ek_common.h"

typedef struct {
    int32_t stride_h; /* >= 1 */
    int32_t stride_w; /* >= 1 */
    int32_t filter_h; /* window height, >= 1 */
    int32_t filter_w; /* window width, >= 1 */
    int32_t pad_h;    /* rows of padding above the image, >= 0; padded taps are not counted */
    int32_t pad_w;    /* columns of padding left of the image, >= 0 */
    ek_act_t act;     /* fused activation as an int8 clamp range */
} ek_pool_params_t;

#endif /* EK_POOL_PARAMS_H */
