"""End to end over the real adb client and server against the emulated device: select, push, bench, JSON."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from edgekit.android.adb import Adb
from edgekit.android.bench import bench_android
from edgekit.errors import DeviceError, EnvironmentError_, OverBudgetError

from .conftest import AdbServer


def target(**budget: Any) -> dict[str, Any]:
    return {
        "id": "android-test",
        "kind": "android",
        "android": {"abi": "arm64-v8a", "min_sdk": 26},
        "benchmark": {"threads": 2, "delegate": "xnnpack", "taskset_mask": "f0", "warmup_runs": 2, "num_runs": 20,
                      "rounds": 2},
        "budget": budget,
    }


def test_bench_end_to_end_json_and_verdict(adb_server: AdbServer, tiny_model: Path, fake_binary: Path, tmp_path: Path) -> None:
    dev = adb_server.device()
    out = tmp_path / "bench.json"
    rep = bench_android(tiny_model, target(max_latency_ms=1000.0, max_peak_memory_mb=4096.0), serial=dev.serial,
                        benchmark_binary=fake_binary, json_path=out, echo=False)
    assert rep.verdict == "within budget"
    data = json.loads(out.read_text())
    assert data["complete"] is True and data["budget"]["verdict"] == "within budget"
    assert len(data["rounds"]) == 2 and len(data["samples"]["inference_avg_us"]) == 2
    for r in data["rounds"]:
        assert r["inference"]["count"] == 20  # --num_runs honoured, --min_secs=0
        assert r["warmup"]["count"] == 2
        assert r["peak_memory_mb"] > 0
        assert r["delegations"][0]["delegate"] == "TfLiteXNNPackDelegate"
    # the model and the binary really were pushed with sync SEND, byte for byte, and the binary made executable
    pushed_model = dev.device_path("/data/local/tmp/edgekit/tiny_fc.tflite")
    assert pushed_model.read_bytes() == tiny_model.read_bytes()
    assert dev.device_path("/data/local/tmp/edgekit/benchmark_model").stat().st_mode & 0o111
    # the target's settings reached the device's shell verbatim
    bench_cmds = [c for c in dev.commands if "benchmark_model --graph" in c]
    assert len(bench_cmds) == 2
    assert bench_cmds[0] == (
        "taskset f0 /data/local/tmp/edgekit/benchmark_model --graph=/data/local/tmp/edgekit/tiny_fc.tflite "
        "--num_threads=2 --warmup_runs=2 --num_runs=20 --warmup_min_secs=0 --min_secs=0 "
        "--report_peak_memory_footprint=true --use_xnnpack=true"
    )


def test_over_budget_exits_1_with_json(adb_server: AdbServer, tiny_model: Path, fake_binary: Path, tmp_path: Path) -> None:
    dev = adb_server.device()
    out = tmp_path / "bench.json"
    with pytest.raises(OverBudgetError, match="peak memory .* exceeds the budget of 0.001 MB") as ei:
        bench_android(tiny_model, target(max_latency_ms=1000.0, max_peak_memory_mb=0.001), serial=dev.serial,
                      benchmark_binary=fake_binary, json_path=out, echo=False)
    assert ei.value.exit_code == 1
    data = json.loads(out.read_text())
    assert data["budget"]["verdict"] == "over budget" and data["budget"]["memory_ok"] is False
    assert data["budget"]["latency_ok"] is True


def test_vanishing_device_keeps_measured_rounds(adb_server: AdbServer, tiny_model: Path, fake_binary: Path,
                                                tmp_path: Path) -> None:
    dev = adb_server.device(vanish_on_benchmark_run=2)
    out = tmp_path / "bench.json"
    with pytest.raises(DeviceError, match=rf"device {dev.serial} (went offline|disconnected) during round 2.*1 round"):
        bench_android(tiny_model, target(max_latency_ms=1000.0), serial=dev.serial, benchmark_binary=fake_binary,
                      json_path=out, echo=False)
    data = json.loads(out.read_text())
    assert data["complete"] is False and data["budget"]["verdict"] == "incomplete"
    assert len(data["rounds"]) == 1 and data["samples"]["inference_avg_us"][0] > 0
    assert "round 2" in data["error"]


def test_no_device(adb_server: AdbServer, tiny_model: Path, fake_binary: Path) -> None:
    with pytest.raises(DeviceError, match=r"^no Android device found"):
        bench_android(tiny_model, target(), benchmark_binary=fake_binary, echo=False)


def test_several_devices_need_serial(adb_server: AdbServer, tiny_model: Path, fake_binary: Path) -> None:
    a, b = adb_server.device(), adb_server.device()
    with pytest.raises(DeviceError, match=r"^several devices are attached \(.*\); choose one with --serial\.$") as ei:
        bench_android(tiny_model, target(), benchmark_binary=fake_binary, echo=False)
    assert a.serial in str(ei.value) and b.serial in str(ei.value)
    assert Adb().select(a.serial).serial == a.serial  # with a serial, the same setup is fine


def test_unauthorized_device(adb_server: AdbServer, tiny_model: Path, fake_binary: Path) -> None:
    dev = adb_server.device(mode="unauthorized")
    adb_server.wait_state(dev.serial, "unauthorized")
    with pytest.raises(DeviceError, match=rf"^device {dev.serial} is unauthorized: unlock it and accept"):
        bench_android(tiny_model, target(), benchmark_binary=fake_binary, echo=False)


def test_offline_device(adb_server: AdbServer, tiny_model: Path, fake_binary: Path) -> None:
    dev = adb_server.device()
    adb_server.wait_state(dev.serial, "device")
    dev.vanish()  # adb keeps a vanished network device listed as offline while it retries
    adb_server.wait_state(dev.serial, "offline")
    with pytest.raises(DeviceError, match=rf"^device {dev.serial} is offline: "):
        bench_android(tiny_model, target(), serial=dev.serial, benchmark_binary=fake_binary, echo=False)


def test_device_that_never_answers_is_offline(adb_server: AdbServer, tiny_model: Path, fake_binary: Path) -> None:
    dev = adb_server.device(connect=False, mode="silent")
    # `adb connect` waits ~10 s for the handshake; the server lists the device offline meanwhile
    pending = subprocess.Popen(["adb", "connect", dev.serial], env=adb_server.env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    try:
        adb_server.wait_state(dev.serial, "offline")
        with pytest.raises(DeviceError, match=rf"^device {dev.serial} is offline: "):
            bench_android(tiny_model, target(), benchmark_binary=fake_binary, echo=False)
    finally:
        pending.kill()
        pending.wait()


def test_unknown_serial(adb_server: AdbServer, tiny_model: Path, fake_binary: Path) -> None:
    adb_server.device()
    with pytest.raises(DeviceError, match=r"^device 10\.0\.0\.9:5555 is not attached \(adb devices lists: 127"):
        bench_android(tiny_model, target(), serial="10.0.0.9:5555", benchmark_binary=fake_binary, echo=False)


def test_missing_binary_says_where_to_get_it(tiny_model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EDGEKIT_BENCHMARK_MODEL", raising=False)
    with pytest.raises(EnvironmentError_, match=r"android_aarch64_benchmark_model"):
        bench_android(tiny_model, target(), echo=False)


def test_wrong_abi(adb_server: AdbServer, tiny_model: Path, fake_binary: Path) -> None:
    dev = adb_server.device()
    dev.behaviour.props.update({"ro.product.cpu.abi": "x86_64", "ro.product.cpu.abilist": "x86_64,x86"})
    with pytest.raises(DeviceError, match=r"runs x86_64, x86, not arm64-v8a"):
        bench_android(tiny_model, target(), serial=dev.serial, benchmark_binary=fake_binary, echo=False)


def test_adb_missing_says_how_to_install(tiny_model: Path, fake_binary: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(EnvironmentError_, match=r"^adb was not found on PATH; install Debian's 'adb' package"):
        bench_android(tiny_model, target(), benchmark_binary=fake_binary, echo=False)


def test_push_and_pull_several_packets_byte_exact(adb_server: AdbServer, tmp_path: Path) -> None:
    dev = adb_server.device()
    data = bytes(range(256)) * 6000 + b"tail"  # 1.5 MB: several WRTE packets and sync DATA chunks
    src = tmp_path / "big.bin"
    src.write_bytes(data)
    adb = Adb(serial=dev.serial)
    adb.push(src, "/data/local/tmp/sub/dir/big.bin")  # fixed_push_mkdir: the device makes the folders
    assert dev.device_path("/data/local/tmp/sub/dir/big.bin").read_bytes() == data
    back = adb_server.adb("-s", dev.serial, "pull", "/data/local/tmp/sub/dir/big.bin", str(tmp_path / "back.bin"))
    assert back.returncode == 0, back.stderr
    assert (tmp_path / "back.bin").read_bytes() == data
