"""Clear refusals: one sentence naming the op, its index and what is missing; exit 2; nothing written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from ai_edge_litert import schema_py_generated as s
from analysis import tinymodels as tm
from analysis.tinymodels import Op, T
from edgekit.converters.c_codegen import generate_c
from edgekit.converters.tflite_reader import parse_model, read_model

from edgekit.errors import UnsupportedError

EDGEKIT = [sys.executable, "-m", "edgekit"]


@pytest.fixture(scope="module")
def tf_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A real int8 LSTM and a real float-only model, from the TF converter."""
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
    import tensorflow as tf
    import tf_keras as keras

    out = tmp_path_factory.mktemp("refuse")
    keras.utils.set_random_seed(0)
    x = keras.Input((5, 3), batch_size=1)
    lstm = keras.Model(x, keras.layers.LSTM(4)(x))
    c = tf.lite.TFLiteConverter.from_keras_model(lstm)
    c.optimizations = [tf.lite.Optimize.DEFAULT]
    rng = np.random.default_rng(0)
    c.representative_dataset = lambda: ([rng.random((1, 5, 3), dtype=np.float32)] for _ in range(8))
    c.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    c.inference_input_type = c.inference_output_type = tf.int8
    (out / "lstm.tflite").write_bytes(c.convert())
    dense = keras.Sequential([keras.Input((8,), batch_size=1), keras.layers.Dense(3)])
    (out / "float.tflite").write_bytes(tf.lite.TFLiteConverter.from_keras_model(dense).convert())
    return {"lstm": out / "lstm.tflite", "float": out / "float.tflite"}


def _custom_model() -> bytes:
    return tm.build(
        [T("x", (1, 4)), T("w", (3, 4), data=bytes(12)), T("h", (1, 3)), T("y", (1, 3))],
        [Op("FULLY_CONNECTED", (0, 1, -1), (2,), ("FullyConnectedOptions", s.FullyConnectedOptionsT())),
         Op("CUSTOM", (2,), (3,), custom_code="MyMagicOp")],
        (0,), (3,),
    )


def _int16_model() -> bytes:
    return tm.build(
        [T("x", (1, 4), "int16"), T("w", (3, 4), data=bytes(12)), T("y", (1, 3), "int16")],
        [Op("FULLY_CONNECTED", (0, 1, -1), (2,), ("FullyConnectedOptions", s.FullyConnectedOptionsT()))],
        (0,), (2,),
    )


def _shuffled_fc_model() -> bytes:
    o = s.FullyConnectedOptionsT()
    o.weightsFormat = s.FullyConnectedOptionsWeightsFormat.SHUFFLED4x16INT8
    return tm.build([T("x", (1, 4)), T("w", (16, 4), data=bytes(64)), T("y", (1, 16))],
                    [Op("FULLY_CONNECTED", (0, 1, -1), (2,), ("FullyConnectedOptions", o))], (0,), (2,))


def _int4_conv_model() -> bytes:
    return tm.build([T("x", (1, 4, 4, 2)), T("w", (3, 1, 1, 2), "int4", data=bytes(6)), T("y", (1, 4, 4, 3))],
                    [Op("CONV_2D", (0, 1, -1), (2,), tm.conv_options(1, "SAME", "NONE"))], (0,), (2,))


def test_shuffled_fc_weights_refused(tmp_path: Path) -> None:
    _refuse(parse_model(_shuffled_fc_model(), "shuf"), tmp_path, "op 0 (FULLY_CONNECTED)", "SHUFFLED4x16INT8")


def test_int4_weights_refused(tmp_path: Path) -> None:
    _refuse(parse_model(_int4_conv_model(), "i4"), tmp_path, "op 0 (CONV_2D)", "int4 filter")


def _unknown_op_model() -> bytes:
    return tm.build([T("x", (1, 4)), T("y", (1, 4))], [Op("FLOOR", (0,), (1,))], (0,), (1,))


def _refuse(model, tmp_path: Path, *needles: str) -> str:  # noqa: ANN001
    out = tmp_path / "gen"
    with pytest.raises(UnsupportedError) as e:
        generate_c(model, None, out)
    msg = str(e.value)
    assert not out.exists(), "nothing may be written on refusal"
    assert list(tmp_path.iterdir()) == [] or all(not p.name.startswith(".gen") for p in tmp_path.iterdir())
    assert "\n" not in msg and msg.endswith(".")
    for n in needles:
        assert n in msg, (n, msg)
    return msg


def test_lstm_refused(tf_models: dict[str, Path], tmp_path: Path) -> None:
    _refuse(read_model(tf_models["lstm"]), tmp_path, "op 0 (UNIDIRECTIONAL_SEQUENCE_LSTM)", "LSTM")


def test_float_only_refused(tf_models: dict[str, Path], tmp_path: Path) -> None:
    _refuse(read_model(tf_models["float"]), tmp_path, "float-only", "int8")


def test_custom_op_refused(tmp_path: Path) -> None:
    _refuse(parse_model(_custom_model(), "custom"), tmp_path, "op 1 (MyMagicOp)", "custom op")


def test_int16_activations_refused(tmp_path: Path) -> None:
    _refuse(parse_model(_int16_model(), "i16"), tmp_path, "op 0 (FULLY_CONNECTED)", "int16 activations")


def test_unknown_op_refused(tmp_path: Path) -> None:
    _refuse(parse_model(_unknown_op_model(), "floor"), tmp_path, "op 0 (FLOOR)", "no int8 C kernel")


@pytest.mark.parametrize("command", ["generate", "verify"])
def test_cli_refusal_exit_2_one_line(command: str, tf_models: dict[str, Path], tmp_path: Path) -> None:
    argv = [*EDGEKIT, command, str(tf_models["lstm"])]
    if command == "generate":
        argv += ["-o", str(tmp_path / "gen")]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith("error: Cannot generate C for lstm: op 0 (UNIDIRECTIONAL_SEQUENCE_LSTM)")
    assert "Traceback" not in r.stderr and r.stderr.count("\n") == 1
    assert not (tmp_path / "gen").exists()


def test_generate_refuses_existing_output(tmp_path: Path) -> None:
    from conftest import mlperf_model

    out = tmp_path / "gen"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    r = subprocess.run([*EDGEKIT, "generate", str(mlperf_model("ad")), "-o", str(out)], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 2 and "--force" in r.stderr
    assert (out / "keep.txt").read_text() == "mine"
    r = subprocess.run([*EDGEKIT, "generate", str(mlperf_model("ad")), "-o", str(out), "--force"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert not (out / "keep.txt").exists() and (out / "model.c").is_file()


def test_bad_file_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "junk.tflite"
    bad.write_bytes(b"not a model at all")
    r = subprocess.run([*EDGEKIT, "verify", str(bad)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "Traceback" not in r.stderr and r.stderr.startswith("error: ")
