"""DEPTH_TO_SPACE -> ek_depth_to_space_s8 (TFLM depth_to_space.cc): NHWC, TensorFlow's DCR order, a byte copy.

TFLM's Prepare checks only the types (float32 or int8, input = output) and the shapes; scales and zero points
are never compared, so no requantization happens.
"""

from __future__ import annotations

from edgekit.converters.c_codegen.quant import opt
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register
from edgekit.converters.c_codegen.support import OP_RULES, SUMMARY, Rule, _int8

from edgekit.ir import Model, Operator


@register("DEPTH_TO_SPACE", runtime=("ek_depth_to_space_s8.c", "ek_depth_to_space_s8.h"))
def emit(ctx: EmitContext, op: Operator) -> OpEmission:
    x, y = op.inputs[0], op.outputs[0]
    bs = int(opt(op, "block_size", 0))
    params = ctx.define("ek_depth_to_space_params_t", "depth_to_space", {"block_size": bs})
    call = (
        f"ek_depth_to_space_s8(&ek_ctx, &{params}, &{ctx.dims(x)}, {ctx.data(x, 'const int8_t')}, "
        f"&{ctx.dims(y)}, {ctx.data(y, 'int8_t')})"
    )
    return OpEmission(call=call, comment=f"block size {bs}")


def _shapes(model: Model, op: Operator) -> str | None:
    shape = list(model.tensor(op.inputs[0]).shape)
    out = list(model.tensor(op.outputs[0]).shape)
    bs = int(opt(op, "block_size", 0))
    if len(shape) != 4 or len(out) != 4:
        return f"has a rank-{len(shape)} input; TFLite Micro's DEPTH_TO_SPACE needs 4-D NHWC"
    if bs < 1:
        return f"has block_size {bs}; it must be at least 1"
    n, h, w, c = shape
    if c % (bs * bs):
        return f"has {c} channels, not a multiple of block_size^2 = {bs * bs}"
    want = [n, h * bs, w * bs, c // (bs * bs)]
    if out != want:
        return f"has output shape {out}, not {want}"
    return None


OP_RULES["DEPTH_TO_SPACE"] = (
    _int8(("input", 0), ("output", 0)),
    Rule("4-D NHWC, block size >= 1 dividing the channels, output shape consistent", _shapes),
)
SUMMARY["DEPTH_TO_SPACE"] = "any block size, NHWC (pixel shuffle); a byte copy (no requantization, as TFLM)"
