"""Kernels B on an emulated Cortex-M4F (QEMU mps2-an386): the generated C, cross-compiled with arm-none-eabi-gcc,
gives TFLite Micro's bytes on the device too, for the table kernels, the fixed-point ones and the float edges
(QUANTIZE's NaN / inf / half-way inputs through the M4F's FPU)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from .test_ops_b_kernels import CASES, _convert, _samples

# Single-input models covering every B kernel family that runs differently on the FPU or with tables.
QEMU_CASES = ("softmax_600", "softmax_10", "logistic_m8_8", "hard_swish_m0p5_0p5", "quant_pad_dequant", "mean_9",
              "mul_const")


@pytest.mark.qemu
@pytest.mark.parametrize("name", QEMU_CASES)
def test_b_kernels_on_emulated_cortex_m4(name: str, tmp_path: Path) -> None:
    for tool in ("qemu-system-arm", "arm-none-eabi-gcc"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (make system-packages installs it)")
    tf = pytest.importorskip("tensorflow")
    from click.testing import CliRunner
    from edgekit.converters.tflite_reader import read_model

    from edgekit.cli.bench import command

    path = tmp_path / f"{name}.tflite"
    path.write_bytes(_convert(tf, CASES[name]))
    model = read_model(path)
    (t,) = model.inputs
    samples = _samples(model, CASES[name])[-8:]  # the extremes and the case's own edge inputs come last
    batch = np.stack([s[0] for s in samples])
    np.save(tmp_path / "inputs.npy", batch)
    report = tmp_path / "bench.json"
    result = CliRunner().invoke(command, ["--emulate", "-t", "mps2-an386", str(path), "--inputs",
                                          str(tmp_path / "inputs.npy"), "--samples", str(len(samples)), "--runs", "1",
                                          "--warmup", "0", "--json", str(report)])
    assert result.exit_code == 0, result.output
    data = json.loads(report.read_text())
    assert data["error"] is None
    assert data["outputs_match"] is True and data["mismatched_inputs"] == [], data["mismatched_inputs"]
    assert len(data["outputs"]) == len(samples)
