"""Bad input: one sentence on stderr, a non-zero exit, no traceback and nothing written."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.slow


def run(args: list[str], capsys) -> tuple[int, str, str]:
    from edgekit.cli import main

    with pytest.raises(SystemExit) as exc:
        main(args)
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err


def assert_one_sentence(err: str, *needles: str) -> None:
    lines = [ln for ln in err.strip().splitlines() if ln.startswith("error:")]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for n in needles:
        assert n in lines[0], lines[0]


def _files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def _optimize(model: Path, data: str, out: Path, *extra: str) -> list[str]:
    return ["optimize", str(model), "--data", data, "-o", str(out), "--no-progress", *extra]


def test_missing_data_file(float_model_file, tmp_path, capsys) -> None:
    code, _, err = run(_optimize(float_model_file, str(tmp_path / "gone.npz"), tmp_path / "o.h5",
                                 "--prune", "0.5", "--quantize", "pqat"), capsys)
    assert code == 2
    assert_one_sentence(err, "gone.npz", "does not exist")
    assert _files(tmp_path) == set()


def test_malformed_data_file(float_model_file, tmp_path, capsys) -> None:
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"\x00garbage")
    code, _, err = run(_optimize(float_model_file, str(bad), tmp_path / "o.keras", "--prune", "0.5"), capsys)
    assert code == 2
    assert_one_sentence(err, "not a readable .npz")
    assert _files(tmp_path) == {"bad.npz"}


def test_labels_do_not_match_output(float_model_file, digits_data, tmp_path, capsys) -> None:
    d = tmp_path / "d.npz"
    np.savez(d, x_train=digits_data.x_train, y_train=digits_data.y_train + 5, x_val=digits_data.x_val,
             y_val=digits_data.y_val)
    code, _, err = run(_optimize(float_model_file, str(d), tmp_path / "o.keras", "--prune", "0.5"), capsys)
    assert code == 2
    assert_one_sentence(err, "has 10 outputs", "labels do not match")
    assert _files(tmp_path) == {"d.npz"}


def test_keras3_model(data_spec, keras3_model_file, tmp_path, capsys) -> None:
    code, _, err = run(_optimize(keras3_model_file, data_spec, tmp_path / "o.keras", "--prune", "0.5"), capsys)
    assert code == 2
    assert_one_sentence(err, "Keras 3", "tf_keras")
    assert _files(tmp_path) == set()


def test_keras3_model_convert(data_spec, keras3_model_file, tmp_path, capsys) -> None:
    code, _, err = run(["convert", str(keras3_model_file), "-o", str(tmp_path / "m.tflite"), "--data", data_spec],
                       capsys)
    assert code == 2
    assert_one_sentence(err, "Keras 3")
    assert _files(tmp_path) == set()


def test_unknown_recipe_key(data_spec, float_model_file, tmp_path, capsys) -> None:
    r = tmp_path / "r.toml"
    r.write_text('[[step]]\nkind = "prune"\nsparsity = 0.5\nwarmup = 3\n')
    code, _, err = run(_optimize(float_model_file, data_spec, tmp_path / "o.keras", "--recipe", str(r)), capsys)
    assert code == 2
    assert_one_sentence(err, "unknown key 'warmup'")
    assert _files(tmp_path) == {"r.toml"}


@pytest.mark.parametrize("sparsity", ["0", "1", "1.2"])
def test_sparsity_out_of_range(data_spec, float_model_file, tmp_path, capsys, sparsity: str) -> None:
    code, _, err = run(_optimize(float_model_file, data_spec, tmp_path / "o.keras", "--prune", sparsity), capsys)
    assert code == 2
    assert_one_sentence(err, "strictly between 0 and 1")
    assert _files(tmp_path) == set()


def test_existing_output_needs_force(data_spec, float_model_file, tmp_path, capsys) -> None:
    out = tmp_path / "o.keras"
    out.write_bytes(b"keep me")
    code, _, err = run(_optimize(float_model_file, data_spec, out, "--prune", "0.5"), capsys)
    assert code == 2
    assert_one_sentence(err, "already exists", "--force")
    assert out.read_bytes() == b"keep me"


def test_qat_output_must_be_hdf5(data_spec, float_model_file, tmp_path, capsys) -> None:
    code, _, err = run(_optimize(float_model_file, data_spec, tmp_path / "o.keras", "--quantize", "qat"), capsys)
    assert code == 2
    assert_one_sentence(err, "HDF5", "o.h5")


def test_eval_label_mismatch(tmp_path, capsys, ptq_tflite) -> None:
    d = tmp_path / "d.npz"
    x = np.zeros((4, 8, 8, 1), np.float32)
    np.savez(d, x_train=x, y_train=np.array([0, 1, 2, 14]), x_val=x, y_val=np.array([0, 1, 2, 3]))
    code, _, err = run(["eval", str(ptq_tflite), "--data", str(d), "--no-keras"], capsys)
    assert code == 2
    assert_one_sentence(err, "do not match")


def test_dry_run_writes_nothing_and_lists_findings(data_spec, float_model_file, tmp_path, capsys) -> None:
    code, out, _ = run(_optimize(float_model_file, data_spec, tmp_path / "o.h5", "--prune", "0.6",
                                 "--quantize", "pqat", "--dry-run"), capsys)
    assert code == 0
    assert "compatibility scan" in out and "dw2" in out and "DepthwiseConv2D" in out
    assert _files(tmp_path) == set()
