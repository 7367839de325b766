"""ADD -> ek_add_s8 (ARITHMETIC.md 3.5): TFLM's Prepare in double, NumPy broadcasting up to 6-D."""

from __future__ import annotations

from edgekit.converters.c_codegen.broadcast import (
    HEADER,
    binary_emission,
    binary_operands,
    broadcast_strides,
    geometry_fields,
    offset_fields,
)
from edgekit.converters.c_codegen.quant import quantize_multiplier
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register

from edgekit.ir import Operator

LEFT_SHIFT = 20


def add_quant(s1: float, s2: float, s_out: float) -> dict[str, dict[str, int]]:
    twice_max = 2.0 * max(float(s1), float(s2))
    m1 = quantize_multiplier(float(s1) / twice_max)
    m2 = quantize_multiplier(float(s2) / twice_max)
    mo = quantize_multiplier(twice_max / ((1 << LEFT_SHIFT) * float(s_out)))
    return {
        "input1": {"multiplier": m1[0], "shift": m1[1]},
        "input2": {"multiplier": m2[0], "shift": m2[1]},
        "output": {"multiplier": mo[0], "shift": mo[1]},
    }


@register("ADD", runtime=("ek_add_s8.c", "ek_add_s8.h", HEADER))
def emit(ctx: EmitContext, op: Operator) -> OpEmission:
    ops = binary_operands(ctx, op)
    st1, st2 = broadcast_strides(ops.a_shape, ops.b_shape, ops.out_shape)
    lo, hi = ops.act
    params = ctx.define(
        "ek_add_params_t",
        "params",
        {
            **offset_fields(ops),
            "left_shift": LEFT_SHIFT,
            "act": {"min": lo, "max": hi},
            **geometry_fields(ops, list(ops.out_shape), st1, st2),
        },
    )
    quant = ctx.define("ek_add_quant_t", "quant", add_quant(*ops.scales))
    return binary_emission(ctx, "ek_add_s8", ops, params, quant, "+")
