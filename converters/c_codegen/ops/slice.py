"""SLICE -> ek_strided_slice_s8 with unit strides: a byte gather up to 5-D, no requantization (TFLM slice.cc).

The constant begin / size tensors (int32 or int64, size -1 meaning "to the end") are checked as TFLM's
``GetValidatedBeginAndSizeVectors`` does and folded into the kernel's parameters.
"""

from __future__ import annotations

from edgekit.converters.c_codegen.ops.strided_slice import MAX_RANK, RUNTIME, emit_gather, gather_fits_output
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register
from edgekit.converters.c_codegen.support import OP_RULES, SUMMARY, Rule, _const_input, _int8

from edgekit.ir import Model, Operator


def resolve(model: Model, op: Operator) -> tuple[list[int], list[int]] | str:
    """(begin, size) per axis with -1 resolved, or why TFLM would refuse them at Eval."""
    shape = list(model.tensor(op.inputs[0]).shape)
    begin = [int(v) for v in model.tensor(op.inputs[1]).array().reshape(-1).tolist()]
    size = [int(v) for v in model.tensor(op.inputs[2]).array().reshape(-1).tolist()]
    sizes = []
    for axis, (n, b, s) in enumerate(zip(shape, begin, size, strict=True)):
        if b < 0 or b > n:
            return f"has begin {b} on axis {axis} of size {n}; TFLite Micro needs 0 <= begin <= size"
        resolved = n - b if s == -1 else s
        if resolved < 0 or resolved > n - b:
            return f"has size {s} on axis {axis} (begin {b}, axis size {n}); it must be -1 or fit in the axis"
        sizes.append(resolved)
    return begin, sizes


def slice_params(model: Model, op: Operator) -> dict[str, list[int]]:
    resolved = resolve(model, op)
    assert not isinstance(resolved, str), resolved
    begin, sizes = resolved
    shape = list(model.tensor(op.inputs[0]).shape)
    lead = MAX_RANK - len(shape)
    return {"input_shape": [1] * lead + shape, "begin": [0] * lead + begin, "stride": [1] * MAX_RANK,
            "count": [1] * lead + sizes}


@register("SLICE", runtime=RUNTIME)
def emit(ctx: EmitContext, op: Operator) -> OpEmission:
    p = slice_params(ctx.model, op)
    return emit_gather(ctx, op, p, f"begin {p['begin']} size {p['count']}")


def _shape(model: Model, op: Operator) -> str | None:
    rank = len(model.tensor(op.inputs[0]).shape)
    if rank < 1 or rank > MAX_RANK:
        return f"has a rank-{rank} input; edgekit's SLICE covers ranks 1 to {MAX_RANK}"
    for pos, role in ((1, "begin"), (2, "size")):
        t = model.tensor(op.inputs[pos])
        if t.dtype not in ("int32", "int64") or t.num_elements != rank:
            return f"has a {t.dtype} {role} tensor of {t.num_elements} values; it needs {rank} int32 or int64 values"
    return None


def _valid(model: Model, op: Operator) -> str | None:
    resolved = resolve(model, op)
    if isinstance(resolved, str):
        return resolved
    return gather_fits_output(model, op, resolved[1])


OP_RULES["SLICE"] = (
    _int8(("input", 0), ("output", 0)),
    _const_input("begin", 1),
    _const_input("size", 2),
    Rule("rank 1 to 5, one int32/int64 begin and size per axis", _shape),
    Rule("begin and size inside the input, filling the output", _valid),
)
SUMMARY["SLICE"] = "up to 5-D, size -1 (to the end), int32 or int64 indices; a byte gather (no requantization)"
