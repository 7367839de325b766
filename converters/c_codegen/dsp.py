"""Kernel variants: the Cortex-M DSP-extension emitters (``ek_*_s8_dsp.c``) and the per-op selection.

``variant`` is a generator option: ``"portable"`` (the reference kernels, everywhere), ``"dsp"`` (the SMLAD
kernels wherever an op's configuration has one, the portable kernel elsewhere) or ``"auto"`` (``"dsp"`` when
the target's ``[cpu]`` says ``dsp = true``: M4, M7, M33 with DSP; ``"portable"`` for M0/M3 and the host).

The DSP kernels take the portable kernels' arguments; what differs is computed here, offline:

* filters are padded or reordered into the layout the kernel reads with word loads (see each ``_dsp.h``);
* the input zero point is folded into the bias: TFLM's accumulator ``sum w*(x - zp_in) + bias`` equals
  ``sum w*x + (bias - zp_in * sum w)`` modulo 2^32, and the kernels read taps outside the image as ``zp_in``, so
  the int32 accumulator before requantization is identical, bit for bit (ARITHMETIC.md 3.1 - 3.3).

Each ``scratch`` function here equals the C ``ek_<op>_s8_dsp_buffer_size`` (tests/codegen/test_dsp_kernels.py,
tests/codegen/test_dsp_pool_add_dw.py).

An op type may have more than one DSP kernel: ``DSP_VARIANTS`` holds the first (CONV_2D with one group,
DEPTHWISE_CONV_2D with multiplier 1, FULLY_CONNECTED, same-shape ADD, AVERAGE_POOL_2D, MAX_POOL_2D), ``DSP_MORE``
the others (grouped CONV_2D, DEPTHWISE with multiplier >= 2, broadcast ADD); the generator takes the first whose ``supported`` accepts the op, and the
portable kernel when none does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

import numpy as np
from edgekit.converters.c_codegen.ops.conv2d import conv_geometry, conv_quant
from edgekit.converters.c_codegen.ops.fully_connected import fc_define, fc_quant
from edgekit.converters.c_codegen.quant import opt
from edgekit.converters.c_codegen.registry import EmitContext, Emitter, OpEmission

from edgekit.errors import BadInputError
from edgekit.ir import Model, Operator

VARIANTS = ("portable", "dsp", "auto")
DW_MAX_TAPS = 64  # EK_DW_DSP_MAX_TAPS in ek_depthwise_conv2d_s8_dsp.h
COMMON = ("ek_dsp_common.h", "ek_acle_host.h")


def resolve_variant(variant: str, cpu_dsp: bool = False) -> str:
    """``"auto"`` -> ``"dsp"`` when the core has the DSP extension, else ``"portable"``; others unchanged."""
    if variant not in VARIANTS:
        raise BadInputError(f"kernel variant must be one of {', '.join(VARIANTS)}, not {variant!r}.")
    if variant == "auto":
        return "dsp" if cpu_dsp else "portable"
    return variant


def target_has_dsp(target: object) -> bool:
    """The ``[cpu] dsp`` flag of a loaded target (a mapping or an object with ``cpu``); False when absent."""
    cpu = target.get("cpu") if isinstance(target, Mapping) else getattr(target, "cpu", None)
    if cpu is None:
        return bool(getattr(target, "dsp", False))
    value = cpu.get("dsp") if isinstance(cpu, Mapping) else getattr(cpu, "dsp", False)
    return bool(value)


def round4(n: int) -> int:
    return (n + 3) & ~3


def _wrap32(a: np.ndarray) -> np.ndarray:
    return ((a.astype(np.int64) + 2**31) % 2**32 - 2**31).astype(np.int32)


def _const(model: Model, t: int) -> bool:
    return t >= 0 and model.tensor(t).is_constant


def _bias(model: Model, op: Operator, channels: int) -> np.ndarray:
    if len(op.inputs) > 2 and op.inputs[2] >= 0:
        return model.tensor(op.inputs[2]).array().astype(np.int64).reshape(channels)
    return np.zeros(channels, dtype=np.int64)


def _aligned_array(ctx: EmitContext, ctype: str, stem: str, values: np.ndarray) -> str:
    """Like ``ctx.array`` but word-aligned, so the kernels' word loads of weights are aligned."""
    name = ctx.unique(stem)
    flat = [str(int(v)) if int(v) != -(2**31) else "(-2147483647 - 1)" for v in values.reshape(-1).tolist()] or ["0"]
    lines = ",\n    ".join(", ".join(flat[i : i + 24]) for i in range(0, len(flat), 24))
    ctx.definitions.append(f"static const {ctype} {name}[{len(flat)}] EK_ALIGNED(16) = {{\n    {lines}\n}};")
    return name


