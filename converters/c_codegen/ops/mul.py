"""MUL -> ek_mul_s8 (ARITHMETIC.md 3.6): double-precision multiplier (e may be > 0), NumPy broadcasting."""

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
from edgekit.converters.c_codegen.quant import quantize_multiplier
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register
from edgekit.converters.c_codegen.support import OP_RULES, SUMMARY, _int8, _max_rank

from edgekit.ir import Operator


def merge_dims(shape: tuple[int, ...], st1: list[int], st2: list[int]) -> tuple[list[int], list[int], list[int]]:
    """Drop size-1 dims and merge an outer dim into its inner neighbour where both inputs step through them
    contiguously (or both broadcast): the same element order with fewer, longer loops."""
    dims: list[int] = []
    a: list[int] = []
    b: list[int] = []
    for size, x, y in zip(shape, st1, st2, strict=True):
        if size == 1:
            continue
        if dims and a[-1] == x * size and b[-1] == y * size:
            dims[-1] *= size
            a[-1], b[-1] = x, y
        else:
            dims.append(size)
            a.append(x)
            b.append(y)
    return (dims, a, b) if dims else ([1], [0], [0])


def mul_quant(s1: float, s2: float, s_out: float) -> tuple[int, int]:
    """TFLM computes f64(s1) * f64(s2) / f64(s_out) in double (LiteRT uses float32: a different multiplier)."""
    return quantize_multiplier(float(s1) * float(s2) / float(s_out))


@register("MUL", runtime=("ek_mul_s8.c", "ek_mul_s8.h", HEADER))
def emit(ctx: EmitContext, op: Operator) -> OpEmission:
    ops = binary_operands(ctx, op)
    dims, st1, st2 = merge_dims(ops.out_shape, *broadcast_strides(ops.a_shape, ops.b_shape, ops.out_shape))
    lo, hi = ops.act
    m, e = mul_quant(*ops.scales)
    params = ctx.define(
        "ek_mul_params_t",
        "params",
        {**offset_fields(ops), "act": {"min": lo, "max": hi}, **geometry_fields(ops, dims, st1, st2)},
    )
    quant = ctx.define("ek_quant_t", "quant", {"multiplier": m, "shift": e})
    return binary_emission(ctx, "ek_mul_s8", ops, params, quant, "*")


OP_RULES["MUL"] = (_int8(("input1", 0), ("input2", 1), ("output", 0)), _max_rank(MAX_RANK))
SUMMARY["MUL"] = "NumPy broadcasting up to 6-D, fused activation, double-precision multiplier (may exceed 1)"
