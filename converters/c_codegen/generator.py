"""IR + memory plan -> ``model.h`` / ``model.c`` (MODEL_API.md) + a copy of the runtime files they need.

One linear pass: check support -> scratch sizes -> plan -> emit each op -> write the folder atomically.
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from edgekit.converters.c_codegen import support
from edgekit.converters.c_codegen.quant import nhwc
from edgekit.converters.c_codegen.registry import EmitContext, emitters

from edgekit.analysis.plan import Buffer, MemoryPlan
from edgekit.errors import BadInputError
from edgekit.fileio import atomic_directory
from edgekit.ir import Model

ALIGNMENT = 16
CTYPES = {"int8": "int8_t", "float32": "float", "int32": "int32_t", "uint8": "uint8_t", "int16": "int16_t"}
DTYPE_ENUM = {"int8": "EK_DTYPE_INT8", "float32": "EK_DTYPE_FLOAT32", "int32": "EK_DTYPE_INT32"}
ALWAYS_COPIED = ("ek_common.h", "MODEL_API.md")


@dataclass(frozen=True)
class GeneratedC:
    out_dir: Path
    files: tuple[str, ...]
    arena_bytes: int
    plan: MemoryPlan
    op_outputs: tuple[int, ...]  # per op, the tensor whose bytes the debug table exposes


def scratch_requirements(model: Model, variant: str = "portable", cpu_dsp: bool = False) -> dict[int, int]:
    """op index -> scratch bytes its kernel needs (what the planner must reserve) for a kernel variant."""
    from edgekit.converters.c_codegen import dsp

    chosen = dsp.resolve_variant(variant, cpu_dsp)
    result: dict[int, int] = {}
    table = emitters()
    for op in model.operators:
        em = table.get(op.op)
        if em is not None:
            em = dsp.select(em, model, op, chosen)
        if em is not None and em.scratch is not None:
            n = int(em.scratch(model, op))
            if n > 0:
                result[op.index] = n
    return result


def plan_for(model: Model, scratch: Mapping[int, int], alignment: int = ALIGNMENT) -> MemoryPlan:
    """The ONE place the layout comes from: edgekit's planner (the figure `edgekit check` prints)."""
    try:
        from edgekit.analysis.planner import plan_memory
    except ImportError:  # planner not installed in this build: a no-reuse layout, still correct
        return _no_reuse_plan(model, scratch, alignment)
    return plan_memory(model, alignment=alignment, scratch=dict(scratch))


