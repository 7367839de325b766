"""ARG_MAX / ARG_MIN (int8 input, int32 output) -> ek_arg_min_max_s8, as TFLM's arg_min_max.cc.

The constant axis (negative counts from the end) splits the input into [outer, axis, inner]; the first index
of the extreme code wins ties. TFLM's kernel runs only an int32 axis tensor and an int32 output: an int64 output
(``tf.argmax``'s default) fails its invoke, so it is refused here with the fix.
"""

from __future__ import annotations

from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register
from edgekit.converters.c_codegen.shapes import around_axis
from edgekit.converters.c_codegen.support import OP_RULES, SUMMARY, Rule, _const_input, _int8

from edgekit.ir import Model, Operator

RUNTIME = ("ek_arg_min_max_s8.c", "ek_arg_min_max_s8.h")


def arg_axis(model: Model, op: Operator) -> int:
    """TFLM reads the axis tensor's first value and adds the rank when it is negative."""
    shape = model.tensor(op.inputs[0]).shape
    a = int(model.tensor(op.inputs[1]).array().reshape(-1)[0])
    return a + len(shape) if a < 0 else a


def arg_params(model: Model, op: Operator) -> dict[str, int]:
    shape = model.tensor(op.inputs[0]).shape
    axis, outer, inner = around_axis(shape, arg_axis(model, op))
    return {"outer": outer, "axis_size": shape[axis], "inner": inner, "is_max": int(op.op == "ARG_MAX")}


def _emit(ctx: EmitContext, op: Operator) -> OpEmission:
    x, y = op.inputs[0], op.outputs[0]
    model = ctx.model
    params = ctx.define("ek_arg_min_max_params_t", "arg", arg_params(model, op))
    flat = {t: ctx.define("ek_dims_t", f"dims{i}", {"n": 1, "h": 1, "w": 1, "c": model.tensor(t).num_elements})
            for i, t in enumerate((x, y))}
    call = (f"ek_arg_min_max_s8(&ek_ctx, &{params}, &{flat[x]}, {ctx.data(x, 'const int8_t')}, "
            f"&{flat[y]}, {ctx.data(y, 'int32_t')})")
    return OpEmission(call=call, comment=f"over axis {arg_axis(model, op)} of {list(model.tensor(x).shape)}")


register("ARG_MAX", runtime=RUNTIME)(_emit)
register("ARG_MIN", runtime=RUNTIME)(_emit)


def _int32_output(model: Model, op: Operator) -> str | None:
    dt = model.tensor(op.outputs[0]).dtype
    if dt != "int32":
        article = "an" if dt.startswith(("int", "uint")) else "a"
        return (f"has {article} {dt} output; TFLite Micro's kernel produces int32 indices only (its invoke fails on "
                f"{dt}), so convert with tf.math.{'argmax' if op.op == 'ARG_MAX' else 'argmin'}(..., "
                "output_type=tf.int32)")
    return None


def _int32_axis(model: Model, op: Operator) -> str | None:
    t = model.tensor(op.inputs[1])
    if t.dtype != "int32":
        return f"has an {t.dtype} axis tensor; TFLite Micro's kernel reads an int32 axis only"
    if t.num_elements != 1:
        return f"has {t.num_elements} axis values; it must name exactly one axis"
    return None


def _axis_in_range(model: Model, op: Operator) -> str | None:
    rank = len(model.tensor(op.inputs[0]).shape)
    a = int(model.tensor(op.inputs[1]).array().reshape(-1)[0])
    if not -rank <= a < rank:
        return f"has axis {a} outside [-{rank}, {rank}) of its rank-{rank} input"
    return None


for _op in ("ARG_MAX", "ARG_MIN"):
    OP_RULES[_op] = (
        _int8(("input", 0)),
        _const_input("axis", 1),
        Rule("one int32 axis value", _int32_axis),
        Rule("axis within the input's rank", _axis_in_range),
        Rule("int32 output (TFLite Micro has no int64 one)", _int32_output),
    )
SUMMARY["ARG_MAX"] = "any rank and axis (negative too), int32 indices, ties take the first index"
SUMMARY["ARG_MIN"] = "any rank and axis (negative too), int32 indices, ties take the first index"
