"""Per-op profile (`edgekit bench --profile`): the ek-ops reply is parsed strictly, matched against the model's
ops, and printed as a per-layer table; on QEMU the per-op counts add up to about the whole inference."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import mlperf_model

from edgekit.bench.profile import parse_ops, profile_rows
from edgekit.errors import DeviceError


def test_parse_ops_lines() -> None:
    lines = ["ek-op-0-CONV_2D-1200", "ek-op-1-DEPTHWISE_CONV_2D-80", "m-ready"]
    assert parse_ops(lines) == [(0, "CONV_2D", 1200), (1, "DEPTHWISE_CONV_2D", 80)]
    with pytest.raises(DeviceError, match="rebuild with -DEK_PROFILE_OPS"):
        parse_ops(["e-[per-op profiling is not built in; rebuild with -DEK_PROFILE_OPS]"])


def test_profile_rows_must_match_the_model() -> None:
    path = mlperf_model("ad")
    ops = [(k, "FULLY_CONNECTED", 100 + k) for k in range(10)]
    rows = profile_rows(path, ops)
    assert [r.macs for r in rows][:1] == [640 * 128] and rows[9].count == 109
    with pytest.raises(DeviceError, match="the device profiled 3 ops, the model ad01_int8 has 10"):
        profile_rows(path, ops[:3])


@pytest.mark.qemu
@pytest.mark.slow
def test_bench_profile_on_qemu(tmp_path: Path) -> None:
    for tool in ("arm-none-eabi-gcc", "qemu-system-arm", "make"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} not found (make system-packages installs it)")
    r = subprocess.run([sys.executable, "-m", "edgekit", "bench", str(mlperf_model("ad")), "--target", "mps2-an386",
                        "--emulate", "--samples", "1", "--runs", "1", "--profile", "--kernels", "dsp"],
                       capture_output=True, text=True, timeout=300, env={**os.environ, "COLUMNS": "200"})
    assert r.returncode == 0, r.stderr
    assert "per-op profile" in r.stdout and r.stdout.count("FULLY_CONNECTED") == 10
    assert "outputs match TFLite Micro byte for byte" in r.stdout
