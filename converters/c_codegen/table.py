"""The 256-entry table path shared by the element-wise int8 ops (LOGISTIC, TANH, HARD_SWISH, RELU, QUANTIZE).

Each of those ops is a pure function of the input byte, so its emitter evaluates the op's exact rules on all 256
codes and emits one call to ``ek_table_s8`` (``firmware_templates/runtime/ek_table_s8.c``) with the result.
"""

from __future__ import annotations

from collections.abc import Sequence

from edgekit.converters.c_codegen.quant import qparams
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission

from edgekit.ir import Model, Operator

RUNTIME = ("ek_table_s8.c", "ek_table_s8.h")


def unary_qparams(model: Model, op: Operator) -> tuple[float, int, float, int]:
    """(s_in, zp_in, s_out, zp_out) of a one-input, one-output op with per-tensor quantization."""
    s_in, zp_in = qparams(model, op.inputs[0])
    s_out, zp_out = qparams(model, op.outputs[0])
    return s_in[0], zp_in[0], s_out[0], zp_out[0]


def unary_io(ctx: EmitContext, op: Operator) -> str:
    """The (dims, data) arguments of a one-input, one-output int8 kernel: input const, output writable."""
    x, y = op.inputs[0], op.outputs[0]
    return f"&{ctx.dims(x)}, {ctx.data(x, 'const int8_t')}, &{ctx.dims(y)}, {ctx.data(y, 'int8_t')}"


def emit_table(ctx: EmitContext, op: Operator, values: Sequence[int], comment: str = "256-entry table") -> OpEmission:
    """``ek_table_s8`` with ``values[b + 128]`` the output byte for input byte ``b``."""
    if len(values) != 256:
        raise ValueError(f"a byte table has 256 entries, not {len(values)}")
    table = ctx.array("int8_t", "table", values)
    return OpEmission(call=f"ek_table_s8(&ek_ctx, {table}, {unary_io(ctx, op)})", comment=comment)
