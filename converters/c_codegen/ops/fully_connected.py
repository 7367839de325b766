"""FULLY_CONNECTED -> ek_fully_connected_s8 (ARITHMETIC.md 3.3).

Per-tensor: one multiplier from the double product, filter zero point applied. Per-channel: one multiplier per
output unit, filter zero point ignored. Both as the pinned tflite-micro wheel computes them.
"""

from __future__ import annotations

from dataclasses import dataclass

from edgekit.converters.c_codegen.quant import activation_range, channel_multipliers, opt, qparams
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register

from edgekit.ir import Operator


@dataclass(frozen=True)
class FcQuant:
    """What the portable and DSP emitters both derive for one FULLY_CONNECTED: the shapes the kernel sees,
    the emitted ``ek_quant_t`` array and the ``ek_fc_params_t`` fields."""

    units: int
    depth: int
    batches: int
    per_channel: bool
    quant: str  # name of the emitted ek_quant_t array
    input_offset: int
    filter_offset: int
    output_offset: int
    act_min: int
    act_max: int

    def params(self) -> dict[str, object]:
        return {
            "input_offset": self.input_offset,
            "filter_offset": self.filter_offset,
            "output_offset": self.output_offset,
            "per_channel": int(self.per_channel),
            "act": {"min": self.act_min, "max": self.act_max},
        }

    @property
    def kind(self) -> str:
        return "per-channel" if self.per_channel else "per-tensor"


def fc_quant(ctx: EmitContext, op: Operator) -> FcQuant:
    """Shapes and quantization of one FULLY_CONNECTED; emits its ``quant`` array (the first definition)."""
    x, w, y = op.inputs[0], op.inputs[1], op.outputs[0]
    model = ctx.model
    wt, yt = model.tensor(w), model.tensor(y)
    units, depth = wt.shape
    s_in, zp_in = qparams(model, x)
    s_w, zp_w = qparams(model, w)
    s_out, zp_out = qparams(model, y)
    per_channel = len(s_w) > 1
    mults = channel_multipliers(s_in[0], s_w, s_out[0], units if per_channel else 1)
    quant = ctx.array("ek_quant_t", "quant", [{"multiplier": m, "shift": e} for m, e in mults], per_line=2)
    lo, hi = activation_range(opt(op, "fused_activation_function"), yt)
    return FcQuant(
        units=units,
        depth=depth,
        batches=yt.num_elements // units,
        per_channel=per_channel,
        quant=quant,
        input_offset=-int(zp_in[0]),
        filter_offset=0 if per_channel else -int(zp_w[0]),
        output_offset=int(zp_out[0]),
        act_min=lo,
        act_max=hi,
    )


def fc_define(ctx: EmitContext, q: FcQuant) -> tuple[str, str, str, str]:
    """(params, in_dims, w_dims, out_dims) definitions, in this order, for either kernel."""
    params = ctx.define("ek_fc_params_t", "params", q.params())
    # The kernel sees the input flat as [B, K] and the output as [B, O], whatever their declared ranks.
    in_dims = ctx.define("ek_dims_t", "in_dims", {"n": q.batches, "h": 1, "w": 1, "c": q.depth})
    w_dims = ctx.define("ek_dims_t", "w_dims", {"n": q.units, "h": 1, "w": 1, "c": q.depth})
    out_dims = ctx.define("ek_dims_t", "out_dims", {"n": q.batches, "h": 1, "w": 1, "c": q.units})
    return params, in_dims, w_dims, out_dims


@register("FULLY_CONNECTED", runtime=("ek_fully_connected_s8.c", "ek_fully_connected_s8.h"))
def emit(ctx: EmitContext, op: Operator) -> OpEmission:
    x, w, y = op.inputs[0], op.inputs[1], op.outputs[0]
    q = fc_quant(ctx, op)
    params, in_dims, w_dims, out_dims = fc_define(ctx, q)
    if len(op.inputs) > 2 and op.inputs[2] >= 0:
        bdims, bdata = f"&{ctx.dims(op.inputs[2])}", ctx.data(op.inputs[2], "const int32_t")
    else:
        bdims, bdata = "NULL", "NULL"
    call = (
        f"ek_fully_connected_s8(&ek_ctx, &{params}, {q.quant}, &{in_dims}, {ctx.data(x, 'const int8_t')}, "
        f"&{w_dims}, {ctx.data(w, 'const int8_t')}, {bdims}, {bdata}, &{out_dims}, {ctx.data(y, 'int8_t')})"
    )
    return OpEmission(call=call, comment=f"{q.batches}x{q.depth} -> {q.units}, {q.kind}")
