"""SPLIT / SPLIT_V -> ek_split_s8: one input, several outputs, a byte copy along any axis (TFLM split.cc, split_v.cc).

The constant axis is folded into (outer, inner) here; each output's extent along the axis comes from its shape, as
TFLM's ``SplitImpl`` reads it (SPLIT: output 0's extent for every output). No requantization.
"""

from __future__ import annotations

from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register
from edgekit.converters.c_codegen.shapes import around_axis
from edgekit.converters.c_codegen.support import OP_RULES, SUMMARY, Rule, _const_input

from edgekit.ir import Model, Operator


def _positions(op: Operator) -> tuple[int, int]:
    """(input position, axis position) of the op's tensors."""
    return (1, 0) if op.op == "SPLIT" else (0, 2)


def geometry(model: Model, op: Operator) -> tuple[int, int, int, list[int]]:
    """(axis, outer, inner, sizes) with the axis made non-negative."""
    x_pos, a_pos = _positions(op)
    shape = list(model.tensor(op.inputs[x_pos]).shape)
    axis, outer, inner = around_axis(shape, int(model.tensor(op.inputs[a_pos]).array().reshape(-1)[0]))
    sizes = [model.tensor(t).shape[axis] for t in op.outputs]
    if op.op == "SPLIT":
        sizes = [sizes[0]] * len(sizes)
    return axis, outer, inner, sizes


def _emit(ctx: EmitContext, op: Operator) -> OpEmission:
    x = op.inputs[_positions(op)[0]]
    axis, outer, inner, sizes = geometry(ctx.model, op)
    sizes_arr = ctx.array("int32_t", "split_sizes", sizes)
    params = ctx.define(
        "ek_split_params_t", "split",
        {"outer": outer, "inner": inner, "num_outputs": len(op.outputs), "sizes": sizes_arr},
    )
    dims = ", ".join(f"&{ctx.dims(t)}" for t in op.outputs)
    datas = ", ".join(ctx.data(t, "int8_t") for t in op.outputs)
    # C99 compound literals, as CONCATENATION: the pointer lists live with the call.
    call = (
        f"ek_split_s8(&ek_ctx, &{params}, &{ctx.dims(x)}, {ctx.data(x, 'const int8_t')}, "
        f"(const ek_dims_t *const[]){{{dims}}}, (int8_t *const[]){{{datas}}})"
    )
    return OpEmission(call=call, comment=f"axis {axis}, sizes {sizes}")


register("SPLIT", runtime=("ek_split_s8.c", "ek_split_s8.h"))(_emit)
register("SPLIT_V", runtime=("ek_split_s8.c", "ek_split_s8.h"))(_emit)


def _int8_all(model: Model, op: Operator) -> str | None:
    x = op.inputs[_positions(op)[0]]
    for t in (x, *op.outputs):
        if model.tensor(t).dtype != "int8":
            return f"has a {model.tensor(t).dtype} tensor {t} '{model.tensor(t).name}'; its kernel needs int8 input and outputs"
    return None


def _shapes(model: Model, op: Operator) -> str | None:
    x_pos, a_pos = _positions(op)
    a = model.tensor(op.inputs[a_pos])
    if a.dtype != "int32" or a.num_elements != 1:
        return f"has a {a.dtype} axis tensor of {a.num_elements} values; it needs one int32"
    shape = list(model.tensor(op.inputs[x_pos]).shape)
    raw = int(a.array().reshape(-1)[0])
    if not -len(shape) <= raw < len(shape):
        return f"has axis {raw} for a rank-{len(shape)} input"
    axis, _, _, sizes = geometry(model, op)
    for t in op.outputs:
        out = list(model.tensor(t).shape)
        if len(out) != len(shape) or out[:axis] + out[axis + 1 :] != shape[:axis] + shape[axis + 1 :]:
            return f"has output tensor {t} of shape {out}, which is not a piece of the input {shape} along axis {axis}"
    if op.op == "SPLIT" and len({model.tensor(t).shape[axis] for t in op.outputs}) != 1:
        return "has outputs of different sizes; TFLite Micro's SPLIT gives every output the size of output 0"
    if sum(sizes) != shape[axis]:
        return f"has outputs of sizes {sizes} along axis {axis}, which do not add up to the input's {shape[axis]}"
    return None


_RULES = (
    Rule("int8 input and outputs", _int8_all),
)
OP_RULES["SPLIT"] = (*_RULES, _const_input("axis", 0), Rule("outputs tile the input along one axis", _shapes))
OP_RULES["SPLIT_V"] = (*_RULES, _const_input("axis", 2), Rule("outputs tile the input along one axis", _shapes))
SUMMARY["SPLIT"] = "any axis (negative allowed), any number of equal outputs; a byte copy (no requantization)"
SUMMARY["SPLIT_V"] = "any axis, outputs of any sizes; a byte copy (no requantization)"
