"""SUB -> ek_sub_s8: TFLM's CalculateOpDataSub (ADD's left shift 20 and multipliers) and reference Sub /
BroadcastQuantSubSlow: each input rescaled on its own, then ``y1 - y2`` requantized; NumPy broadcasting."""

from __future__ import annotations

from edgekit.converters.c_codegen.broadcast import (
    HEADER,
    MAX_RANK,
    binary_emission,
    binary_operands,
    broadcast_strides,
    geometry_fields,
    offset_fields,
)
from edgekit.converters.c_codegen.ops.add import LEFT_SHIFT as ADD_LEFT_SHIFT
from edgekit.converters.c_codegen.ops.add import add_quant
from edgekit.converters.c_codegen.ops.mul import merge_dims
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register
from edgekit.converters.c_codegen.support import OP_RULES, SUMMARY, Rule, _int8, _max_rank

from edgekit.ir import Model, Operator


def sub_quant(s1: float, s2: float, s_out: float) -> dict[str, dict[str, int]]:
    """(multiplier, shift) per input and for the output: ADD's Prepare, in double (left shift 20).

    One tflite-micro snapshot's sub_common.cc divides in float32 (``static_cast<double>(s1 / twice_max)``), but the pinned
    wheel computes in double: on every pair of int8 codes under scales where the two differ, TFLM follows double
    (test_ops_c_binary's ``sub_f32_multipliers``). Raises ValueError where TFLM's
    QuantizeMultiplierSmallerThanOneExp would abort: an output multiplier that is (or rounds to) 1 or more.
    """
    quant = add_quant(s1, s2, s_out)
    if any(q["shift"] > 0 for q in quant.values()):
        raise ValueError(f"SUB output multiplier 2 max({s1}, {s2}) / (2^20 {s_out}) is not below 1")
    return quant


@register("SUB", runtime=("ek_sub_s8.c", "ek_sub_s8.h", HEADER))
def emit(ctx: EmitContext, op: Operator) -> OpEmission:
    ops = binary_operands(ctx, op)
    dims, st1, st2 = merge_dims(ops.out_shape, *broadcast_strides(ops.a_shape, ops.b_shape, ops.out_shape))
    lo, hi = ops.act
    params = ctx.define(
        "ek_sub_params_t",
        "params",
        {
            **offset_fields(ops),
            "left_shift": ADD_LEFT_SHIFT,
            "act": {"min": lo, "max": hi},
            **geometry_fields(ops, dims, st1, st2),
        },
    )
    quant = ctx.define("ek_sub_quant_t", "quant", sub_quant(*ops.scales))
    return binary_emission(ctx, "ek_sub_s8", ops, params, quant, "-")


def _output_multiplier_below_one(model: Model, op: Operator) -> str | None:
    # TFLM's Prepare runs QuantizeMultiplierSmallerThanOneExp on 2 max(s1, s2) / (2^20 s_out): a CHECK aborts.
    scales = [model.tensor(t).quant.scale[0] for t in (op.inputs[0], op.inputs[1], op.outputs[0])]
    try:
        sub_quant(*scales)
    except ValueError:
        return (f"has output scale {scales[2]:.6g}, below 2 max(input scales) / 2^20; TFLite Micro's SUB needs "
                "its output multiplier below 1 and aborts on this model")
    return None


OP_RULES["SUB"] = (
    _int8(("input1", 0), ("input2", 1), ("output", 0)),
    _max_rank(MAX_RANK),
    Rule("output scale above 2 max(input scales) / 2^20 (TFLM aborts otherwise)", _output_multiplier_below_one),
)
SUMMARY["SUB"] = "NumPy broadcasting up to 6-D, fused activation, constant operand on either side"
