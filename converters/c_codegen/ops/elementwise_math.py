"""ABS and RSQRT -> ek_table_s8 (TFLM elementwise.cc, int8 paths); NEG is refused (TFLM has no int8 NEG).

Both ops are pure functions of the input code, so the generator evaluates TFLM's integer rules on all 256 codes
and emits a 256-byte table:

* ABS (``AbsEvalQuantized``): ``v = |q - zp_in|``; when the input and output float32 scales are equal (TFLM's
  ``needs_rescale`` is a float ``!=``) the output is ``clamp(v + zp_out)``, otherwise
  ``clamp(MBQM(v, M, e) + zp_out)`` with ``(M, e) = QuantizeMultiplier(f64(s_in) / f64(s_out))``.
* RSQRT (``RsqrtEvalQuantized``): ``v = q - zp_in``; ``v == 0`` gives 127 whatever the output zero point; else
  ``(m, s) = GetInvSqrtQuantizedMultiplierExp(v, kReverseShift)`` (the Newton-Raphson of ``l2norm.py``),
  ``d = MBQM(1, m, s + 20)`` and the output is ``clamp(MBQM(d, M, e - 20) + zp_out)`` with
  ``(M, e) = QuantizeMultiplier(1 / (sqrt(f64(s_in)) * f64(s_out)))``.
  TFLM fails the whole invoke when any input code is below the input zero point ("Rsqrt is only defined for
  positive values"). With input zero point -128 no code can be, and the plain table is emitted; otherwise
  ``ek_rsqrt_s8`` checks every input first and returns ``EK_ERR_NUMERIC`` (writing nothing) where TFLM fails.

NEG: TFLite Micro's neg.cc runs float32 only (the pinned wheel fails an int8 NEG at invoke: "Type INT8 (9) not
supported"), so there is no reference to be bit-exact with; the TF converter writes NEG in float between a
DEQUANTIZE and a QUANTIZE anyway, which the float-compute rule refuses.
"""

from __future__ import annotations

import math

from edgekit.converters.c_codegen import fixedpoint as fp
from edgekit.converters.c_codegen.ops.l2norm import inv_sqrt_multiplier_exp
from edgekit.converters.c_codegen.quant import quantize_multiplier
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register
from edgekit.converters.c_codegen.support import NO_KERNEL_REASONS, OP_RULES, SUMMARY, Rule, _int8
from edgekit.converters.c_codegen.table import RUNTIME as TABLE_RUNTIME
from edgekit.converters.c_codegen.table import emit_table, unary_io, unary_qparams

from edgekit.ir import Model, Operator

RSQRT_SHIFT = 20  # TFLM's kShift: keeps the intermediate 1/sqrt(v) an integer


def _multiplier(real: float, what: str) -> tuple[int, int]:
    """QuantizeMultiplier(real), refusing what TFLM would compute with undefined shifts (ek_mbqm's range)."""
    if not (real == real and 0.0 < real < 2.0**30):
        raise ValueError(f"its {what} {real:g} is not a finite value in (0, 2^30)")
    return quantize_multiplier(real)


def abs_params(s_in: float, zp_in: int, s_out: float, zp_out: int) -> dict[str, object]:
    """TFLM's PrepareAbsRsqrt for ABS: no multiplier when the float32 scales are equal."""
    rescale = float(s_in) != float(s_out)
    m, e = _multiplier(float(s_in) / float(s_out), "input/output scale ratio") if rescale else (0, 0)
    return {"input_zero_point": int(zp_in), "output_zero_point": int(zp_out), "needs_rescale": rescale,
            "quant": {"multiplier": m, "shift": e}}


def abs_table(p: dict[str, object]) -> list[int]:
    """AbsEvalQuantized<int8_t> for every code -128..127."""
    q = p["quant"]
    assert isinstance(q, dict)
    zi, zo = int(p["input_zero_point"]), int(p["output_zero_point"])  # type: ignore[call-overload]
    out = []
    for code in range(-128, 128):
        v = abs(code - zi)
        y = fp.mbqm(v, q["multiplier"], q["shift"]) + zo if p["needs_rescale"] else v + zo
        out.append(max(-128, min(127, y)))
    return out


