/* edgekit runtime: the NumPy-broadcast walk shared by the binary element-wise int8 kernels (ADD, MUL).
 *
 * The generator describes the output shape (outermost first) and, per input, the element stride along each output
 * dimension (0 where that input is broadcast); it merges dimensions where it can, so the rank is small. */
#ifndef EK_BROADCAST_H
#define EK_BROADCAST_H

#include "ek_common.h"

/*
 * One step of the odometer over dimensions 0..last: the index of the innermost of them moves by one, carrying
 * outwards, and each input's offset follows with its own stride (rewinding a dimension when it wraps).
 */
static inline void ek_broadcast_step(const int32_t *shape, const int32_t *stride1, const int32_t *stride2,
                                     int32_t last, int32_t *idx, int32_t *off1, int32_t *off2)
{
    int32_t d = last;
    while (d >= 0) {
        idx[d] += 1;
        *off1 += stride1[d];
        *off2 += stride2[d];
        if (idx[d] < shape[d]) {
            break;
        }
        *off1 -= stride1[d] * shape[d];
        *off2 -= stride2[d] * shape[d];
        idx[d] = 0;
        --d;
    }
}

#endif /* EK_BROADCAST_H */
