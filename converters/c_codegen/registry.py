"""The per-op emitter registry: one module per op under ``ops/``, each registering itself by op name.

How to add an op (kernels B follows this):

1. Write the kernel ``firmware_templates/runtime/ek_<op>_s8.c/.h`` (argument order: context, op params struct,
   quant params, then (dims, data) pairs for inputs, filter, bias, output; only the output non-const; returns
   ``ek_status_t``; no malloc; rounding only through ``ek_common.h``).
2. Write ``converters/c_codegen/ops/<op>.py``::

       from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register

       @register("SOFTMAX", runtime=("ek_softmax_s8.c", "ek_softmax_s8.h"))
       def emit(ctx: EmitContext, op: Operator) -> OpEmission:
           x, y = op.inputs[0], op.outputs[0]
           params = ctx.define("ek_softmax_params_t", "softmax", {"multiplier": m, "shift": s, ...})
           call = (f"ek_softmax_s8(&ek_ctx, &{params}, "
                   f"&{ctx.dims(x)}, {ctx.data(x, 'const int8_t')}, &{ctx.dims(y)}, {ctx.data(y, 'int8_t')})")
           return OpEmission(call=call)

   ``ctx.define`` writes a ``static const`` struct at file scope and returns its name; ``ctx.array`` does the
   same for arrays (weights, per-channel multipliers); ``ctx.data(t, ctype)`` is a pointer expression for
   tensor ``t`` (a const array for constants, the arena slot for activations); ``ctx.dims(t)`` names an
   ``ek_dims_t`` constant (NHWC, leading dims 1). ``call`` is one C expression of type ``ek_status_t``; the
   invoke body checks it. Ops that run in place (RESHAPE) return ``OpEmission(call=None)``.
3. If the kernel needs scratch memory, pass ``scratch=fn`` to ``register`` where ``fn(model, op) -> bytes``
   equals the C ``ek_<op>_s8_buffer_size(...)``; the planner reserves it and ``ek_ctx`` points at it.
4. Add the op's support rules (what it accepts, each with its message) to ``support.py``'s ``OP_RULES``, and
   a one-line summary to ``SUMMARY``; ``docs/supported-ops.md`` is generated from there.
5. Nothing else: ``ops/__init__.py`` imports every module in the folder.

Quantization helpers every emitter should use (they follow TFLM exactly, see ARITHMETIC.md):
``quant.quantize_multiplier``, ``quant.activation_range``, ``quant.padding``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from edgekit.ir import Model, Operator


@dataclass(frozen=True)
class OpEmission:
    """What one op contributes to ``model.c``."""

    call: str | None  # one C expression of type ek_status_t; None for ops that need no code (in-place alias)
    comment: str = ""  # a short note put above the call (shapes, options)


ScratchFn = Callable[[Model, Operator], int]
EmitFn = Callable[["EmitContext", Operator], OpEmission]


@dataclass(frozen=True)
class Emitter:
    op: str
    emit: EmitFn
    runtime: tuple[str, ...]  # runtime files (in firmware_templates/runtime/) the call needs, .c and .h
    scratch: ScratchFn | None = None
    in_place: bool = False  # output shares the input's storage (RESHAPE, SQUEEZE, EXPAND_DIMS)


_REGISTRY: dict[str, Emitter] = {}


def register(
    op: str,
    *,
    runtime: Sequence[str] = (),
    scratch: ScratchFn | None = None,
    in_place: bool = False,
) -> Callable[[EmitFn], EmitFn]:
    """Decorator: ``@register("CONV_2D", runtime=("ek_conv2d_s8.c", "ek_conv2d_s8.h"))``."""

    def deco(fn: EmitFn) -> EmitFn:
        if op in _REGISTRY:
            raise RuntimeError(f"two emitters registered for {op}")
        _REGISTRY[op] = Emitter(op, fn, tuple(runtime), scratch, in_place)
        return fn

    return deco


def emitters() -> Mapping[str, Emitter]:
    """Every registered emitter (importing ``ops`` registers them all)."""
    from edgekit.converters.c_codegen import ops  # noqa: F401  (import for its side effect)

    return dict(_REGISTRY)


def emitter(op: str) -> Emitter | None:
    return emitters().get(op)


@dataclass
class EmitContext:
    """What an emitter may ask of the generator while it writes one op. Built by ``generator.py``."""

    model: Model
    tensor_expr: Callable[[int, str], str]  # (tensor, ctype) -> pointer expression
    dims_name: Callable[[int], str]  # tensor -> name of its ek_dims_t constant
    op_index: int = 0
    definitions: list[str] = field(default_factory=list)
    _names: set[str] = field(default_factory=set)

    def unique(self, stem: str) -> str:
        name = f"ek_op{self.op_index}_{stem}"
        i = 1
        while name in self._names:
            i += 1
            name = f"ek_op{self.op_index}_{stem}{i}"
        self._names.add(name)
        return name

    def data(self, tensor: int, ctype: str = "int8_t") -> str:
        """Pointer expression for tensor data, e.g. ``(const int8_t *)(ek_arena + 64)``."""
        return self.tensor_expr(tensor, ctype)

    def dims(self, tensor: int) -> str:
        return self.dims_name(tensor)

    def define(self, ctype: str, stem: str, fields: Mapping[str, Any]) -> str:
        """A ``static const <ctype> name = {.field = value, ...};`` at file scope; returns its name."""
        name = self.unique(stem)
        body = ", ".join(f".{k} = {_c_value(v)}" for k, v in fields.items())
        self.definitions.append(f"static const {ctype} {name} = {{{body}}};")
        return name

    def array(self, ctype: str, stem: str, values: Sequence[Any], per_line: int = 16) -> str:
        """A ``static const <ctype> name[n] = {...};`` at file scope; returns its name."""
        name = self.unique(stem)
        items = [_c_value(v) for v in values] or ["0"]
        lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
        body = ",\n    ".join(lines)
        self.definitions.append(f"static const {ctype} {name}[{len(items)}] = {{\n    {body}\n}};")
        return name


def _c_value(v: Any) -> str:
    """Python value -> C initializer text. Tuples/lists become braces; dicts designated initializers."""
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        # INT32_MIN has no literal form in C: write it as an expression.
        return "(-2147483647 - 1)" if v == -(2**31) else str(v)
    if isinstance(v, float):
        return repr(v) + "f"
    if isinstance(v, Mapping):
        return "{" + ", ".join(f".{k} = {_c_value(x)}" for k, x in v.items()) + "}"
    if isinstance(v, (tuple, list)):
        return "{" + ", ".join(_c_value(x) for x in v) + "}"
    if isinstance(v, str):
        return v  # already C text (an expression or a name)
    return str(int(v))  # numpy integers
