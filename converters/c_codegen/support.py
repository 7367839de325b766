"""What the C generator supports, in one place: each rule with its message.

The same rules produce the unsupported-op error (``check_model``) and the supported-ops table in
``docs/supported-ops.md`` (``supported_ops_markdown``; a test keeps the file current).

A rule is a function ``(model, op) -> str | None``: ``None`` when the op passes, otherwise the end of a
sentence saying what is missing, e.g. ``"has int16 activations; edgekit kernels are int8 only"``. The error
reads ``"op 7 (CONV_2D) has int16 activations; ..."``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from edgekit.errors import UnsupportedError
from edgekit.ir import Model, Operator

RuleFn = Callable[[Model, Operator], "str | None"]


@dataclass(frozen=True)
class Rule:
    doc: str  # one line for the docs table: the condition an op must meet
    check: RuleFn


# ---------------------------------------------------------------------------------------------- helpers


def _dtype(model: Model, t: int) -> str | None:
    return model.tensor(t).dtype if t >= 0 else None


def _activations(model: Model, op: Operator) -> list[int]:
    return [t for t in (*op.inputs, *op.outputs) if t >= 0 and not model.tensor(t).is_constant]


LSTM_OPS = frozenset({"LSTM", "UNIDIRECTIONAL_SEQUENCE_LSTM", "BIDIRECTIONAL_SEQUENCE_LSTM"})
RNN_OPS = frozenset({"RNN", "UNIDIRECTIONAL_SEQUENCE_RNN", "BIDIRECTIONAL_SEQUENCE_RNN", "SVDF"})
# Ops whose job is to move between float and int8 at the model's edges; they may touch float32 tensors.
FLOAT_EDGE_OPS = frozenset({"QUANTIZE", "DEQUANTIZE"})


def _not_custom(model: Model, op: Operator) -> str | None:
    if op.op == "CUSTOM":
        return f"is a custom op ('{op.custom_code or '?'}'); edgekit generates C only for builtin ops"
    return None


def _not_lstm(model: Model, op: Operator) -> str | None:
    if op.op in LSTM_OPS:
        return "is an LSTM; recurrent ops (LSTM, RNN, SVDF) are not supported by edgekit's C generator"
    if op.op in RNN_OPS:
        return "is a recurrent op; recurrent ops (LSTM, RNN, SVDF) are not supported by edgekit's C generator"
    return None


def _no_int16(model: Model, op: Operator) -> str | None:
    for t in _activations(model, op):
        if _dtype(model, t) == "int16":
            return (
                f"has int16 activations (tensor {t} '{model.tensor(t).name}'); edgekit kernels are int8 only, "
                "convert with int8 activations instead of 16x8"
            )
    return None


def _int8_compute(model: Model, op: Operator) -> str | None:
    if op.op in FLOAT_EDGE_OPS:
        return None
    for t in _activations(model, op):
        dt = _dtype(model, t)
        if dt in ("float32", "float16", "float64"):
            return (
                f"computes in {dt} (tensor {t} '{model.tensor(t).name}'); int8 generation needs a "
                "full-integer model (convert with int8 quantization)"
            )
    return None


# op name -> why edgekit has no kernel for it, where there is more to say than the generic sentence (filled by
# op modules, e.g. "EXP": TFLite Micro itself has no int8 kernel, so there is nothing to be bit-exact with).
NO_KERNEL_REASONS: dict[str, str] = {}


def _registered(model: Model, op: Operator) -> str | None:
    from edgekit.converters.c_codegen.registry import emitters

    if op.op not in emitters():
        return NO_KERNEL_REASONS.get(op.op, "is an op edgekit has no int8 C kernel for (see docs/supported-ops.md)")
    return None


def _quantized_io(model: Model, op: Operator) -> str | None:
    if op.op in FLOAT_EDGE_OPS:
        return None
    for t in (*op.inputs, *op.outputs):  # constants too: int8 weights without scales cannot be requantized
        tensor = model.tensor(t) if t >= 0 else None
        if tensor is not None and tensor.dtype == "int8" and (tensor.quant is None or not tensor.quant.scale):
            return f"has int8 tensor {t} '{tensor.name}' without quantization parameters"
    return None


def _no_empty_tensors(model: Model, op: Operator) -> str | None:
    for t in (*op.inputs, *op.outputs):
        if t >= 0 and 0 in model.tensor(t).shape:
            tensor = model.tensor(t)
            return f"has tensor {t} '{tensor.name}' with a zero dimension {list(tensor.shape)}"
    return None


# Window options TFLite requires to be >= 1 (TFLite Micro refuses the op otherwise): 0 would divide by zero.
_POSITIVE_OPTIONS = ("stride_h", "stride_w", "dilation_h_factor", "dilation_w_factor", "filter_height",
                     "filter_width")


def _positive_windows(model: Model, op: Operator) -> str | None:
    for key in _POSITIVE_OPTIONS:
        value = op.options.get(key)
        if isinstance(value, int) and value < 1:
            return f"has {key} = {value}; it must be at least 1 (the file is corrupt)"
    return None


# Checked for every op, in this order; the first failing rule is reported.
GENERAL_RULES: tuple[Rule, ...] = (
    Rule("no custom ops", _not_custom),
    Rule("no LSTM / RNN / SVDF", _not_lstm),
    Rule("no int16 activations (16x8 models)", _no_int16),
    Rule("int8 activations (float32 only in QUANTIZE/DEQUANTIZE at the edges)", _int8_compute),
    Rule("the op has an edgekit kernel", _registered),
    Rule("int8 tensors carry scale and zero point", _quantized_io),
    Rule("no tensor with a zero dimension", _no_empty_tensors),
    Rule("strides, dilations and pool sizes at least 1", _positive_windows),
)


def _int8(*roles: tuple[str, int]) -> Rule:
    """Rule: the op's input/output at these positions are int8 (role names are for the message)."""
    names = ", ".join(r for r, _ in roles)

    def check(model: Model, op: Operator) -> str | None:
        for role, pos in roles:
            seq = op.outputs if role.startswith("output") else op.inputs
            if pos < len(seq) and seq[pos] >= 0 and _dtype(model, seq[pos]) != "int8":
                return f"has a {_dtype(model, seq[pos])} {role}; its kernel needs int8 {names}"
        return None

    return Rule(f"int8 {names}", check)


