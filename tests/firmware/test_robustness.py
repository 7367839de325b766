"""The bench against real firmware built with fault injection: a board reset mid-run, garbage bytes on
the line, and a stall. Measured data survives each; a stall ends in one clear timeout error."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import mlperf_model

from edgekit.bench.serial_bench import load_inputs, run_bench
from edgekit.errors import DeviceError
from edgekit.flash.qemu import QemuRunner
from edgekit.package.project import load_project

pytestmark = [pytest.mark.qemu, pytest.mark.slow]


def bench(project_dir: Path, tmp_path: Path, samples: int = 3, runs: int = 2, timeout: float = 30.0):  # noqa: ANN201
    project = load_project(project_dir)
    inputs = load_inputs(None, project.inputs, samples, seed=11)
    with QemuRunner(project).do_run() as session:
        return run_bench(project, session.url, inputs, runs=runs, warmup=0, timeout=timeout,
                         json_path=tmp_path / "bench.json", csv_path=tmp_path / "bench.csv")


def test_survives_a_reset_mid_run(firmware: Callable[..., Path], qemu: None, tmp_path: Path) -> None:
    # the 4th inference (input 1, run 1) resets the whole board via SYSRESETREQ
    result = bench(firmware(mlperf_model("ad"), "mps2-an386", "EK_INJECT_RESET_AT=4"), tmp_path)
    assert result.resets == 1
    assert result.outputs_match
    assert [(r["input"], r["run"]) for r in result.runs] == [(i, j) for i in range(3) for j in range(2)]
    doc = json.loads((tmp_path / "bench.json").read_text())
    assert doc["resets"] == 1 and doc["outputs_match"] is True and doc["error"] is None


def test_skips_garbage_bytes(firmware: Callable[..., Path], qemu: None, tmp_path: Path) -> None:
    result = bench(firmware(mlperf_model("ad"), "mps2-an386", "EK_INJECT_GARBAGE"), tmp_path)
    assert result.garbage_lines >= 6  # junk before every inference
    assert result.outputs_match and len(result.runs) == 6


def test_stall_is_a_clear_timeout_and_keeps_the_measurements(firmware: Callable[..., Path], qemu: None,
                                                              tmp_path: Path) -> None:
    project = firmware(mlperf_model("ad"), "mps2-an386", "EK_INJECT_STALL_AT=3")
    with pytest.raises(DeviceError, match=r"the device sent nothing for 2 s"):
        bench(project, tmp_path, runs=1, timeout=2.0)
    doc = json.loads((tmp_path / "bench.json").read_text())
    assert "sent nothing for 2 s" in doc["error"]
    assert [r["input"] for r in doc["runs"]] == [0, 1]  # inputs 0 and 1 were measured before the stall
    assert doc["outputs_match"] is False
    assert (tmp_path / "bench.csv").read_text().count("\n") == 3  # header + 2 rows
