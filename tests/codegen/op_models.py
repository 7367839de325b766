"""The model-side machinery the op test files share, written once: Keras cases converted with the real TF converter
(int8, 16x8 or float-output, then flatbuffer edits), the session-cached folder of a file's converted cases, the
flatbuffer edits several files make (quantization, options, constants), the refusal check (``generate_c`` raises
the expected sentence and writes nothing) and one ``edgekit bench --emulate`` run on QEMU mps2-an386."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from edgekit.errors import UnsupportedError
from edgekit.ir import Model

from .conftest import _cached
from .kernel_checks import edit_flatbuffer

Edit = Callable[[Any, Any], None]  # (schema module, ModelT) -> None


@dataclass(frozen=True)
class KerasCase:
    name: str
    build: Callable[[], Any]  # -> tf_keras.Model
    ops: tuple[str, ...]  # the op names the converted (and edited) model must contain
    edit: Edit | None = None  # (schema module, ModelT) -> None
    int16: bool = False  # 16x8 conversion (for the refusal tests)


# ------------------------------------------------------------------------------------------- conversion


def convert_keras(build: Callable[[], Any], seed: int, *, int16: bool = False, float_out: bool = False,
                  calib_shape: tuple[int, ...] | None = None, edits: Sequence[Edit] = ()) -> bytes:
    """``build()``'s Keras model converted with the real TF converter: full int8 (``singleop_models.convert``),
    16x8 (``int16``) or int8 with a float32 output (``float_out``), both calibrated on 16 normal samples of
    ``calib_shape`` (default: the model's input shape); then ``edits`` applied in order to one unpacked model."""
    import tensorflow as tf
    import tf_keras as keras

    from .singleop_models import convert

    keras.utils.set_random_seed(seed)
    model = build()
    if int16 or float_out:
        rng = np.random.default_rng(seed)
        shape = calib_shape or tuple(model.inputs[0].shape)
        conv = tf.lite.TFLiteConverter.from_keras_model(model)
        conv.optimizations = [tf.lite.Optimize.DEFAULT]
        conv.representative_dataset = lambda: ([rng.normal(0, 1, shape).astype(np.float32)] for _ in range(16))
        if int16:
            conv.target_spec.supported_ops = [tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
            conv.inference_input_type = conv.inference_output_type = tf.int16
        else:
            conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
            conv.inference_input_type = tf.int8
        data = conv.convert()
    else:
        data = convert(model, per_tensor=False, seed=seed)
    if edits:

        def apply_all(s: Any, m: Any) -> None:
            for edit in edits:
                edit(s, m)

        data = edit_flatbuffer(data, apply_all)
    return data


def convert_case(case: KerasCase, seed: int, calib_shape: tuple[int, ...] | None = None) -> bytes:
    return convert_keras(case.build, seed, int16=case.int16, calib_shape=calib_shape,
                         edits=() if case.edit is None else (case.edit,))


def cached_models(kind: str, sources: Iterable[Path], names: Iterable[str],
                  convert: Callable[[str, int], bytes]) -> dict[str, Path]:
    """``{name: .tflite}``, each name's ``convert(name, k)`` bytes (k its position), built once into a folder
    cached across sessions while ``sources`` (and TensorFlow) stay the same."""
    names = list(names)

    def build_all(out: Path) -> None:
        for k, name in enumerate(names):
            (out / f"{name}.tflite").write_bytes(convert(name, k))

    folder = _cached(kind, sources, [f"{n}.tflite" for n in names], build_all)
    return {n: folder / f"{n}.tflite" for n in names}


def read(path: Path) -> Model:
    from edgekit.converters.tflite_reader import read_model

    return read_model(path)


# ------------------------------------------------------------------------------------------- edits


def quant(s: Any, tensor: Any, scale: float, zp: int) -> None:
    """A fresh per-tensor quantization (scale, zero point) for ``tensor``."""
    q = s.QuantizationParametersT()
    q.scale, q.zeroPoint = [scale], [zp]
    tensor.quantization = q


def requant_output(scale_factor: float, zp: int) -> Edit:
    """Every graph output gets scale = factor * its scale and zero point zp: TFLM still copies the bytes."""

    def edit(s: Any, m: Any) -> None:
        sg = m.subgraphs[0]
        for t in sg.outputs:
            q = sg.tensors[t].quantization
            q.scale = [float(np.float32(q.scale[0] * scale_factor))]
            q.zeroPoint = [zp]

    return edit


def set_option(cls: str, **values: Any) -> Edit:
    """``values`` set on every op whose builtin options are of schema class ``cls``."""

    def edit(s: Any, m: Any) -> None:
        for op in m.subgraphs[0].operators:
            if isinstance(op.builtinOptions, getattr(s, cls)):
                for k, v in values.items():
                    setattr(op.builtinOptions, k, v)

    return edit


def set_const(op_input: int, values: list[int]) -> Edit:
    """Overwrite the int32 constant feeding input ``op_input`` of op 0."""

    def edit(s: Any, m: Any) -> None:
        sg = m.subgraphs[0]
        t = sg.tensors[sg.operators[0].inputs[op_input]]
        m.buffers[t.buffer].data = np.array(values, np.int32).view(np.uint8)

    return edit


# ------------------------------------------------------------------------------------------- checks


def assert_refused(data: bytes | Model, name: str, pattern: str, tmp_path: Path) -> None:
    """``generate_c`` on the model (``data``: .tflite bytes, parsed under ``name``, or a parsed model) raises
    UnsupportedError matching ``pattern`` and writes nothing."""
    from edgekit.converters.c_codegen import generate_c
    from edgekit.converters.tflite_reader import parse_model

    model = parse_model(data, name) if isinstance(data, bytes) else data
    out = tmp_path / "gen"
    with pytest.raises(UnsupportedError, match=pattern):
        generate_c(model, None, out)
    assert not out.exists()


def assert_refused_with_verify(model: Model, path: Path, pattern: str, tmp_path: Path) -> None:
    """``assert_refused`` on ``model`` (read from ``path``), and ``verify_model`` refuses the file the same way
    before any work."""
    from edgekit.verify import verify_model

    assert_refused(model, path.stem, pattern, tmp_path)
    with pytest.raises(UnsupportedError, match=pattern):  # verify refuses it the same way, before any work
        verify_model(path, n_inputs=20, work_dir=tmp_path / "verify")
    assert not (tmp_path / "verify").exists()


def bench_emulated(path: Path, batch: np.ndarray, tmp_path: Path) -> dict[str, Any]:
    """``edgekit bench --emulate -t mps2-an386`` on ``batch`` (one input per row): it exits 0, the device's outputs
    equal TFLM's on every input, one output set per input. Returns the JSON report (skips without QEMU / the ARM
    toolchain)."""
    for tool in ("qemu-system-arm", "arm-none-eabi-gcc"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (make system-packages installs it)")
    from click.testing import CliRunner

    from edgekit.cli.bench import command

    np.save(tmp_path / "inputs.npy", batch)
    report = tmp_path / "bench.json"
    result = CliRunner().invoke(command, ["--emulate", "-t", "mps2-an386", str(path), "--inputs",
                                          str(tmp_path / "inputs.npy"), "--samples", str(len(batch)), "--runs", "1",
                                          "--warmup", "0", "--json", str(report)])
    assert result.exit_code == 0, result.output
    data = json.loads(report.read_text())
    assert data["error"] is None
    assert data["outputs_match"] is True and data["mismatched_inputs"] == [], data["mismatched_inputs"]
    assert len(data["outputs"]) == len(batch)
    return data
