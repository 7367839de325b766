"""SQUARED_DIFFERENCE -> ek_squared_difference_s8: TFLM's squared_difference.cc int8 path. Each input is scaled
by 2^7 and its own multiplier (as ADD, with left shift 7), the difference is squared in int32 and requantized by
a multiplier that may exceed 1; no fused activation (the clamp is the int8 range). NumPy broadcasting up to 6-D
(TFLM's BroadcastBinaryFunction4DSlow is, despite its name, the general walk; the converter itself lowers
broadcasts above 4-D to SUB + SQUARE)."""

from __future__ import annotations

import numpy as np
from edgekit.converters.c_codegen.broadcast import (
    HEADER,
    MAX_RANK,
    binary_emission,
    binary_operands,
    broadcast_strides,
    geometry_fields,
    offset_fields,
)
from edgekit.converters.c_codegen.ops.mul import merge_dims
from edgekit.converters.c_codegen.quant import quantize_multiplier
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register
from edgekit.converters.c_codegen.support import OP_RULES, SUMMARY, _int8, _max_rank

from edgekit.ir import Operator

LEFT_SHIFT = 7  # TFLM: 255^2 * 2^(2*7) still fits in int32


def squared_difference_quant(s1: float, s2: float, s_out: float) -> dict[str, dict[str, int]]:
    """TFLM's PrepareQuantized, in double: inputs s_i / (2 max), output (2 max)^2 / f32(2^14 * s_out)."""
    twice_max = 2.0 * float(max(np.float32(s1), np.float32(s2)))
    out_den = float(np.float32(1 << (2 * LEFT_SHIFT)) * np.float32(s_out))  # an int times a float: float32
    m1 = quantize_multiplier(float(s1) / twice_max)
    m2 = quantize_multiplier(float(s2) / twice_max)
    mo = quantize_multiplier(twice_max * twice_max / out_den)
    return {
        "input1": {"multiplier": m1[0], "shift": m1[1]},
        "input2": {"multiplier": m2[0], "shift": m2[1]},
        "output": {"multiplier": mo[0], "shift": mo[1]},
    }


@register("SQUARED_DIFFERENCE", runtime=("ek_squared_difference_s8.c", "ek_squared_difference_s8.h", HEADER))
def emit(ctx: EmitContext, op: Operator) -> OpEmission:
    ops = binary_operands(ctx, op)
    dims, st1, st2 = merge_dims(ops.out_shape, *broadcast_strides(ops.a_shape, ops.b_shape, ops.out_shape))
    params = ctx.define(
        "ek_squared_difference_params_t",
        "params",
        {**offset_fields(ops), "left_shift": LEFT_SHIFT, **geometry_fields(ops, dims, st1, st2)},
    )
    quant = ctx.define("ek_squared_difference_quant_t", "quant", squared_difference_quant(*ops.scales))
    return binary_emission(ctx, "ek_squared_difference_s8", ops, params, quant, "sqdiff")


OP_RULES["SQUARED_DIFFERENCE"] = (_int8(("input1", 0), ("input2", 1), ("output", 0)), _max_rank(MAX_RANK))
SUMMARY["SQUARED_DIFFERENCE"] = f"left shift {LEFT_SHIFT}, output multiplier may exceed 1, NumPy broadcasting up to 6-D"
