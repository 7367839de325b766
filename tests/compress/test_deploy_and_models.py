"""``edgekit deploy`` on a tiny project, and the digits models other engineers' tests depend on."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from edgekit.errors import BadInputError

pytestmark = pytest.mark.slow
DIGITS = Path(__file__).resolve().parents[2] / "examples" / "digits"


def _project(tmp_path: Path, extra: str = "") -> Path:
    (tmp_path / "recipe.toml").write_text(
        '[[step]]\nkind = "prune"\nsparsity = 0.5\nepochs = 1\n[[step]]\nkind = "pqat"\nepochs = 1\n')
    p = tmp_path / "edgekit.toml"
    p.write_text(f"""
[project]
name = "tiny"
out = "out"
[model]
build = "{DIGITS / 'model.py'}:build_model"
[data]
source = "{DIGITS / 'data.py'}:load"
[train]
epochs = 4
learning_rate = 1e-2
[optimize]
recipe = "recipe.toml"
{extra}""")
    return p


@pytest.fixture(scope="module")
def deployed(tmp_path_factory):
    from edgekit.deploy import deploy

    tmp = tmp_path_factory.mktemp("deploy")
    return tmp, deploy(_project(tmp), progress=False, until="eval")  # later stages belong to others


def test_deploy_runs_every_stage_then_reuses(deployed) -> None:
    from rich.console import Console

    from edgekit.deploy import STAGES, deploy

    tmp_path, ctx = deployed
    assert [s.name for s in STAGES][:4] == ["model", "optimize", "convert", "eval"]
    out = tmp_path / "out"
    assert {"float.keras", "compressed.h5", "tiny_int8.tflite", "tiny_int8.convert.json", "eval.json",
            "compress_report.json"} <= {p.name for p in out.iterdir()}
    rows = json.loads((out / "eval.json").read_text())["rows"]
    assert [r["model"].split()[0] for r in rows] == ["float", "compressed", "int8"]
    assert rows[-1]["accuracy"] > 0.5
    assert ctx.artifacts["tflite"] == out / "tiny_int8.tflite"

    stamp = (out / "tiny_int8.tflite").stat().st_mtime_ns
    console = Console(record=True, width=200)
    deploy(tmp_path / "edgekit.toml", progress=False, console=console, until="eval")
    assert (out / "tiny_int8.tflite").stat().st_mtime_ns == stamp
    assert console.export_text().count("reusing") == 3


def test_deploy_accuracy_budget(deployed) -> None:
    from dataclasses import replace

    from edgekit.deploy import stage_eval
    from edgekit.errors import MismatchError

    _, ctx = deployed
    sections = {**ctx.project.sections, "eval": {"max_accuracy_drop": -100.0}}  # no model can meet it
    ctx.project = replace(ctx.project, sections=sections)
    with pytest.raises(MismatchError, match="over the project's max_accuracy_drop"):
        stage_eval(ctx)


@pytest.mark.parametrize(("extra", "message"), [
    ("[bogus]\nx = 1\n", r"unknown section \[bogus\]"),
    ("[convert]\nmode = 'int8'\nsamplez = 3\n", "unknown key 'samplez' in \\[convert\\]"),
])
def test_project_file_is_strict(tmp_path, extra: str, message: str) -> None:
    from edgekit.deploy import load_project

    with pytest.raises(BadInputError, match=message):
        load_project(_project(tmp_path, extra))


def test_make_digits_models(tmp_path) -> None:
    sys.path.insert(0, str(DIGITS))
    try:
        from make_models import make_digits_models
    finally:
        sys.path.remove(str(DIGITS))
    from edgekit.converters.tflite_reader import read_model

    paths = make_digits_models(tmp_path, epochs=1)
    assert set(paths) == {"ptq", "qat", "pqat"}
    for key, path in paths.items():
        ir = read_model(path)
        assert [ir.tensor(i).dtype for i in (*ir.inputs, *ir.outputs)] == ["int8", "int8"], key
        assert {"CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "SOFTMAX"} <= {op.op for op in ir.operators}
    pqat = read_model(paths["pqat"])
    for op in pqat.operators:
        if op.op in ("CONV_2D", "FULLY_CONNECTED"):
            assert np.mean(pqat.tensor(op.inputs[1]).array() == 0) >= 0.49
