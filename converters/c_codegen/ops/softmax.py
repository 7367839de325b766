"""SOFTMAX -> ek_softmax_s8 (ARITHMETIC.md 3.8): TFLM's PreprocessSoftmaxScaling and input radius, offline.

Rows of 512 or more can reach a sum of exp values of 512, where TFLM's ``TFLITE_CHECK`` aborts; the kernel
reproduces that trap as ``EK_ERR_NUMERIC`` instead of refusing models (a 1000-class classifier is fine on
almost every input, as it is in TFLM).
"""

from __future__ import annotations

import math

from edgekit.converters.c_codegen.quant import opt, qparams, quantize_multiplier
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register

from edgekit.ir import Operator

SCALED_DIFF_INTEGER_BITS = 5


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


@register("SOFTMAX", runtime=("ek_softmax_s8.c", "ek_softmax_s8.h", "ek_fixedpoint.h"))
def emit(ctx: EmitContext, op: Operator) -> OpEmission:
    x, y = op.inputs[0], op.outputs[0]
    s_in, _ = qparams(ctx.model, x)
    beta = float(opt(op, "beta", 1.0))
    params = ctx.define("ek_softmax_params_t", "softmax", softmax_params(beta, s_in[0]))
    call = (
        f"ek_softmax_s8(&ek_ctx, &{params}, &{ctx.dims(x)}, {ctx.data(x, 'const int8_t')}, "
        f"&{ctx.dims(y)}, {ctx.data(y, 'int8_t')})"
    )
    return OpEmission(call=call, comment=f"beta {beta:g}, rows of {ctx.model.tensor(x).shape[-1]}")
