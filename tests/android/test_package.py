"""The generated Android module: structure, tensor constants equal to the model's, kotlinc compile, JVM quant."""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import MLPERF, MLPERF_MODELS, mlperf_model  # tests/conftest.py (rootdir on sys.path)
from edgekit.converters.tflite_reader import read_model
from edgekit.targets import load_target

from edgekit.android.package import class_name_for, kotlin_name, package_android
from edgekit.errors import BadInputError, OutputExistsError, TargetError

from .tinyfc import IN_NAME, IN_SCALE, IN_ZP, OUT_NAME, OUT_SCALE, OUT_ZP, float_fc, quant_op_model

STUBS = Path(__file__).parent / "litert_stubs"


@pytest.fixture(scope="module")
def target() -> Any:
    return load_target("android-arm64")


def test_kotlin_names() -> None:
    assert kotlin_name("serving_default_input_1:0", "input0") == "servingDefaultInput1"
    assert kotlin_name("StatefulPartitionedCall:0", "output0") == "statefulPartitionedCall"
    assert kotlin_name("model/conv2d/Relu;model/bn/FusedBatchNorm", "x") == "modelConv2dReluModelBnFusedBatchNorm"
    assert kotlin_name("1st-layer", "x") == "t1stLayer"
    assert kotlin_name("class", "x") == "classTensor"
    assert kotlin_name(":0", "output0") == "output0"
    assert kotlin_name("Identity", "o", upper=True) == "Identity"
    assert class_name_for("kws_ref_model") == "KwsRefModel"
    assert class_name_for("ad01_int8") == "Ad01Int8Model"


def test_module_structure(tiny_model: Path, tmp_path: Path, target: Any) -> None:
    out = tmp_path / "tinymodule"
    mod = package_android(tiny_model, target, out, package_name="com.acme.tiny")
    expected = {
        "settings.gradle.kts", "build.gradle.kts", "gradle.properties", "consumer-rules.pro", "README.md",
        "edgekit-module.json", "src/main/AndroidManifest.xml", "src/main/assets/tiny_fc.tflite",
        "src/main/kotlin/com/acme/tiny/TinyFcModel.kt", "src/main/kotlin/com/acme/tiny/EdgekitQuant.kt",
    }
    assert {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()} == expected
    assert set(mod.files) == expected
    assert (out / "src/main/assets/tiny_fc.tflite").read_bytes() == tiny_model.read_bytes()
    gradle = (out / "build.gradle.kts").read_text()
    assert 'namespace = "com.acme.tiny"' in gradle
    assert "minSdk = 26" in gradle  # the target's min SDK (>= LiteRT's 24)
    assert 'abiFilters += listOf("arm64-v8a")' in gradle
    assert 'implementation("com.google.ai.edge.litert:litert:2.3.0")' in gradle
    assert 'implementation("com.google.ai.edge.litert:litert-gpu:2.3.0")' in gradle
    assert 'noCompress += "tflite"' in gradle
    assert 'rootProject.name = "tinymodule"' in (out / "settings.gradle.kts").read_text()
    manifest = (out / "src/main/AndroidManifest.xml").read_text()
    assert manifest.startswith("<?xml") and "<manifest" in manifest and "libOpenCL.so" in manifest
    readme = (out / "README.md").read_text()
    assert "val model = TinyFcModel.create(context)" in readme
    assert "val out = model.run(FloatArray(TinyFcModel.ServingDefaultInput1.SIZE))" in readme
    assert "model.close()" in readme


def _kotlin_object(source: str, name: str) -> dict[str, str]:
    m = re.search(rf"object {name} \{{(.*?)\n    \}}", source, re.S)
    assert m, f"object {name} not in the wrapper"
    return dict(re.findall(r"(?:const val|@JvmField val) (\w+) = (.+)", m.group(1)))


def _kfloat(literal: str) -> np.float32:
    assert literal.endswith("f")
    return np.float32(float(literal[:-1]))


def _check_constants(module: Path, model_path: Path, package: str, cls: str) -> None:
    model = read_model(model_path)
    source = (module / "src/main/kotlin" / Path(*package.split(".")) / f"{cls}.kt").read_text()
    meta = json.loads((module / "edgekit-module.json").read_text())
    tensors = [model.tensor(i) for i in (*model.inputs, *model.outputs)]
    assert [t["name"] for t in meta["tensors"]] == [t.name for t in tensors]
    for spec, t in zip(meta["tensors"], tensors, strict=True):
        consts = _kotlin_object(source, spec["object_name"])
        assert consts["NAME"] == json.dumps(t.name)
        assert consts["SHAPE"] == f"intArrayOf({', '.join(map(str, t.shape))})"
        assert int(consts["SIZE"]) == t.num_elements and int(consts["BYTES"]) == t.nbytes
        assert t.quant is not None
        assert _kfloat(consts["SCALE"]) == np.float32(t.quant.scale[0])  # the same float32, bit for bit
        assert int(consts["ZERO_POINT"]) == t.quant.zero_point[0]
    # the wrapper's run() takes the inputs in the model's order, named after the tensors
    run = re.search(r"fun run\((.*?)\): Outputs", source)
    assert run is not None
    assert [p.split(":")[0] for p in run.group(1).split(", ")] == [
        s["kotlin_name"] for s in meta["tensors"] if s["role"] == "input"
    ]


