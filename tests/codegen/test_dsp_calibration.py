"""`edgekit check`'s latency on a Cortex-M4 target uses the per-op costs fitted to measured profiles
(calibration.toml, written by benchmarks/mcu_calibrate.py) for the kernel variant the target gets, unless the
target file states its own cycles_per_mac."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import mlperf_model
from edgekit.converters.tflite_reader import read_model

from edgekit.analysis.budget import assess, calibrated_cycles, calibration
from edgekit.analysis.costs import model_cost


def test_calibration_data_covers_both_variants() -> None:
    table = calibration()["cortex-m4"]
    for variant in ("portable", "dsp"):
        for op in ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "ADD", "AVERAGE_POOL_2D", "SOFTMAX"):
            coef = table[variant][op]
            assert set(coef) == {"macs", "ops", "elements", "call"} and all(v >= 0 for v in coef.values())
    # the SMLAD kernels cost fewer instructions per MAC than the portable ones
    for op in ("CONV_2D", "FULLY_CONNECTED"):
        assert table["dsp"][op]["macs"] < 0.5 * table["portable"][op]["macs"]


def test_check_uses_the_calibration_for_the_targets_variant() -> None:
    from edgekit.targets.loader import load_target

    model = read_model(mlperf_model("kws"))
    a = assess(model, load_target("mps2-an386"))  # M4 with DSP; cycles_per_mac only from the shared base
    assert a.latency.source.startswith("calibrated (cortex-m4, dsp kernels")
    assert a.latency.cycles == round(sum(calibrated_cycles(model_cost(model), "cortex-m4", "dsp")))
    assert a.latency.per_layer is not None and len(a.latency.per_layer) == len(model.operators)


def test_a_targets_own_cycles_per_mac_wins(tmp_path: Path) -> None:
    target = tmp_path / "my-board.toml"
    target.write_text('id = "my-board"\ninherit = "mps2-an386"\n[cpu]\ncycles_per_mac = 3.0\ndsp = false\n')
    out = tmp_path / "report.json"
    r = subprocess.run([sys.executable, "-m", "edgekit", "check", str(mlperf_model("ad")), "--target", str(target),
                        "--json", str(out), "--quiet"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    doc = json.loads(out.read_text())
    assert doc["estimates"]["latency"] == "estimate (target cycles_per_mac)"
    assert doc["estimates"]["cycles_per_mac"] == 3.0


@pytest.mark.parametrize("variant", ["portable", "dsp"])
def test_calibrated_estimate_within_20_percent_on_qemu(variant: str, tmp_path: Path) -> None:
    """The estimate against a fresh measurement on the emulated board (AD: a few seconds)."""
    import shutil

    for tool in ("arm-none-eabi-gcc", "qemu-system-arm", "make"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} not found (make system-packages installs it)")
    from .test_dsp_qemu import _run

    model = mlperf_model("ad")
    counts, ok, _ = _run(model, variant, tmp_path)
    assert ok
    est = sum(calibrated_cycles(model_cost(read_model(model)), "cortex-m4", variant))
    assert abs(est / counts[0] - 1) <= 0.2, (est, counts)