def _renamed(ctx: EmitContext, op: Operator, portable: str, note: str, kernel: str | None = None) -> OpEmission:
    """The portable emitter's call with the DSP kernel's name (default ``<portable>_dsp``): the same parameters,
    the same arguments."""
    from edgekit.converters.c_codegen.registry import emitters

    emission = emitters()[op.op].emit(ctx, op)
    assert emission.call is not None and emission.call.startswith(portable + "(")
    name = kernel or f"{portable}_dsp"
    return OpEmission(call=f"{name}(" + emission.call[len(portable) + 1:], comment=f"{emission.comment}, {note}")


# ---------------------------------------------------------------------------------------------------- CONV_2D


def _weighted_call(ctx: EmitContext, kernel: str, params: str, quant: str, in_dims: str, x: int, w_dims: str,
                   filt: np.ndarray, bias: np.ndarray, out_dims: str, y: int) -> str:
    """The call of a DSP kernel with prepared weights, in the one argument order every weighted kernel takes."""
    wname = _aligned_array(ctx, "int8_t", "dsp_filter", filt)
    bname = _aligned_array(ctx, "int32_t", "dsp_bias", bias)
    return (
        f"{kernel}(&ek_ctx, &{params}, {quant}, &{in_dims}, {ctx.data(x, 'const int8_t')}, "
        f"&{w_dims}, {wname}, NULL, {bname}, &{out_dims}, {ctx.data(y, 'int8_t')})"
    )


