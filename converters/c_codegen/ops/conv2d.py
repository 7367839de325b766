"""CONV_2D -> ek_conv2d_s8 (ARITHMETIC.md 3.1): per-channel multipliers from the double product."""

from __future__ import annotations

from dataclasses import dataclass

from edgekit.converters.c_codegen.quant import activation_range, channel_multipliers, opt, padding, qparams
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register

from edgekit.ir import Model, Operator


def conv_geometry(model: Model, op: Operator, kernel_hw: tuple[int, int]) -> dict[str, int]:
    """Strides, dilations and TFLM padding for CONV_2D / DEPTHWISE_CONV_2D."""
    x = model.tensor(op.inputs[0])
    sh, sw = int(opt(op, "stride_h", 1)), int(opt(op, "stride_w", 1))
    dh, dw = int(opt(op, "dilation_h_factor", 1)), int(opt(op, "dilation_w_factor", 1))
    kind = str(opt(op, "padding", "SAME"))
    pad_h, _ = padding(kind, x.shape[1], kernel_hw[0], sh, dh)
    pad_w, _ = padding(kind, x.shape[2], kernel_hw[1], sw, dw)
    return {"stride_h": sh, "stride_w": sw, "dilation_h": dh, "dilation_w": dw, "pad_h": pad_h, "pad_w": pad_w}


@dataclass(frozen=True)
class ConvQuant:
    """What the portable and DSP emitters both derive for one CONV_2D / DEPTHWISE_CONV_2D: the emitted
    per-channel ``ek_quant_t`` array and the offset/activation fields of the params struct."""

    quant: str  # name of the emitted ek_quant_t array
    input_offset: int
    output_offset: int
    act_min: int
    act_max: int

    def fields(self) -> dict[str, object]:
        """The params fields after the geometry (and depth_multiplier), in the struct's order."""
        return {
            "input_offset": self.input_offset,
            "output_offset": self.output_offset,
            "act": {"min": self.act_min, "max": self.act_max},
        }


def conv_quant(ctx: EmitContext, op: Operator, channels: int) -> ConvQuant:
    """The per-channel ek_quant_t array (emitted here) and the offsets/activation shared by CONV and DEPTHWISE."""
    s_in, zp_in = qparams(ctx.model, op.inputs[0])
    s_w, _ = qparams(ctx.model, op.inputs[1])
    s_out, zp_out = qparams(ctx.model, op.outputs[0])
    mults = channel_multipliers(s_in[0], s_w, s_out[0], channels)
    quant = ctx.array("ek_quant_t", "quant", [{"multiplier": m, "shift": e} for m, e in mults], per_line=2)
    lo, hi = activation_range(opt(op, "fused_activation_function"), ctx.model.tensor(op.outputs[0]))
    return ConvQuant(quant=quant, input_offset=-int(zp_in[0]), output_offset=int(zp_out[0]), act_min=lo, act_max=hi)


def bias_args(ctx: EmitContext, op: Operator, channels: int, zeros_when_absent: bool) -> tuple[str, str]:
    """(&dims, pointer) for the bias; NULL (or an explicit zero bias) when the model has none."""
    if len(op.inputs) > 2 and op.inputs[2] >= 0:
        b = op.inputs[2]
        return f"&{ctx.dims(b)}", ctx.data(b, "const int32_t")
    if zeros_when_absent:
        return "NULL", ctx.array("int32_t", "zero_bias", [0] * channels)
    return "NULL", "NULL"


@register("CONV_2D", runtime=("ek_conv2d_s8.c", "ek_conv2d_s8.h"))
def emit(ctx: EmitContext, op: Operator) -> OpEmission:
    x, w, y = op.inputs[0], op.inputs[1], op.outputs[0]
    wt = ctx.model.tensor(w)
    out_c = wt.shape[0]
    q = conv_quant(ctx, op, out_c)
    geometry = conv_geometry(ctx.model, op, (wt.shape[1], wt.shape[2]))
    params = ctx.define("ek_conv_params_t", "params", {**geometry, **q.fields()})
    bdims, bdata = bias_args(ctx, op, out_c, zeros_when_absent=False)
    call = (
        f"ek_conv2d_s8(&ek_ctx, &{params}, {q.quant}, &{ctx.dims(x)}, {ctx.data(x, 'const int8_t')}, "
        f"&{ctx.dims(w)}, {ctx.data(w, 'const int8_t')}, {bdims}, {bdata}, &{ctx.dims(y)}, {ctx.data(y, 'int8_t')})"
    )
    return OpEmission(call=call, comment=f"{wt.shape[1]}x{wt.shape[2]} conv, {out_c} filters")
