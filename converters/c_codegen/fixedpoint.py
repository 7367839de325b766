"""gemmlowp's scalar int32 fixed point in Python, the twin of ``firmware_templates/runtime/ek_fixedpoint.h``.

Used at generation time to build the 256-entry tables of LOGISTIC and TANH (ARITHMETIC.md 5.3: with an int8
input these ops are pure functions of the code, so a table computed offline with TFLM's exact rules is
bit-exact by construction). Every addition wraps in two's complement as the C does; a test compares each table
with TFLite Micro on all 256 codes.
"""

from __future__ import annotations

INT32_MIN = -(2**31)
INT32_MAX = 2**31 - 1


def wrap32(x: int) -> int:
    return ((x + 2**31) % 2**32) - 2**31


def _trunc_div(n: int, d: int) -> int:
    """C integer division (toward zero) for d > 0."""
    q = abs(n) // d
    return q if n >= 0 else -q


def srdhm(a: int, b: int) -> int:
    """SaturatingRoundingDoublingHighMul."""
    if a == INT32_MIN and b == INT32_MIN:
        return INT32_MAX
    ab = a * b
    nudge = (1 << 30) if ab >= 0 else 1 - (1 << 30)
    return wrap32(_trunc_div(ab + nudge, 1 << 31))


def rdbpot(x: int, exponent: int) -> int:
    """RoundingDivideByPOT: ties away from zero."""
    mask = (1 << exponent) - 1
    remainder = x & mask
    threshold = (mask >> 1) + (1 if x < 0 else 0)
    return (x >> exponent) + (1 if remainder > threshold else 0)


def srmpot(x: int, exponent: int) -> int:
    """SaturatingRoundingMultiplyByPOT."""
    if exponent > 0:
        threshold = (1 << (31 - exponent)) - 1
        if x > threshold:
            return INT32_MAX
        if x < -threshold:
            return INT32_MIN
        return wrap32(x << exponent)
    if exponent < 0:
        return rdbpot(x, -exponent)
    return x


def mbqm(x: int, multiplier: int, shift: int) -> int:
    """TFLM MultiplyByQuantizedMultiplier, double rounding (rule A)."""
    left, right = max(shift, 0), max(-shift, 0)
    return rdbpot(srdhm(wrap32(x << left), multiplier), right)


def rounding_half_sum(a: int, b: int) -> int:
    s = a + b
    return wrap32(_trunc_div(s + (1 if s >= 0 else -1), 2))


def _exp_quarter(a: int) -> int:
    """exp(a) for a in [-1/4, 0), Q0."""
    constant_term, one_third = 1895147668, 715827883
    x = wrap32(a + (1 << 28))
    x2 = srdhm(x, x)
    x3 = srdhm(x2, x)
    x4 = srdhm(x2, x2)
    x4_over_4 = rdbpot(x4, 2)
    poly = rdbpot(wrap32(srdhm(wrap32(x4_over_4 + x3), one_third) + x2), 1)
    return wrap32(constant_term + srdhm(constant_term, wrap32(x + poly)))


_BARREL = (1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242)


def exp_on_negative_values(a: int, integer_bits: int) -> int:
    fractional_bits = 31 - integer_bits
    one_quarter = 1 << (fractional_bits - 2)
    a_mod = wrap32((a & (one_quarter - 1)) - one_quarter)
    result = _exp_quarter(srmpot(a_mod, integer_bits))
    remainder = wrap32(a_mod - a)
    for exponent in range(-2, 5):
        if integer_bits > exponent and remainder & (1 << (fractional_bits + exponent)):
            result = srdhm(result, _BARREL[exponent + 2])
    if integer_bits > 5 and a < -(1 << (36 - integer_bits)):
        result = 0
    return INT32_MAX if a == 0 else result


def _newton_q2(half_denominator: int) -> int:
    x = wrap32(1515870810 + srdhm(half_denominator, -1010580540))
    for _ in range(3):
        x = wrap32(x + srmpot(srdhm(x, wrap32((1 << 29) - srdhm(half_denominator, x))), 2))
    return x


def one_over_one_plus_x_for_x_in_0_1(a: int) -> int:
    return srmpot(_newton_q2(rounding_half_sum(a, INT32_MAX)), 1)


def one_minus_x_over_one_plus_x_for_x_in_0_1(a: int) -> int:
    return srmpot(wrap32(_newton_q2(rounding_half_sum(a, INT32_MAX)) - (1 << 29)), 2)


def logistic(a: int, integer_bits: int) -> int:
    if a == 0:
        return 1 << 30
    abs_input = a if a > 0 else wrap32(-a)
    pos = one_over_one_plus_x_for_x_in_0_1(exp_on_negative_values(wrap32(-abs_input), integer_bits))
    return pos if a > 0 else wrap32(INT32_MAX - pos)


def tanh(a: int, integer_bits: int) -> int:
    if a == 0:
        return 0
    n = a if a < 0 else wrap32(-a)
    t = one_minus_x_over_one_plus_x_for_x_in_0_1(exp_on_negative_values(n, integer_bits + 1))
    return wrap32(-t) if a < 0 else t
