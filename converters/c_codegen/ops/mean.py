"""MEAN -> ek_mean_s8 (ARITHMETIC.md 3.13): TFLM's QuantizedMeanOrSum with the 1/N folded into the multiplier."""

from __future__ import annotations

from edgekit.converters.c_codegen.quant import qparams, quantize_multiplier
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register
from edgekit.converters.c_codegen.support import OP_RULES, SUMMARY, Rule, _const_input, _int8, _max_rank

from edgekit.ir import Model, Operator

MAX_RANK = 6


def reduced_axes(model: Model, op: Operator) -> list[int]:
    """The constant axes tensor, negatives normalised and duplicates dropped (TFLM ResolveAxis)."""
    rank = len(model.tensor(op.inputs[0]).shape)
    axes: list[int] = []
    for a in model.tensor(op.inputs[1]).array().reshape(-1).tolist():
        a = int(a) + rank if int(a) < 0 else int(a)
        if a not in axes:
            axes.append(a)
    return axes


def collapse(shape: tuple[int, ...], axes: list[int]) -> tuple[list[int], list[int]]:
    """Drop size-1 dims and merge neighbours that are both reduced or both kept: same bytes, fewer loops
    (a global average pool [1, 7, 7, C] over {1, 2} becomes [49 reduced, C kept])."""
    dims: list[int] = []
    flags: list[int] = []
    for d, size in enumerate(shape):
        if size == 1:
            continue
        flag = int(d in axes)
        if flags and flags[-1] == flag:
            dims[-1] *= size
        else:
            dims.append(size)
            flags.append(flag)
    return (dims, flags) if dims else ([1], [1])


def mean_quant(s_in: float, s_out: float, n: int) -> tuple[int, int]:
    """QuantizeMultiplier(s_in / s_out), then TFLM's integration of 1/N with the shift clamps."""
    m, e = quantize_multiplier(float(s_in) / float(s_out))
    k = min(n.bit_length() - 1, 32, 31 + e)
    m2 = (m << k) // n  # C int64 truncating division; k >= 0 because e >= -31, and M, N > 0
    return int(m2), e - k


@register("MEAN", runtime=("ek_mean_s8.c", "ek_mean_s8.h"))
def emit(ctx: EmitContext, op: Operator) -> OpEmission:
    return emit_mean_or_sum(ctx, op, compute_sum=False)


def emit_mean_or_sum(ctx: EmitContext, op: Operator, compute_sum: bool) -> OpEmission:
    """One ek_mean_s8 call for MEAN or SUM: QuantizedMeanOrSum folds 1/N into the multiplier only for MEAN."""
    x, y = op.inputs[0], op.outputs[0]
    model = ctx.model
    shape = tuple(model.tensor(x).shape) or (1,)
    axes = reduced_axes(model, op)
    n = 1
    for a in axes:
        n *= shape[a]
    s_in, zp_in = qparams(model, x)
    s_out, zp_out = qparams(model, y)
    m, e = quantize_multiplier(float(s_in[0]) / float(s_out[0])) if compute_sum else mean_quant(s_in[0], s_out[0], n)
    dims, flags = collapse(shape, axes)
    pad = MAX_RANK - len(dims)
    params = ctx.define(
        "ek_mean_params_t",
        "mean",
        {
            "rank": len(dims),
            "shape": dims + [1] * pad,
            "reduced": flags + [0] * pad,
            "num_reduced": n,
            "input_zero_point": int(zp_in[0]),
            "output_zero_point": int(zp_out[0]),
        },
    )
    quant = ctx.define("ek_quant_t", "quant", {"multiplier": m, "shift": e})
    flat = {t: ctx.define("ek_dims_t", f"dims{i}", {"n": 1, "h": 1, "w": 1, "c": model.tensor(t).num_elements})
            for i, t in enumerate((x, y))}
    call = (
        f"ek_mean_s8(&ek_ctx, &{params}, &{quant}, &{flat[x]}, {ctx.data(x, 'const int8_t')}, "
        f"&{flat[y]}, {ctx.data(y, 'int8_t')})"
    )
    return OpEmission(call=call, comment=f"axes {sorted(axes)} of {list(shape)}, N = {n}")


def _has_axes(model: Model, op: Operator) -> str | None:
    if not reduced_axes(model, op):
        return "has no axes to reduce; an empty axes list (a copy in TFLM) is not supported"
    return None


OP_RULES["MEAN"] = (
    _int8(("input", 0), ("output", 0)),
    _const_input("axes", 1),
    _max_rank(MAX_RANK),
    Rule("at least one axis", _has_axes),
)
SUMMARY["MEAN"] = "any axes (negative, duplicates), keep_dims or not, TFLM's QuantizedMeanOrSum"
