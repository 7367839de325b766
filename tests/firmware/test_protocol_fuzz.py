"""The device-side command parser (board/ek_protocol.c), compiled for the host with AddressSanitizer and
UBSan, against random, overlong and structured command streams; and its exact replies to bad commands."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import REPO

SRC = REPO / "firmware_templates" / "cortex_m"


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("gcc") is None:
        pytest.skip("host gcc not found")
    exe = tmp_path_factory.mktemp("fuzz") / "fuzz_protocol"
    subprocess.run(["gcc", "-std=c99", "-g", "-O1", "-Wall", "-Wextra", "-Werror", "-fsanitize=address,undefined",
                    "-fno-sanitize-recover=all", f"-I{SRC}", str(Path(__file__).with_name("fuzz_protocol.c")),
                    str(SRC / "ek_protocol.c"), "-o", str(exe)], check=True)
    return exe


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fuzz_survives_random_and_overlong_streams(harness: Path, seed: int) -> None:
    r = subprocess.run([str(harness), str(seed), "8000"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.startswith("ok commands=")
    assert "ERROR" not in r.stderr and "runtime error" not in r.stderr


def converse(harness: Path, stream: bytes) -> list[str]:
    r = subprocess.run([str(harness), "-"], input=stream, capture_output=True, timeout=30)
    assert r.returncode == 0, r.stderr.decode()[-2000:]
    return r.stdout.decode().split("\r\n")[:-1]


def test_every_command_ends_with_ready_and_errors_are_e_lines(harness: Path) -> None:
    lines = converse(harness, b"x" * 81 + b"%name%db load 5%db 0a%infer 1%\x01\x02%results%db load 4%db 0g0h%"
                     b"db 0a0b0%db 0a0b0c0d0e%infer 0%infer 1 2 3%bogus%%")
    errors = [x for x in lines if x.startswith("e-")]
    assert errors == [
        "e-[command longer than 80 characters]",
        "e-[db load size exceeds the model input bytes: 5]",
        "e-[db load N must come before data]",
        "e-[no complete input loaded; send db load N and the data first]",
        "e-[command contains non-printable bytes]",
        "e-[no results yet; run infer first]",
        "e-[db payload is not hex]",
        "e-[Insufficent number of hex digits]",
        "e-[Input buffer overflow]",
        "e-[infer needs N (1..100000) and an optional warm-up count W]",
        "e-[infer needs N (1..100000) and an optional warm-up count W]",
        "e-[Unknown command: bogus]",
        "e-[empty command]",
    ]
    assert lines.count("m-ready") == 15  # one per command
    assert "m-name-dut-[host]" in lines and "m-[Expecting 4 bytes]" in lines


def test_infer_reply_follows_the_mlperf_sequence(harness: Path) -> None:
    lines = converse(harness, b"db load 4%db 01020304%infer 2%")
    i = lines.index("m-warmup-start-10")  # W defaults to 10
    assert lines[i + 1 : i + 4] == ["m-warmup-done", "m-infer-start-2", "m-lap-us-40"]
    assert lines[i + 4].startswith("m-lap-us-") and lines[i + 5] == "m-infer-done"
    assert "ek-laps-instructions-[4920,4920]" in lines
    assert "m-results-[3.000,2.000,5.000]" in lines and "ek-output-0-030107" in lines
    assert lines[-1] == "m-ready"
