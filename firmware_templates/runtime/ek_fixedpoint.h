/*
 * edgekit runtime: gemmlowp's scalar int32 fixed-point functions (fixedpoint/fixedpoint.h), written once.
 *
 * SOFTMAX, LOGISTIC and TANH in TFLite Micro run these exact routines on int32 raw values; the results are
 * reproduced bit for bit here (ARITHMETIC.md sections 3.8 - 3.10). A value "Qm" has m integer bits and
 * 31 - m fractional bits. gemmlowp's plain additions wrap in two's complement on every target TFLM runs on;
 * they are written through uint32_t here so that the C code has no signed overflow.
 */
#ifndef EK_FIXEDPOINT_H
#define EK_FIXEDPOINT_H

#include "ek_common.h"

#ifdef __cplusplus
extern "C" {
#endif

static inline int32_t ek_fp_add(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a + (uint32_t)b);
}

static inline int32_t ek_fp_sub(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a - (uint32_t)b);
}

static inline int32_t ek_fp_neg(int32_t a)
{
    return (int32_t)(0u - (uint32_t)a);
}

/* gemmlowp RoundingHalfSum: (a + b) / 2 rounded to nearest, ties away from zero. */
static inline int32_t ek_fp_rounding_half_sum(int32_t a, int32_t b)
{
    const int64_t sum = (int64_t)a + (int64_t)b;
    const int64_t sign = sum >= 0 ? 1 : -1;
    return (int32_t)((sum + sign) / 2);
}

/* gemmlowp SaturatingRoundingMultiplyByPOT<exponent>: saturating left shift, or rounding right shift. */
static inline int32_t ek_fp_srmpot(int32_t x, int32_t exponent)
{
    if (exponent > 0) {
        const int32_t threshold = (int32_t)(((int32_t)1 << (31 - exponent)) - 1);
        if (x > threshold) {
            return INT32_MAX;
        }
        if (x < -threshold) {
            return INT32_MIN;
        }
        return (int32_t)((uint32_t)x << exponent);
    }
    if (exponent < 0) {
        return ek_rdbpot(x, -exponent);
    }
    return x;
}

/* exp(a) for a in [-1/4, 0), Q0 in and out: Taylor expansion around -1/8. */
static inline int32_t ek_fp_exp_on_interval_between_negative_one_quarter_and_0_excl(int32_t a)
{
    const int32_t constant_term = 1895147668;    /* exp(-1/8) */
    const int32_t constant_1_over_3 = 715827883; /* 1/3 */
    const int32_t x = ek_fp_add(a, (int32_t)1 << 28);
    const int32_t x2 = ek_srdhm(x, x);
    const int32_t x3 = ek_srdhm(x2, x);
    const int32_t x4 = ek_srdhm(x2, x2);
    const int32_t x4_over_4 = ek_rdbpot(x4, 2);
    const int32_t x4_over_24_plus_x3_over_6_plus_x2_over_2 =
        ek_rdbpot(ek_fp_add(ek_srdhm(ek_fp_add(x4_over_4, x3), constant_1_over_3), x2), 1);
    return ek_fp_add(constant_term,
                     ek_srdhm(constant_term, ek_fp_add(x, x4_over_24_plus_x3_over_6_plus_x2_over_2)));
}

