"""GATHER -> ek_gather_s8: int8 params, int32 indices (constant or an activation / graph input), any axis and
batch_dims as TFLM's gather.cc allows; a byte copy, no requantization.

The axis and batch_dims are folded into (batch, outer, axis_size, coords, inner) here. Constant indices are checked
at generation time (TFLM's Eval fails on an index outside [0, axis size)); indices computed at run time are
checked by the kernel, which then returns EK_ERR_ARGUMENT as TFLM returns an error.
"""

from __future__ import annotations

from edgekit.converters.c_codegen.quant import opt
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register
from edgekit.converters.c_codegen.support import OP_RULES, SUMMARY, Rule

from edgekit.ir import Model, Operator


def _prod(values: list[int]) -> int:
    n = 1
    for v in values:
        n *= v
    return n


def axes(model: Model, op: Operator) -> tuple[int, int]:
    """(axis, batch_dims), both made non-negative as TFLM's GatherPrepare does."""
    rank = len(model.tensor(op.inputs[0]).shape)
    idx_rank = len(model.tensor(op.inputs[1]).shape)
    axis = int(opt(op, "axis", 0))
    batch_dims = int(opt(op, "batch_dims", 0))
    return (axis + rank if axis < 0 else axis), (batch_dims + idx_rank if batch_dims < 0 else batch_dims)


def gather_params(model: Model, op: Operator) -> dict[str, int]:
    shape = list(model.tensor(op.inputs[0]).shape)
    idx_shape = list(model.tensor(op.inputs[1]).shape)
    axis, bd = axes(model, op)
    return {"batch": _prod(shape[:bd]), "outer": _prod(shape[bd:axis]), "axis_size": shape[axis],
            "coords": _prod(idx_shape[bd:]), "inner": _prod(shape[axis + 1 :])}


@register("GATHER", runtime=("ek_gather_s8.c", "ek_gather_s8.h"))
def emit(ctx: EmitContext, op: Operator) -> OpEmission:
    x, i, y = op.inputs[0], op.inputs[1], op.outputs[0]
    params = ctx.define("ek_gather_params_t", "gather", gather_params(ctx.model, op))
    call = (
        f"ek_gather_s8(&ek_ctx, &{params}, &{ctx.dims(x)}, {ctx.data(x, 'const int8_t')}, &{ctx.dims(i)}, "
        f"{ctx.data(i, 'const int32_t')}, &{ctx.dims(y)}, {ctx.data(y, 'int8_t')})"
    )
    axis, bd = axes(ctx.model, op)
    where = "constant" if ctx.model.tensor(i).is_constant else "run-time"
    return OpEmission(call=call, comment=f"axis {axis}, batch_dims {bd}, {where} indices")


def _types(model: Model, op: Operator) -> str | None:
    for role, t in (("params", op.inputs[0]), ("output", op.outputs[0])):
        if model.tensor(t).dtype != "int8":
            return f"has a {model.tensor(t).dtype} {role}; edgekit's GATHER kernel needs int8 params and output"
    idx = model.tensor(op.inputs[1])
    if idx.dtype != "int32":
        return f"has {idx.dtype} indices; TFLite Micro's GATHER (and edgekit's) accepts int32 indices only"
    return None


def _axes(model: Model, op: Operator) -> str | None:
    # TFLM's GatherPrepare ENSUREs exactly these.
    shape = list(model.tensor(op.inputs[0]).shape)
    idx_shape = list(model.tensor(op.inputs[1]).shape)
    raw_axis, raw_bd = int(opt(op, "axis", 0)), int(opt(op, "batch_dims", 0))
    axis, bd = axes(model, op)
    if not 0 <= axis < len(shape):
        return f"has axis {raw_axis} for rank-{len(shape)} params"
    if not (0 <= bd < len(shape) and bd <= len(idx_shape) and bd <= axis):
        return (f"has batch_dims {raw_bd} for rank-{len(shape)} params, rank-{len(idx_shape)} indices and axis "
                f"{axis}; TFLite Micro needs 0 <= batch_dims <= axis and batch_dims below both ranks")
    if shape[:bd] != idx_shape[:bd]:
        return f"has batch dimensions {shape[:bd]} (params) and {idx_shape[:bd]} (indices) that differ"
    want = shape[:axis] + idx_shape[bd:] + shape[axis + 1 :]
    out = list(model.tensor(op.outputs[0]).shape)
    if out != want:
        return f"has output shape {out}, not the gathered shape {want}"
    return None


def _const_indices_in_range(model: Model, op: Operator) -> str | None:
    idx = model.tensor(op.inputs[1])
    if not idx.is_constant:
        return None
    axis, _ = axes(model, op)
    size = model.tensor(op.inputs[0]).shape[axis]
    bad = [int(v) for v in idx.array().reshape(-1).tolist() if not 0 <= int(v) < size]
    if bad:
        return (f"has constant index {bad[0]} outside [0, {size}); TFLite Micro's GATHER fails on it at run time "
                "(negative indices are not wrapped)")
    return None


OP_RULES["GATHER"] = (
    Rule("int8 params and output, int32 indices", _types),
    Rule("axis and batch_dims as TFLite Micro allows; output shape consistent", _axes),
    Rule("constant indices within the axis", _const_indices_in_range),
)
SUMMARY["GATHER"] = ("any axis and batch_dims, constant or run-time int32 indices (a graph input too; a bad run-time "
                     "index returns EK_ERR_ARGUMENT as TFLM fails); a byte copy")
