"""TRANSPOSE_CONV -> ek_transpose_conv_s8: TFLite Micro's int8 reference kernel (transpose_conv.cc,
reference_integer_ops::TransposeConv), bit for bit.

Inputs are (output_shape, filter [C_out, KH, KW, C_in], input, optional bias). What Prepare computes is done
here, once:

* padding: ``ComputePaddingHeightWidth`` with dilation 1 applied to the OUTPUT's height and width (the input of
  the forward convolution this op transposes), so ``pad = max((ceil-or-valid(out) - 1) * stride + k - out, 0) / 2``;
* per-channel multipliers from the double product f64(s_in) * f64(s_w[c]) / f64(s_out), a single filter scale
  broadcast (``PopulateConvolutionQuantizationParams``, as for CONV_2D);
* the fused activation's clamp (``CalculateActivationRangeQuantized``; the wheel applies it, checked by a test).

The kernel scatters into an int32 accumulator the size of the output, as TFLM does with the scratch buffer it
requests in Prepare (output elements x 4 bytes): ``scratch`` below declares exactly that, so edgekit's planner
(and the arena ``edgekit check`` prints) places it. TFLM ignores the output_shape tensor and uses the output
tensor's shape; a model where the two disagree is refused.
"""

from __future__ import annotations

from edgekit.converters.c_codegen.quant import activation_range, channel_multipliers, opt, padding, qparams
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register
from edgekit.converters.c_codegen.support import OP_RULES, SUMMARY, Rule, _bias_int32, _const_input, _int8

from edgekit.ir import Model, Operator

OUTPUT_SHAPE, FILTER, INPUT, BIAS = 0, 1, 2, 3


def _bias(op: Operator) -> int | None:
    return op.inputs[BIAS] if len(op.inputs) > BIAS and op.inputs[BIAS] >= 0 else None


def transpose_conv_scratch(model: Model, op: Operator) -> int:
    """Bytes of the int32 accumulator: one per output element (= C ``ek_transpose_conv_s8_buffer_size``).
    Only the int8 kernel exists; other variants are refused and plan no scratch (TFLM's float kernel has none)."""
    if model.tensor(op.inputs[INPUT]).dtype != "int8":
        return 0
    return 4 * model.tensor(op.outputs[0]).num_elements


def transpose_conv_geometry(model: Model, op: Operator) -> dict[str, int]:
    """Strides and TFLM's padding, computed from the output's spatial size (dilation is always 1)."""
    y = model.tensor(op.outputs[0])
    w = model.tensor(op.inputs[FILTER])
    sh, sw = int(opt(op, "stride_h", 1)), int(opt(op, "stride_w", 1))
    kind = str(opt(op, "padding", "SAME"))
    pad_h, _ = padding(kind, y.shape[1], w.shape[1], sh, 1)
    pad_w, _ = padding(kind, y.shape[2], w.shape[2], sw, 1)
    return {"stride_h": sh, "stride_w": sw, "pad_h": pad_h, "pad_w": pad_w}


@register("TRANSPOSE_CONV", runtime=("ek_transpose_conv_s8.c", "ek_transpose_conv_s8.h"),
          scratch=transpose_conv_scratch)
def emit(ctx: EmitContext, op: Operator) -> OpEmission:
    model = ctx.model
    w, x, y = op.inputs[FILTER], op.inputs[INPUT], op.outputs[0]
    wt = model.tensor(w)
    out_c = wt.shape[0]
    s_in, zp_in = qparams(model, x)
    s_w, _ = qparams(model, w)
    s_out, zp_out = qparams(model, y)
    mults = channel_multipliers(s_in[0], s_w, s_out[0], out_c)
    quant = ctx.array("ek_quant_t", "quant", [{"multiplier": m, "shift": e} for m, e in mults], per_line=2)
    act = str(opt(op, "fused_activation_function", "NONE") or "NONE")
    lo, hi = activation_range(act, model.tensor(y))
    geometry = transpose_conv_geometry(model, op)
    params = ctx.define(
        "ek_transpose_conv_params_t",
        "params",
        {**geometry, "input_offset": -int(zp_in[0]), "output_offset": int(zp_out[0]), "act": {"min": lo, "max": hi}},
    )
    b = _bias(op)
    bdims, bdata = (f"&{ctx.dims(b)}", ctx.data(b, "const int32_t")) if b is not None else ("NULL", "NULL")
    call = (
        f"ek_transpose_conv_s8(&ek_ctx, &{params}, {quant}, &{ctx.dims(x)}, {ctx.data(x, 'const int8_t')}, "
        f"&{ctx.dims(w)}, {ctx.data(w, 'const int8_t')}, {bdims}, {bdata}, &{ctx.dims(y)}, {ctx.data(y, 'int8_t')})"
    )
    comment = (f"{wt.shape[1]}x{wt.shape[2]} transpose conv, stride {geometry['stride_h']}x{geometry['stride_w']}, "
               f"{out_c} filters, {act}")
    return OpEmission(call=call, comment=comment)