/* exp(a) for a <= 0: a in Q(integer_bits) (integer_bits in [0, 30]), result in Q0. exp(0) = INT32_MAX. */
static inline int32_t ek_fp_exp_on_negative_values(int32_t a, int32_t integer_bits)
{
    static const int32_t barrel[7] = {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
    const int32_t fractional_bits = 31 - integer_bits;
    const int32_t one_quarter = (int32_t)1 << (fractional_bits - 2);
    const int32_t mask = one_quarter - 1;
    const int32_t a_mod_quarter_minus_one_quarter = ek_fp_sub(a & mask, one_quarter);
    int32_t result = ek_fp_exp_on_interval_between_negative_one_quarter_and_0_excl(
        ek_fp_srmpot(a_mod_quarter_minus_one_quarter, integer_bits));
    const int32_t remainder = ek_fp_sub(a_mod_quarter_minus_one_quarter, a);
    int32_t exponent;
    /* The barrel multiplies by exp(-2^k) for each set bit 2^k, k = -2 .. 4, of the remainder. */
    for (exponent = -2; exponent <= 4; ++exponent) {
        if (integer_bits > exponent) {
            const int32_t shift = fractional_bits + exponent;
            if ((remainder & ((int32_t)1 << shift)) != 0) {
                result = ek_srdhm(result, barrel[exponent + 2]);
            }
        }
    }
    if (integer_bits > 5) {
        const int32_t clamp = -((int32_t)1 << (36 - integer_bits)); /* -32.0 */
        if (a < clamp) {
            result = 0;
        }
    }
    if (a == 0) {
        result = INT32_MAX;
    }
    return result;
}

/* Newton-Raphson for 1 / (1 + a) in Q2 (48/17 and -32/17 start, three steps); a in Q0 within (0, 1). */
static inline int32_t ek_fp_newton_reciprocal_q2(int32_t half_denominator)
{
    const int32_t constant_48_over_17 = 1515870810;
    const int32_t constant_neg_32_over_17 = -1010580540;
    const int32_t one_q2 = (int32_t)1 << 29;
    int32_t x = ek_fp_add(constant_48_over_17, ek_srdhm(half_denominator, constant_neg_32_over_17));
    int32_t i;
    for (i = 0; i < 3; ++i) {
        const int32_t half_denominator_times_x = ek_srdhm(half_denominator, x);
        const int32_t one_minus_half_denominator_times_x = ek_fp_sub(one_q2, half_denominator_times_x);
        x = ek_fp_add(x, ek_fp_srmpot(ek_srdhm(x, one_minus_half_denominator_times_x), 2));
    }
    return x;
}

/* 1 / (1 + a) for a in (0, 1), Q0 in and out. */
static inline int32_t ek_fp_one_over_one_plus_x_for_x_in_0_1(int32_t a)
{
    const int32_t half_denominator = ek_fp_rounding_half_sum(a, INT32_MAX);
    /* ExactMulByPot<-1> relabels Q2 as Q1; Rescale<0> then shifts left by one, saturating. */
    return ek_fp_srmpot(ek_fp_newton_reciprocal_q2(half_denominator), 1);
}

/* (1 - a) / (1 + a) for a in (0, 1), Q0 in and out. */
static inline int32_t ek_fp_one_minus_x_over_one_plus_x_for_x_in_0_1(int32_t a)
{
    const int32_t half_denominator = ek_fp_rounding_half_sum(a, INT32_MAX);
    const int32_t x = ek_fp_newton_reciprocal_q2(half_denominator);
    return ek_fp_srmpot(ek_fp_sub(x, (int32_t)1 << 29), 2);
}

/* gemmlowp::logistic: a in Q(integer_bits), result in Q0; logistic(0) = 1/2. */
static inline int32_t ek_fp_logistic(int32_t a, int32_t integer_bits)
{
    const int32_t abs_input = a > 0 ? a : ek_fp_neg(a);
    const int32_t result_if_positive =
        ek_fp_one_over_one_plus_x_for_x_in_0_1(ek_fp_exp_on_negative_values(ek_fp_neg(abs_input), integer_bits));
    if (a == 0) {
        return (int32_t)1 << 30;
    }
    return a > 0 ? result_if_positive : ek_fp_sub(INT32_MAX, result_if_positive);
}

/* gemmlowp::tanh: a in Q(integer_bits), result in Q0; tanh(0) = 0. */
static inline int32_t ek_fp_tanh(int32_t a, int32_t integer_bits)
{
    const int32_t n = a < 0 ? a : ek_fp_neg(a);
    /* ExactMulByPot<1>: the same raw value read with one more integer bit is 2n. */
    const int32_t t = ek_fp_one_minus_x_over_one_plus_x_for_x_in_0_1(ek_fp_exp_on_negative_values(n, integer_bits + 1));
    if (a == 0) {
        return 0;
    }
    return a < 0 ? ek_fp_neg(t) : t;
}

#ifdef __cplusplus
}
#endif

#endif /* EK_FIXEDPOINT_H */
