"""SPACE_TO_DEPTH -> ek_space_to_depth_s8 (TFLM space_to_depth.cc): NHWC, a byte copy.

TFLM's Prepare checks the types, the rank and that height and width divide by the block size; scales and zero
points are never compared, so no requantization happens.
"""

from __future__ import annotations

from edgekit.converters.c_codegen.quant import opt
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register
from edgekit.converters.c_codegen.support import OP_RULES, SUMMARY, Rule, _int8

from edgekit.ir import Model, Operator


@register("SPACE_TO_DEPTH", runtime=("ek_space_to_depth_s8.c", "ek_space_to_depth_s8.h"))
def emit(ctx: EmitContext, op: Operator) -> OpEmission:
    x, y = op.inputs[0], op.outputs[0]
    bs = int(opt(op, "block_size", 0))
    params = ctx.define("ek_space_to_depth_params_t", "space_to_depth", {"block_size": bs})
    call = (
        f"ek_space_to_depth_s8(&ek_ctx, &{params}, &{ctx.dims(x)}, {ctx.data(x, 'const int8_t')}, "
        f"&{ctx.dims(y)}, {ctx.data(y, 'int8_t')})"
    )
    return OpEmission(call=call, comment=f"block size {bs}")


def _shapes(model: Model, op: Operator) -> str | None:
    shape = list(model.tensor(op.inputs[0]).shape)
    out = list(model.tensor(op.outputs[0]).shape)
    bs = int(opt(op, "block_size", 0))
    if len(shape) != 4 or len(out) != 4:
        return f"has a rank-{len(shape)} input; TFLite Micro's SPACE_TO_DEPTH needs 4-D NHWC"
    if bs < 1:
        return f"has block_size {bs}; it must be at least 1"
    n, h, w, c = shape
    if h % bs or w % bs:
        return f"has height {h} and width {w}, not both multiples of block_size {bs} (TFLite Micro refuses it)"
    want = [n, h // bs, w // bs, c * bs * bs]
    if out != want:
        return f"has output shape {out}, not {want}"
    return None


OP_RULES["SPACE_TO_DEPTH"] = (
    _int8(("input", 0), ("output", 0)),
    Rule("4-D NHWC, block size >= 1 dividing height and width, output shape consistent", _shapes),
)
SUMMARY["SPACE_TO_DEPTH"] = "any block size, NHWC; a byte copy (no requantization, as TFLM)"
