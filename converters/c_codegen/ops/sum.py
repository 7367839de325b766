"""SUM (int8) -> ek_mean_s8: TFLM runs it through QuantizedMeanOrSum with compute_sum = true, MEAN's algorithm
without the 1/N folded into the multiplier: out = sat8(MBQM(wrap32(S - zp_in * N), M, e) + zp_out) with
(M, e) = QuantizeMultiplier(f64(s_in) / f64(s_out)). The emitter is MEAN's (``mean.emit_mean_or_sum``)."""

from __future__ import annotations

from edgekit.converters.c_codegen.ops.mean import MAX_RANK, _has_axes, emit_mean_or_sum
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register
from edgekit.converters.c_codegen.support import OP_RULES, SUMMARY, Rule, _const_input, _int8, _max_rank

from edgekit.ir import Operator


@register("SUM", runtime=("ek_mean_s8.c", "ek_mean_s8.h"))
def emit(ctx: EmitContext, op: Operator) -> OpEmission:
    return emit_mean_or_sum(ctx, op, compute_sum=True)


OP_RULES["SUM"] = (
    _int8(("input", 0), ("output", 0)),
    _const_input("axes", 1),
    _max_rank(MAX_RANK),
    Rule("at least one axis", _has_axes),
)
SUMMARY["SUM"] = "any axes (negative, duplicates), keep_dims or not, TFLM's QuantizedMeanOrSum without the 1/N"
