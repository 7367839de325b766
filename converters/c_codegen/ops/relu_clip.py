"""RELU_N1_TO_1 / RELU_0_TO_1 (standalone int8) -> a 256-byte table through ``ek_table_s8``, with RELU's table
helper (``relu.relu_table``).

TFLite Micro registers no kernel for either op (a model holding one does not load there), so the arithmetic
followed is LiteRT's ``activations.cc`` (``ReluPrepare`` + ``QuantizedReluX``), the only runtime that runs them;
its builtin, reference and default (XNNPACK) resolvers give the same bytes, and the tests compare against them:

* ``(M, e) = QuantizeMultiplier(f64(f32(s_in / s_out)))``: the ratio is divided in float32 (unlike TFLM's RELU,
  which divides in double; scales exist where the two give other bytes);
* ``act = [max(-128, zp_out + round(f32(lo / s_out))), min(127, zp_out + round(f32(hi / s_out)))]`` with
  ``(lo, hi) = (-1, 1)`` or ``(0, 1)``;
* ``out = clamp(zp_out + MBQM(q - zp_in, M, e), act)`` (rule A).
"""

from __future__ import annotations

import numpy as np
from edgekit.converters.c_codegen.ops.relu import relu_table
from edgekit.converters.c_codegen.quant import quantize_multiplier, round_away
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register
from edgekit.converters.c_codegen.support import OP_RULES, SUMMARY, _int8
from edgekit.converters.c_codegen.table import RUNTIME as TABLE_RUNTIME
from edgekit.converters.c_codegen.table import emit_table, unary_qparams

from edgekit.ir import Operator

BOUNDS = {"RELU_N1_TO_1": (-1.0, 1.0), "RELU_0_TO_1": (0.0, 1.0)}


def relu_clip_params(s_in: float, zp_in: int, s_out: float, zp_out: int, lo: float, hi: float) -> dict[str, object]:
    """The parameters ``relu.relu_table`` reads (the layout of ek_relu_params_t), as LiteRT computes them."""
    f32 = np.float32
    m, e = quantize_multiplier(float(f32(f32(s_in) / f32(s_out))))

    def code(bound: float) -> int:
        return int(zp_out) + round_away(float(f32(f32(bound) / f32(s_out))))

    return {
        "input_zero_point": int(zp_in),
        "output_zero_point": int(zp_out),
        "quant": {"multiplier": m, "shift": e},
        "act": {"min": max(-128, code(lo)), "max": min(127, code(hi))},
    }


def relu_clip_table(op_name: str, s_in: float, zp_in: int, s_out: float, zp_out: int) -> list[int]:
    """The op's output code for every input code -128..127."""
    return relu_table(relu_clip_params(s_in, zp_in, s_out, zp_out, *BOUNDS[op_name]))


def _emit(ctx: EmitContext, op: Operator) -> OpEmission:
    lo, hi = BOUNDS[op.op]
    return emit_table(ctx, op, relu_clip_table(op.op, *unary_qparams(ctx.model, op)),
                      comment=f"clamp to [{lo:g}, {hi:g}] with LiteRT's requantization, 256-entry table")


register("RELU_N1_TO_1", runtime=TABLE_RUNTIME)(_emit)
register("RELU_0_TO_1", runtime=TABLE_RUNTIME)(_emit)

for _op in BOUNDS:
    OP_RULES[_op] = (_int8(("input", 0), ("output", 0)),)
SUMMARY["RELU_N1_TO_1"] = ("standalone int8, requantizes then clamps to [-1, 1]; TFLite Micro has no kernel for it, "
                           "so the bytes are LiteRT's (float32 scale ratio)")
SUMMARY["RELU_0_TO_1"] = ("standalone int8, requantizes then clamps to [0, 1]; TFLite Micro has no kernel for it, "
                          "so the bytes are LiteRT's (float32 scale ratio)")
