"""MAXIMUM / MINIMUM -> ek_maximum_s8 / ek_minimum_s8: TFLM's reference MaximumMinimumBroadcastSlow on int8.

TFLM registers these ops without a Prepare: it compares the raw int8 codes and never requantizes, whatever the
inputs' and output's scales and zero points (the converter gives all three the same). TFLM's broadcast walk
(BroadcastBinaryOpSimple) reaches rank 8; edgekit's shared walk reaches rank 6, so rank 7 and 8 are refused.
"""

from __future__ import annotations

from edgekit.converters.c_codegen.broadcast import (
    HEADER,
    MAX_RANK,
    binary_operands,
    broadcast_strides,
    geometry_fields,
)
from edgekit.converters.c_codegen.ops.mul import merge_dims
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register
from edgekit.converters.c_codegen.support import OP_RULES, SUMMARY, _int8, _max_rank

from edgekit.ir import Operator

_RUNTIME = ("ek_maximum_minimum_s8.c", "ek_maximum_minimum_s8.h", HEADER)


def _emit(ctx: EmitContext, op: Operator, kernel: str, symbol: str) -> OpEmission:
    ops = binary_operands(ctx, op)
    dims, st1, st2 = merge_dims(ops.out_shape, *broadcast_strides(ops.a_shape, ops.b_shape, ops.out_shape))
    params = ctx.define("ek_maxmin_params_t", "params", geometry_fields(ops, dims, st1, st2))
    # The dims are flat element counts, as for the other binary kernels; there is no quantization argument.
    model = ctx.model
    flat = [ctx.define("ek_dims_t", f"dims{i}", {"n": 1, "h": 1, "w": 1, "c": model.tensor(t).num_elements})
            for i, t in enumerate((ops.a, ops.b, ops.y))]
    call = (
        f"{kernel}(&ek_ctx, &{params}, &{flat[0]}, {ctx.data(ops.a, 'const int8_t')}, "
        f"&{flat[1]}, {ctx.data(ops.b, 'const int8_t')}, &{flat[2]}, {ctx.data(ops.y, 'int8_t')})"
    )
    comment = f"{symbol}({ops.a_shape}, {ops.b_shape})" + (" (broadcast)" if ops.broadcast else "")
    return OpEmission(call=call, comment=comment)


@register("MAXIMUM", runtime=_RUNTIME)
def emit_maximum(ctx: EmitContext, op: Operator) -> OpEmission:
    return _emit(ctx, op, "ek_maximum_s8", "max")


@register("MINIMUM", runtime=_RUNTIME)
def emit_minimum(ctx: EmitContext, op: Operator) -> OpEmission:
    return _emit(ctx, op, "ek_minimum_s8", "min")


_RULES = (_int8(("input1", 0), ("input2", 1), ("output", 0)), _max_rank(MAX_RANK))
OP_RULES["MAXIMUM"] = _RULES
OP_RULES["MINIMUM"] = _RULES
SUMMARY["MAXIMUM"] = "raw int8 comparison (no requantization, as TFLM), NumPy broadcasting up to 6-D, a constant operand"
SUMMARY["MINIMUM"] = SUMMARY["MAXIMUM"]
