"""LOGISTIC -> ek_table_s8 (ARITHMETIC.md 3.9): TFLM's frexp multiplier and input radius, offline.

With an int8 input the op is a pure function of the code, so by default the generator evaluates TFLM's exact
fixed-point rules (``fixedpoint.py``) on all 256 codes and emits a 256-byte table: one load per element on the
device instead of ~100 integer operations. ``USE_TABLE = False`` emits the fixed-point reference kernel
``ek_logistic_s8`` instead; the tests run both against TFLite Micro on every code.

TANH (``tanh.py``) shares this Prepare: both read the input as Q4.27.
"""

from __future__ import annotations

import math

from edgekit.converters.c_codegen import fixedpoint as fp
from edgekit.converters.c_codegen.ops.softmax import input_radius
from edgekit.converters.c_codegen.quant import qparams, round_away
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register
from edgekit.converters.c_codegen.support import OP_RULES, SUMMARY, Rule, _int8
from edgekit.converters.c_codegen.table import RUNTIME as TABLE_RUNTIME
from edgekit.converters.c_codegen.table import emit_table, unary_io

from edgekit.ir import Model, Operator

INPUT_INTEGER_BITS = 4
USE_TABLE = True  # False: the fixed-point reference kernel (same bytes, slower, no table in flash)


def q4_input_params(s_in: float, zp_in: int) -> dict[str, int]:
    """TFLM's LOGISTIC/TANH Prepare for int8: frexp(s_in * 2^27) with no 2^31 fix-up, then the radius."""
    real = float(s_in) * float(1 << (31 - INPUT_INTEGER_BITS))
    q, shift = math.frexp(real)
    if not 0 <= shift <= 31:
        # TFLM's radius computes 1 << shift; outside [0, 31] that is undefined behaviour there.
        raise ValueError(f"input scale {s_in:g} is outside the range TFLM handles (2^-27 .. 2^4)")
    m = round_away(q * float(1 << 31))
    if m == 1 << 31:
        m = -(1 << 31)  # TFLM's static_cast<int32_t> of 2^31 (cvttsd2si on x86): kept for bit-exactness
    return {
        "input_zero_point": int(zp_in),
        "input_multiplier": m,
        "input_left_shift": shift,
        "input_range_radius": input_radius(INPUT_INTEGER_BITS, shift),
    }


def q4_table(params: dict[str, int], kernel: str) -> list[int]:
    """The op's output for every input code -128..127, by TFLM's exact rules (ek_logistic_s8 / ek_tanh_s8)."""
    radius = params["input_range_radius"]
    table = []
    for code in range(-128, 128):
        x = code - params["input_zero_point"]
        if x <= -radius:
            table.append(-128)
        elif x >= radius:
            table.append(127)
        else:
            z = fp.mbqm(x, params["input_multiplier"], params["input_left_shift"])
            if kernel == "ek_logistic":
                v = fp.rdbpot(fp.logistic(z, INPUT_INTEGER_BITS), 23) - 128
            else:
                v = fp.rdbpot(fp.tanh(z, INPUT_INTEGER_BITS), 24)
            table.append(max(-128, min(127, v)))
    return table


def emit_q4_op(ctx: EmitContext, op: Operator, kernel: str) -> OpEmission:
    s_in, zp_in = qparams(ctx.model, op.inputs[0])
    params = q4_input_params(s_in[0], zp_in[0])
    if USE_TABLE:
        return emit_table(ctx, op, q4_table(params, kernel))
    name = ctx.define(f"{kernel}_params_t", "params", params)
    return OpEmission(call=f"{kernel}_s8(&ek_ctx, &{name}, {unary_io(ctx, op)})", comment="fixed point")


@register("LOGISTIC", runtime=("ek_logistic_s8.c", "ek_logistic_s8.h", "ek_q4_input.h", "ek_fixedpoint.h", *TABLE_RUNTIME))
def emit(ctx: EmitContext, op: Operator) -> OpEmission:
    return emit_q4_op(ctx, op, "ek_logistic")


def input_scale_rule(model: Model, op: Operator) -> str | None:
    s, zp = qparams(model, op.inputs[0])
    try:
        q4_input_params(s[0], zp[0])
    except ValueError as e:
        return f"has an {e}"
    return None


def _output_zero_point(model: Model, op: Operator) -> str | None:
    _, zp = qparams(model, op.outputs[0])
    if int(zp[0]) != -128:
        return f"has output zero point {zp[0]}; TFLite Micro's int8 LOGISTIC needs -128"
    return None


OP_RULES["LOGISTIC"] = (
    _int8(("input", 0), ("output", 0)),
    Rule("output zero point -128 (the output is on the 1/256 grid)", _output_zero_point),
    Rule("input scale in [2^-27, 2^4)", input_scale_rule),
)
SUMMARY["LOGISTIC"] = "gemmlowp fixed point, every int8 code bit-exact; output always on TFLM's 1/256 grid"
