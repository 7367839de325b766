"""TRANSPOSE -> ek_transpose_s8: a byte permutation up to 5-D, no requantization (TFLM transpose.cc).

The constant permutation is folded into the kernel's parameters, right-aligned into 5 axes.
"""

from __future__ import annotations

from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register
from edgekit.converters.c_codegen.support import OP_RULES, SUMMARY, Rule, _const_input, _int8

from edgekit.ir import Model, Operator

MAX_RANK = 5  # EK_TRANSPOSE_MAX_RANK; TFLM's Prepare refuses more ("only supports 1D-5D input arrays")


def perm(model: Model, op: Operator) -> list[int]:
    return [int(v) for v in model.tensor(op.inputs[1]).array().reshape(-1).tolist()]


def transpose_params(model: Model, op: Operator) -> dict[str, list[int]]:
    shape = list(model.tensor(op.inputs[0]).shape)
    lead = MAX_RANK - len(shape)
    return {"input_shape": [1] * lead + shape, "perm": list(range(lead)) + [p + lead for p in perm(model, op)]}


@register("TRANSPOSE", runtime=("ek_transpose_s8.c", "ek_transpose_s8.h"))
def emit(ctx: EmitContext, op: Operator) -> OpEmission:
    x, y = op.inputs[0], op.outputs[0]
    params = ctx.define("ek_transpose_params_t", "transpose", transpose_params(ctx.model, op))
    call = (
        f"ek_transpose_s8(&ek_ctx, &{params}, &{ctx.dims(x)}, {ctx.data(x, 'const int8_t')}, "
        f"&{ctx.dims(y)}, {ctx.data(y, 'int8_t')})"
    )
    return OpEmission(call=call, comment=f"perm {perm(ctx.model, op)}")


def _valid_perm(model: Model, op: Operator) -> str | None:
    shape = model.tensor(op.inputs[0]).shape
    rank = len(shape)
    if rank < 1 or rank > MAX_RANK:
        return f"has a rank-{rank} input; TFLite Micro's TRANSPOSE (and edgekit's) covers ranks 1 to {MAX_RANK}"
    p = perm(model, op)
    if model.tensor(op.inputs[1]).dtype != "int32" or sorted(p) != list(range(rank)):
        return f"has permutation {p}; it must be an int32 permutation of 0..{rank - 1}"
    out = tuple(model.tensor(op.outputs[0]).shape)
    if out != tuple(shape[i] for i in p):
        return f"has output shape {list(out)}, not the permuted input shape {[shape[i] for i in p]}"
    return None


OP_RULES["TRANSPOSE"] = (
    _int8(("input", 0), ("output", 0)),
    _const_input("permutation", 1),
    Rule("rank 1 to 5, a constant int32 permutation matching the output shape", _valid_perm),
)
SUMMARY["TRANSPOSE"] = "any permutation up to 5-D; a byte copy (no requantization, as TFLM)"
