"""DEPTHWISE_CONV_2D -> ek_depthwise_conv2d_s8 (ARITHMETIC.md 3.2); a missing bias becomes explicit zeros."""

from __future__ import annotations

from edgekit.converters.c_codegen.ops.conv2d import bias_args, conv_geometry, conv_quant
from edgekit.converters.c_codegen.quant import opt
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register

from edgekit.ir import Operator


@register("DEPTHWISE_CONV_2D", runtime=("ek_depthwise_conv2d_s8.c", "ek_depthwise_conv2d_s8.h"))
def emit(ctx: EmitContext, op: Operator) -> OpEmission:
    x, w, y = op.inputs[0], op.inputs[1], op.outputs[0]
    wt = ctx.model.tensor(w)
    out_c = wt.shape[3]
    q = conv_quant(ctx, op, out_c)
    # TFLM takes the multiplier from the options, not from the shapes (ARITHMETIC.md 3.2).
    dm = int(opt(op, "depth_multiplier", 1) or 1)
    geometry = conv_geometry(ctx.model, op, (wt.shape[1], wt.shape[2]))
    params = ctx.define("ek_dw_conv_params_t", "params", {**geometry, "depth_multiplier": dm, **q.fields()})
    bdims, bdata = bias_args(ctx, op, out_c, zeros_when_absent=True)
    call = (
        f"ek_depthwise_conv2d_s8(&ek_ctx, &{params}, {q.quant}, &{ctx.dims(x)}, {ctx.data(x, 'const int8_t')}, "
        f"&{ctx.dims(w)}, {ctx.data(w, 'const int8_t')}, {bdims}, {bdata}, &{ctx.dims(y)}, {ctx.data(y, 'int8_t')})"
    )
    return OpEmission(call=call, comment=f"{wt.shape[1]}x{wt.shape[2]} depthwise, multiplier {dm}")
