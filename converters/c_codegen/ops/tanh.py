"""TANH -> ek_tanh_s8 (ARITHMETIC.md 3.10): the same Q4.27 input Prepare as LOGISTIC; output zp/scale unused."""

from __future__ import annotations

from edgekit.converters.c_codegen.ops.logistic import emit_q4_op
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register

from edgekit.ir import Operator


@register("TANH", runtime=("ek_tanh_s8.c", "ek_tanh_s8.h", "ek_fixedpoint.h"))
def emit(ctx: EmitContext, op: Operator) -> OpEmission:
    return emit_q4_op(ctx, op, "ek_tanh")
