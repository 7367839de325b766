"""ADD -> ek_add_s8 (ARITHMETIC.md 3.5): TFLM's Prepare in double, NumPy broadcasting up to 6-D."""

from __future__ import annotations

from edgekit.converters.c_codegen.quant import activation_range, opt, qparams, quantize_multiplier
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register

from edgekit.ir import Operator

LEFT_SHIFT = 20
MAX_RANK = 6


def broadcast_strides(a: tuple[int, ...], b: tuple[int, ...], out: tuple[int, ...]) -> tuple[list[int], list[int]]:
    """Element strides of each input along the output's dims (0 where that input is broadcast)."""

    def strides(shape: tuple[int, ...]) -> list[int]:
        full = [1] * (len(out) - len(shape)) + list(shape)
        result, step = [0] * len(out), 1
        for i in range(len(out) - 1, -1, -1):
            result[i] = 0 if full[i] == 1 and out[i] != 1 else step
            step *= full[i]
        return result

    return strides(a), strides(b)


def add_quant(s1: float, s2: float, s_out: float) -> dict[str, dict[str, int]]:
    twice_max = 2.0 * max(float(s1), float(s2))
    m1 = quantize_multiplier(float(s1) / twice_max)
    m2 = quantize_multiplier(float(s2) / twice_max)
    mo = quantize_multiplier(twice_max / ((1 << LEFT_SHIFT) * float(s_out)))
    return {
        "input1": {"multiplier": m1[0], "shift": m1[1]},
        "input2": {"multiplier": m2[0], "shift": m2[1]},
        "output": {"multiplier": mo[0], "shift": mo[1]},
    }


@register("ADD", runtime=("ek_add_s8.c", "ek_add_s8.h"))
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
    params = ctx.define(
        "ek_add_params_t",
        "params",
        {
            "input1_offset": -int(z1[0]),
            "input2_offset": -int(z2[0]),
            "output_offset": int(zo[0]),
            "left_shift": LEFT_SHIFT,
            "act": {"min": lo, "max": hi},
            "rank": len(out_shape),
            "shape": list(out_shape) + [1] * pad,
            "stride1": st1 + [0] * pad,
            "stride2": st2 + [0] * pad,
            "broadcast": int(broadcast),
        },
    )
    quant = ctx.define("ek_add_quant_t", "quant", add_quant(s1[0], s2[0], so[0]))
    flat = {t: ctx.define("ek_dims_t", f"dims{i}", {"n": 1, "h": 1, "w": 1, "c": model.tensor(t).num_elements})
            for i, t in enumerate((a, b, y))}
    call = (
        f"ek_add_s8(&ek_ctx, &{params}, &{quant}, &{flat[a]}, {ctx.data(a, 'const int8_t')}, "
        f"&{flat[b]}, {ctx.data(b, 'const int8_t')}, &{flat[y]}, {ctx.data(y, 'int8_t')})"
    )
    return OpEmission(call=call, comment=f"{at.shape} + {bt.shape}" + (" (broadcast)" if broadcast else ""))
