"""`edgekit package` / `edgekit bench` on an Android target, as a user runs them: exit codes and one sentence."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import AdbServer


def edgekit(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "edgekit", *args], capture_output=True, text=True, env=env,
                          timeout=300, stdin=subprocess.DEVNULL)


def tight_target(tmp_path: Path) -> Path:
    p = tmp_path / "tight-phone.toml"
    p.write_text('id = "tight-phone"\ninherit = "android-arm64"\n[benchmark]\nwarmup_runs = 1\nruns = 5\nrounds = 2\n'
                 '[budget]\nmax_latency_ms = 50.0\npeak_memory_bytes = 1024\n')
    return p


def test_cli_package_then_bench_over_budget(adb_server: AdbServer, tiny_model: Path, fake_binary: Path,
                                            tmp_path: Path) -> None:
    dev = adb_server.device()
    res = edgekit("package", str(tiny_model), "-t", "android-arm64", "-o", str(tmp_path / "mod"),
                  "--package-name", "com.acme.tiny", env=adb_server.env)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "mod/src/main/kotlin/com/acme/tiny/TinyFcModel.kt").is_file()
    out = tmp_path / "bench.json"
    res = edgekit("bench", str(tiny_model), "-t", str(tight_target(tmp_path)), "--serial", dev.serial,
                  "--benchmark-binary", str(fake_binary), "--json", str(out), env=adb_server.env)
    assert res.returncode == 1, res.stderr
    assert res.stderr.strip().startswith(f"error: on {dev.serial}: peak memory ")
    assert "exceeds the budget of 0.0009765625 MB" in res.stderr and "Traceback" not in res.stderr
    data = json.loads(out.read_text())
    assert data["budget"]["verdict"] == "over budget" and len(data["samples"]["inference_avg_us"]) == 2
    assert data["settings"]["rounds"] == 2 and data["rounds"][0]["inference"]["count"] == 5


def test_cli_unauthorized_is_one_sentence(adb_server: AdbServer, tiny_model: Path, fake_binary: Path) -> None:
    dev = adb_server.device(mode="unauthorized")
    adb_server.wait_state(dev.serial, "unauthorized")
    res = edgekit("bench", str(tiny_model), "-t", "android-arm64", "--benchmark-binary", str(fake_binary),
                  env=adb_server.env)
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: device {dev.serial} is unauthorized")


def test_cli_no_device(adb_server: AdbServer, tiny_model: Path, fake_binary: Path) -> None:
    res = edgekit("bench", str(tiny_model), "-t", "android-arm64", "--benchmark-binary", str(fake_binary),
                  env=adb_server.env)
    assert res.returncode == 2
    assert res.stderr.strip().splitlines() == [
        "error: no Android device found (adb devices -l lists none): connect a phone with USB debugging "
        "enabled, or `adb connect HOST:PORT` for one on the network."
    ]