def test_wrapper_constants_equal_the_model(tiny_model: Path, tmp_path: Path, target: Any) -> None:
    package_android(tiny_model, target, tmp_path / "m", package_name="com.acme.tiny")
    _check_constants(tmp_path / "m", tiny_model, "com.acme.tiny", "TinyFcModel")
    meta = json.loads((tmp_path / "m/edgekit-module.json").read_text())
    assert [(t["name"], t["kotlin_name"], t["shape"]) for t in meta["tensors"]] == [
        (IN_NAME, "servingDefaultInput1", [1, 4]),
        (OUT_NAME, "statefulPartitionedCall", [1, 3]),
    ]


@pytest.mark.parametrize("key", ["kws", "ad"])
def test_wrapper_constants_mlperf(key: str, tmp_path: Path, target: Any) -> None:
    path = mlperf_model(key)
    mod = package_android(path, target, tmp_path / key, package_name=f"com.acme.{key}")
    _check_constants(tmp_path / key, path, f"com.acme.{key}", mod.class_name)


def ref_quantize(x: np.ndarray, scale: float, zp: int, qmin: int, qmax: int) -> np.ndarray:
    """TFLite's QUANTIZE: float32 division, std::round (ties away from zero), clamp."""
    v = np.asarray(x, np.float32) / np.float32(scale)
    r = np.sign(v).astype(np.float64) * np.floor(np.abs(v).astype(np.float64) + 0.5)
    return np.clip(r + zp, qmin, qmax).astype(np.int64)


def ref_dequantize(q: np.ndarray, scale: float, zp: int) -> np.ndarray:
    return np.float32(scale) * (np.asarray(q, np.int64) - zp).astype(np.float32)


def quant_values() -> np.ndarray:
    """Ties (k + 0.5) * scale of both signs, the clamp ends, zero and negative zero, and random values."""
    halves = (np.arange(-300, 300, dtype=np.float32) + np.float32(0.5)) * np.float32(IN_SCALE)
    extras = np.array([0.0, -0.0, 1e-9, -1e-9, 10.0, 10.5, -5.0, 1e6, -1e6, 3.14159], np.float32)
    return np.concatenate([halves, extras, np.random.default_rng(1).uniform(-6, 16, 500).astype(np.float32)])


