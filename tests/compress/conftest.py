"""Session fixtures: the digits data and a float model trained once (seeded, ~5 s on 2 cores)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

DIGITS = Path(__file__).resolve().parents[2] / "examples" / "digits"
DATA_SPEC = f"{DIGITS / 'data.py'}:load"
STUDENT_SPEC = f"{DIGITS / 'model.py'}:build_student"


@pytest.fixture(scope="session")
def digits_data():
    from edgekit.compress.data import load_data

    return load_data(DATA_SPEC)


@pytest.fixture(scope="session")
def float_model(digits_data):
    """The digits CNN trained for 12 epochs (~98 % validation accuracy)."""
    from edgekit.compress.data import import_object
    from edgekit.compress.train import fit

    model = import_object(f"{DIGITS / 'model.py'}:build_model")(0)
    fit(model, digits_data, label="float", epochs=12, batch_size=32, learning_rate=1e-2, seed=0, progress=False)
    return model


@pytest.fixture(scope="session")
def float_model_file(float_model, tmp_path_factory) -> Path:
    from edgekit.compress.models import save_keras_model

    return save_keras_model(float_model, tmp_path_factory.mktemp("digits") / "float.keras")


@pytest.fixture(scope="session")
def keras3_model_file(tmp_path_factory) -> Path:
    """A real Keras 3 model file, written by a separate interpreter (Keras 3 and tf_keras in one process
    would both register their layers)."""
    import subprocess

    path = tmp_path_factory.mktemp("keras3") / "k3.keras"
    code = ("import keras\n"
            "m = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(10)])\n"
            f"m.save({str(path)!r})\n")
    env = {k: v for k, v in os.environ.items() if k != "TF_USE_LEGACY_KERAS"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"Keras 3 is not installed here: {done.stderr.strip().splitlines()[-1:]}")
    return path


@pytest.fixture(scope="session")
def data_spec() -> str:
    return DATA_SPEC


@pytest.fixture(scope="session")
def student_spec() -> str:
    return STUDENT_SPEC


@pytest.fixture(scope="session")
def ptq_tflite(float_model, digits_data, tmp_path_factory) -> Path:
    """Post-training int8 (int8 I/O) of the float model."""
    from edgekit.converters.keras_to_tflite import convert

    path = tmp_path_factory.mktemp("ptq") / "digits_ptq.tflite"
    path.write_bytes(convert(float_model, x_train=digits_data.x_train).tflite)
    return path