# ------------------------------------------------------------------------------------------------ support rules


def _rank4(model: Model, op: Operator) -> str | None:
    for role, t in (("input", op.inputs[INPUT]), ("filter", op.inputs[FILTER]), ("output", op.outputs[0])):
        rank = len(model.tensor(t).shape)
        if rank != 4:
            return f"has a rank-{rank} {role}; input and output must be 4-D NHWC and the filter 4-D OHWI"
    return None


def _shapes_match(model: Model, op: Operator) -> str | None:
    x = model.tensor(op.inputs[INPUT]).shape
    w = model.tensor(op.inputs[FILTER]).shape
    y = model.tensor(op.outputs[0]).shape
    if w[3] != x[3] or w[0] != y[3] or x[0] != y[0]:
        return (f"has filter {list(w)} that does not fit input {list(x)} and output {list(y)} (filter [C_out, KH, KW, "
                "C_in] with C_in = input channels and C_out = output channels, same batch)")
    b = _bias(op)
    if b is not None and model.tensor(b).num_elements != w[0]:
        return f"has {model.tensor(b).num_elements} bias values for {w[0]} output channels"
    return None


def _const_output_shape(model: Model, op: Operator) -> str | None:
    if not model.tensor(op.inputs[OUTPUT_SHAPE]).is_constant:
        return "has a non-constant output_shape; edgekit needs the output shape fixed when the model is converted"
    return None


def _output_shape_agrees(model: Model, op: Operator) -> str | None:
    # TFLM ignores this tensor and uses the output tensor's shape; LiteRT resizes the output to it.
    want = [int(v) for v in model.tensor(op.inputs[OUTPUT_SHAPE]).array().reshape(-1).tolist()]
    have = list(model.tensor(op.outputs[0]).shape)
    if want != have:
        return (f"has output_shape {want} but an output tensor of shape {have}; the two must agree (TFLite Micro uses "
                "the tensor's, LiteRT the output_shape's)")
    return None


def _filter_scales(model: Model, op: Operator) -> str | None:
    w = model.tensor(op.inputs[FILTER])
    n = len(w.quant.scale) if w.quant is not None else 0
    if n > 1 and (n != w.shape[0] or w.quant.axis != 0):
        return (f"has {n} filter scales on axis {w.quant.axis}; per-channel TRANSPOSE_CONV weights must have one scale "
                f"per output channel on axis 0 ({w.shape[0]}), as TFLite Micro requires")
    return None


def _known_padding(model: Model, op: Operator) -> str | None:
    kind = opt(op, "padding", "SAME")
    if kind not in ("SAME", "VALID"):
        return f"has padding {kind!r}; only SAME and VALID are defined"
    return None


OP_RULES["TRANSPOSE_CONV"] = (
    _int8(("input", INPUT), ("filter", FILTER), ("output", 0)),
    Rule("constant output_shape", _const_output_shape),
    _const_input("filter", FILTER),
    _bias_int32(BIAS),
    Rule("4-D NHWC input and output, 4-D OHWI filter", _rank4),
    Rule("filter, bias, input and output shapes consistent", _shapes_match),
    Rule("output_shape equals the output tensor's shape", _output_shape_agrees),
    Rule("one filter scale, or one per output channel on axis 0", _filter_scales),
    Rule("SAME or VALID padding", _known_padding),
)
SUMMARY["TRANSPOSE_CONV"] = (
    "any kernel size and strides, SAME/VALID, bias or none, per-tensor or per-channel weights, fused "
    "NONE/RELU/RELU6/RELU_N1_TO_1; int32 scratch of 4 bytes per output element, planned in the arena"
)
