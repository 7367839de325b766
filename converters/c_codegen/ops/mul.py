"""MUL -> ek_mul_s8 (ARITHMETIC.md 3.6): double-precision multiplier (e may be > 0), NumPy broadcasting."""

from __future__ import annotations

from edgekit.converters.c_codegen.ops.add import broadcast_strides
from edgekit.converters.c_codegen.quant import activation_range, opt, qparams, quantize_multiplier
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register
from edgekit.converters.c_codegen.support import OP_RULES, SUMMARY, _int8, _max_rank

from edgekit.ir import Operator

MAX_RANK = 6


def merge_dims(shape: tuple[int, ...], st1: list[int], st2: list[int]) -> tuple[list[int], list[int], list[int]]:
    """Drop size-1 dims and merge an outer dim into its inner neighbour where both inputs step through them
    contiguously (or both broadcast): the same element order with fewer, longer loops."""
    dims: list[int] = []
    a: list[int] = []
    b: list[int] = []
    for size, x, y in zip(shape, st1, st2, strict=True):
        if size == 1:
            continue
        if dims and a[-1] == x * size and b[-1] == y * size:
            dims[-1] *= size
            a[-1], b[-1] = x, y
        else:
            dims.append(size)
            a.append(x)
            b.append(y)
    return (dims, a, b) if dims else ([1], [0], [0])


def mul_quant(s1: float, s2: float, s_out: float) -> tuple[int, int]:
    """TFLM computes f64(s1) * f64(s2) / f64(s_out) in double (LiteRT uses float32: a different multiplier)."""
    return quantize_multiplier(float(s1) * float(s2) / float(s_out))


@register("MUL", runtime=("ek_mul_s8.c", "ek_mul_s8.h"))
def emit(ctx: EmitContext, op: Operator) -> OpEmission:
    a, b, y = op.inputs[0], op.inputs[1], op.outputs[0]
    model = ctx.model
    at, bt, yt = model.tensor(a), model.tensor(b), model.tensor(y)
    s1, z1 = qparams(model, a)
    s2, z2 = qparams(model, b)
    so, zo = qparams(model, y)
    out_shape = tuple(yt.shape) or (1,)
    broadcast = tuple(at.shape) != tuple(bt.shape)
    dims, st1, st2 = merge_dims(out_shape, *broadcast_strides(tuple(at.shape), tuple(bt.shape), out_shape))
    pad = MAX_RANK - len(dims)
    lo, hi = activation_range(opt(op, "fused_activation_function"), yt)
    m, e = mul_quant(s1[0], s2[0], so[0])
    params = ctx.define(
        "ek_mul_params_t",
        "params",
        {
            "input1_offset": -int(z1[0]),
            "input2_offset": -int(z2[0]),
            "output_offset": int(zo[0]),
            "act": {"min": lo, "max": hi},
            "rank": len(dims),
            "shape": dims + [1] * pad,
            "stride1": st1 + [0] * pad,
            "stride2": st2 + [0] * pad,
            "broadcast": int(broadcast),
        },
    )
    quant = ctx.define("ek_quant_t", "quant", {"multiplier": m, "shift": e})
    flat = {t: ctx.define("ek_dims_t", f"dims{i}", {"n": 1, "h": 1, "w": 1, "c": model.tensor(t).num_elements})
            for i, t in enumerate((a, b, y))}
    call = (
        f"ek_mul_s8(&ek_ctx, &{params}, &{quant}, &{flat[a]}, {ctx.data(a, 'const int8_t')}, "
        f"&{flat[b]}, {ctx.data(b, 'const int8_t')}, &{flat[y]}, {ctx.data(y, 'int8_t')})"
    )
    return OpEmission(call=call, comment=f"{at.shape} * {bt.shape}" + (" (broadcast)" if broadcast else ""))


OP_RULES["MUL"] = (_int8(("input1", 0), ("input2", 1), ("output", 0)), _max_rank(MAX_RANK))
SUMMARY["MUL"] = "NumPy broadcasting up to 6-D, fused activation, double-precision multiplier (may exceed 1)"
