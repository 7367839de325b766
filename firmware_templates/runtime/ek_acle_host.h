/*
 * Plain-C versions of the Arm ACLE SIMD32 intrinsics the DSP kernels use, with exactly the Arm semantics,
 * so that the *_dsp.c kernels compile and run on the host (and on cores without the DSP extension) and the
 * test suite checks their arithmetic without an emulator.
 *
 * Arm Architecture Reference Manual (Armv7-M), A7.7: SXTB16 sign-extends bytes 0 and 2 into the two
 * halfwords; SMLAD adds the two signed 16x16 products to the accumulator, wrapping modulo 2^32 (it only
 * sets the Q flag on overflow, which the kernels never read). ek_dsp_common.h uses it only when the
 * compiler does not provide arm_acle.h's SIMD32 intrinsics.
 */
#ifndef EK_ACLE_HOST_H
#define EK_ACLE_HOST_H

#include <stdint.h>

/* On a core with the extension arm_acle.h provides all of this; including this header there is harmless. */
#if !(defined(__ARM_FEATURE_SIMD32) && __ARM_FEATURE_SIMD32 && defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP)

typedef int32_t int16x2_t;
typedef int32_t int8x4_t;

/* Low halfword of a packed pair, sign-extended. */
static inline int32_t ek_acle_lo16(int32_t x)
{
    return (int32_t)(int16_t)(uint16_t)((uint32_t)x & 0xFFFFu);
}

/* High halfword of a packed pair, sign-extended. */
static inline int32_t ek_acle_hi16(int32_t x)
{
    return (int32_t)(int16_t)(uint16_t)((uint32_t)x >> 16);
}

/* SXTB16: halfword 0 = sign_extend(byte 0), halfword 1 = sign_extend(byte 2). */
static inline int16x2_t __sxtb16(int8x4_t a)
{
    const uint32_t u = (uint32_t)a;
    const uint32_t lo = (uint32_t)(uint16_t)(int16_t)(int8_t)(uint8_t)(u & 0xFFu);
    const uint32_t hi = (uint32_t)(uint16_t)(int16_t)(int8_t)(uint8_t)((u >> 16) & 0xFFu);
    return (int16x2_t)(lo | (hi << 16));
}

/* SMLAD: c + lo(a) * lo(b) + hi(a) * hi(b), modulo 2^32. */
static inline int32_t __smlad(int16x2_t a, int16x2_t b, int32_t c)
{
    const uint32_t p0 = (uint32_t)(ek_acle_lo16(a) * ek_acle_lo16(b));
    const uint32_t p1 = (uint32_t)(ek_acle_hi16(a) * ek_acle_hi16(b));
    return (int32_t)((uint32_t)c + p0 + p1);
}

/* SMUAD: lo(a) * lo(b) + hi(a) * hi(b), modulo 2^32. */
static inline int32_t __smuad(int16x2_t a, int16x2_t b)
{
    return __smlad(a, b, 0);
}

/* SMLABB / SMLATT: c + bottom(a) * bottom(b), c + top(a) * top(b), modulo 2^32. */
static inline int32_t __smlabb(int32_t a, int32_t b, int32_t c)
{
    return (int32_t)((uint32_t)c + (uint32_t)(ek_acle_lo16(a) * ek_acle_lo16(b)));
}

static inline int32_t __smlatt(int32_t a, int32_t b, int32_t c)
{
    return (int32_t)((uint32_t)c + (uint32_t)(ek_acle_hi16(a) * ek_acle_hi16(b)));
}

/* QADD: a + b saturated to [INT32_MIN, INT32_MAX] (the Q flag is not modelled). */
static inline int32_t __qadd(int32_t a, int32_t b)
{
    const int64_t s = (int64_t)a + (int64_t)b;
    return s > INT32_MAX ? INT32_MAX : (s < INT32_MIN ? INT32_MIN : (int32_t)s);
}

/* SXTAB16: a + SXTB16(b), each halfword added on its own, modulo 2^16 (no carry between them). */
static inline int16x2_t __sxtab16(int16x2_t a, int8x4_t b)
{
    const uint32_t e = (uint32_t)__sxtb16(b), u = (uint32_t)a;
    return (int16x2_t)(((u + e) & 0xFFFFu) | (((u >> 16) + (e >> 16)) << 16));
}

/* The APSR.GE bits the byte-wise SIMD instructions set and SEL reads: one copy per translation unit, which is
   enough for the kernels' SSUB8-then-SEL pairs (a host model, not thread-safe). */
static inline uint32_t *ek_acle_ge(void)
{
    static uint32_t ge;
    return &ge;
}

/* SSUB8: the four byte-wise differences a - b, modulo 2^8; GE bit i set where a_i >= b_i (signed). */
static inline int8x4_t __ssub8(int8x4_t a, int8x4_t b)
{
    uint32_t r = 0, ge = 0;
    int32_t i;
    for (i = 0; i < 4; ++i) {
        const int32_t d = (int32_t)(int8_t)(uint8_t)((uint32_t)a >> (8 * i)) -
                          (int32_t)(int8_t)(uint8_t)((uint32_t)b >> (8 * i));
        r |= ((uint32_t)d & 0xFFu) << (8 * i);
        ge |= (d >= 0 ? 1u : 0u) << i;
    }
    *ek_acle_ge() = ge;
    return (int8x4_t)r;
}

/* SEL: byte i from a where GE bit i is set, else from b. */
static inline uint32_t __sel(uint32_t a, uint32_t b)
{
    const uint32_t ge = *ek_acle_ge();
    uint32_t mask = 0;
    int32_t i;
    for (i = 0; i < 4; ++i) {
        mask |= ((ge >> i) & 1u) ? 0xFFu << (8 * i) : 0u;
    }
    return (a & mask) | (b & ~mask);
}

#endif /* no SIMD32/DSP extension */

#endif /* EK_ACLE_HOST_H */
