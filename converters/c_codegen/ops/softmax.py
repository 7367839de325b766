"""SOFTMAX -> ek_softmax_s8 (ARITHMETIC.md 3.8): TFLM's PreprocessSoftmaxScaling and input radius, offline.

exp() depends only on max - x, one of 256 values, so for tensors of ``TABLE_MIN_ELEMENTS`` or more the generator
evaluates TFLM's fixed point on all of them (``fixedpoint.py``) and emits ``ek_softmax_table_s8`` with a 1 KB
int32 table (~10x fewer instructions); smaller softmaxes keep the fixed-point kernel, which needs no table.

Rows of 512 or more can reach a sum of exp values of 512, where TFLM's ``TFLITE_CHECK`` aborts; the kernel
reproduces that trap as ``EK_ERR_NUMERIC`` instead of refusing models (a 1000-class classifier is fine on
almost every input, as it is in TFLM).
"""

from __future__ import annotations

import math

import numpy as np
from edgekit.converters.c_codegen import fixedpoint as fp
from edgekit.converters.c_codegen.quant import opt, qparams, quantize_multiplier
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register
from edgekit.converters.c_codegen.support import OP_RULES, SUMMARY, Rule, _int8

from edgekit.ir import Model, Operator

SCALED_DIFF_INTEGER_BITS = 5
TABLE_MIN_ELEMENTS = 256  # below this the 1 KB table costs more flash than the instructions it saves are worth


def input_radius(integer_bits: int, left_shift: int, total_signed_bits: int = 31) -> int:
    """TFLM ``CalculateInputRadius`` (in double, floored)."""
    max_input_rescaled = (
        1.0 * ((1 << integer_bits) - 1) * float(1 << (total_signed_bits - integer_bits)) / float(1 << left_shift)
    )
    return int(math.floor(max_input_rescaled))


def softmax_params(beta: float, s_in: float) -> dict[str, int]:
    """``PreprocessSoftmaxScaling`` + ``QuantizeMultiplierGreaterThanOne`` + ``diff_min``, as TFLM's Prepare."""
    real = min(float(beta) * float(s_in) * float(1 << (31 - SCALED_DIFF_INTEGER_BITS)), float((1 << 31) - 1))
    if not real > 1.0:
        raise ValueError(f"beta * input scale = {float(beta) * float(s_in):g} is at most 2^-26")
    m, shift = quantize_multiplier(real)
    return {
        "input_multiplier": m,
        "input_left_shift": shift,
        "diff_min": -input_radius(SCALED_DIFF_INTEGER_BITS, shift),
    }


def exp_table(params: dict[str, int]) -> list[int]:
    """exp of the Q5.26 scaled difference -k for k = max - x in 0..255; 0 where TFLM skips (-k < diff_min)."""
    table = []
    for k in range(256):
        if -k < params["diff_min"]:
            table.append(0)
            continue
        z = fp.srdhm(fp.wrap32(-k << params["input_left_shift"]), params["input_multiplier"])
        table.append(fp.exp_on_negative_values(z, SCALED_DIFF_INTEGER_BITS))
    return table


@register("SOFTMAX", runtime=("ek_softmax_s8.c", "ek_softmax_s8.h", "ek_fixedpoint.h"))
def emit(ctx: EmitContext, op: Operator) -> OpEmission:
    x, y = op.inputs[0], op.outputs[0]
    s_in, _ = qparams(ctx.model, x)
    beta = float(opt(op, "beta", 1.0))
    p = softmax_params(beta, s_in[0])
    io = f"&{ctx.dims(x)}, {ctx.data(x, 'const int8_t')}, &{ctx.dims(y)}, {ctx.data(y, 'int8_t')}"
    rows = (ctx.model.tensor(x).shape or (1,))[-1]
    if ctx.model.tensor(x).num_elements >= TABLE_MIN_ELEMENTS:
        table = ctx.array("int32_t", "exp_table", exp_table(p), per_line=8)
        return OpEmission(call=f"ek_softmax_table_s8(&ek_ctx, {table}, {io})",
                          comment=f"beta {beta:g}, rows of {rows}, exp table")
    params = ctx.define("ek_softmax_params_t", "softmax", p)
    return OpEmission(call=f"ek_softmax_s8(&ek_ctx, &{params}, {io})", comment=f"beta {beta:g}, rows of {rows}")


def _output_grid(model: Model, op: Operator) -> str | None:
    # TFLM's Prepare ENSUREs both (ARITHMETIC.md 3.8); such a model does not load there either.
    s, zp = qparams(model, op.outputs[0])
    if int(zp[0]) != -128 or float(np.float32(s[0])) != float(np.float32(1.0 / 256.0)):
        return (f"has output scale {s[0]:g} and zero point {zp[0]}; TFLite Micro's int8 softmax needs exactly "
                "1/256 and -128")
    return None


def _beta_range(model: Model, op: Operator) -> str | None:
    s, _ = qparams(model, op.inputs[0])
    try:
        softmax_params(float(opt(op, "beta", 1.0)), s[0])
    except ValueError as e:
        return f"has {e}; TFLite Micro needs beta * input scale > 2^-26"
    return None


OP_RULES["SOFTMAX"] = (
    _int8(("input", 0), ("output", 0)),
    Rule("output scale exactly 1/256, zero point -128", _output_grid),
    Rule("beta * input scale > 2^-26", _beta_range),
)
SUMMARY["SOFTMAX"] = ("last axis, any beta, rows of any length; a row whose exp sum reaches 512 (TFLM aborts) "
                      "returns EK_ERR_NUMERIC")
