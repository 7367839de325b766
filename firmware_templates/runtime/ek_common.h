/*
 * edgekit runtime: types, status codes and the TFLite Micro rounding rules, written once.
 *
 * Every int8 kernel requantizes through ek_mbqm() ("rule A" in ARITHMETIC.md section 2.3): the
 * double-rounding MultiplyByQuantizedMultiplier of TFLite Micro built without TFLITE_SINGLE_ROUNDING.
 * Multipliers and shifts are computed offline by the generator exactly as TFLM's QuantizeMultiplier does.
 */
#ifndef EK_COMMON_H
#define EK_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Returned by every kernel and by the generated model API; checked in every build, not only in debug. */
typedef enum {
    EK_OK = 0,
    EK_ERR_ARGUMENT = 1,    /* a shape or parameter outside the kernel's valid range */
    EK_ERR_SCRATCH = 2,     /* the scratch buffer given is smaller than the kernel's _buffer_size() */
    EK_ERR_UNSUPPORTED = 3, /* an option this build of the kernel does not implement */
    EK_ERR_NUMERIC = 4      /* TFLM would abort here (softmax row sum reaching 512, see ARITHMETIC.md 3.8) */
} ek_status_t;

/* Caller-owned scratch memory; kernels never allocate. size is in bytes. */
typedef struct {
    void *buf;
    int32_t size;
} ek_context_t;

/* NHWC dimensions; unused leading dimensions are 1. */
typedef struct {
    int32_t n;
    int32_t h;
    int32_t w;
    int32_t c;
} ek_dims_t;

/* Requantization of one output channel: real multiplier ~= multiplier * 2^(shift - 31). */
typedef struct {
    int32_t multiplier; /* Q31, in [2^30, 2^31) or 0 */
    int32_t shift;      /* > 0 shifts left before the multiply, < 0 rounds right after it */
} ek_quant_t;

/* Clamp range of a fused activation, already expressed in the output's int8 codes. */
typedef struct {
    int32_t min; /* >= -128 */
    int32_t max; /* <= 127, >= min */
} ek_act_t;

/* Alignment of the arena and of weight arrays; a no-op on compilers without a known syntax. */
#if defined(__GNUC__) || defined(__clang__)
#define EK_ALIGNED(n) __attribute__((aligned(n)))
#else
#define EK_ALIGNED(n)
#endif

#define EK_MIN(a, b) ((a) < (b) ? (a) : (b))
#define EK_MAX(a, b) ((a) > (b) ? (a) : (b))

static inline int32_t ek_clamp(int32_t x, int32_t lo, int32_t hi)
{
    return x < lo ? lo : (x > hi ? hi : x);
}

/* gemmlowp SaturatingRoundingDoublingHighMul: floor((a*b + 2^30) / 2^31); saturates only for MIN*MIN. */
static inline int32_t ek_srdhm(int32_t a, int32_t b)
{
    if (a == INT32_MIN && b == INT32_MIN) {
        return INT32_MAX;
    }
    int64_t ab = (int64_t)a * (int64_t)b;
    int64_t nudge = ab >= 0 ? ((int64_t)1 << 30) : (1 - ((int64_t)1 << 30));
    /* C99 division truncates toward zero, which is what gemmlowp relies on. */
    return (int32_t)((ab + nudge) / ((int64_t)1 << 31));
}

/* gemmlowp RoundingDivideByPOT: x / 2^exponent rounded to nearest, ties away from zero. exponent in [0, 31]. */
static inline int32_t ek_rdbpot(int32_t x, int32_t exponent)
{
    const int32_t mask = (int32_t)(((int64_t)1 << exponent) - 1);
    const int32_t remainder = x & mask;
    const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/* Rule A: TFLM MultiplyByQuantizedMultiplier, double rounding. The left shift wraps in int32 as TFLM's does. */
static inline int32_t ek_mbqm(int32_t x, int32_t multiplier, int32_t shift)
{
    const int32_t left = shift > 0 ? shift : 0;
    const int32_t right = shift > 0 ? 0 : -shift;
    const int32_t shifted = (int32_t)((uint32_t)x << left);
    return ek_rdbpot(ek_srdhm(shifted, multiplier), right);
}

/* Number of elements of an NHWC shape: what every element-wise kernel loops over and checks. */
static inline int32_t ek_dims_count(const ek_dims_t *d)
{
    return d->n * d->h * d->w * d->c;
}

static inline int8_t ek_sat_s8(int32_t x)
{
    return (int8_t)ek_clamp(x, -128, 127);
}

/* Byte copy for the rare view op the planner could not alias (e.g. a RESHAPE of a constant). */
static inline ek_status_t ek_copy_bytes(uint8_t *dst, const uint8_t *src, int32_t n)
{
    int32_t i;
    for (i = 0; i < n; ++i) {
        dst[i] = src[i];
    }
    return EK_OK;
}

#ifdef __cplusplus
}
#endif

#endif /* EK_COMMON_H */
