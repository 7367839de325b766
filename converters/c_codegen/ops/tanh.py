"""TANH -> ek_tanh_s8 (ARITHMETIC.md 3.10): the same Q4.27 input Prepare as LOGISTIC; output zp/scale unused."""

from __future__ import annotations

from edgekit.converters.c_codegen.ops.logistic import emit_q4_op, input_scale_rule
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register
from edgekit.converters.c_codegen.support import OP_RULES, SUMMARY, Rule, _int8
from edgekit.converters.c_codegen.table import RUNTIME as TABLE_RUNTIME

from edgekit.ir import Operator


@register("TANH", runtime=("ek_tanh_s8.c", "ek_tanh_s8.h", "ek_q4_input.h", "ek_fixedpoint.h", *TABLE_RUNTIME))
def emit(ctx: EmitContext, op: Operator) -> OpEmission:
    return emit_q4_op(ctx, op, "ek_tanh")


OP_RULES["TANH"] = (
    _int8(("input", 0), ("output", 0)),
    Rule("input scale in [2^-27, 2^4)", input_scale_rule),
)
SUMMARY["TANH"] = ("gemmlowp fixed point, every int8 code bit-exact; output always on the 1/128 grid with zero "
                   "point 0, as TFLM (which ignores the output tensor's)")
