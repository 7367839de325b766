/*
 * Shared helpers of the DSP-extension kernels (ek_*_s8_dsp.c): the intrinsics (arm_acle.h on a core with
 * the SIMD32/DSP extension, ek_acle_host.h's plain-C twins everywhere else), unaligned word loads, and the
 * requantization written for the dual-MAC paths. Everything here gives the same bits as ek_common.h.
 */
#ifndef EK_DSP_COMMON_H
#define EK_DSP_COMMON_H

#include <string.h>

#include "ek_common.h"

#if defined(__ARM_FEATURE_SIMD32) && __ARM_FEATURE_SIMD32 && defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#include <arm_acle.h>
#define EK_DSP_NATIVE 1
#else
#include "ek_acle_host.h"
#define EK_DSP_NATIVE 0
#endif

/* Rotate right by 8 bits: the compiler folds it into SXTB16's rotate operand (SXTB16 Rd, Rm, ROR #8). */
static inline int32_t ek_dsp_ror8(int32_t x)
{
    const uint32_t u = (uint32_t)x;
    return (int32_t)((u >> 8) | (u << 24));
}

/* SXTB16 of the word rotated right by 8: bytes 1 and 3. One instruction on Arm (GCC's __sxtb16 builtin has no
   rotate operand, and it does not fold a separate rotation into it). */
#if EK_DSP_NATIVE
static inline int32_t ek_dsp_sxtb16_ror8(int32_t x)
{
    int32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
    return r;
}
#else
static inline int32_t ek_dsp_sxtb16_ror8(int32_t x)
{
    return __sxtb16(ek_dsp_ror8(x));
}
#endif

/* PKHBT a, b, LSL #16: low halfword of a, low halfword of b on top. PKHTB b, a, ASR #16: high halfword of a at
   the bottom, high halfword of b on top. GCC 12 does not form either from the C expression. */
#if EK_DSP_NATIVE
static inline int32_t ek_dsp_pack_lo(int32_t a, int32_t b)
{
    int32_t r;
    __asm__("pkhbt %0, %1, %2, lsl #16" : "=r"(r) : "r"(a), "r"(b));
    return r;
}

static inline int32_t ek_dsp_pack_hi(int32_t a, int32_t b)
{
    int32_t r;
    __asm__("pkhtb %0, %2, %1, asr #16" : "=r"(r) : "r"(a), "r"(b));
    return r;
}
#else
static inline int32_t ek_dsp_pack_lo(int32_t a, int32_t b)
{
    return (int32_t)(((uint32_t)a & 0xFFFFu) | ((uint32_t)b << 16));
}

static inline int32_t ek_dsp_pack_hi(int32_t a, int32_t b)
{
    return (int32_t)(((uint32_t)a >> 16) | ((uint32_t)b & 0xFFFF0000u));
}
#endif

