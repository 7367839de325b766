"""``edgekit package MODEL.tflite --target <android target> -o DIR``: an Android library module around the model.

The module (Gradle Kotlin DSL) holds the model in ``src/main/assets/``, depends on LiteRT from Google Maven,
and has a generated Kotlin wrapper: one object per input and output tensor, named after the tensor, carrying
its shape, storage type, scale and zero point with quantize/dequantize helpers; ``run`` on real values,
``runRaw`` on stored values; the accelerator (XNNPACK, CPU, GPU, NNAPI) as an option; ``close()``.

The Kotlin is written for Kotlin 1.3 (what Debian's kotlinc compiles here): no trailing commas, no ``fun
interface``, no value classes. Nothing here imports TensorFlow or LiteRT.
"""

from __future__ import annotations

import json
import keyword
import os
import re
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from edgekit.android.settings import LITERT_MIN_SDK, AndroidSettings, android_settings
from edgekit.errors import BadInputError, UnsupportedError
from edgekit.fileio import atomic_directory
from edgekit.ir import Model, Tensor

AGP_VERSION = "8.5.2"
KOTLIN_PLUGIN_VERSION = "1.9.24"
COMPILE_SDK = 34

# Kotlin's hard keywords (and a few soft ones that would read badly as names).
KOTLIN_KEYWORDS = frozenset(
    "as break class continue do else false for fun if in interface is null object package return super this "
    "throw true try typealias typeof val var when while value field it".split()
)
JAVA_KEYWORDS = frozenset(
    "abstract assert boolean break byte case catch char class const continue default do double else enum "
    "extends final finally float for goto if implements import instanceof int interface long native new package "
    "private protected public return short static strictfp super switch synchronized this throw throws transient "
    "try void volatile while true false null".split()
)
PACKAGE_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")


@dataclass(frozen=True)
class KotlinType:
    raw: str  # Kotlin array type of the stored values
    read: str  # EdgekitQuant function that reads an output buffer
    quant: str | None  # suffix of EdgekitQuant.quantize*/dequantize* for quantized storage, else None
    qmin: int = 0
    qmax: int = 0


KOTLIN_TYPES: dict[str, KotlinType] = {
    "int8": KotlinType("ByteArray", "bytes", "Int8", -128, 127),
    "uint8": KotlinType("ByteArray", "bytes", "Uint8", 0, 255),
    "int16": KotlinType("ShortArray", "shorts", "Int16", -32768, 32767),
    "float32": KotlinType("FloatArray", "floats", None),
    "int32": KotlinType("IntArray", "ints", None),
}


@dataclass(frozen=True)
class TensorSpec:
    """One model input or output as the wrapper exposes it."""

    role: str  # "input" | "output"
    position: int  # index among the model's inputs (or outputs)
    tensor_index: int
    name: str  # the tensor's name in the model
    kotlin_name: str  # lowerCamelCase parameter / field name
    object_name: str  # UpperCamelCase nested object name
    dtype: str
    shape: tuple[int, ...]
    size: int  # elements
    nbytes: int
    scale: float | None
    zero_point: int | None

    @property
    def quantized(self) -> bool:
        return self.scale is not None

    @property
    def ktype(self) -> KotlinType:
        return KOTLIN_TYPES[self.dtype]

    @property
    def real_type(self) -> str:
        return "FloatArray" if self.quantized else self.ktype.raw


@dataclass(frozen=True)
class AndroidModule:
    path: Path
    package: str
    class_name: str
    module_name: str
    asset: str
    tensors: tuple[TensorSpec, ...]
    files: tuple[str, ...]


def _words(name: str) -> list[str]:
    name = re.sub(r":\d+$", "", name)  # the ":0" output suffix says nothing to a Kotlin reader
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [w for w in re.split(r"[^A-Za-z0-9]+", name) if w]


def kotlin_name(name: str, fallback: str, upper: bool = False) -> str:
    """A Kotlin identifier from a tensor name: ``serving_default_input_1:0`` -> ``servingDefaultInput1``."""
    words = _words(name) or _words(fallback)
    ident = "".join(w[:1].upper() + w[1:].lower() if (i or upper) else w.lower() for i, w in enumerate(words))
    if not ident or ident[0].isdigit():
        ident = ("T" if upper else "t") + ident
    if ident in KOTLIN_KEYWORDS or ident in JAVA_KEYWORDS or keyword.iskeyword(ident):
        ident += "Tensor"
    return ident


def class_name_for(model_name: str) -> str:
    name = kotlin_name(model_name, "model", upper=True)
    return name if name.endswith("Model") else name + "Model"