def _const_input(role: str, pos: int) -> Rule:
    def check(model: Model, op: Operator) -> str | None:
        if pos >= len(op.inputs) or op.inputs[pos] < 0 or not model.tensor(op.inputs[pos]).is_constant:
            return f"has a non-constant {role}; edgekit needs it constant (weights in flash)"
        return None

    return Rule(f"constant {role}", check)


def _bias_int32(pos: int) -> Rule:
    def check(model: Model, op: Operator) -> str | None:
        if pos < len(op.inputs) and op.inputs[pos] >= 0:
            t = model.tensor(op.inputs[pos])
            if t.dtype != "int32" or not t.is_constant:
                return f"has a {t.dtype} {'constant' if t.is_constant else 'variable'} bias; it must be constant int32"
        return None

    return Rule("bias absent or constant int32", check)


def _pool_same_quant(model: Model, op: Operator) -> str | None:
    # TFLM's Prepare ENSUREs this (ARITHMETIC.md 3.4); such a model does not load there either.
    si, zi = model.tensor(op.inputs[0]).quant.scale[0], model.tensor(op.inputs[0]).quant.zero_point[0]
    so, zo = model.tensor(op.outputs[0]).quant.scale[0], model.tensor(op.outputs[0]).quant.zero_point[0]
    if abs(si - so) > 1e-6 or zi != zo:
        return "has different input and output quantization; pooling requires them equal (as TFLite Micro does)"
    return None


def _max_rank(n: int) -> Rule:
    def check(model: Model, op: Operator) -> str | None:
        for t in (*op.inputs, *op.outputs):
            if t >= 0 and len(model.tensor(t).shape) > n:
                return f"has a rank-{len(model.tensor(t).shape)} tensor; at most rank {n} is supported"
        return None

    return Rule(f"rank <= {n}", check)


def _rank4(model: Model, op: Operator) -> str | None:
    for t in (op.inputs[0], op.outputs[0]):
        if len(model.tensor(t).shape) != 4:
            return f"has a rank-{len(model.tensor(t).shape)} input or output; it must be 4-D NHWC"
    return None


def _same_dtype_io(model: Model, op: Operator) -> str | None:
    if _dtype(model, op.inputs[0]) != _dtype(model, op.outputs[0]):
        return "changes the data type; a reshape must keep it"
    return None


def _fc_dense_weights(model: Model, op: Operator) -> str | None:
    fmt = op.options.get("weights_format", "DEFAULT") if op.options else "DEFAULT"
    if fmt not in ("DEFAULT", 0, None):
        return f"has {fmt} (shuffled) weights; edgekit's kernel reads the default [out, in] layout"
    return None


def _fc_filter_2d(model: Model, op: Operator) -> str | None:
    if len(model.tensor(op.inputs[1]).shape) != 2:
        return "has a filter that is not 2-D"
    return None


_CONV_COMMON = (
    _int8(("input", 0), ("filter", 1), ("output", 0)),
    _const_input("filter", 1),
    _bias_int32(2),
    Rule("4-D NHWC input and output", _rank4),
)

