"""AVERAGE_POOL_2D / MAX_POOL_2D -> ek_avg_pool2d_s8 / ek_max_pool2d_s8 (ARITHMETIC.md 3.4)."""

from __future__ import annotations

from edgekit.converters.c_codegen.quant import activation_range, opt, padding
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register

from edgekit.ir import Operator


def _emit(ctx: EmitContext, op: Operator, fn: str) -> OpEmission:
    x, y = op.inputs[0], op.outputs[0]
    xt = ctx.model.tensor(x)
    fh, fw = int(opt(op, "filter_height", 1)), int(opt(op, "filter_width", 1))
    sh, sw = int(opt(op, "stride_h", 1)), int(opt(op, "stride_w", 1))
    kind = str(opt(op, "padding", "SAME"))
    pad_h, _ = padding(kind, xt.shape[1], fh, sh, 1)
    pad_w, _ = padding(kind, xt.shape[2], fw, sw, 1)
    lo, hi = activation_range(opt(op, "fused_activation_function"), ctx.model.tensor(y))
    params = ctx.define(
        "ek_pool_params_t",
        "params",
        {
            "stride_h": sh,
            "stride_w": sw,
            "filter_h": fh,
            "filter_w": fw,
            "pad_h": pad_h,
            "pad_w": pad_w,
            "act": {"min": lo, "max": hi},
        },
    )
    call = (
        f"{fn}(&ek_ctx, &{params}, &{ctx.dims(x)}, {ctx.data(x, 'const int8_t')}, "
        f"&{ctx.dims(y)}, {ctx.data(y, 'int8_t')})"
    )
    return OpEmission(call=call, comment=f"{fh}x{fw} window, stride {sh}x{sw}, {kind}")


@register("AVERAGE_POOL_2D", runtime=("ek_avg_pool2d_s8.c", "ek_avg_pool2d_s8.h", "ek_pool_params.h"))
def emit_avg(ctx: EmitContext, op: Operator) -> OpEmission:
    return _emit(ctx, op, "ek_avg_pool2d_s8")


@register("MAX_POOL_2D", runtime=("ek_max_pool2d_s8.c", "ek_max_pool2d_s8.h", "ek_pool_params.h"))
def emit_max(ctx: EmitContext, op: Operator) -> OpEmission:
    return _emit(ctx, op, "ek_max_pool2d_s8")
