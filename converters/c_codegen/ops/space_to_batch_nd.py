"""SPACE_TO_BATCH_ND -> ek_space_to_batch_s8 (TFLM space_to_batch_nd.cc): 4-D NHWC or 3-D NHC, a byte copy.

Block shape and paddings must be constant; they are folded into the kernel's parameters (3-D tensors are read as
N,H,1,C, as TFLM's ExtendShapeSpaceToBatch does). No requantization: TFLM's Prepare checks only ranks and types.

Paddings must be zero. TFLM's reference kernel pads with ``SpaceToBatchParams::output_offset``, and TFLM's
space_to_batch_nd.cc allocates that struct in Init but never sets it: the padding bytes are whatever the arena
held (probed with the reference wheel: byte 0 in a fresh process, byte 28 once other interpreters had used the
heap, whatever the output zero point). No byte-exact result exists, so edgekit refuses non-zero paddings rather
than pick a value; the kernel itself takes a pad value (the output zero point is what TensorFlow means) for the
day TFLM sets it.
"""

from __future__ import annotations

from edgekit.converters.c_codegen.quant import qparams
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register
from edgekit.converters.c_codegen.support import OP_RULES, SUMMARY, Rule, _const_input, _int8

from edgekit.ir import Model, Operator


def extended(shape: list[int]) -> list[int]:
    """NHWC view of a 3-D NHC or 4-D NHWC shape (TFLM's ExtendShape{SpaceToBatch,BatchToSpace})."""
    return list(shape) if len(shape) == 4 else [shape[0], shape[1], 1, shape[2]]


def block_and_amounts(model: Model, op: Operator) -> tuple[list[int], list[tuple[int, int]]]:
    """(block shape, [(before, after)] per spatial axis), both padded to two spatial axes for 3-D tensors."""
    block = [int(v) for v in model.tensor(op.inputs[1]).array().reshape(-1).tolist()]
    amounts = [(int(a), int(b)) for a, b in model.tensor(op.inputs[2]).array().reshape(-1, 2).tolist()]
    if len(block) == 1:
        block, amounts = block + [1], amounts + [(0, 0)]
    return block, amounts


def nd_params(model: Model, op: Operator, lead: str) -> dict[str, int]:
    """The parameter struct shared by both kernels; ``lead`` names the leading amounts ('pad' or 'crop')."""
    n, h, w, c = extended(list(model.tensor(op.inputs[0]).shape))
    on, oh, ow, _ = extended(list(model.tensor(op.outputs[0]).shape))
    block, amounts = block_and_amounts(model, op)
    return {"in_n": n, "in_h": h, "in_w": w, "out_n": on, "out_h": oh, "out_w": ow, "channels": c,
            "block_h": block[0], "block_w": block[1], f"{lead}_top": amounts[0][0], f"{lead}_left": amounts[1][0]}


@register("SPACE_TO_BATCH_ND", runtime=("ek_space_to_batch_s8.c", "ek_space_to_batch_s8.h"))
def emit(ctx: EmitContext, op: Operator) -> OpEmission:
    x, y = op.inputs[0], op.outputs[0]
    fields = {**nd_params(ctx.model, op, "pad"), "pad_value": int(qparams(ctx.model, y)[1][0])}
    params = ctx.define("ek_space_to_batch_params_t", "space_to_batch", fields)
    call = (
        f"ek_space_to_batch_s8(&ek_ctx, &{params}, &{ctx.dims(x)}, {ctx.data(x, 'const int8_t')}, "
        f"&{ctx.dims(y)}, {ctx.data(y, 'int8_t')})"
    )
    block, amounts = block_and_amounts(ctx.model, op)
    return OpEmission(call=call, comment=f"block {block}, paddings {amounts}")


def check_nd(model: Model, op: Operator, kind: str) -> str | None:
    """Shared shape rule: 3-D or 4-D, constant int32 block >= 1 and amounts >= 0, output shape consistent."""
    shape = list(model.tensor(op.inputs[0]).shape)
    out = list(model.tensor(op.outputs[0]).shape)
    name = "paddings" if kind == "space_to_batch" else "crops"
    if len(shape) not in (3, 4) or len(out) != len(shape):
        return (f"has a rank-{len(shape)} input and a rank-{len(out)} output; TFLite Micro covers 3-D NHC and 4-D "
                "NHWC only, the same rank in and out")
    bt, at = model.tensor(op.inputs[1]), model.tensor(op.inputs[2])
    spatial = len(shape) - 2
    if bt.dtype != "int32" or at.dtype != "int32" or bt.num_elements != spatial or at.num_elements != 2 * spatial:
        return f"has a block shape or {name} that is not int32 with {spatial} spatial entries"
    block, amounts = block_and_amounts(model, op)
    if min(block) < 1 or min(v for pair in amounts for v in pair) < 0:
        return f"has block shape {block[:spatial]} and {name} {amounts[:spatial]}; blocks must be >= 1, {name} >= 0"
    n, h, w, c = extended(shape)
    (pt, pb), (pl, pr) = amounts
    if kind == "space_to_batch":
        if (h + pt + pb) % block[0] or (w + pl + pr) % block[1]:
            return f"has padded spatial sizes that are not multiples of the block shape {block[:spatial]}"
        want = [n * block[0] * block[1], (h + pt + pb) // block[0], (w + pl + pr) // block[1], c]
    else:
        if n % (block[0] * block[1]):
            return f"has batch {n}, not a multiple of the block size {block[0] * block[1]}"
        want = [n // (block[0] * block[1]), h * block[0] - pt - pb, w * block[1] - pl - pr, c]
        if want[1] < 1 or want[2] < 1:
            return f"has crops {amounts[:spatial]} that remove the whole of a spatial axis"
    if len(shape) == 3:
        want = [want[0], want[1], want[3]]
    if out != want:
        return f"has output shape {out}, not {want}"
    return None


def _zero_paddings(model: Model, op: Operator) -> str | None:
    _, amounts = block_and_amounts(model, op)
    if any(v for pair in amounts for v in pair):
        spatial = len(model.tensor(op.inputs[0]).shape) - 2
        return (f"has paddings {[list(p) for p in amounts[:spatial]]}; TFLite Micro pads with a value its kernel "
                "never initialises (SpaceToBatchParams.output_offset), so its padded bytes are undefined and no "
                "byte-exact result exists (use input sizes that are multiples of the block shape with VALID "
                "padding, or a dilated CONV_2D the converter fuses)")
    return None


OP_RULES["SPACE_TO_BATCH_ND"] = (
    _int8(("input", 0), ("output", 0)),
    _const_input("block shape", 1),
    _const_input("paddings", 2),
    Rule("3-D NHC or 4-D NHWC; int32 block >= 1, paddings >= 0; output shape consistent",
         lambda model, op: check_nd(model, op, "space_to_batch")),
    Rule("zero paddings (TFLite Micro pads with an uninitialised value)", _zero_paddings),
)
SUMMARY["SPACE_TO_BATCH_ND"] = "4-D NHWC and 3-D NHC, any block shape, zero paddings; a byte copy (no requantization)"
