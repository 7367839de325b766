"""STRIDED_SLICE -> ek_strided_slice_s8: a byte gather up to 4-D (TFLM's limit), no requantization
(TFLM strided_slice.cc).

begin / end / strides are constant tensors folded into the kernel's parameters here, with TFLM's own index rules
(``StridedSlicePadIndices``, ``StridedSliceStartForAxis``, ``StridedSliceEndForAxis``): negative indices count from
the end, begin/end masks take the whole axis in the stride's direction, a shrunk axis reads one element, negative
strides walk backwards. TFLM ignores ellipsis / new-axis masks and the ``offset`` flag (the converter canonicalises
the first two away), so models carrying them are refused rather than guessed at.
"""

from __future__ import annotations

from collections.abc import Sequence

from edgekit.converters.c_codegen.quant import opt
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register
from edgekit.converters.c_codegen.support import OP_RULES, SUMMARY, Rule, _const_input, _int8

from edgekit.ir import Model, Operator

MAX_RANK = 5  # EK_STRIDED_SLICE_MAX_RANK (the kernel; SLICE uses all 5 axes)
TFLM_MAX_RANK = 4  # TFLM's STRIDED_SLICE Prepare: "input dim should not exceed 4"
RUNTIME = ("ek_strided_slice_s8.c", "ek_strided_slice_s8.h")


def _clamp(v: int, lo: int, hi: int) -> int:
    return hi if v > hi else (lo if v < lo else v)


def resolve(
    shape: Sequence[int], begin: Sequence[int], end: Sequence[int], strides: Sequence[int],
    begin_mask: int, end_mask: int, shrink_mask: int,
) -> tuple[list[int], list[int], list[int]]:
    """TFLM's 5-D (begin, stride, count) per axis, leading axes padded as StridedSlicePadIndices does."""
    pad = MAX_RANK - len(shape)
    shape5 = [1] * pad + list(shape)
    begin5 = [0] * pad + [int(v) for v in begin]
    end5 = [1] * pad + [int(v) for v in end]
    stride5 = [1] * pad + [int(v) for v in strides]
    full = (1 << pad) - 1
    begin_mask = (begin_mask << pad) | full
    end_mask = (end_mask << pad) | full
    shrink_mask <<= pad
    starts, counts = [], []
    for a in range(MAX_RANK):
        size, stride = shape5[a], stride5[a]
        start = begin5[a]
        if start < 0:
            start += size
        start = _clamp(start, 0, size) if stride > 0 else _clamp(start, -1, size - 1)
        if begin_mask & (1 << a):
            start = 0 if stride > 0 else size - 1
        if shrink_mask & (1 << a):
            stop = start if start >= size else start + 1
        else:
            stop = end5[a]
            if stop < 0:
                stop += size
            stop = _clamp(stop, 0, size) if stride > 0 else _clamp(stop, -1, size - 1)
            if end_mask & (1 << a):
                stop = size if stride > 0 else -1
        # The kernel's loop: index from start while (stride > 0 ? index < stop : index > stop), as Python's range.
        counts.append(len(range(start, stop, stride)))
        starts.append(start)
    return starts, stride5, counts


def _vector(model: Model, t: int) -> list[int]:
    return [int(v) for v in model.tensor(t).array().reshape(-1).tolist()]


def slice_params(model: Model, op: Operator) -> dict[str, list[int]]:
    x = op.inputs[0]
    shape = list(model.tensor(x).shape)
    starts, strides, counts = resolve(
        shape, _vector(model, op.inputs[1]), _vector(model, op.inputs[2]), _vector(model, op.inputs[3]),
        int(opt(op, "begin_mask", 0) or 0), int(opt(op, "end_mask", 0) or 0), int(opt(op, "shrink_axis_mask", 0) or 0),
    )
    return {"input_shape": [1] * (MAX_RANK - len(shape)) + shape, "begin": starts, "stride": strides,
            "count": counts}


def emit_gather(ctx: EmitContext, op: Operator, params: dict[str, list[int]], note: str) -> OpEmission:
    """The ek_strided_slice_s8 call for resolved 5-D parameters (STRIDED_SLICE and SLICE)."""
    x, y = op.inputs[0], op.outputs[0]
    name = ctx.define("ek_strided_slice_params_t", "slice", params)
    call = (
        f"ek_strided_slice_s8(&ek_ctx, &{name}, &{ctx.dims(x)}, {ctx.data(x, 'const int8_t')}, "
        f"&{ctx.dims(y)}, {ctx.data(y, 'int8_t')})"
    )
    return OpEmission(call=call, comment=note)


@register("STRIDED_SLICE", runtime=RUNTIME)
def emit(ctx: EmitContext, op: Operator) -> OpEmission:
    p = slice_params(ctx.model, op)
    return emit_gather(ctx, op, p, f"begin {p['begin']} stride {p['stride']} count {p['count']}")


def gather_fits_output(model: Model, op: Operator, counts: Sequence[int]) -> str | None:
    """TFLM writes the output sequentially, count elements in all; anything else leaves bytes unwritten."""
    total = 1
    for c in counts:
        total *= c
    want = model.tensor(op.outputs[0]).num_elements
    if total != want:
        return (f"selects {total} elements but its output has {want}; TFLite Micro would leave the output partly "
                "unwritten")
    return None


def _rank(model: Model, op: Operator) -> str | None:
    rank = len(model.tensor(op.inputs[0]).shape)
    if rank < 1 or rank > TFLM_MAX_RANK:
        return (f"has a rank-{rank} input; TFLite Micro's STRIDED_SLICE (and so edgekit's) covers ranks 1 to "
                f"{TFLM_MAX_RANK}")
    for pos in (1, 2, 3):
        t = model.tensor(op.inputs[pos])
        if t.dtype != "int32" or len(_vector(model, op.inputs[pos])) != rank:
            return f"has a {t.dtype} index tensor of {t.num_elements} values; it needs {rank} int32 values"
    return None


def _masks(model: Model, op: Operator) -> str | None:
    for key in ("ellipsis_mask", "new_axis_mask"):
        if int(opt(op, key, 0) or 0):
            return f"has {key} = {opt(op, key)}; TFLite Micro ignores it, so edgekit refuses it (no guessing)"
    if opt(op, "offset", False):
        return "has offset = true (end relative to begin); TFLite Micro ignores it, so edgekit refuses it"
    strides = _vector(model, op.inputs[3])
    if 0 in strides:
        return f"has a zero stride {strides}; strides must be non-zero"
    return None


def _fits(model: Model, op: Operator) -> str | None:
    return gather_fits_output(model, op, slice_params(model, op)["count"])


OP_RULES["STRIDED_SLICE"] = (
    _int8(("input", 0), ("output", 0)),
    _const_input("begin", 1),
    _const_input("end", 2),
    _const_input("strides", 3),
    Rule("rank 1 to 4, one int32 begin/end/stride per axis", _rank),
    Rule("no ellipsis / new-axis mask, no offset, non-zero strides", _masks),
    Rule("the slice fills the output exactly", _fits),
)
SUMMARY["STRIDED_SLICE"] = ("up to 4-D (as TFLM); begin/end/shrink masks, negative indices and strides; a byte "
                            "gather (no requantization, as TFLM)")