/* SMMULR: (a * b + 2^31) >> 32, the rounded high word of the signed 64-bit product (no ACLE intrinsic). */
#if EK_DSP_NATIVE
static inline int32_t ek_dsp_smmulr(int32_t a, int32_t b)
{
    int32_t r;
    __asm__("smmulr %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
}
#else
static inline int32_t ek_dsp_smmulr(int32_t a, int32_t b)
{
    return (int32_t)(((int64_t)a * b + ((int64_t)1 << 31)) >> 32);
}
#endif

/* Four int8 values as one word (little-endian); an unaligned LDR on Armv7E-M. */
static inline int32_t ek_dsp_read4(const int8_t *p)
{
    int32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/*
 * Rule A (ek_mbqm) for a non-negative multiplier, in fewer instructions: SRDHM equals
 * floor((a*b + 2^30) / 2^31) (ARITHMETIC.md 2.2; it saturates only for INT32_MIN * INT32_MIN, impossible with
 * a multiplier >= 0), and RDBPOT(x, n) for n >= 1 equals floor((x + 2^(n-1) - [x < 0]) / 2^n), computed as
 * (x >> n) + ((x mod 2^n) + 2^(n-1) - [x < 0]) >> n in unsigned 32 bits, where nothing overflows.
 * tests/codegen/test_dsp_kernels.py compares it with ek_mbqm.
 */
static inline int32_t ek_dsp_requant(int32_t acc, int32_t multiplier, int32_t shift)
{
    if (shift > 0) {
        const int32_t x = (int32_t)((uint32_t)acc << shift);
        return (int32_t)(((int64_t)x * multiplier + ((int64_t)1 << 30)) >> 31);
    } else {
        const int32_t hi = (int32_t)(((int64_t)acc * multiplier + ((int64_t)1 << 30)) >> 31);
        const uint32_t right = (uint32_t)(-shift);
        uint32_t low;
        if (right == 0) {
            return hi;
        }
        low = ((uint32_t)hi & ((1u << right) - 1u)) + (1u << (right - 1u)) - (hi < 0 ? 1u : 0u);
        return (hi >> right) + (int32_t)(low >> right);
    }
}

/*
 * The same rule A with the per-channel work hoisted out: ek_dsp_rq_make once per output channel, then
 * ek_dsp_rq_apply per output value (branch-free; right == 0 gives mask = half = neg = 0, i.e. no rounding).
 */
typedef struct {
    int32_t multiplier;
    int32_t left;  /* max(shift, 0) */
    int32_t right; /* max(-shift, 0) */
    uint32_t mask; /* 2^right - 1 */
    uint32_t half; /* 2^(right - 1), or 0 */
    uint32_t neg;  /* 1 when right > 0: negative values round half away from zero */
} ek_dsp_rq_t;

static inline ek_dsp_rq_t ek_dsp_rq_make(const ek_quant_t *q)
{
    ek_dsp_rq_t r;
    r.multiplier = q->multiplier;
    r.left = q->shift > 0 ? q->shift : 0;
    r.right = q->shift > 0 ? 0 : -q->shift;
    r.mask = (uint32_t)(((uint64_t)1 << r.right) - 1u);
    r.half = r.mask - (r.mask >> 1);
    r.neg = r.right > 0 ? 1u : 0u;
    return r;
}

static inline int32_t ek_dsp_rq_apply(int32_t acc, const ek_dsp_rq_t *r)
{
    const int32_t x = (int32_t)((uint32_t)acc << r->left);
    const int32_t hi = (int32_t)(((int64_t)x * r->multiplier + ((int64_t)1 << 30)) >> 31);
    const uint32_t low = ((uint32_t)hi & r->mask) + r->half - (((uint32_t)hi >> 31) & r->neg);
    return (hi >> r->right) + (int32_t)(low >> r->right);
}

/*
 * Rule A in 6 instructions, for a channel with no left shift and a right shift of at most EK_DSP_FAST_MAX_RIGHT
 * (ek_dsp_rq_fast_ok):
 *   SRDHM(x, M) = floor((2x * M + 2^31) / 2^32) = SMMULR(2x, M) while |x| < 2^30. Beyond, 2x saturates (QADD) to
 *   the same sign and |SRDHM| >= 2^29 - 1 either way, so after the right shift (<= 21) |value| >= 255 and the
 *   output clamps to the same int8 bound whatever the zero point.
 *   RDBPOT(h, r) = (h + 2^(r-1) - [h < 0]) >> r: the sum saturates (QADD) only when h > 2^31 - 2^(r-1), where
 *   again both results are >= 255 and clamp alike; a negative h cannot overflow.
 * tests/codegen/test_dsp_kernels.py checks the clamped results against ek_mbqm on random and extreme values.
 */
#define EK_DSP_FAST_MAX_RIGHT 21

static inline int32_t ek_dsp_rq_fast_ok(const ek_dsp_rq_t *r)
{
    return r->right <= EK_DSP_FAST_MAX_RIGHT && r->left == 0; /* a multiplier > 1 (left > 0) is rare */
}

static inline int32_t ek_dsp_rq_apply_fast(int32_t acc, const ek_dsp_rq_t *r)
{
    const int32_t h = ek_dsp_smmulr(__qadd(acc, acc), r->multiplier);
    const int32_t t = (int32_t)((uint32_t)__qadd(h, (int32_t)r->half) - (((uint32_t)h >> 31) & r->neg));
    return t >> r->right;
}

/* Add the output zero point and clamp to the fused activation's [lo, hi]. */
static inline int8_t ek_dsp_clamp_s8(int32_t y, int32_t lo, int32_t hi)
{
    y = y < lo ? lo : y;
    return (int8_t)(y > hi ? hi : y);
}

/* Requantize, add the output zero point, clamp to the fused activation's range (one-off values). */
static inline int8_t ek_dsp_output(int32_t acc, const ek_quant_t *q, int32_t output_offset, const ek_act_t *act)
{
    const int32_t y = ek_dsp_requant(acc, q->multiplier, q->shift) + output_offset;
    return (int8_t)(y < act->min ? act->min : (y > act->max ? act->max : y));
}

/*
 * Sign-extend n int8 values into the dual-MAC order: per group of 4 values x0..x3, the word (x0, x2) then the
 * word (x1, x3), exactly what SXTB16 and SXTB16 ROR #8 give, so the packed weights need the same two
 * instructions and no reordering. Group g goes to dst[g * stride], dst[g * stride + 1] (stride 4 interleaves
 * two pixels). The last partial group is zero-filled; src is never read past n.
 */
static inline void ek_dsp_unpack_s8(const int8_t *src, int32_t n, int32_t *dst, int32_t stride)
{
    int32_t k = 0;
    for (; k + 4 <= n; k += 4) {
        const int32_t v = ek_dsp_read4(src + k);
        dst[0] = __sxtb16(v);
        dst[1] = ek_dsp_sxtb16_ror8(v);
        dst += stride;
    }
    if (k < n) {
        int8_t tail[4] = {0, 0, 0, 0};
        int32_t i, v;
        for (i = 0; k + i < n; ++i) {
            tail[i] = src[k + i];
        }
        v = ek_dsp_read4(tail);
        dst[0] = __sxtb16(v);
        dst[1] = ek_dsp_sxtb16_ror8(v);
    }
}

#define EK_DSP_ROUND4(n) (((n) + 3) & ~3)

#endif /* EK_DSP_COMMON_H */