def rsqrt_params(s_in: float, zp_in: int, s_out: float, zp_out: int) -> dict[str, object]:
    """TFLM's PrepareAbsRsqrt for RSQRT: QuantizeMultiplier(1 / (sqrt(s_in) * s_out)), all in double."""
    m, e = _multiplier(1.0 / (math.sqrt(float(s_in)) * float(s_out)), "output multiplier 1 / (sqrt(s_in) * s_out)")
    if e - RSQRT_SHIFT < -31:
        raise ValueError(f"its output multiplier needs a right shift of {RSQRT_SHIFT - e} (> 31)")
    return {"input_zero_point": int(zp_in), "output_zero_point": int(zp_out),
            "quant": {"multiplier": m, "shift": e}}


def rsqrt_table(p: dict[str, object]) -> list[int]:
    """RsqrtEvalQuantized<int8_t> for every code -128..127; codes below the input zero point (where TFLM fails
    the invoke) get 0, and ``ek_rsqrt_s8`` never reads them."""
    q = p["quant"]
    assert isinstance(q, dict)
    zi, zo = int(p["input_zero_point"]), int(p["output_zero_point"])  # type: ignore[call-overload]
    out = []
    for code in range(-128, 128):
        v = code - zi
        if v < 0:
            out.append(0)
        elif v == 0:
            out.append(127)
        else:
            inv, shift = inv_sqrt_multiplier_exp(v)
            d = fp.mbqm(1, inv, shift + RSQRT_SHIFT)
            out.append(max(-128, min(127, fp.mbqm(d, q["multiplier"], q["shift"] - RSQRT_SHIFT) + zo)))
    return out


@register("ABS", runtime=TABLE_RUNTIME)
def emit_abs(ctx: EmitContext, op: Operator) -> OpEmission:
    p = abs_params(*unary_qparams(ctx.model, op))
    how = "rescaled" if p["needs_rescale"] else "same scale"
    return emit_table(ctx, op, abs_table(p), comment=f"|x|, {how}, 256-entry table")


@register("RSQRT", runtime=("ek_rsqrt_s8.c", "ek_rsqrt_s8.h", *TABLE_RUNTIME))
def emit_rsqrt(ctx: EmitContext, op: Operator) -> OpEmission:
    p = rsqrt_params(*unary_qparams(ctx.model, op))
    zi = int(p["input_zero_point"])  # type: ignore[call-overload]
    if zi == -128:  # every code is >= the zero point: TFLM never fails, the plain table is exact
        return emit_table(ctx, op, rsqrt_table(p), comment="1/sqrt(x), 256-entry table")
    table = ctx.array("int8_t", "table", rsqrt_table(p))
    return OpEmission(call=f"ek_rsqrt_s8(&ek_ctx, {zi}, {table}, {unary_io(ctx, op)})",
                      comment=f"1/sqrt(x), 256-entry table; codes below {zi} fail as in TFLM")


def _scales(params_fn):  # noqa: ANN001, ANN202  (a rule factory over the two param functions above)
    def check(model: Model, op: Operator) -> str | None:
        scales = unary_qparams(model, op)  # outside the try: an unquantized tensor is not this rule's ValueError
        try:
            params_fn(*scales)
        except ValueError as e:
            return f"has input/output scales {scales[0]:g}/{scales[2]:g}: {e}"
        return None

    return check


OP_RULES["ABS"] = (
    _int8(("input", 0), ("output", 0)),
    Rule("input/output scale ratio below 2^30", _scales(abs_params)),
)
OP_RULES["RSQRT"] = (
    _int8(("input", 0), ("output", 0)),
    Rule("1 / (sqrt(s_in) * s_out) in [2^-12, 2^30)", _scales(rsqrt_params)),
)
SUMMARY["ABS"] = "TFLM's integer rule (requantized only when the scales differ), a 256-entry table"
SUMMARY["RSQRT"] = ("TFLM's fixed-point inverse square root, a 256-entry table; an input below the zero point "
                    "returns EK_ERR_NUMERIC where TFLM fails the invoke")
NO_KERNEL_REASONS["NEG"] = ("is an int8 NEG, which TFLite Micro itself does not run (its NEG is float32 only), so "
                            "there is no reference to be bit-exact with")