def test_python_reference_is_tflite_reference_kernels() -> None:
    """ref_quantize/ref_dequantize (what the Kotlin helpers must equal) give exactly what LiteRT's reference
    QUANTIZE and DEQUANTIZE kernels give. (Its optimized kernels round some ties the other way and dequantize
    with a different float expression: a step or an ulp here and there.)"""
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    def run(op: str, scale: float, zp: int, x: np.ndarray) -> np.ndarray:
        it = Interpreter(model_content=quant_op_model(op, scale, zp, len(x)),
                         experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
        it.allocate_tensors()
        it.set_tensor(it.get_input_details()[0]["index"], x)
        it.invoke()
        return it.get_tensor(it.get_output_details()[0]["index"])

    xs = quant_values()
    np.testing.assert_array_equal(run("QUANTIZE", IN_SCALE, IN_ZP, xs), ref_quantize(xs, IN_SCALE, IN_ZP, -128, 127))
    qs = np.arange(-128, 128).astype(np.int8)
    assert run("DEQUANTIZE", OUT_SCALE, OUT_ZP, qs).tobytes() == ref_dequantize(qs, OUT_SCALE, OUT_ZP).tobytes()


QUANT_MAIN = """
import {package}.{cls}
import java.io.File

fun main(args: Array<String>) {{
    val xs = File(args[0]).readLines().filter {{ it.isNotEmpty() }}.map {{ java.lang.Float.intBitsToFloat(it.toInt()) }}
    val x = FloatArray(xs.size) {{ xs[it] }}
    println({cls}.{inp}.quantize(x).joinToString(","))
    val q = ByteArray(256) {{ (it - 128).toByte() }}
    println({cls}.{out}.dequantize(q).joinToString(",") {{ java.lang.Float.floatToRawIntBits(it).toString() }})
}}
"""


@pytest.mark.skipif(not (shutil.which("kotlinc") and shutil.which("javac")), reason="kotlinc/javac not installed")
def test_kotlinc_compiles_wrapper_and_jvm_quant_matches_python(tiny_model: Path, tmp_path: Path, target: Any) -> None:
    """kotlinc 1.3 compiles the generated Kotlin against stand-ins of exactly the LiteRT/Android API it calls
    (the real AAR cannot be fetched here); then the pure-Kotlin helpers run on the JVM and give exactly
    the values the model's quantization parameters give in Python."""
    mod = package_android(tiny_model, target, tmp_path / "m", package_name="com.acme.tiny")
    stub_classes = tmp_path / "stubs"
    java = sorted(str(p) for p in STUBS.rglob("*.java"))
    subprocess.run(["javac", "-d", str(stub_classes), *java], check=True, capture_output=True, timeout=120)
    specs = {t.role: t for t in mod.tensors}
    main = tmp_path / "QuantMain.kt"
    main.write_text(QUANT_MAIN.format(package=mod.package, cls=mod.class_name,
                                      inp=specs["input"].object_name, out=specs["output"].object_name))
    # more wrappers in the same kotlinc run: a float32 model, and the MLPerf Tiny models when present
    flt = tmp_path / "float_fc.tflite"
    flt.write_bytes(float_fc())
    package_android(flt, target, tmp_path / "w/float", package_name="com.acme.flt")
    for key, name in MLPERF_MODELS.items():
        if (MLPERF / name).is_file():
            package_android(MLPERF / name, target, tmp_path / "w" / key, package_name=f"com.acme.{key}")
    kt = sorted(str(p) for p in (tmp_path / "m/src/main/kotlin").rglob("*.kt"))
    kt += sorted(str(p) for p in (tmp_path / "w").rglob("*.kt"))
    jar = tmp_path / "check.jar"
    res = subprocess.run(["kotlinc", *kt, str(main), "-cp", str(stub_classes), "-include-runtime", "-d", str(jar)],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert "error:" not in res.stderr
    xs = quant_values()
    vals = tmp_path / "x.txt"
    vals.write_text("\n".join(str(struct.unpack("<i", struct.pack("<f", float(v)))[0]) for v in xs))
    run = subprocess.run(["java", "-cp", f"{jar}:{stub_classes}", "QuantMainKt", str(vals)],
                         capture_output=True, text=True, timeout=120, check=True)
    q_line, dq_line = run.stdout.strip().splitlines()
    jvm_q = np.array([int(v) for v in q_line.split(",")])
    np.testing.assert_array_equal(jvm_q, ref_quantize(xs, IN_SCALE, IN_ZP, -128, 127))
    jvm_dq = np.array([int(v) for v in dq_line.split(",")], np.int32).view(np.float32)
    expect = ref_dequantize(np.arange(-128, 128), OUT_SCALE, OUT_ZP)
    assert jvm_dq.tobytes() == expect.tobytes()


def test_refuses_existing_output_without_force(tiny_model: Path, tmp_path: Path, target: Any) -> None:
    out = tmp_path / "m"
    package_android(tiny_model, target, out, package_name="com.acme.tiny")
    with pytest.raises(OutputExistsError, match="pass --force"):
        package_android(tiny_model, target, out, package_name="com.acme.tiny")
    package_android(tiny_model, target, out, package_name="com.acme.other", force=True)
    assert (out / "src/main/kotlin/com/acme/other/TinyFcModel.kt").is_file()
    assert not (out / "src/main/kotlin/com/acme/tiny").exists()


@pytest.mark.parametrize("bad", ["Com.Acme", "acme", "com.acme.class", "com..acme", "com.acme-tiny", "1com.acme"])
def test_bad_package_names(bad: str, tiny_model: Path, tmp_path: Path, target: Any) -> None:
    with pytest.raises(BadInputError, match=re.escape(f"package name '{bad}'")):
        package_android(tiny_model, target, tmp_path / "m", package_name=bad)
    assert not (tmp_path / "m").exists()  # nothing half-written


def test_cortex_m_target_is_refused(tiny_model: Path, tmp_path: Path) -> None:
    with pytest.raises(TargetError, match="target nucleo-l4r5zi is of kind 'cortex-m', not 'android'"):
        package_android(tiny_model, load_target("nucleo-l4r5zi"), tmp_path / "m")


def test_missing_model(tmp_path: Path, target: Any) -> None:
    with pytest.raises(BadInputError, match="does not exist"):
        package_android(tmp_path / "nope.tflite", target, tmp_path / "m")


def test_android_path_imports_no_tensorflow(tiny_model: Path, tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from edgekit.android.package import package_android\n"
        "from edgekit.android import bench, adb, benchmark_output\n"
        "from edgekit.targets import load_target\n"
        f"package_android({str(tiny_model)!r}, load_target('android-arm64'), {str(tmp_path / 'm')!r})\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'tf_keras', 'keras', 'ai_edge_litert')"
        " and m != 'ai_edge_litert' and not m.startswith('ai_edge_litert.schema')]\n"
        "print(bad)\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert res.stdout.strip() == "[]"
