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

/* One output position's window along one axis, as TFLM's pooling computes it: the input index of the first tap
 * (negative inside the top/left padding) and the taps [start, end) that fall inside the input. */
typedef struct {
    int32_t origin; /* out_index * stride - pad */
    int32_t start;  /* first tap inside the input, >= 0 */
    int32_t end;    /* one past the last tap inside the input, <= filter; <= start when none is */
} ek_pool_window_t;

static inline ek_pool_window_t ek_pool_window(int32_t out_index, int32_t stride, int32_t pad, int32_t filter,
                                              int32_t in_size)
{
    ek_pool_window_t win;
    win.origin = out_index * stride - pad;
    win.start = EK_MAX(0, -win.origin);
    win.end = EK_MIN(filter, in_size - win.origin);
    return win;
}

/* The argument checks every pooling kernel makes: channels and batch carried through, strides >= 1. */
static inline int ek_pool_args_valid(const ek_pool_params_t *params, const ek_dims_t *input_dims,
                                     const ek_dims_t *output_dims)
{
    return output_dims->c == input_dims->c && output_dims->n == input_dims->n && params->stride_h >= 1 &&
           params->stride_w >= 1;
}

#endif /* EK_POOL_PARAMS_H */
