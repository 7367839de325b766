"""Host inference (LiteRT reference kernels) and the convert -> eval commands, without TensorFlow for eval."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from edgekit.hostrun import HostModel, dequantize, quantize

pytestmark = pytest.mark.slow


def test_predict_matches_raw_invoke(ptq_tflite, digits_data) -> None:
    host = HostModel(ptq_tflite)
    assert host.backend == "ai-edge-litert"
    x = digits_data.x_val[:3]
    got = host.predict(x)
    for i in range(3):
        raw = host.invoke_raw(quantize(x[i : i + 1], host.inputs[0]))
        np.testing.assert_array_equal(got[i : i + 1], dequantize(raw, host.outputs[0]))
    np.testing.assert_allclose(got.sum(axis=1), 1.0, atol=0.05)  # softmax rows


def test_eval_tflite_alone_does_not_import_tensorflow(ptq_tflite, data_spec) -> None:
    code = ("import sys\n"
            "from edgekit.cli import cli\n"
            f"cli.main(args=['eval', {str(ptq_tflite)!r}, '--data', {data_spec!r}, '--no-keras'],"
            " standalone_mode=False)\n"
            "print('TENSORFLOW', 'tensorflow' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "TENSORFLOW False" in out.stdout
    assert "ai-edge-litert" in out.stdout


def test_convert_then_eval_finds_the_keras_model(float_model_file, data_spec, tmp_path, capsys) -> None:
    from edgekit.cli import main

    tfl = tmp_path / "m.tflite"
    with pytest.raises(SystemExit) as e:
        main(["convert", str(float_model_file), "-o", str(tfl), "--data", data_spec, "--samples", "100"])
    assert e.value.code == 0
    sidecar = json.loads((tmp_path / "m.convert.json").read_text())
    assert sidecar["source"] == str(float_model_file.resolve()) and sidecar["size_bytes"] == tfl.stat().st_size
    assert sidecar["inputs"][0]["dtype"] == "int8" and sidecar["op_counts"]["CONV_2D"] == 3
    capsys.readouterr()

    with pytest.raises(SystemExit) as e:
        main(["eval", str(tfl), "--data", data_spec, "--json", str(tmp_path / "eval.json")])
    assert e.value.code == 0
    rows = json.loads((tmp_path / "eval.json").read_text())["rows"]
    assert [r["runtime"].split()[0] for r in rows] == ["tf_keras", "ai-edge-litert"]
    assert abs(rows[0]["accuracy"] - rows[1]["accuracy"]) <= 0.02
    assert "difference" in capsys.readouterr().out


def test_falls_back_to_tflite_runtime(ptq_tflite, digits_data, monkeypatch) -> None:
    """Where ai-edge-litert is missing, the tflite_runtime module is used through the same interface.
    (tflite-runtime itself is not installable here: its module is served by LiteRT's classes.)"""
    import types

    from ai_edge_litert import interpreter as litert

    fake = types.ModuleType("tflite_runtime.interpreter")
    fake.Interpreter, fake.OpResolverType = litert.Interpreter, litert.OpResolverType
    monkeypatch.setitem(sys.modules, "ai_edge_litert.interpreter", None)  # import now raises ImportError
    monkeypatch.setitem(sys.modules, "tflite_runtime", types.ModuleType("tflite_runtime"))
    monkeypatch.setitem(sys.modules, "tflite_runtime.interpreter", fake)
    host = HostModel(ptq_tflite)
    assert host.backend == "tflite-runtime"
    np.testing.assert_array_equal(host.predict(digits_data.x_val[:5]),
                                  HostModelLiteRT(ptq_tflite, monkeypatch).predict(digits_data.x_val[:5]))


def HostModelLiteRT(path, monkeypatch) -> HostModel:  # noqa: N802 - reads as the class it builds
    monkeypatch.delitem(sys.modules, "ai_edge_litert.interpreter")
    return HostModel(path)


def test_no_runtime_is_a_clear_error(ptq_tflite, monkeypatch) -> None:
    from edgekit.errors import EnvironmentError_

    monkeypatch.setitem(sys.modules, "ai_edge_litert.interpreter", None)
    monkeypatch.setitem(sys.modules, "tflite_runtime.interpreter", None)
    with pytest.raises(EnvironmentError_, match="pip install ai-edge-litert"):
        HostModel(ptq_tflite)
