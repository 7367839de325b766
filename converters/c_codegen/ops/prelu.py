"""PRELU -> ek_prelu_s8, as TFLM's prelu.cc (BroadcastPrelu4DSlow): a constant int8 alpha tensor broadcast over
the input (Keras ``PReLU``: per element, per channel with ``shared_axes``, or one value), two multipliers.

For x = q - zp_in: x >= 0 gives zp_out + MBQM(x, s_in / s_out); x < 0 gives zp_out + MBQM(x * (a - zp_alpha),
s_in * s_alpha / s_out); clamped to int8. TFLM's ``CalculatePreluParams`` computes both ratios in double.
"""

from __future__ import annotations

from edgekit.converters.c_codegen import fixedpoint as fp
from edgekit.converters.c_codegen.broadcast import (
    HEADER,
    binary_emission,
    binary_operands,
    broadcast_strides,
)
from edgekit.converters.c_codegen.ops.mul import merge_dims
from edgekit.converters.c_codegen.quant import quantize_multiplier
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register
from edgekit.converters.c_codegen.support import OP_RULES, SUMMARY, Rule, _const_input, _int8, _max_rank

from edgekit.ir import Model, Operator

MAX_RANK = 4  # TFLM's kernel extends every shape to 4-D


def prelu_quant(s_in: float, s_alpha: float, s_out: float) -> dict[str, dict[str, int]]:
    """TFLM ``CalculatePreluParams``: f64(s_in) / f64(s_out) and f64(s_in) * f64(s_alpha) / f64(s_out)."""
    m1, e1 = quantize_multiplier(float(s_in) / float(s_out))
    m2, e2 = quantize_multiplier(float(s_in) * float(s_alpha) / float(s_out))
    return {"identity": {"multiplier": m1, "shift": e1}, "alpha": {"multiplier": m2, "shift": e2}}


def prelu_value(q: int, a: int, zp_in: int, zp_alpha: int, zp_out: int, quant: dict[str, dict[str, int]]) -> int:
    """One output element (mirrors ek_prelu_one in ek_prelu_s8.c)."""
    x = q - zp_in
    if x >= 0:
        v = fp.mbqm(x, quant["identity"]["multiplier"], quant["identity"]["shift"])
    else:
        v = fp.mbqm(x * (a - zp_alpha), quant["alpha"]["multiplier"], quant["alpha"]["shift"])
    return max(-128, min(127, v + zp_out))


@register("PRELU", runtime=("ek_prelu_s8.c", "ek_prelu_s8.h", HEADER))
def emit(ctx: EmitContext, op: Operator) -> OpEmission:
    ops = binary_operands(ctx, op)  # input1 = x, input2 = alpha; PRELU has no fused activation (NONE)
    dims, st_in, st_alpha = merge_dims(ops.out_shape, *broadcast_strides(ops.a_shape, ops.b_shape, ops.out_shape))
    z_in, z_alpha, z_out = ops.zero_points
    pad = MAX_RANK - len(dims)
    params = ctx.define(
        "ek_prelu_params_t",
        "params",
        {
            "input_offset": -z_in,
            "alpha_offset": -z_alpha,
            "output_offset": z_out,
            "rank": len(dims),
            "shape": dims + [1] * pad,
            "stride_input": st_in + [0] * pad,
            "stride_alpha": st_alpha + [0] * pad,
            "broadcast": int(ops.broadcast),
        },
    )
    quant = ctx.define("ek_prelu_quant_t", "quant", prelu_quant(*ops.scales))
    return binary_emission(ctx, "ek_prelu_s8", ops, params, quant, "prelu")


def _alpha_per_tensor(model: Model, op: Operator) -> str | None:
    q = model.tensor(op.inputs[1]).quant
    if q is not None and len(q.scale) > 1:
        return (f"has an alpha quantized per channel ({len(q.scale)} scales); TFLite Micro's PRELU reads one alpha "
                "scale, so edgekit needs per-tensor alpha quantization")
    return None


def _broadcastable(model: Model, op: Operator) -> str | None:
    a, b, y = (tuple(model.tensor(t).shape) for t in (op.inputs[0], op.inputs[1], op.outputs[0]))
    n = max(len(a), len(b), len(y))
    padded = [(1,) * (n - len(s)) + s for s in (a, b, y)]
    for i, j, w in zip(*padded, strict=True):
        if i not in (1, w) or j not in (1, w) or max(i, j) != w:
            return f"has input shape {list(a)} and alpha shape {list(b)} that do not broadcast to its output {list(y)}"
    return None


OP_RULES["PRELU"] = (
    _int8(("input", 0), ("alpha", 1), ("output", 0)),
    _const_input("alpha", 1),
    Rule("alpha quantized per tensor", _alpha_per_tensor),
    _max_rank(MAX_RANK),
    Rule("input and alpha broadcast to the output shape", _broadcastable),
)
SUMMARY["PRELU"] = ("constant alpha broadcast over the input up to 4-D (per element, per channel via shared_axes, "
                    "or one value), double-precision multipliers")