def _float_literal(x: float) -> str:
    """The float32 value as the shortest Kotlin literal that parses back to the same float32."""
    return np.format_float_scientific(np.float32(x), unique=True, trim="0") + "f"


def tensor_specs(model: Model) -> tuple[TensorSpec, ...]:
    specs: list[TensorSpec] = []
    taken: set[str] = set()
    for role, indices in (("input", model.inputs), ("output", model.outputs)):
        for pos, ti in enumerate(indices):
            t: Tensor = model.tensor(ti)
            if t.dtype not in KOTLIN_TYPES:
                raise UnsupportedError(
                    f"{role} {pos} '{t.name}' is {t.dtype}; the Android wrapper handles "
                    f"{', '.join(KOTLIN_TYPES)} inputs and outputs."
                )
            if any(d < 0 for d in t.shape):
                raise UnsupportedError(f"{role} {pos} '{t.name}' has a dynamic shape {list(t.shape)}; fix it first.")
            q = t.quant if t.dtype in ("int8", "uint8", "int16") else None
            if q is not None and q.per_channel:
                raise UnsupportedError(f"{role} {pos} '{t.name}' is quantized per channel; I/O must be per tensor.")
            if t.dtype in ("int8", "uint8", "int16") and q is None:
                raise UnsupportedError(f"{role} {pos} '{t.name}' is {t.dtype} without quantization parameters.")
            base = kotlin_name(t.name, f"{role}{pos}")
            name, n = base, 2
            while name in taken or name.endswith("Raw") and name[:-3] in taken:
                name, n = f"{base}{n}", n + 1
            taken.add(name)
            specs.append(
                TensorSpec(
                    role=role,
                    position=pos,
                    tensor_index=ti,
                    name=t.name,
                    kotlin_name=name,
                    object_name=name[:1].upper() + name[1:],
                    dtype=t.dtype,
                    shape=tuple(t.shape),
                    size=t.num_elements,
                    nbytes=t.nbytes,
                    scale=float(np.float32(q.scale[0])) if q else None,
                    zero_point=int(q.zero_point[0]) if q else None,
                )
            )
    if not any(s.role == "input" for s in specs) or not any(s.role == "output" for s in specs):
        raise UnsupportedError("the model has no inputs or no outputs; there is nothing to wrap.")
    return tuple(specs)


