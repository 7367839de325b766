"""RESIZE_NEAREST_NEIGHBOR -> ek_resize_nearest_s8: NHWC, a byte copy, no requantization (TFLM
resize_nearest_neighbor.cc).

TFLM picks each output row / column's source with float32 arithmetic (``GetNearestNeighbor``). That rule is run
here, once, in numpy float32 (the same IEEE single operations, in the same order), and the kernel gets the two
index tables, so the device does no float work and cannot round differently.
"""

from __future__ import annotations

import math

import numpy as np
from edgekit.converters.c_codegen.quant import opt
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register
from edgekit.converters.c_codegen.support import OP_RULES, SUMMARY, Rule, _const_input, _int8

from edgekit.ir import Model, Operator


def _roundf(v: np.float32) -> int:
    """C ``roundf`` (TfLiteRound): halves away from zero; exact on a float32."""
    f = float(v)
    return int(math.floor(abs(f) + 0.5)) * (1 if f >= 0 else -1)


def source_indices(in_size: int, out_size: int, align_corners: bool, half_pixel_centers: bool) -> list[int]:
    """TFLM ``GetNearestNeighbor`` for every output index 0..out_size-1, in float32."""
    if align_corners and out_size > 1:
        scale = np.float32(in_size - 1) / np.float32(out_size - 1)
    else:
        scale = np.float32(in_size) / np.float32(out_size)
    offset = np.float32(0.5 if half_pixel_centers else 0.0)
    out = []
    for i in range(out_size):
        v = np.float32(np.float32(np.float32(i) + offset) * scale)
        # floor of a float32 is exact in double; (int32_t) cast of a value in range.
        src = _roundf(v) if align_corners else int(math.floor(float(v)))
        src = min(src, in_size - 1)
        if half_pixel_centers:
            src = max(0, src)
        out.append(src)
    return out


def _size(model: Model, op: Operator) -> list[int]:
    return [int(v) for v in model.tensor(op.inputs[1]).array().reshape(-1).tolist()]


@register("RESIZE_NEAREST_NEIGHBOR", runtime=("ek_resize_nearest_s8.c", "ek_resize_nearest_s8.h"))
def emit(ctx: EmitContext, op: Operator) -> OpEmission:
    x, y = op.inputs[0], op.outputs[0]
    _, in_h, in_w, _ = ctx.model.tensor(x).shape
    out_h, out_w = _size(ctx.model, op)
    ac, hp = bool(opt(op, "align_corners", False)), bool(opt(op, "half_pixel_centers", False))
    ys = ctx.array("int32_t", "source_y", source_indices(in_h, out_h, ac, hp))
    xs = ctx.array("int32_t", "source_x", source_indices(in_w, out_w, ac, hp))
    params = ctx.define("ek_resize_nearest_params_t", "resize", {"source_y": ys, "source_x": xs})
    call = (
        f"ek_resize_nearest_s8(&ek_ctx, &{params}, &{ctx.dims(x)}, {ctx.data(x, 'const int8_t')}, "
        f"&{ctx.dims(y)}, {ctx.data(y, 'int8_t')})"
    )
    return OpEmission(call=call, comment=f"{in_h}x{in_w} -> {out_h}x{out_w}, align_corners {ac}, "
                                         f"half_pixel_centers {hp}")


def _shapes(model: Model, op: Operator) -> str | None:
    x, y = model.tensor(op.inputs[0]), model.tensor(op.outputs[0])
    if len(x.shape) != 4 or len(y.shape) != 4:
        return f"has a rank-{len(x.shape)} input or rank-{len(y.shape)} output; TFLite Micro needs 4-D NHWC"
    s = model.tensor(op.inputs[1])
    if s.dtype != "int32" or s.shape != (2,):
        return f"has a {s.dtype} size tensor of shape {list(s.shape)}; TFLite Micro needs 2 int32 values"
    h, w = _size(model, op)
    if (y.shape[0], y.shape[1], y.shape[2], y.shape[3]) != (x.shape[0], h, w, x.shape[3]):
        return f"has output shape {list(y.shape)}, not [{x.shape[0]}, {h}, {w}, {x.shape[3]}] (the size tensor's)"
    return None


OP_RULES["RESIZE_NEAREST_NEIGHBOR"] = (
    _int8(("input", 0), ("output", 0)),
    _const_input("size", 1),
    Rule("4-D NHWC, a constant int32 size matching the output", _shapes),
)
SUMMARY["RESIZE_NEAREST_NEIGHBOR"] = ("any sizes (up and down), align_corners, half_pixel_centers; source indices "
                                      "computed offline with TFLM's float32 rule; a byte copy")