def interleave_rows(weights: np.ndarray, rows: int) -> np.ndarray:
    """[O, K] -> rows padded to K4, blocks of ``rows`` rows interleaved by 4-byte groups; the O % rows last
    rows stay whole at the end. Row o's data then starts at byte o * K4 in either case."""
    units, k = weights.shape
    k4 = round4(k)
    padded = np.zeros((units, k4), dtype=np.int8)
    padded[:, :k] = weights
    full = units - units % rows
    head = padded[:full].reshape(full // rows, rows, k4 // 4, 4).transpose(0, 2, 1, 3).reshape(-1)
    return np.concatenate([head, padded[full:].reshape(-1)]).astype(np.int8)


def _conv_pads(model: Model, op: Operator) -> tuple[int, int]:
    w = model.tensor(op.inputs[1])
    geometry = conv_geometry(model, op, (w.shape[1], w.shape[2]))
    return geometry["pad_h"], geometry["pad_w"]


def conv_supported(model: Model, op: Operator) -> bool:
    x, w = model.tensor(op.inputs[0]), model.tensor(op.inputs[1])
    return _const(model, op.inputs[1]) and len(w.shape) == 4 and w.shape[3] == x.shape[-1]  # groups == 1


def conv_scratch(model: Model, op: Operator) -> int:
    """== ek_conv2d_s8_dsp_buffer_size(): two unpacked patches, 24 bytes of requantization constants
    (ek_dsp_rq_t) per output channel, and an int8 patch unless the input is read directly."""
    w = model.tensor(op.inputs[1])
    k4 = round4(w.shape[1] * w.shape[2] * w.shape[3])
    direct = w.shape[1] == 1 and w.shape[2] == 1 and _conv_pads(model, op) == (0, 0)
    return 4 * k4 + 24 * w.shape[0] + (0 if direct or w.shape[3] % 4 == 0 else k4)


def conv_emit(ctx: EmitContext, op: Operator) -> OpEmission:
    model = ctx.model
    x, w, y = op.inputs[0], op.inputs[1], op.outputs[0]
    wt = model.tensor(w)
    out_c = wt.shape[0]
    k = wt.shape[1] * wt.shape[2] * wt.shape[3]
    q = conv_quant(ctx, op, out_c)
    weights = wt.array().astype(np.int64).reshape(out_c, k)
    packed = interleave_rows(weights, 2)
    bias = _wrap32(_bias(model, op, out_c) + q.input_offset * weights.sum(axis=1))
    geometry = conv_geometry(model, op, (wt.shape[1], wt.shape[2]))
    params = ctx.define("ek_conv_params_t", "params", {**geometry, **q.fields()})
    call = _weighted_call(ctx, "ek_conv2d_s8_dsp", params, q.quant, ctx.dims(x), x, ctx.dims(w), packed, bias,
                          ctx.dims(y), y)
    return OpEmission(call=call, comment=f"{wt.shape[1]}x{wt.shape[2]} conv, {out_c} filters, DSP (SMLAD)")


def grouped_supported(model: Model, op: Operator) -> bool:
    x, w = model.tensor(op.inputs[0]), model.tensor(op.inputs[1])
    if not (_const(model, op.inputs[1]) and len(w.shape) == 4 and 0 < w.shape[3] < x.shape[-1]):
        return False
    groups = x.shape[-1] // w.shape[3]
    return x.shape[-1] % w.shape[3] == 0 and w.shape[0] % groups == 0


def grouped_scratch(model: Model, op: Operator) -> int:
    """== ek_conv2d_grouped_s8_dsp_buffer_size(): the int8 patch, its unpacked copy (int16) and 24 bytes of
    requantization constants (ek_dsp_rq_t) per output channel."""
    w = model.tensor(op.inputs[1]).shape
    return 3 * round4(w[1] * w[2] * w[3]) + 24 * w[0]


def grouped_emit(ctx: EmitContext, op: Operator) -> OpEmission:
    model = ctx.model
    x, w, y = op.inputs[0], op.inputs[1], op.outputs[0]
    wt = model.tensor(w)
    out_c = wt.shape[0]
    k = wt.shape[1] * wt.shape[2] * wt.shape[3]
    q = conv_quant(ctx, op, out_c)
    weights = wt.array().astype(np.int64).reshape(out_c, k)
    bias = _wrap32(_bias(model, op, out_c) + q.input_offset * weights.sum(axis=1))
    geometry = conv_geometry(model, op, (wt.shape[1], wt.shape[2]))
    params = ctx.define("ek_conv_params_t", "params", {**geometry, **q.fields()})
    call = _weighted_call(ctx, "ek_conv2d_grouped_s8_dsp", params, q.quant, ctx.dims(x), x, ctx.dims(w),
                          interleave_rows(weights, 1), bias, ctx.dims(y), y)
    groups = model.tensor(x).shape[-1] // wt.shape[3]
    return OpEmission(call=call, comment=f"{wt.shape[1]}x{wt.shape[2]} conv, {out_c} filters in {groups} groups, "
                                         "DSP (SMLAD)")


# ------------------------------------------------------------------------------------------ DEPTHWISE_CONV_2D


def dw_supported(model: Model, op: Operator) -> bool:
    x, w = model.tensor(op.inputs[0]), model.tensor(op.inputs[1])
    dm = int(opt(op, "depth_multiplier", 1) or 1)
    return (_const(model, op.inputs[1]) and len(w.shape) == 4 and dm == 1 and w.shape[3] == x.shape[-1]
            and w.shape[1] * w.shape[2] <= DW_MAX_TAPS)


def dw_scratch(model: Model, op: Operator) -> int:
    """== ek_depthwise_conv2d_s8_dsp_buffer_size(): one row of zero points + 24 bytes of requantization
    constants (ek_dsp_rq_t) per channel."""
    c = model.tensor(op.inputs[0]).shape[-1]
    return round4(c) + 24 * c


def dw_pack(weights: np.ndarray) -> np.ndarray:
    """[T, C] taps x channels -> the tap-pair / channel-quad layout of ek_depthwise_conv2d_s8_dsp.h."""
    taps, channels = weights.shape
    quads, rest = channels // 4, channels % 4
    pairs = taps // 2
    out: list[np.ndarray] = []
    for q in range(quads):
        block = weights[:, 4 * q : 4 * q + 4]
        # [pair, tap-in-pair, half, channel-in-half] -> [pair, half, tap-in-pair, channel-in-half]
        out.append(block[: 2 * pairs].reshape(pairs, 2, 2, 2).transpose(0, 2, 1, 3).reshape(-1))
        if taps % 2:
            out.append(block[taps - 1])
    if rest:
        out.append(weights[:, 4 * quads :].reshape(-1))
    return np.concatenate(out).astype(np.int8) if out else np.zeros(0, dtype=np.int8)


def dw_emit(ctx: EmitContext, op: Operator) -> OpEmission:
    model = ctx.model
    x, w, y = op.inputs[0], op.inputs[1], op.outputs[0]
    wt = model.tensor(w)
    out_c = wt.shape[3]
    taps = wt.shape[1] * wt.shape[2]
    q = conv_quant(ctx, op, out_c)
    weights = wt.array().reshape(taps, out_c)
    bias = _wrap32(_bias(model, op, out_c) + q.input_offset * weights.astype(np.int64).sum(axis=0))
    geometry = conv_geometry(model, op, (wt.shape[1], wt.shape[2]))
    params = ctx.define("ek_dw_conv_params_t", "params", {**geometry, "depth_multiplier": 1, **q.fields()})
    call = _weighted_call(ctx, "ek_depthwise_conv2d_s8_dsp", params, q.quant, ctx.dims(x), x, ctx.dims(w),
                          dw_pack(weights), bias, ctx.dims(y), y)
    return OpEmission(call=call, comment=f"{wt.shape[1]}x{wt.shape[2]} depthwise, DSP (SMLAD over tap pairs)")


def dw_mult_supported(model: Model, op: Operator) -> bool:
    x, w = model.tensor(op.inputs[0]), model.tensor(op.inputs[1])
    dm = int(opt(op, "depth_multiplier", 1) or 1)
    return (_const(model, op.inputs[1]) and len(w.shape) == 4 and dm >= 2 and w.shape[3] == x.shape[-1] * dm
            and w.shape[1] * w.shape[2] <= DW_MAX_TAPS)


def dw_mult_scratch(model: Model, op: Operator) -> int:
    """== ek_depthwise_conv2d_mult_s8_dsp_buffer_size(): a row of zero points, 24 bytes of requantization
    constants (ek_dsp_rq_t) per output channel and the per-pixel patch of int16 tap pairs."""
    c = model.tensor(op.inputs[0]).shape[-1]
    w = model.tensor(op.inputs[1]).shape
    return round4(c) + 24 * w[3] + 4 * c * ((w[1] * w[2] + 1) // 2)


def dw_mult_pack(weights: np.ndarray, dm: int) -> np.ndarray:
    """[T, C_in * dm] taps x output channels -> the layout of ek_depthwise_conv2d_mult_s8_dsp.h: per input
    channel, per pair of its output channels, per pair of taps, w(t0,o0) w(t0,o1) w(t1,o0) w(t1,o1)."""
    taps, out_c = weights.shape
    in_c, pairs, dm2 = out_c // dm, (taps + 1) // 2, dm + dm % 2
    padded = np.zeros((2 * pairs, in_c, dm2), dtype=np.int8)
    padded[:taps, :, :dm] = weights.reshape(taps, in_c, dm)
    # [pair, tap-in-pair, ic, mpair, m-in-pair] -> [ic, mpair, pair, tap-in-pair, m-in-pair]
    blocks = padded.reshape(pairs, 2, in_c, dm2 // 2, 2).transpose(2, 3, 0, 1, 4)
    return np.ascontiguousarray(blocks).reshape(-1)


def dw_mult_emit(ctx: EmitContext, op: Operator) -> OpEmission:
    model = ctx.model
    x, w, y = op.inputs[0], op.inputs[1], op.outputs[0]
    wt = model.tensor(w)
    out_c = wt.shape[3]
    dm = int(opt(op, "depth_multiplier", 1))
    taps = wt.shape[1] * wt.shape[2]
    q = conv_quant(ctx, op, out_c)
    weights = wt.array().reshape(taps, out_c)
    bias = _wrap32(_bias(model, op, out_c) + q.input_offset * weights.astype(np.int64).sum(axis=0))
    geometry = conv_geometry(model, op, (wt.shape[1], wt.shape[2]))
    params = ctx.define("ek_dw_conv_params_t", "params", {**geometry, "depth_multiplier": dm, **q.fields()})
    call = _weighted_call(ctx, "ek_depthwise_conv2d_mult_s8_dsp", params, q.quant, ctx.dims(x), x, ctx.dims(w),
                          dw_mult_pack(weights, dm), bias, ctx.dims(y), y)
    return OpEmission(call=call, comment=f"{wt.shape[1]}x{wt.shape[2]} depthwise, multiplier {dm}, DSP "
                                         "(SMLAD over tap pairs, two output channels per word)")


# -------------------------------------------------------------------------------------------- FULLY_CONNECTED


def fc_supported(model: Model, op: Operator) -> bool:
    return _const(model, op.inputs[1]) and len(model.tensor(op.inputs[1]).shape) == 2


def fc_scratch(model: Model, op: Operator) -> int:
    """== ek_fully_connected_s8_dsp_buffer_size(): one input row as int16."""
    return 2 * round4(model.tensor(op.inputs[1]).shape[1])


def fc_emit(ctx: EmitContext, op: Operator) -> OpEmission:
    model = ctx.model
    x, w, y = op.inputs[0], op.inputs[1], op.outputs[0]
    q = fc_quant(ctx, op)
    in_off, f_off = q.input_offset, q.filter_offset
    weights = model.tensor(w).array().astype(np.int64).reshape(q.units, q.depth)
    # sum_d (w + f)(x + i) + b = sum_d w*x + f * sum_d x + [b + i * sum_d w + depth * f * i]   (mod 2^32)
    bias = _wrap32(_bias(model, op, q.units) + in_off * weights.sum(axis=1) + q.depth * f_off * in_off)
    packed = interleave_rows(weights, 4)
    params, in_dims, w_dims, out_dims = fc_define(ctx, q)
    call = _weighted_call(ctx, "ek_fully_connected_s8_dsp", params, q.quant, in_dims, x, w_dims, packed, bias,
                          out_dims, y)
    return OpEmission(call=call, comment=f"{q.batches}x{q.depth} -> {q.units}, {q.kind}, DSP (SMLAD)")


# -------------------------------------------------------------------------------------------------------- ADD


def add_supported(model: Model, op: Operator) -> bool:
    a, b = model.tensor(op.inputs[0]), model.tensor(op.inputs[1])
    return tuple(a.shape) == tuple(b.shape)  # the broadcast walk stays on the portable kernel


def add_scratch(model: Model, op: Operator) -> int:
    """== ek_add_s8_dsp_buffer_size(): a 256-entry int32 table per input."""
    return 2 * 256 * 4


def add_emit(ctx: EmitContext, op: Operator) -> OpEmission:
    """The portable emitter's parameters unchanged; only the kernel's name differs."""
    from edgekit.converters.c_codegen.registry import emitters

    emission = emitters()["ADD"].emit(ctx, op)
    assert emission.call is not None and emission.call.startswith("ek_add_s8(")
    return OpEmission(call="ek_add_s8_dsp(" + emission.call[len("ek_add_s8("):],
                      comment=f"{emission.comment}, inputs tabulated per code")


def add_bcast_supported(model: Model, op: Operator) -> bool:
    a, b = model.tensor(op.inputs[0]), model.tensor(op.inputs[1])
    return tuple(a.shape) != tuple(b.shape)


def add_bcast_emit(ctx: EmitContext, op: Operator) -> OpEmission:
    """The portable emitter's parameters (shape and per-input strides) unchanged; only the kernel's name differs."""
    return _renamed(ctx, op, "ek_add_s8", "DSP (inputs tabulated per code, inner runs merged)", "ek_add_bcast_s8_dsp")


# ---------------------------------------------------------------------------------------- AVERAGE / MAX POOL

AVG_POOL_MAX_TAPS = 256  # EK_AVG_POOL_DSP_MAX_TAPS in ek_avg_pool2d_s8_dsp.h: 16-bit lane sums stay exact


def avg_pool_supported(model: Model, op: Operator) -> bool:
    return int(opt(op, "filter_height", 1)) * int(opt(op, "filter_width", 1)) <= AVG_POOL_MAX_TAPS


def avg_pool_emit(ctx: EmitContext, op: Operator) -> OpEmission:
    return _renamed(ctx, op, "ek_avg_pool2d_s8", "DSP (SXTAB16, 4 channels per word)")


def max_pool_emit(ctx: EmitContext, op: Operator) -> OpEmission:
    return _renamed(ctx, op, "ek_max_pool2d_s8", "DSP (SSUB8/SEL, 4 channels per word)")


# ------------------------------------------------------------------------------------------------- selection


@dataclass(frozen=True)
class DspVariant:
    emitter: Emitter
    supported: Callable[[Model, Operator], bool]


def _variant(op: str, stem: str, emit: Callable[[EmitContext, Operator], OpEmission],
             scratch: Callable[[Model, Operator], int] | None, supported: Callable[[Model, Operator], bool],
             extra: tuple[str, ...] = ()) -> DspVariant:
    runtime = (f"{stem}_dsp.c", f"{stem}_dsp.h", f"{stem}.h", *extra, *COMMON)
    return DspVariant(Emitter(op, emit, runtime, scratch), supported)


def _always(model: Model, op: Operator) -> bool:
    return True


DSP_VARIANTS: dict[str, DspVariant] = {
    "CONV_2D": _variant("CONV_2D", "ek_conv2d_s8", conv_emit, conv_scratch, conv_supported),
    "DEPTHWISE_CONV_2D": _variant("DEPTHWISE_CONV_2D", "ek_depthwise_conv2d_s8", dw_emit, dw_scratch, dw_supported),
    "FULLY_CONNECTED": _variant("FULLY_CONNECTED", "ek_fully_connected_s8", fc_emit, fc_scratch, fc_supported),
    "ADD": _variant("ADD", "ek_add_s8", add_emit, add_scratch, add_supported),
    "AVERAGE_POOL_2D": _variant("AVERAGE_POOL_2D", "ek_avg_pool2d_s8", avg_pool_emit, None, avg_pool_supported,
                                ("ek_pool_params.h",)),
    "MAX_POOL_2D": _variant("MAX_POOL_2D", "ek_max_pool2d_s8", max_pool_emit, None, _always, ("ek_pool_params.h",)),
}


# Further DSP kernels of an op, for configurations its first one does not take (tried in order after it).
DSP_MORE: dict[str, tuple[DspVariant, ...]] = {
    "CONV_2D": (DspVariant(Emitter(
        "CONV_2D", grouped_emit, ("ek_conv2d_grouped_s8_dsp.c", "ek_conv2d_grouped_s8_dsp.h", "ek_conv2d_s8.h",
                                  *COMMON), grouped_scratch), grouped_supported),),
    "DEPTHWISE_CONV_2D": (DspVariant(Emitter(
        "DEPTHWISE_CONV_2D", dw_mult_emit,
        ("ek_depthwise_conv2d_mult_s8_dsp.c", "ek_depthwise_conv2d_mult_s8_dsp.h", "ek_depthwise_conv2d_s8.h",
         *COMMON), dw_mult_scratch), dw_mult_supported),),
    "ADD": (DspVariant(Emitter(
        "ADD", add_bcast_emit,
        ("ek_add_bcast_s8_dsp.c", "ek_add_bcast_s8_dsp.h", "ek_add_s8.h", "ek_broadcast.h", *COMMON), add_scratch),
        add_bcast_supported),),
}


def candidates(op: str) -> tuple[DspVariant, ...]:
    """Every DSP kernel of an op type, in the order the generator tries them (none: the portable kernel only)."""
    first = DSP_VARIANTS.get(op)
    return ((first,) if first is not None else ()) + DSP_MORE.get(op, ())


def _pick(model: Model, op: Operator) -> DspVariant | None:
    return next((v for v in candidates(op.op) if v.supported(model, op)), None)


def select(portable: Emitter, model: Model, op: Operator, variant: str) -> Emitter:
    """The emitter for ``op`` under a resolved variant: the DSP one when there is one for this configuration."""
    if variant == "dsp":
        v = _pick(model, op)
        if v is not None:
            # the portable kernel's headers too: the DSP header includes its parameter types from there
            headers = tuple(f for f in portable.runtime if f.endswith(".h") and f not in v.emitter.runtime)
            return replace(v.emitter, runtime=v.emitter.runtime + headers) if headers else v.emitter
    return portable


def op_variants(model: Model, variant: str) -> list[str]:
    """Per op, "dsp" or "portable": what the generator will emit (for tables and tests)."""
    return ["dsp" if variant == "dsp" and _pick(model, op) is not None else "portable" for op in model.operators]
