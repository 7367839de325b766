"""Data loading: .npz or module:function, with one clear sentence for each kind of bad input."""

from __future__ import annotations

import numpy as np
import pytest

from edgekit.compress.data import check_against_model, load_data
from edgekit.errors import BadInputError


def _arrays(n: int = 20, classes: int = 10) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    return {"x_train": rng.random((n, 8, 8, 1), dtype=np.float32), "y_train": rng.integers(0, classes, n),
            "x_val": rng.random((n // 2, 8, 8, 1), dtype=np.float32), "y_val": rng.integers(0, classes, n // 2)}


def test_npz_round_trip(tmp_path) -> None:
    arrays = _arrays()
    np.savez(tmp_path / "d.npz", **arrays)
    d = load_data(tmp_path / "d.npz")
    assert d.x_train.shape == (20, 8, 8, 1) and d.y_val.dtype == np.int64
    np.testing.assert_array_equal(d.y_train, arrays["y_train"])


def test_one_hot_labels_become_indices(tmp_path) -> None:
    a = _arrays()
    a["y_train"] = np.eye(10)[a["y_train"]]
    a["y_val"] = np.eye(10)[a["y_val"]]
    np.savez(tmp_path / "d.npz", **a)
    d = load_data(tmp_path / "d.npz")
    assert d.one_hot_width == 10 and d.y_train.ndim == 1
    with pytest.raises(BadInputError, match="one-hot over 10 classes but the model has 12 outputs"):
        check_against_model(d, (None, 8, 8, 1), 12)


def test_module_function(tmp_path) -> None:
    (tmp_path / "mydata.py").write_text(
        "import numpy as np\n"
        "def load():\n"
        "    x = np.zeros((4, 3), np.float32); y = np.array([0, 1, 2, 1])\n"
        "    return x, y, x, y\n")
    d = load_data(f"{tmp_path / 'mydata.py'}:load")
    assert d.num_classes == 3


def test_missing_file(tmp_path) -> None:
    with pytest.raises(BadInputError, match="does not exist"):
        load_data(tmp_path / "nope.npz")


def test_malformed_file(tmp_path) -> None:
    (tmp_path / "bad.npz").write_bytes(b"this is not a zip archive")
    with pytest.raises(BadInputError, match="not a readable .npz"):
        load_data(tmp_path / "bad.npz")


def test_missing_arrays(tmp_path) -> None:
    a = _arrays()
    del a["y_val"]
    np.savez(tmp_path / "d.npz", **a)
    with pytest.raises(BadInputError, match="lacks y_val"):
        load_data(tmp_path / "d.npz")


def test_length_mismatch(tmp_path) -> None:
    a = _arrays()
    a["y_train"] = a["y_train"][:-1]
    np.savez(tmp_path / "d.npz", **a)
    with pytest.raises(BadInputError, match="x_train has 20 samples but y_train has 19"):
        load_data(tmp_path / "d.npz")


def test_labels_beyond_model_outputs(tmp_path) -> None:
    np.savez(tmp_path / "d.npz", **_arrays(classes=12))
    d = load_data(tmp_path / "d.npz")
    with pytest.raises(BadInputError, match="labels do not match the model's output"):
        check_against_model(d, (None, 8, 8, 1), 10)


def test_sample_shape_mismatch(tmp_path) -> None:
    np.savez(tmp_path / "d.npz", **_arrays())
    with pytest.raises(BadInputError, match=r"takes samples of shape \(28, 28, 1\)"):
        check_against_model(load_data(tmp_path / "d.npz"), (None, 28, 28, 1), 10)


@pytest.mark.parametrize("spec", ["nosuchmodule_xyz:load", "justaword"])
def test_bad_specs(spec: str) -> None:
    with pytest.raises(BadInputError):
        load_data(spec)