def _kstr(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$") + '"'


def _tensor_object(s: TensorSpec) -> str:
    role = "Input" if s.role == "input" else "Output"
    shape = ", ".join(str(d) for d in s.shape)
    lines = [
        "",
        f"    /** {role} {s.position}: {s.name!r}, {s.dtype} [{shape}]"
        + (f", real = {s.scale!r} * (q {'-' if (s.zero_point or 0) >= 0 else '+'} {abs(s.zero_point or 0)})" if s.quantized else "")
        + ". */",
        f"    object {s.object_name} {{",
        f"        const val INDEX = {s.position}",
        f"        const val NAME = {_kstr(s.name)}",
        f"        @JvmField val SHAPE = intArrayOf({shape})",
        f"        const val SIZE = {s.size}",
        f"        const val BYTES = {s.nbytes}",
    ]
    if s.quantized:
        k = s.ktype
        lines += [
            f"        const val SCALE = {_float_literal(s.scale or 0.0)}",
            f"        const val ZERO_POINT = {s.zero_point}",
            f"        const val QMIN = {k.qmin}",
            f"        const val QMAX = {k.qmax}",
            f"        fun quantize(x: FloatArray): {k.raw} = EdgekitQuant.quantize{k.quant}(x, SCALE, ZERO_POINT)",
            f"        fun dequantize(q: {k.raw}): FloatArray = EdgekitQuant.dequantize{k.quant}(q, SCALE, ZERO_POINT)",
        ]
    lines.append("    }")
    return "\n".join(lines)


def render(template: str, values: dict[str, str]) -> str:
    """Fill ``{{KEY}}`` placeholders; a placeholder without a value is a bug, so it raises."""
    text = (resources.files("edgekit.firmware_templates") / "android" / template).read_text(encoding="utf-8")

    def sub(m: re.Match[str]) -> str:
        key = m.group(1)
        if key not in values:
            raise KeyError(f"template {template} needs {key}")
        return values[key]

    return re.sub(r"\{\{([A-Z0-9_]+)\}\}", sub, text)


def _wrapper_values(model: Model, specs: tuple[TensorSpec, ...], s: AndroidSettings, cls: str) -> dict[str, str]:
    ins = [t for t in specs if t.role == "input"]
    outs = [t for t in specs if t.role == "output"]

    def doc(t: TensorSpec) -> str:
        q = f", scale {t.scale!r}, zero point {t.zero_point}" if t.quantized else ""
        return f" * {t.role} {t.position} `{t.kotlin_name}`: {t.name!r} {t.dtype} {list(t.shape)}{q}"

    def forward(t: TensorSpec) -> str:
        return f"{t.object_name}.quantize({t.kotlin_name})" if t.quantized else t.kotlin_name

    fields: list[str] = []
    for t in outs:
        if t.quantized:
            fields.append(f"        /** {t.name!r} dequantized. */\n        val {t.kotlin_name}: FloatArray")
            fields.append(f"        /** {t.name!r} as stored ({t.dtype}). */\n        val {t.kotlin_name}Raw: {t.ktype.raw}")
        else:
            fields.append(f"        /** {t.name!r} ({t.dtype}). */\n        val {t.kotlin_name}: {t.ktype.raw}")
    checks = [
        f"        require({t.kotlin_name}.size == {t.object_name}.SIZE) {{\n"
        f'            "{t.kotlin_name} has ${{{t.kotlin_name}.size}} values; {t.name} needs ${{{t.object_name}.SIZE}}"\n'
        "        }"
        for t in ins
    ]
    reads: list[str] = []
    args: list[str] = []
    for i, t in enumerate(outs):
        raw = f"{t.kotlin_name}Raw" if t.quantized else t.kotlin_name
        reads.append(f"        val {raw} = EdgekitQuant.{t.ktype.read}(out{i}, {t.object_name}.SIZE)")
        args += [f"{t.object_name}.dequantize({raw})", raw] if t.quantized else [raw]
    accel = {"xnnpack": "XNNPACK", "cpu": "CPU", "gpu": "GPU", "nnapi": "NNAPI"}[s.delegate]
    return {
        "MODEL_FILE": f"{model.name}.tflite",
        "SHA256": model.sha256,
        "MODEL_NAME": model.name,
        "CLASS": cls,
        "TARGET": s.target_id,
        "DEFAULT_ACCELERATOR": accel,
        "THREADS": str(s.threads),
        "DOC_TENSORS": "\n".join(doc(t) for t in specs),
        "TENSOR_OBJECTS": "\n".join(_tensor_object(t) for t in specs),
        "OUTPUTS_DOC": ": dequantized real values, and the stored values as `...Raw`"
        if any(t.quantized for t in outs)
        else "",
        "OUTPUT_FIELDS": ",\n".join(fields),
        "RUN_PARAMS": ", ".join(f"{t.kotlin_name}: {t.real_type}" for t in ins),
        "RUN_FORWARD": ", ".join(forward(t) for t in ins),
        "RAW_PARAMS": ", ".join(f"{t.kotlin_name}: {t.ktype.raw}" for t in ins),
        "RAW_CHECKS": "\n".join(checks),
        "INPUT_BUFFERS": ", ".join(f"EdgekitQuant.bufferOf({t.kotlin_name})" for t in ins),
        "OUTPUT_BUFFERS": "\n".join(f"        val out{i} = EdgekitQuant.buffer({t.object_name}.BYTES)" for i, t in enumerate(outs)),
        "OUTPUT_MAP": "\n".join(f"        outputs[{i}] = out{i}" for i in range(len(outs))),
        "OUTPUT_READS": "\n".join(reads),
        "OUTPUT_ARGS": ", ".join(args),
        "ASSET": f"{model.name}.tflite",
    }


def _readme_values(specs: tuple[TensorSpec, ...], cls: str) -> dict[str, str]:
    ins = [t for t in specs if t.role == "input"]
    outs = [t for t in specs if t.role == "output"]
    run_args = ", ".join(f"FloatArray({cls}.{t.object_name}.SIZE)" if t.real_type == "FloatArray" else t.kotlin_name for t in ins)
    first = outs[0]
    out_line = (
        f"`out.{first.kotlin_name}` holds {first.size} real values of `{first.name}`"
        + (f" (`out.{first.kotlin_name}Raw` the stored {first.dtype} values)." if first.quantized else ".")
    )
    rows = []
    for t in specs:
        scale = "-" if t.scale is None else repr(t.scale)
        zp = "-" if t.zero_point is None else str(t.zero_point)
        rows.append(
            f"| {t.role} {t.position} | `{t.name}` | `{t.kotlin_name}` | {t.dtype} | {list(t.shape)} | {scale} | {zp} |"
        )
    return {"README_RUN_ARGS": run_args, "README_OUTPUT_LINE": out_line, "README_TENSOR_ROWS": "\n".join(rows)}


def check_package_name(package: str) -> str:
    if not PACKAGE_RE.match(package):
        raise BadInputError(
            f"package name '{package}' is not a Java package name such as com.example.kws "
            "(lower-case letters, digits and _, at least two parts separated by dots)."
        )
    bad = [p for p in package.split(".") if p in JAVA_KEYWORDS or p in KOTLIN_KEYWORDS]
    if bad:
        raise BadInputError(f"package name '{package}' uses the keyword '{bad[0]}' as a part; rename that part.")
    return package


def default_package(model_name: str) -> str:
    part = re.sub(r"[^a-z0-9_]", "_", model_name.lower()).strip("_") or "model"
    if part[0].isdigit() or part in JAVA_KEYWORDS or part in KOTLIN_KEYWORDS:
        part = "m_" + part
    return f"com.example.edgekit.{part}"


# Custom ops that LiteRT's builtin op resolver registers itself (BuiltinOpResolver::AddCustom in LiteRT).
_LITERT_BUILTIN_CUSTOM = frozenset({"TFLite_Detection_PostProcess"})


def _warn_custom_ops(model: Model) -> None:
    """A custom op packages fine but makes the interpreter fail to load on the phone unless the app registers
    it: say so now rather than at the first run on a device."""
    import logging

    names = sorted({o.custom_code or "CUSTOM" for o in model.operators if o.op == "CUSTOM"}
                   - _LITERT_BUILTIN_CUSTOM)
    if names:
        logging.getLogger(__name__).warning(
            "%s uses custom op(s) %s that LiteRT does not provide: register an implementation in the app's op "
            "resolver, or the interpreter fails to load the model on the phone", model.name, ", ".join(names))


def package_android(
    model_path: str | os.PathLike,
    target: Any,
    out_dir: str | os.PathLike,
    *,
    package_name: str | None = None,
    force: bool = False,
    module_name: str | None = None,
) -> AndroidModule:
    """Write the Android library module for ``model_path`` into ``out_dir`` (whole, or not at all)."""
    settings = android_settings(target)
    src = Path(model_path)
    if not src.is_file():
        raise BadInputError(f"model {src} does not exist; pass a .tflite file.")
    from edgekit.converters.tflite_reader import read_model

    model = read_model(src)
    _warn_custom_ops(model)
    specs = tensor_specs(model)
    package = check_package_name(package_name or default_package(model.name))
    cls = class_name_for(model.name)
    out = Path(out_dir)
    module = module_name or re.sub(r"[^A-Za-z0-9_-]", "-", out.name) or "model"
    min_sdk = max(settings.min_sdk, LITERT_MIN_SDK)

    common = {
        "MODULE": module,
        "PACKAGE": package,
        "TARGET": settings.target_id,
        "ABI": settings.abi,
        "MIN_SDK": str(min_sdk),
        "COMPILE_SDK": str(COMPILE_SDK),
        "LITERT_VERSION": settings.litert_version,
        "AGP_VERSION": AGP_VERSION,
        "KOTLIN_PLUGIN_VERSION": KOTLIN_PLUGIN_VERSION,
        "MODEL_FILE": src.name,
        "ASSET": f"{model.name}.tflite",
        "CLASS": cls,
        "THREADS": str(settings.threads),
    }
    wrapper = {**_wrapper_values(model, specs, settings, cls), **common}
    kdir = Path("src/main/kotlin", *package.split("."))
    files: dict[str, str | bytes] = {
        "settings.gradle.kts": render("settings.gradle.kts.tmpl", common),
        "build.gradle.kts": render("build.gradle.kts.tmpl", common),
        "gradle.properties": render("gradle.properties", {}),
        "consumer-rules.pro": render("consumer-rules.pro", {}),
        "src/main/AndroidManifest.xml": render("AndroidManifest.xml.tmpl", common),
        f"src/main/assets/{model.name}.tflite": src.read_bytes(),
        str(kdir / f"{cls}.kt"): render("Wrapper.kt.tmpl", wrapper),
        str(kdir / "EdgekitQuant.kt"): render("EdgekitQuant.kt.tmpl", common),
        "README.md": render("README.md.tmpl", {**common, **_readme_values(specs, cls)}),
    }
    manifest = {
        "generator": "edgekit package (android)",
        "model": src.name,
        "sha256": model.sha256,
        "target": settings.target_id,
        "package": package,
        "class": cls,
        "min_sdk": min_sdk,
        "litert": f"com.google.ai.edge.litert:litert:{settings.litert_version}",
        "tensors": [asdict(t) for t in specs],
    }
    files["edgekit-module.json"] = json.dumps(manifest, indent=2) + "\n"
    with atomic_directory(out, force=force) as tmp:
        for rel, content in files.items():
            p = tmp / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                p.write_bytes(content)
            else:
                p.write_text(content, encoding="utf-8")
    return AndroidModule(out, package, cls, module, f"{model.name}.tflite", specs, tuple(sorted(files)))
