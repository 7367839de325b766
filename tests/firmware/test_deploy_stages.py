"""The firmware stages appended to `edgekit deploy` (check, package, build, run, bench, report), run on the
digits model without retraining: the earlier stages' artifacts are put in the context directly."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from edgekit import deploy

from .conftest import REPO

pytestmark = [pytest.mark.qemu, pytest.mark.slow]


def test_firmware_stages_end_to_end(digits_ptq: Path, qemu: None, tmp_path: Path,
                                    firmware: Callable[..., Path]) -> None:
    from rich.console import Console

    project = deploy.load_project(REPO / "examples" / "digits" / "edgekit.toml")
    sections = {**project.sections, "device": {"target": "mps2-an386", "samples": 40, "runs": 2, "bench_inputs": 2}}
    project = dataclasses.replace(project, out=tmp_path, sections=sections)
    console = Console(record=True, width=120)
    ctx = deploy.DeployContext(project=project, console=console, progress=False)
    ctx.artifacts["tflite"] = digits_ptq
    ctx.results["eval"] = {"rows": [{"model": "compressed (Keras)", "file": "x", "accuracy": 0.9}]}
    names = [s.name for s in deploy.STAGES]
    assert names[-6:] == ["check", "package", "build", "run", "bench", "report"]
    for stage in deploy.STAGES[-6:]:
        stage.run(ctx)
    run = ctx.results["run"]
    assert run["samples"] == 40 and run["outputs_match"] is True and 0.5 < run["device_accuracy"] <= 1.0
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["build"]["fits"] is True and report["bench"]["outputs_match"] is True
    assert report["bench"]["instructions"]["count"] == 4
    text = console.export_text()
    assert "accuracy on device (40 validation samples)" in text and "flash (text + data)" in text
    assert json.loads((tmp_path / "bench.json").read_text())["schema"] == "edgekit-bench/1"
