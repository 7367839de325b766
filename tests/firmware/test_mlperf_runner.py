"""A client that follows the MLPerf Tiny reference runner's exact sequence (name, profile, db load,
31-byte hex chunks, infer N W, results) against the emulated firmware over socket://."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import serial
from conftest import mlperf_model

from edgekit.flash.qemu import QemuRunner
from edgekit.package.project import load_project
from edgekit.verify.reference import tflm_run

pytestmark = [pytest.mark.qemu, pytest.mark.slow]


class RunnerLikeDut:
    """Mirrors mlcommons/tiny benchmark/runner's device_under_test: commands end with '%', every reply is
    read up to 'm-ready', payloads go 31 bytes per 'db' command, and it never resynchronises."""

    max_bytes = 31

    def __init__(self, url: str) -> None:
        self.port = serial.serial_for_url(url, baudrate=115200, timeout=30)

    def read_until_ready(self) -> list[str]:
        lines = []
        while True:
            raw = self.port.read_until(b"\n")
            assert raw, "timed out waiting for the device"
            line = raw.decode().strip()
            if line == "m-ready":
                return lines
            lines.append(line)

    def send_command(self, command: str) -> list[str]:
        self.port.write((command + "%").encode())
        return self.read_until_ready()

    def load(self, data: bytes) -> list[str]:
        replies = self.send_command(f"db load {len(data)}")
        for i in range(0, len(data), self.max_bytes):
            replies += self.send_command("db " + "".join(f"{b:02x}" for b in data[i : i + self.max_bytes]))
        return replies

    def infer(self, number: int, warmups: int) -> list[str]:
        command = f"infer {number}" + (f" {warmups}" if warmups else "")
        return self.send_command(command)


def test_reference_runner_sequence(firmware: Callable[..., Path], qemu: None) -> None:
    model = mlperf_model("kws")
    project = load_project(firmware(model, "mps2-an386"))
    x = np.random.default_rng(3).integers(-128, 128, size=project.inputs[0].shape, dtype=np.int64).astype(np.int8)
    with QemuRunner(project).do_run() as session:
        dut = RunnerLikeDut(session.url)
        assert dut.read_until_ready() == []  # the only unsolicited line is the boot-time m-ready
        assert dut.send_command("name") == ["m-name-dut-[mps2-an386]"]
        profile = dut.send_command("profile")
        assert profile[0].startswith("m-profile-[") and profile[1] == "m-model-[kws_ref_model]"
        replies = dut.load(x.tobytes())
        assert replies == ["m-[Expecting 490 bytes]", "m-load-done"]  # 490 = 15 full chunks + 25 bytes
        t0 = time.monotonic()
        infer = dut.infer(2, 1)
        assert time.monotonic() - t0 < 120
        laps = [int(line.removeprefix("m-lap-us-")) for line in infer if line.startswith("m-lap-us-")]
        assert len(laps) == 2 and laps[1] > laps[0]
        assert infer[:3] == ["m-warmup-start-1", "m-warmup-done", "m-infer-start-2"]
        assert "m-infer-done" in infer
        results = dut.send_command("results")
        dut.port.close()
    scores = [float(v) for v in results[0].removeprefix("m-results-[").removesuffix("]").split(",")]
    ref = tflm_run(model.read_bytes(), [[x]], 1)[0][0].reshape(-1)
    o = project.outputs[0]
    expected = (ref.astype(np.float64) - o.zero_point) * o.scale
    assert len(scores) == 12
    assert np.allclose(scores, expected, atol=0.0006)  # %0.3f of the dequantized scores
    raw = next(line for line in results if line.startswith("ek-output-0-"))
    assert bytes.fromhex(raw.removeprefix("ek-output-0-")) == ref.astype(np.int8).tobytes()
