"""The firmware on emulated boards: outputs byte-identical to TFLite Micro on the host, and the same
instruction counts on two separate boots (QEMU -icount makes SysTick count instructions)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import mlperf_model

from edgekit.bench.serial_bench import BenchResult, load_inputs, run_bench
from edgekit.flash.qemu import QemuRunner
from edgekit.package.project import load_project

pytestmark = [pytest.mark.qemu, pytest.mark.slow]


def bench_twice(project_dir: Path, samples: int = 2, runs: int = 2) -> tuple[BenchResult, BenchResult]:
    project = load_project(project_dir)
    inputs = load_inputs(None, project.inputs, samples, seed=7)
    results = []
    for _ in range(2):
        with QemuRunner(project).do_run() as session:
            results.append(run_bench(project, session.url, inputs, runs=runs, warmup=0, timeout=60))
    return results[0], results[1]


def check(first: BenchResult, second: BenchResult, samples: int = 2, runs: int = 2) -> None:
    assert first.error is None and second.error is None
    assert first.outputs_match, f"device outputs differ from TFLite Micro: {first.to_json()['mismatched_inputs']}"
    assert second.outputs == first.outputs
    counts = [r["instructions"] for r in first.runs]
    assert len(counts) == samples * runs and all(c > 0 for c in counts)
    assert counts == [r["instructions"] for r in second.runs]  # deterministic across boots
    assert first.units == "instructions"


@pytest.mark.parametrize("key", ["ad", "kws", "ic", "vww"])
def test_mlperf_tiny_on_an386(key: str, firmware: Callable[..., Path], qemu: None) -> None:
    model = mlperf_model(key)
    first, second = bench_twice(firmware(model, "mps2-an386"))
    check(first, second)
    assert first.device["model_hash"] == first.model_sha256[:16]


def test_digits_on_an386(digits_ptq: Path, firmware: Callable[..., Path], qemu: None) -> None:
    first, second = bench_twice(firmware(digits_ptq, "mps2-an386"), samples=3)
    check(first, second, samples=3)


@pytest.mark.parametrize(("target", "key"), [("mps2-an500", "ad"), ("mps2-an505", "kws"), ("netduinoplus2", "ad")])
def test_other_boards(target: str, key: str, firmware: Callable[..., Path], qemu: None) -> None:
    first, second = bench_twice(firmware(mlperf_model(key), target))
    check(first, second)
    assert first.target == target


def test_nrf52840dk_compiles(firmware: Callable[..., Path]) -> None:
    """No nRF52 machine in QEMU: the UARTE driver and DWT timer are compile-checked only."""
    project = firmware(mlperf_model("ad"), "nrf52840dk")
    assert (project / "build" / "firmware.hex").is_file()
    assert "uart_nrf52.c" in (project / "Makefile").read_text()


def test_per_op_profile_build(firmware: Callable[..., Path], qemu: None) -> None:
    """-DEK_PROFILE_OPS wires MODEL_API's op hook to the ek-ops% command: one count per op."""
    from edgekit.converters.tflite_reader import read_model

    from edgekit.bench.link import DeviceLink

    model = mlperf_model("kws")
    project = load_project(firmware(model, "mps2-an386", "EK_PROFILE_OPS"))
    x = load_inputs(None, project.inputs, 1, seed=1)[0]
    with QemuRunner(project).do_run() as session, DeviceLink(session.url, timeout=60) as link:
        link.sync()
        link.upload(x)
        infer = link.command("infer 1 0")
        ops = link.command("ek-ops")
    total = int(next(x for x in infer if x.startswith("ek-total-instructions-")).rsplit("-", 1)[1])
    m = read_model(model)
    assert len(ops) == len(m.operators)
    counts = [int(line.rsplit("-", 1)[1]) for line in ops]
    assert [line.split("-")[3] for line in ops] == [op.op for op in m.operators]
    assert all(c >= 0 for c in counts) and 0.5 * total < sum(counts) <= total
