"""L2_NORMALIZATION -> ek_l2norm_s8 (TFLM l2norm.cc, reference_integer_ops::L2Normalization).

Per row of the last axis: ``acc = sum (q - zp_in)^2`` (int32), ``(m, s) = GetInvSqrtQuantizedMultiplierExp(acc,
kReverseShift)`` (gemmlowp fixed-point Newton-Raphson, ported below), then each output is
``clamp(MBQM(q - zp_in, m, s + 7), -128, 127)``. The output is always on the 1/128 grid with zero point 0: TFLM
neither reads nor checks the output's scale and zero point (the converter writes 1/128 and 0). The row sum depends
on the whole row, so this is a kernel, not a table.
"""

from __future__ import annotations

from edgekit.converters.c_codegen import fixedpoint as fp
from edgekit.converters.c_codegen.quant import opt, qparams
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register
from edgekit.converters.c_codegen.support import OP_RULES, SUMMARY, Rule, _int8, _max_rank

from edgekit.ir import Model, Operator

OUTPUT_SHIFT = 7  # TFLM's kOutputScale: the output is in Q0.7
MAX_DEPTH = (2**31 - 1) // (255 * 255)  # the int32 sum of squares cannot overflow below this row length


def inv_sqrt_multiplier_exp(x: int) -> tuple[int, int]:
    """TFLM ``GetInvSqrtQuantizedMultiplierExp(x, kReverseShift)``: 1/sqrt(x) ~= m * 2^(s - 31), s <= 0.

    Mirrors ``ek_l2norm_inv_sqrt`` in ek_l2norm_s8.c line by line (F3 Newton-Raphson, 5 iterations)."""
    if x <= 1:  # 0 and 1 both give "1.0" (TFLM handles 0 as if it were 1)
        return fp.INT32_MAX, 0
    shift = 11
    while x >= 1 << 29:
        x //= 4
        shift += 1
    left_shift_bit_pairs = (32 - x.bit_length() - 1) // 2 - 1
    shift -= left_shift_bit_pairs
    x <<= 2 * left_shift_bit_pairs
    half_input = fp.rdbpot(x >> 1, 1)  # F3 input / 2 (SaturatingRoundingMultiplyByPOT<-1>)
    half_three = (1 << 28) + (1 << 27)  # 1.5 in F3
    v = 1 << 28  # 1.0 in F3
    for _ in range(5):
        v3 = fp.srmpot(fp.srdhm(fp.srdhm(v, v), v), 6)  # Rescale<3> of an F9 product
        v = fp.srmpot(fp.wrap32(fp.srdhm(half_three, v) - fp.srdhm(half_input, v3)), 3)  # Rescale<3> of an F6
    v = fp.srdhm(v, 1518500250)  # * sqrt(2) / 2 in F0
    if shift < 0:
        v = fp.wrap32(v << -shift)
        shift = 0
    return v, -shift


def l2norm_row(row: list[int], zp_in: int) -> list[int]:
    """reference_integer_ops::L2Normalization for one row of int8 codes (the C kernel's arithmetic)."""
    acc = fp.wrap32(sum((q - zp_in) * (q - zp_in) for q in row))
    m, s = inv_sqrt_multiplier_exp(acc)
    return [max(-128, min(127, fp.mbqm(q - zp_in, m, s + OUTPUT_SHIFT))) for q in row]


@register("L2_NORMALIZATION", runtime=("ek_l2norm_s8.c", "ek_l2norm_s8.h", "ek_fixedpoint.h"))
def emit(ctx: EmitContext, op: Operator) -> OpEmission:
    x, y = op.inputs[0], op.outputs[0]
    _, zp_in = qparams(ctx.model, x)
    params = ctx.define("ek_l2norm_params_t", "l2norm", {"input_zero_point": int(zp_in[0])})
    call = (f"ek_l2norm_s8(&ek_ctx, &{params}, &{ctx.dims(x)}, {ctx.data(x, 'const int8_t')}, &{ctx.dims(y)}, "
            f"{ctx.data(y, 'int8_t')})")
    depth = (ctx.model.tensor(x).shape or (1,))[-1]
    return OpEmission(call=call, comment=f"rows of {depth}, output on the 1/128 grid")


def _no_activation(model: Model, op: Operator) -> str | None:
    act = opt(op, "fused_activation_function", "NONE") or "NONE"
    if act not in ("NONE", 0):
        return f"has fused activation {act}; TFLite Micro's L2_NORMALIZATION accepts NONE only"
    return None


def _depth(model: Model, op: Operator) -> str | None:
    depth = (model.tensor(op.inputs[0]).shape or (1,))[-1]
    if depth > MAX_DEPTH:
        return f"has rows of {depth} values; above {MAX_DEPTH} TFLM's int32 sum of squares can overflow"
    return None


OP_RULES["L2_NORMALIZATION"] = (
    _int8(("input", 0), ("output", 0)),
    _max_rank(4),
    Rule("no fused activation", _no_activation),
    Rule(f"rows (last axis) of at most {MAX_DEPTH} values", _depth),
)
SUMMARY["L2_NORMALIZATION"] = ("last axis, TFLM's fixed-point inverse square root; output always on TFLM's 1/128 "
                               "grid (the output quantization is not read, as in TFLM)")
