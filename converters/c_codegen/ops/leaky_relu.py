"""LEAKY_RELU -> ek_table_s8 (default) or ek_leaky_relu_s8, as TFLM's leaky_relu.cc (QuantizeLeakyRelu).

For x = q - zp_in: x >= 0 gives zp_out + MBQM(x, identity), x < 0 gives zp_out + MBQM(x, alpha), clamped to int8.
Both multipliers come from QuantizeMultiplier of a ratio computed in double: f64(s_in) / f64(s_out) and
f64(s_in) * f64(alpha) / f64(s_out). (The TFLM source writes the ratios in float32, but the pinned wheel follows
the double ones; tests/codegen/test_ops_c_activations.py holds models whose bytes tell the two apart.) Alpha may
be above 1 or negative (the multiplier is then negative, which MBQM handles as TFLM does).

The op is a pure function of the input code, so by default the generator evaluates these rules on all 256 codes
and emits a 256-byte table; ``USE_TABLE = False`` emits the arithmetic kernel (same bytes; the tests run both).
"""

from __future__ import annotations

from edgekit.converters.c_codegen import fixedpoint as fp
from edgekit.converters.c_codegen.quant import quantize_multiplier
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register
from edgekit.converters.c_codegen.support import OP_RULES, SUMMARY, Rule, _int8
from edgekit.converters.c_codegen.table import RUNTIME as TABLE_RUNTIME
from edgekit.converters.c_codegen.table import emit_table, unary_io, unary_qparams

from edgekit.ir import Model, Operator

USE_TABLE = True  # False: the arithmetic kernel (same bytes, slower, no table in flash)


def leaky_relu_params(s_in: float, zp_in: int, s_out: float, zp_out: int, alpha: float) -> dict[str, object]:
    """The ek_leaky_relu_params_t fields: TFLM's Prepare, both ratios in double."""
    mi, ei = quantize_multiplier(float(s_in) / float(s_out))
    ma, ea = quantize_multiplier(float(s_in) * float(alpha) / float(s_out))
    return {
        "input_zero_point": int(zp_in),
        "output_zero_point": int(zp_out),
        "identity": {"multiplier": mi, "shift": ei},
        "alpha": {"multiplier": ma, "shift": ea},
    }


def leaky_relu_table(p: dict[str, object]) -> list[int]:
    """ek_leaky_relu_s8's output for every code -128..127 (mirrors the C loop)."""
    ident, alpha = p["identity"], p["alpha"]
    assert isinstance(ident, dict) and isinstance(alpha, dict)
    zi, zo = int(p["input_zero_point"]), int(p["output_zero_point"])  # type: ignore[call-overload]
    out = []
    for c in range(-128, 128):
        x = c - zi
        q = ident if x >= 0 else alpha
        out.append(max(-128, min(127, zo + fp.mbqm(x, q["multiplier"], q["shift"]))))
    return out


def _alpha(op: Operator) -> float:
    return float(op.options.get("alpha", 0.0)) if op.options else 0.0


@register("LEAKY_RELU", runtime=("ek_leaky_relu_s8.c", "ek_leaky_relu_s8.h", *TABLE_RUNTIME))
def emit(ctx: EmitContext, op: Operator) -> OpEmission:
    alpha = _alpha(op)
    p = leaky_relu_params(*unary_qparams(ctx.model, op), alpha)
    if USE_TABLE:
        return emit_table(ctx, op, leaky_relu_table(p), comment=f"alpha {alpha:g}, 256-entry table")
    params = ctx.define("ek_leaky_relu_params_t", "leaky", p)
    return OpEmission(call=f"ek_leaky_relu_s8(&ek_ctx, &{params}, {unary_io(ctx, op)})", comment=f"alpha {alpha:g}")


def _finite_multipliers(model: Model, op: Operator) -> str | None:
    alpha = _alpha(op)
    s_in, _, s_out, _ = unary_qparams(model, op)
    ratio = float(s_in) * abs(alpha) / float(s_out)
    if not (ratio == ratio and ratio < 2.0**31 and float(s_in) / float(s_out) < 2.0**31):  # NaN or overflow
        return (f"has alpha {alpha:g} with input/output scales {s_in:g}/{s_out:g}, whose multiplier is not a finite "
                "value below 2^31 (TFLite Micro's QuantizeMultiplier would fail)")
    return None


OP_RULES["LEAKY_RELU"] = (
    _int8(("input", 0), ("output", 0)),
    Rule("finite alpha and scale ratios below 2^31", _finite_multipliers),
)
SUMMARY["LEAKY_RELU"] = "any alpha (below 1, above 1, negative), requantizes to the output scale; a 256-entry table"