# op name -> its own rules, checked after GENERAL_RULES. Kernels B adds their ops here.
OP_RULES: dict[str, tuple[Rule, ...]] = {
    "CONV_2D": _CONV_COMMON,
    "DEPTHWISE_CONV_2D": _CONV_COMMON,
    "FULLY_CONNECTED": (
        _int8(("input", 0), ("filter", 1), ("output", 0)),
        _const_input("filter", 1),
        _bias_int32(2),
        Rule("2-D filter [out, in]", _fc_filter_2d),
        Rule("default (unshuffled) weights format", _fc_dense_weights),
    ),
    "AVERAGE_POOL_2D": (
        _int8(("input", 0), ("output", 0)),
        Rule("4-D NHWC input and output", _rank4),
        Rule("input and output quantization equal", _pool_same_quant),
    ),
    "MAX_POOL_2D": (
        _int8(("input", 0), ("output", 0)),
        Rule("4-D NHWC input and output", _rank4),
        Rule("input and output quantization equal", _pool_same_quant),
    ),
    "ADD": (_int8(("input1", 0), ("input2", 1), ("output", 0)), _max_rank(6)),
    "RESHAPE": (Rule("same data type in and out", _same_dtype_io),),
    "SQUEEZE": (Rule("same data type in and out", _same_dtype_io),),
    "EXPAND_DIMS": (Rule("same data type in and out", _same_dtype_io),),
}

# op name -> one line for the docs table: what the kernel does / which options it covers.
SUMMARY: dict[str, str] = {
    "CONV_2D": "any kernel size, strides, SAME/VALID, dilation, groups, per-tensor or per-channel weights, "
    "fused NONE/RELU/RELU6/RELU_N1_TO_1",
    "DEPTHWISE_CONV_2D": "depth multiplier, strides, dilation, SAME/VALID, per-channel; a missing bias becomes "
    "an explicit zero bias",
    "FULLY_CONNECTED": "per-tensor (filter zero point applied) and per-channel weights, keep_num_dims, batched "
    "and 3-D inputs",
    "AVERAGE_POOL_2D": "any window and stride, SAME/VALID, fused activation",
    "MAX_POOL_2D": "any window and stride, SAME/VALID, fused activation",
    "ADD": "NumPy broadcasting up to 6-D, fused activation",
    "RESHAPE": "in place (no copy, no code)",
    "SQUEEZE": "in place (no copy, no code)",
    "EXPAND_DIMS": "in place (no copy, no code)",
}


def first_problem(model: Model, op: Operator) -> str | None:
    from edgekit.converters.c_codegen.registry import emitters

    emitters()  # op modules add their own OP_RULES entries when imported: import them before the lookup
    for rule in (*GENERAL_RULES, *OP_RULES.get(op.op, ())):
        msg = rule.check(model, op)
        if msg:
            return f"{op.label} {msg}"
    return None


def check_model(model: Model) -> None:
    """Raise ``UnsupportedError`` (one sentence) for the first op the generator cannot handle."""
    if model.subgraph_count != 1:
        raise UnsupportedError(
            f"{model.name} has {model.subgraph_count} subgraphs; edgekit generates C for single-subgraph models only."
        )
    if not model.operators:
        raise UnsupportedError(f"Cannot generate C for {model.name}: it has no operators.")
    # Ops that can never be generated are named first, even in a float model (an LSTM is an LSTM).
    for op in model.operators:
        for rule in GENERAL_RULES[:2]:
            msg = rule.check(model, op)
            if msg:
                raise UnsupportedError(f"Cannot generate C for {model.name}: {op.label} {msg}.")
    float_only = all(model.tensor(t).dtype not in ("int8", "int16", "uint8") for t in model.activation_tensors())
    if float_only and model.operators:
        raise UnsupportedError(
            f"Cannot generate C for {model.name}: it is a float-only model (no int8 tensors) and int8 generation "
            "needs a full-integer model; convert it with int8 quantization first (edgekit convert)."
        )
    for op in model.operators:
        msg = first_problem(model, op)
        if msg:
            raise UnsupportedError(f"Cannot generate C for {model.name}: {msg}.")


def supported_ops_markdown() -> str:
    """The table in docs/supported-ops.md, generated from the registry and the rules above."""
    from edgekit.converters.c_codegen.registry import emitters

    lines = [
        "# Ops supported by `edgekit generate` / `edgekit verify`",
        "",
        "Generated from `converters/c_codegen/support.py` by `python -m edgekit.converters.c_codegen.support`;",
        "a test fails when this file is stale. Every kernel reproduces TFLite Micro's int8 arithmetic",
        "byte for byte (see ARITHMETIC.md).",
        "",
        "Every op must also meet: " + "; ".join(r.doc for r in GENERAL_RULES) + ".",
        "",
        "| op | kernel | covers | requires |",
        "|---|---|---|---|",
    ]
    for name, em in sorted(emitters().items()):
        kernel = ", ".join(f"`{f}`" for f in em.runtime if f.endswith(".c")) or "none (in place)"
        reqs = "; ".join(r.doc for r in OP_RULES.get(name, ())) or "-"
        lines.append(f"| {name} | {kernel} | {SUMMARY.get(name, '')} | {reqs} |")
    lines += [
        "",
        "Refused with a one-sentence error naming the op and its index (nothing is written): custom ops,",
        "LSTM/RNN/SVDF, int16 activations (16x8 models), float-only models, and any op not in this table.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    # Run as a script this file is ``__main__``; op modules register into the importable module, so ask it.
    from edgekit.converters.c_codegen import support as _support

    sys.stdout.write(_support.supported_ops_markdown())
