"""DEPTH_TO_SPACE / SPACE_TO_DEPTH -> ek_depth_to_space_s8 / ek_space_to_depth_s8 (TFLM depth_to_space.cc,
space_to_depth.cc): NHWC, TensorFlow's DCR order, a byte copy.

TFLM's Prepare checks the types (float32 or int8, input = output), the rank and the shapes (SPACE_TO_DEPTH: height
and width divide by the block size); scales and zero points are never compared, so no requantization happens.
The two ops are mirror images: one emitter and one shape rule serve both, each op naming its kernel and how the
block size must divide its input.
"""

from __future__ import annotations

from collections.abc import Callable

from edgekit.converters.c_codegen.quant import opt
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register
from edgekit.converters.c_codegen.support import OP_RULES, SUMMARY, Rule, _int8

from edgekit.ir import Model, Operator

# (n, h, w, c, block size) -> why the input does not fit, or None, and the output shape it gives
Fit = Callable[[int, int, int, int, int], tuple[str | None, list[int]]]


def _depth_to_space(n: int, h: int, w: int, c: int, bs: int) -> tuple[str | None, list[int]]:
    why = f"has {c} channels, not a multiple of block_size^2 = {bs * bs}" if c % (bs * bs) else None
    return why, [n, h * bs, w * bs, c // (bs * bs)]


def _space_to_depth(n: int, h: int, w: int, c: int, bs: int) -> tuple[str | None, list[int]]:
    why = (f"has height {h} and width {w}, not both multiples of block_size {bs} (TFLite Micro refuses it)"
           if h % bs or w % bs else None)
    return why, [n, h // bs, w // bs, c * bs * bs]


def _emitter(kind: str) -> Callable[[EmitContext, Operator], OpEmission]:
    def emit(ctx: EmitContext, op: Operator) -> OpEmission:
        x, y = op.inputs[0], op.outputs[0]
        bs = int(opt(op, "block_size", 0))
        params = ctx.define(f"ek_{kind}_params_t", kind, {"block_size": bs})
        call = (
            f"ek_{kind}_s8(&ek_ctx, &{params}, &{ctx.dims(x)}, {ctx.data(x, 'const int8_t')}, "
            f"&{ctx.dims(y)}, {ctx.data(y, 'int8_t')})"
        )
        return OpEmission(call=call, comment=f"block size {bs}")

    return emit


def _shape_rule(name: str, fit: Fit) -> Callable[[Model, Operator], str | None]:
    def check(model: Model, op: Operator) -> str | None:
        shape = list(model.tensor(op.inputs[0]).shape)
        out = list(model.tensor(op.outputs[0]).shape)
        bs = int(opt(op, "block_size", 0))
        if len(shape) != 4 or len(out) != 4:
            return f"has a rank-{len(shape)} input; TFLite Micro's {name} needs 4-D NHWC"
        if bs < 1:
            return f"has block_size {bs}; it must be at least 1"
        why, want = fit(*shape, bs)
        if why is not None:
            return why
        if out != want:
            return f"has output shape {out}, not {want}"
        return None

    return check


for _name, _fit, _divides, _summary in (
    ("DEPTH_TO_SPACE", _depth_to_space, "the channels", "any block size, NHWC (pixel shuffle); a byte copy (no "
                                                        "requantization, as TFLM)"),
    ("SPACE_TO_DEPTH", _space_to_depth, "height and width", "any block size, NHWC; a byte copy (no requantization, "
                                                            "as TFLM)"),
):
    _kind = _name.lower()
    register(_name, runtime=(f"ek_{_kind}_s8.c", f"ek_{_kind}_s8.h"))(_emitter(_kind))
    OP_RULES[_name] = (
        _int8(("input", 0), ("output", 0)),
        Rule(f"4-D NHWC, block size >= 1 dividing {_divides}, output shape consistent", _shape_rule(_name, _fit)),
    )
    SUMMARY[_name] = _summary