def _no_reuse_plan(model: Model, scratch: Mapping[int, int], alignment: int) -> MemoryPlan:
    buffers, offset = [], 0
    n_ops = len(model.operators)
    for t in model.activation_tensors():
        size = -(-model.tensor(t).nbytes // alignment) * alignment
        buffers.append(Buffer(f"t{t}", t, offset, size, 0, n_ops - 1))
        offset += size
    for op, n in sorted(scratch.items()):
        size = -(-n // alignment) * alignment
        buffers.append(Buffer(f"scratch:op{op}", -1, offset, size, op, op, op))
        offset += size
    return MemoryPlan(offset, alignment, tuple(buffers), "no-reuse")


def _c_ident(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name) or "model"


def _comment_safe(s: str) -> str:
    """Text that cannot end a C comment early."""
    return s.replace("*/", "* /").replace("/*", "/ *")


def _c_string(s: str) -> str:
    """A C string literal; anything but printable ASCII becomes an octal escape of its UTF-8 bytes."""
    out = []
    for b in s.encode("utf-8"):
        ch = chr(b)
        if ch in '"\\?':
            out.append("\\" + ch)
        elif 32 <= b < 127:
            out.append(ch)
        else:
            out.append(f"\\{b:03o}")
    return '"' + "".join(out) + '"'


def _array_body(arr: np.ndarray, per_line: int = 24) -> str:
    flat = arr.reshape(-1)
    if flat.dtype == np.int32:
        items = ["(-2147483647 - 1)" if v == -(2**31) else str(v) for v in flat.tolist()]
    elif flat.dtype == np.float32:
        items = [repr(float(v)) + "f" for v in flat.tolist()]
    else:
        items = [str(v) for v in flat.tolist()]
    if not items:
        items = ["0"]
    return ",\n    ".join(", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line))


class _Writer:
    """Collects the pieces of model.c while the ops are emitted."""

    def __init__(self, model: Model, plan: MemoryPlan) -> None:
        self.model = model
        self.plan = plan
        self.weights: dict[int, str] = {}
        self.weight_defs: list[str] = []
        self.dims: dict[int, str] = {}
        self.dims_defs: list[str] = []

    def tensor_expr(self, t: int, ctype: str) -> str:
        tensor = self.model.tensor(t)
        if tensor.is_constant:
            if not ctype.startswith("const"):
                raise BadInputError(f"tensor {t} '{tensor.name}' is constant but an op writes it")
            if t not in self.weights:
                name = f"ek_w{t}"
                arr = tensor.array()
                ct = CTYPES.get(tensor.dtype)
                if ct is None:
                    raise BadInputError(f"tensor {t} '{tensor.name}' has type {tensor.dtype}, which has no C form here")
                self.weight_defs.append(
                    f"/* tensor {t} '{_comment_safe(tensor.name)}' {list(tensor.shape)} */\n"
                    f"static const {ct} {name}[{max(arr.size, 1)}] EK_ALIGNED({ALIGNMENT}) = {{\n"
                    f"    {_array_body(arr)}\n}};"
                )
                self.weights[t] = name
            return self.weights[t]
        return f"(({ctype} *)(ek_arena + {self.plan.offset_of(t)}))"

    def dims_name(self, t: int) -> str:
        if t not in self.dims:
            n, h, w, c = nhwc(self.model.tensor(t).shape)
            name = f"ek_dims{t}"
            self.dims_defs.append(f"static const ek_dims_t {name} = {{{n}, {h}, {w}, {c}}};")
            self.dims[t] = name
        return self.dims[t]


def generate_c(
    model: Model,
    plan: MemoryPlan | None,
    out_dir: str | Path,
    *,
    force: bool = False,
    tflite_path: str | Path | None = None,
    variant: str = "portable",
    cpu_dsp: bool = False,
) -> GeneratedC:
    """Write model.h, model.c and the runtime files into ``out_dir``; nothing is written on error.

    ``plan`` None means: plan here with ``plan_for`` (the same figure as `edgekit check`). ``variant``:
    "portable" | "dsp" | "auto" (DSP kernels when ``cpu_dsp``), see ``dsp.py``; a given plan must have been made
    with the same variant's scratch.
    """
    from edgekit.converters.c_codegen import dsp

    chosen = dsp.resolve_variant(variant, cpu_dsp)
    support.check_model(model)
    if plan is None:
        plan = plan_for(model, scratch_requirements(model, chosen))
    table = emitters()
    w = _Writer(model, plan)
    ctx = EmitContext(model=model, tensor_expr=w.tensor_expr, dims_name=w.dims_name)
    runtime: list[str] = list(ALWAYS_COPIED)
    calls: list[str] = []
    op_outputs: list[int] = []
    had_scratch = False
    headers: list[str] = []
    for op in model.operators:
        em = dsp.select(table[op.op], model, op, chosen)
        headers += [f for f in em.runtime if f.endswith(".h") and f not in headers]
        ctx.op_index = op.index
        emission = em.emit(ctx, op)
        runtime += [f for f in em.runtime if f not in runtime]
        out = op.outputs[0]
        op_outputs.append(out)
        scratch = plan.scratch_of(op.index)
        # Kernels only see scratch the plan gave their own op; the context is reset after a scratch user.
        if scratch:
            pre = f"    ek_ctx.buf = ek_arena + {scratch.offset}; ek_ctx.size = {scratch.size};\n"
        elif had_scratch:
            pre = "    ek_ctx.buf = NULL; ek_ctx.size = 0;\n"
        else:
            pre = ""
        had_scratch = scratch is not None
        call = emission.call
        if call is None:
            call = _view_copy(model, plan, w, op.inputs[0], out)
        note = f"    /* op {op.index} {op.op}: {_comment_safe(emission.comment)} */\n" if emission.comment else ""
        calls.append(f"{note}{pre}    EK_RUN({op.index}, {call});")

    name = _c_ident(model.name)
    header = _model_h(model, plan, name)
    source = _model_c(model, plan, w, ctx, calls, op_outputs, headers)
    files = {"model.h": header, "model.c": source}
    base = importlib.resources.files("edgekit.firmware_templates") / "runtime"
    for f in runtime:
        files[f] = (base / f).read_text(encoding="utf-8")
    out = Path(out_dir)
    with atomic_directory(out, force=force) as tmp:
        for fname, text in files.items():
            (tmp / fname).write_text(text, encoding="utf-8")
    return GeneratedC(out, tuple(sorted(files)), plan.arena_bytes, plan, tuple(op_outputs))


def _view_copy(model: Model, plan: MemoryPlan, w: _Writer, src: int, dst: int) -> str:
    """RESHAPE & co.: nothing when the plan aliases them (the normal case); a byte copy otherwise."""
    src_t = model.tensor(src)
    if not src_t.is_constant and plan.offset_of(src) == plan.offset_of(dst):
        return "EK_OK"
    return f"ek_copy_bytes({w.tensor_expr(dst, 'uint8_t')}, {w.tensor_expr(src, 'const uint8_t')}, {src_t.nbytes})"


def _info(model: Model, t: int) -> str:
    tensor = model.tensor(t)
    dims = list(tensor.shape) + [0] * (6 - len(tensor.shape))
    scale = float(tensor.quant.scale[0]) if tensor.quant and tensor.quant.scale else 0.0
    zp = int(tensor.quant.zero_point[0]) if tensor.quant and tensor.quant.zero_point else 0
    return (
        f"    {{{_c_string(tensor.name)}, {DTYPE_ENUM.get(tensor.dtype, 'EK_DTYPE_INT8')}, {len(tensor.shape)}, "
        f"{{{', '.join(str(d) for d in dims[:6])}}}, {tensor.nbytes}, {repr(scale)}f, {zp}}}"
    )


def _model_h(model: Model, plan: MemoryPlan, name: str) -> str:
    guard = "EK_MODEL_H"
    return f"""/* Generated by edgekit from {model.name}.tflite: do not edit. API: MODEL_API.md. */
#ifndef {guard}
#define {guard}

#include "ek_common.h"

#ifdef __cplusplus
extern "C" {{
#endif

#define EK_MODEL_NAME          {_c_string(model.name)}
#define EK_MODEL_HASH          {_c_string(model.sha256[:16])}
#define EK_MODEL_ARENA_BYTES   {plan.arena_bytes}
#define EK_MODEL_ALIGNMENT     {plan.alignment}
#define EK_MODEL_NUM_INPUTS    {len(model.inputs)}
#define EK_MODEL_NUM_OUTPUTS   {len(model.outputs)}
#define EK_MODEL_NUM_OPS       {len(model.operators)}

typedef enum {{ EK_DTYPE_INT8 = 0, EK_DTYPE_FLOAT32 = 1, EK_DTYPE_INT32 = 2 }} ek_dtype_t;

typedef struct {{
    const char *name;      /* tensor name in the .tflite */
    ek_dtype_t dtype;
    int32_t rank;
    int32_t dims[6];
    int32_t bytes;         /* element count * element size */
    float scale;           /* 0 when not quantized */
    int32_t zero_point;
}} ek_tensor_info_t;

extern const ek_tensor_info_t ek_model_inputs[EK_MODEL_NUM_INPUTS];
extern const ek_tensor_info_t ek_model_outputs[EK_MODEL_NUM_OUTPUTS];

ek_status_t ek_model_init(void);
ek_status_t ek_model_invoke(void);
void *ek_model_input(int32_t index);
const void *ek_model_output(int32_t index);

typedef void (*ek_op_hook_t)(int32_t op_index, const char *op_name, int32_t phase, void *user);
void ek_model_set_op_hook(ek_op_hook_t hook, void *user);
extern const char *const ek_model_op_names[EK_MODEL_NUM_OPS];

/* Debug extension: where each op's output lives and its size (valid in the op hook's phase 1). */
typedef struct {{
    int32_t tensor;   /* tensor index in the .tflite */
    const void *data; /* its bytes in the arena */
    int32_t bytes;
}} ek_op_output_t;
extern const ek_op_output_t ek_model_op_outputs[EK_MODEL_NUM_OPS];

#ifdef __cplusplus
}}
#endif

#endif /* {guard} */
"""


def _model_c(
    model: Model, plan: MemoryPlan, w: _Writer, ctx: EmitContext, calls: list[str], op_outputs: list[int],
    headers: list[str],
) -> str:
    # the headers of the kernels actually emitted (a kernel variant brings its own)
    includes = sorted({f'#include "{f}"' for f in headers})
    arena = max(plan.arena_bytes, 1)
    ins = ",\n".join(_info(model, t) for t in model.inputs)
    outs = ",\n".join(_info(model, t) for t in model.outputs)
    in_ptrs = ", ".join(f"ek_arena + {plan.offset_of(t)}" for t in model.inputs)
    out_ptrs = ", ".join(f"ek_arena + {plan.offset_of(t)}" for t in model.outputs)
    names = ", ".join(_c_string(op.op) for op in model.operators)
    dbg = ",\n".join(
        f"    {{{t}, ek_arena + {plan.offset_of(t)}, {model.tensor(t).nbytes}}}" for t in op_outputs
    )
    parts = [
        f"/* Generated by edgekit from {model.name}.tflite (sha256 {model.sha256[:16]}): do not edit. */",
        '#include "model.h"',
        *includes,
        "",
        "/* One static arena laid out by edgekit's memory planner"
        f" ({plan.strategy}); no allocation at run time. */",
        f"static uint8_t ek_arena[{arena}] EK_ALIGNED({plan.alignment});",
        "static ek_context_t ek_ctx;",
        "static ek_op_hook_t ek_hook;",
        "static void *ek_hook_user;",
        "",
        "/* Weights and biases (flash). */",
        *w.weight_defs,
        "",
        "/* Shapes. */",
        *w.dims_defs,
        "",
        "/* Per-op parameters, computed at generation time exactly as TFLite Micro's Prepare does. */",
        *ctx.definitions,
        "",
        f"const ek_tensor_info_t ek_model_inputs[EK_MODEL_NUM_INPUTS] = {{\n{ins}\n}};",
        f"const ek_tensor_info_t ek_model_outputs[EK_MODEL_NUM_OUTPUTS] = {{\n{outs}\n}};",
        f"const char *const ek_model_op_names[EK_MODEL_NUM_OPS] = {{{names}}};",
        f"const ek_op_output_t ek_model_op_outputs[EK_MODEL_NUM_OPS] = {{\n{dbg}\n}};",
        f"static uint8_t *const ek_inputs[EK_MODEL_NUM_INPUTS] = {{{in_ptrs}}};",
        f"static uint8_t *const ek_outputs[EK_MODEL_NUM_OUTPUTS] = {{{out_ptrs}}};",
        "",
        "ek_status_t ek_model_init(void)",
        "{",
        "    ek_ctx.buf = NULL; /* idempotent; nothing to allocate */",
        "    ek_ctx.size = 0;",
        "    return EK_OK;",
        "}",
        "",
        "void *ek_model_input(int32_t index)",
        "{",
        "    return (index >= 0 && index < EK_MODEL_NUM_INPUTS) ? (void *)ek_inputs[index] : NULL;",
        "}",
        "",
        "const void *ek_model_output(int32_t index)",
        "{",
        "    return (index >= 0 && index < EK_MODEL_NUM_OUTPUTS) ? (const void *)ek_outputs[index] : NULL;",
        "}",
        "",
        "void ek_model_set_op_hook(ek_op_hook_t hook, void *user)",
        "{",
        "    ek_hook = hook;",
        "    ek_hook_user = user;",
        "}",
        "",
        "#define EK_RUN(i, call)                                                   \\",
        "    do {                                                                  \\",
        "        ek_status_t status_;                                              \\",
        "        if (ek_hook != NULL) ek_hook((i), ek_model_op_names[(i)], 0, ek_hook_user); \\",
        "        status_ = (call);                                                 \\",
        "        if (ek_hook != NULL) ek_hook((i), ek_model_op_names[(i)], 1, ek_hook_user); \\",
        "        if (status_ != EK_OK) return status_;                             \\",
        "    } while (0)",
        "",
        "ek_status_t ek_model_invoke(void)",
        "{",
        *calls,
        "    return EK_OK;",
        "}",
        "",
    ]
    return "\n".join(parts)
