/* edgekit runtime: the NumPy-broadcast walk shared by the binary element-wise int8 kernels (ADD, MUL, SUB,
 * SQUARED_DIFFERENCE, MAXIMUM/MINIMUM, PRELU).
 *
 * The generator describes the output shape (outermost first) and, per input, the element stride along each output
 * dimension (0 where that input is broadcast); it merges dimensions where it can, so the rank is small. A kernel's
 * body is EK_BROADCAST_KERNEL with its own argument checks and its element function; it keeps only its arithmetic. */
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

/*
 * The body of a binary element-wise kernel, written once; it returns from the kernel. Checks: 1 <= rank <= MAX_RANK
 * and not `invalid` (the kernel's own argument checks), the product of the shape equal to the output's element
 * count and, without broadcasting, to each input's. Then output[i] = ONE(__VA_ARGS__, a, b) for every output
 * position i, a and b being the elements of input1 and input2 that NumPy broadcasting pairs with it: same shapes
 * (params->broadcast == 0), one flat loop; else the odometer of ek_broadcast_step.
 *   MAX_RANK        the kernel's rank limit (size of the odometer's index array)
 *   INNER_LOOP      1: the innermost dimension is a plain loop with each input's stride and the odometer walks the
 *                   outer ones (fewer instructions per element); 0: the odometer steps every element (smaller
 *                   code: the inner loop folds away, and the odometer's last dimension is re-read from params as
 *                   ADD always did: kept in a register it cost ADD 12 B of spills). A constant.
 *   params          the kernel's params: ->rank, ->shape (outermost first), ->broadcast
 *   invalid         the kernel's own argument checks: a chain of comparisons joined by ||, or 0. Pasted without
 *                   parentheses on purpose: `rank checks || a || b` is the condition the kernels were written with,
 *                   and GCC lays out `x || (a || b)` differently (+10 B for PRELU).
 *   stride1/stride2 int32_t[MAX_RANK]: each input's element stride per output dimension, 0 where broadcast
 *   ONE, ...        the element function and its leading arguments (the two elements are passed last, as int8_t)
 * A macro that expands to the hand-written body, not inline functions: with the checks in an inline function GCC
 * inlined MUL's element function at both call sites (+156 B of Thumb-2); here ONE is called at the same two sites,
 * directly, as before, so its inlining and the code size stay what they were.
 */
#define EK_BROADCAST_KERNEL(MAX_RANK, INNER_LOOP, params, invalid, stride1, stride2, input1_dims, input1,              \
                            input2_dims, input2, output_dims, output, ONE, ...)                                        \
    do {                                                                                                               \
        int32_t ek_total_ = 1, ek_i_;                                                                                  \
        if ((params)->rank < 1 || (params)->rank > (MAX_RANK) || invalid) {                                            \
            return EK_ERR_ARGUMENT;                                                                                    \
        }                                                                                                              \
        for (ek_i_ = 0; ek_i_ < (params)->rank; ++ek_i_) {                                                             \
            ek_total_ *= (params)->shape[ek_i_];                                                                       \
        }                                                                                                              \
        if (ek_total_ != ek_dims_count(output_dims)) {                                                                 \
            return EK_ERR_ARGUMENT;                                                                                    \
        }                                                                                                              \
        if (!(params)->broadcast) {                                                                                    \
            if (ek_dims_count(input1_dims) != ek_total_ || ek_dims_count(input2_dims) != ek_total_) {                  \
                return EK_ERR_ARGUMENT;                                                                                \
            }                                                                                                          \
            for (ek_i_ = 0; ek_i_ < ek_total_; ++ek_i_) {                                                              \
                (output)[ek_i_] = ONE(__VA_ARGS__, (input1)[ek_i_], (input2)[ek_i_]);                                  \
            }                                                                                                          \
            return EK_OK;                                                                                              \
        }                                                                                                              \
        {                                                                                                              \
            const int32_t ek_last_ = (params)->rank - 1;                                                               \
            const int32_t ek_inner_ = (INNER_LOOP) ? (params)->shape[ek_last_] : 1;                                    \
            const int32_t ek_s1_ = (INNER_LOOP) ? (stride1)[ek_last_] : 0;                                             \
            const int32_t ek_s2_ = (INNER_LOOP) ? (stride2)[ek_last_] : 0;                                             \
            int32_t ek_idx_[MAX_RANK] = {0};                                                                           \
            int32_t ek_off1_ = 0, ek_off2_ = 0;                                                                        \
            for (ek_i_ = 0; ek_i_ < ek_total_; ek_i_ += ek_inner_) {                                                   \
                int32_t ek_j_;                                                                                         \
                for (ek_j_ = 0; ek_j_ < ek_inner_; ++ek_j_) {                                                          \
                    (output)[ek_i_ + ek_j_] =                                                                          \
                        ONE(__VA_ARGS__, (input1)[ek_off1_ + ek_j_ * ek_s1_], (input2)[ek_off2_ + ek_j_ * ek_s2_]);    \
                }                                                                                                      \
                ek_broadcast_step((params)->shape, (stride1), (stride2),                                               \
                                  (INNER_LOOP) ? ek_last_ - 1 : (params)->rank - 1, ek_idx_, &ek_off1_,                \
                                  &ek_off2_);                                                                          \
            }                                                                                                          \
        }                                                                                                              \
        return EK_OK;                                                                                                  \
    } while (0)

#endif /* EK_BROADCAST_H */
