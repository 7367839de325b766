"""ELU -> ek_table_s8: TFLM elu.cc builds a 256-entry int8 table in float32 in Prepare; this is the same table.

TFLM's ``PopulateLookupTable`` for every code ``val`` (all float32 arithmetic, as the x86-64 wheel runs it):

    inverse_scale = 1 / s_out
    x   = s_in * (float)(val - zp_in)
    y   = x < 0 ? expf(x) - 1 : x
    out = clamp((int32)(roundf(y * inverse_scale) + (float)zp_out), -128, 127)

numpy float32 gives the same multiplies, subtractions and ``roundf`` (half away from zero) bit for bit. ``expf`` is
the one step numpy cannot reproduce: the wheel calls the C library's ``expf`` (glibc's, which is not correctly
rounded: on about 1 in 13,000 float32 inputs in [-20, 0) it differs by one ulp from the correctly rounded value,
and numpy's own float32 exp differs again), so the generator calls the same C library ``expf`` through ctypes.
Where no C library can be loaded it falls back to the correctly rounded ``f32(exp(f64 x))``. A table value whose
``roundf(...) + zp_out`` does not fit int32 (TFLM's cast is undefined there) makes the op refused instead.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import math
from collections.abc import Callable

import numpy as np
from edgekit.converters.c_codegen.quant import round_away
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register
from edgekit.converters.c_codegen.support import OP_RULES, SUMMARY, Rule, _int8
from edgekit.converters.c_codegen.table import RUNTIME as TABLE_RUNTIME
from edgekit.converters.c_codegen.table import emit_table, unary_qparams

from edgekit.ir import Model, Operator

f32 = np.float32


@functools.lru_cache(maxsize=1)
def c_expf() -> Callable[[float], float]:
    """The C library's ``expf`` (what TFLM's ``std::exp(float)`` calls), or a correctly rounded stand-in."""
    name = ctypes.util.find_library("m") or ctypes.util.find_library("c")
    try:
        lib = ctypes.CDLL(name)
        fn = lib.expf
    except (OSError, AttributeError, TypeError):
        return lambda x: float(f32(math.exp(float(x))))
    fn.restype, fn.argtypes = ctypes.c_float, [ctypes.c_float]
    return lambda x: float(fn(float(x)))


def elu_table(s_in: float, zp_in: int, s_out: float, zp_out: int) -> list[int]:
    """The ELU output code for every input code -128..127, by TFLM's float32 table arithmetic."""
    expf = c_expf()
    inverse_scale = f32(1.0) / f32(s_out)
    table = []
    for val in range(-128, 128):
        x = f32(s_in) * f32(val - zp_in)
        y = f32(f32(expf(float(x))) - f32(1.0)) if x < 0 else x
        prod = float(f32(y * inverse_scale))
        if not math.isfinite(prod):
            raise ValueError(f"the table value for code {val} ({prod:g}) does not fit int32")
        rescaled = f32(round_away(prod))  # roundf: exact (a float32 of 2^23 or more is already an integer)
        q = f32(rescaled + f32(zp_out))
        if not (math.isfinite(float(q)) and -(2.0**31) <= float(q) < 2.0**31):
            raise ValueError(f"the table value for code {val} ({float(q):g}) does not fit int32")
        table.append(max(-128, min(127, int(q))))
    return table


@register("ELU", runtime=TABLE_RUNTIME)
def emit(ctx: EmitContext, op: Operator) -> OpEmission:
    return emit_table(ctx, op, elu_table(*unary_qparams(ctx.model, op)), comment="TFLM's float32 table, 256 entries")


def _scales(model: Model, op: Operator) -> str | None:
    scales = unary_qparams(model, op)  # outside the try: an unquantized tensor is not this rule's ValueError
    try:
        elu_table(*scales)
    except ValueError as e:
        return f"has input/output scales {scales[0]:g}/{scales[2]:g} for which {e} (TFLM's cast is undefined)"
    return None


OP_RULES["ELU"] = (
    _int8(("input", 0), ("output", 0)),
    Rule("every table value fits int32 before clamping", _scales),
)
SUMMARY["ELU"] = "TFLM's float32 256-entry table (the C library's expf, as TFLM calls it), every int8 code bit-exact"
