"""FULLY_CONNECTED -> ek_fully_connected_s8 (ARITHMETIC.md 3.3).

Per-tensor: one multiplier from the double product, filter zero point applied. Per-channel: one multiplier per
output unit, filter zero point ignored. Both as the pinned tflite-micro wheel computes them.
"""

from __future__ import annotations

from edgekit.converters.c_codegen.quant import activation_range, channel_multipliers, opt, qparams
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register

from edgekit.ir import Operator


@register("FULLY_CONNECTED", runtime=("ek_fully_connected_s8.c", "ek_fully_connected_s8.h"))
def emit(ctx: EmitContext, op: Operator) -> OpEmission:
    x, w, y = op.inputs[0], op.inputs[1], op.outputs[0]
    model = ctx.model
    wt, yt = model.tensor(w), model.tensor(y)
    units, depth = wt.shape
    batches = yt.num_elements // units
    s_in, zp_in = qparams(model, x)
    s_w, zp_w = qparams(model, w)
    s_out, zp_out = qparams(model, y)
    per_channel = len(s_w) > 1
    mults = channel_multipliers(s_in[0], s_w, s_out[0], units if per_channel else 1)
    quant = ctx.array("ek_quant_t", "quant", [{"multiplier": m, "shift": e} for m, e in mults], per_line=2)
    lo, hi = activation_range(opt(op, "fused_activation_function"), yt)
    params = ctx.define(
        "ek_fc_params_t",
        "params",
        {
            "input_offset": -int(zp_in[0]),
            "filter_offset": 0 if per_channel else -int(zp_w[0]),
            "output_offset": int(zp_out[0]),
            "per_channel": int(per_channel),
            "act": {"min": lo, "max": hi},
        },
    )
    # The kernel sees the input flat as [B, K] and the output as [B, O], whatever their declared ranks.
    in_dims = ctx.define("ek_dims_t", "in_dims", {"n": batches, "h": 1, "w": 1, "c": depth})
    w_dims = ctx.define("ek_dims_t", "w_dims", {"n": units, "h": 1, "w": 1, "c": depth})
    out_dims = ctx.define("ek_dims_t", "out_dims", {"n": batches, "h": 1, "w": 1, "c": units})
    if len(op.inputs) > 2 and op.inputs[2] >= 0:
        bdims, bdata = f"&{ctx.dims(op.inputs[2])}", ctx.data(op.inputs[2], "const int32_t")
    else:
        bdims, bdata = "NULL", "NULL"
    call = (
        f"ek_fully_connected_s8(&ek_ctx, &{params}, {quant}, &{in_dims}, {ctx.data(x, 'const int8_t')}, "
        f"&{w_dims}, {ctx.data(w, 'const int8_t')}, {bdims}, {bdata}, &{out_dims}, {ctx.data(y, 'int8_t')})"
    )
    kind = "per-channel" if per_channel else "per-tensor"
    return OpEmission(call=call, comment=f"{batches}x{depth} -> {units}, {kind}")
