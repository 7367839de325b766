"""MUL -> ek_mul_s8 (ARITHMETIC.md 3.6): double-precision multiplier (e may be > 0), NumPy broadcasting."""

from __future__ import annotations

from edgekit.converters.c_codegen.ops.add import broadcast_strides
from edgekit.converters.c_codegen.quant import activation_range, opt, qparams, quantize_multiplier
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register
from edgekit.converters.c_codegen.support import OP_RULES, SUMMARY, _int8, _max_rank

from edgekit.ir import Operator

MAX_RANK = 6


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
    st1, st2 = broadcast_strides(tuple(at.shape), tuple(bt.shape), out_shape)
    pad = MAX_RANK - len(out_shape)
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
            "rank": len(out_shape),
            "shape": list(out_shape) + [1] * pad,
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
