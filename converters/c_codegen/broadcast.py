"""Binary element-wise int8 ops with NumPy broadcasting (ADD, MUL): what their emitters share.

The kernels (``ek_add_s8``, ``ek_mul_s8``) take the output shape and, per input, the element stride along each
output dimension (0 where that input is broadcast), walked with ``ek_broadcast.h``; their dims arguments are flat
element counts, the geometry is in the params struct.
"""

from __future__ import annotations

from dataclasses import dataclass

from edgekit.converters.c_codegen.quant import activation_range, opt, qparams
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission

from edgekit.ir import Operator

MAX_RANK = 6
HEADER = "ek_broadcast.h"


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


@dataclass(frozen=True)
class BinaryOperands:
    """The two inputs and the output of a binary op, with their quantization and the fused activation."""

    a: int
    b: int
    y: int
    a_shape: tuple[int, ...]
    b_shape: tuple[int, ...]
    out_shape: tuple[int, ...]  # () read as (1,)
    scales: tuple[float, float, float]  # input1, input2, output
    zero_points: tuple[int, int, int]
    act: tuple[int, int]  # int8 clamp range of the fused activation

    @property
    def broadcast(self) -> bool:
        return self.a_shape != self.b_shape


def binary_operands(ctx: EmitContext, op: Operator) -> BinaryOperands:
    a, b, y = op.inputs[0], op.inputs[1], op.outputs[0]
    model = ctx.model
    (s1, z1), (s2, z2), (so, zo) = (qparams(model, t) for t in (a, b, y))
    yt = model.tensor(y)
    return BinaryOperands(
        a, b, y, tuple(model.tensor(a).shape), tuple(model.tensor(b).shape), tuple(yt.shape) or (1,),
        (s1[0], s2[0], so[0]), (int(z1[0]), int(z2[0]), int(zo[0])),
        activation_range(opt(op, "fused_activation_function"), yt),
    )


def offset_fields(ops: BinaryOperands) -> dict[str, int]:
    """The kernels' input offsets (minus the zero points) and output offset."""
    z1, z2, zo = ops.zero_points
    return {"input1_offset": -z1, "input2_offset": -z2, "output_offset": zo}


def geometry_fields(ops: BinaryOperands, shape: list[int], st1: list[int], st2: list[int]) -> dict[str, object]:
    """rank/shape/stride1/stride2/broadcast of the params struct, padded to MAX_RANK."""
    pad = MAX_RANK - len(shape)
    return {
        "rank": len(shape),
        "shape": shape + [1] * pad,
        "stride1": st1 + [0] * pad,
        "stride2": st2 + [0] * pad,
        "broadcast": int(ops.broadcast),
    }


def binary_emission(ctx: EmitContext, kernel: str, ops: BinaryOperands, params: str, quant: str,
                    symbol: str) -> OpEmission:
    """The kernel call with flat dims for both inputs and the output; ``symbol`` names the op in the comment."""
    model = ctx.model
    # one definition per distinct tensor: x + x names the same dims twice, and an unused constant breaks -Werror
    flat = {t: ctx.define("ek_dims_t", f"dims{i}", {"n": 1, "h": 1, "w": 1, "c": model.tensor(t).num_elements})
            for i, t in enumerate(dict.fromkeys((ops.a, ops.b, ops.y)))}
    a, b, y = ops.a, ops.b, ops.y
    call = (
        f"{kernel}(&ek_ctx, &{params}, &{quant}, &{flat[a]}, {ctx.data(a, 'const int8_t')}, "
        f"&{flat[b]}, {ctx.data(b, 'const int8_t')}, &{flat[y]}, {ctx.data(y, 'int8_t')})"
    )
    comment = f"{model.tensor(a).shape} {symbol} {model.tensor(b).shape}" + (" (broadcast)" if ops.broadcast else "")
    return OpEmission(call=call, comment=comment)
