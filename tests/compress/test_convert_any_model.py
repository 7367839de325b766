"""`edgekit convert` calibrates on x_train alone: an autoencoder with image targets converts (labels are not
needed to convert), and its dynamic-batch Conv2DTranspose gets a refusal that says how to fix it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from edgekit.cli import main

pytestmark = pytest.mark.slow


def _autoencoder(path: Path, batch_size: int | None) -> None:
    import tf_keras as keras

    keras.utils.set_random_seed(0)
    x = keras.Input((8, 8, 1), batch_size=batch_size)
    y = keras.layers.Conv2D(4, 3, strides=2, padding="same", activation="relu")(x)
    y = keras.layers.Conv2DTranspose(1, 3, strides=2, padding="same")(y)
    keras.Model(x, y).save(path)


def _convert(tmp_path: Path, batch_size: int | None, capsys: pytest.CaptureFixture[str]) -> Path:
    rng = np.random.default_rng(0)
    xs = rng.normal(size=(32, 8, 8, 1)).astype("float32")
    np.savez(tmp_path / "data.npz", x_train=xs, y_train=xs, x_val=xs[:8], y_val=xs[:8])  # targets are images
    _autoencoder(tmp_path / "ae.keras", batch_size)
    out = tmp_path / "ae.tflite"
    with pytest.raises(SystemExit) as e:
        main(["convert", str(tmp_path / "ae.keras"), "--data", str(tmp_path / "data.npz"), "-o", str(out),
              "--samples", "16"])
    err = capsys.readouterr().err
    assert e.value.code in (0, None), err
    return out


def test_an_autoencoder_converts_and_verifies(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from edgekit.verify import verify_model

    out = _convert(tmp_path, 1, capsys)
    report = verify_model(out, n_inputs=20, seed=1, work_dir=tmp_path / "v")
    assert report.identical and report.samples == 22


def test_a_dynamic_batch_shape_op_is_refused_with_the_fix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from edgekit.converters.c_codegen.support import check_model
    from edgekit.converters.tflite_reader import read_model

    from edgekit.errors import UnsupportedError

    model = read_model(_convert(tmp_path, None, capsys))
    assert "SHAPE" in [op.op for op in model.operators]
    with pytest.raises(UnsupportedError, match=r"op \d+ \(SHAPE\) is a SHAPE op, which the converter writes when the "
                                               r"batch size is dynamic; build the Keras model with a fixed batch size"):
        check_model(model)
