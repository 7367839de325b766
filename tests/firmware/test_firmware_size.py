"""The firmware's fixed code stays small without losing anything: the protocol formats and divides without libc or
libgcc helpers (no printf, strcmp/strlen, soft-float double or 64-bit division), prints the same digits as the
double-precision formula it replaced, and the build carries no unwind tables."""

from __future__ import annotations

import random
import re
import shutil
import struct
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import mlperf_model

from .conftest import REPO

SRC = REPO / "firmware_templates" / "cortex_m"
F32_1E15 = struct.unpack("<f", struct.pack("<f", 1.0e15))[0]  # 1.0e15f as the firmware compares it
U64 = 1 << 64


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("gcc") is None:
        pytest.skip("host gcc not found")
    exe = tmp_path_factory.mktemp("fmt") / "format_harness"
    subprocess.run(["gcc", "-std=c99", "-O1", "-Wall", "-Wextra", "-Werror", "-fsanitize=address,undefined",
                    "-fno-sanitize-recover=all", f"-I{SRC}", str(Path(__file__).with_name("format_harness.c")),
                    str(SRC / "ek_protocol.c"), "-o", str(exe)], check=True, capture_output=True, text=True)
    return exe


def f3(bits: int) -> str:
    """The firmware's "%0.3f" as it was first written: (uint64_t)((double)v * 1000.0 + 0.5), digits by hand."""
    v = struct.unpack("<f", struct.pack("<I", bits))[0]
    if v != v:
        return "nan"
    sign = ""
    if v < 0.0:
        sign, v = "-", -v
    if v >= F32_1E15:
        return sign + "inf"
    milli = int(v * 1000.0 + 0.5)  # Python floats are IEEE doubles: the same two roundings as the C
    return f"{sign}{milli // 1000}.{milli % 1000:03d}"


def float_bits(f: float) -> int:
    return struct.unpack("<I", struct.pack("<f", f))[0]


def sample_bits() -> list[int]:
    rng = random.Random(7)
    edge = [0x0, 0x80000000, 0x1, 0x807FFFFF, 0x7F800000, 0xFF800000, 0x7FC00000, 0xFFC00001, 0x7F7FFFFF,
            float_bits(F32_1E15), float_bits(F32_1E15) - 1, float_bits(0.0005), float_bits(-0.0005),
            float_bits(0.0015), float_bits(2.0005), float_bits(0.9995), float_bits(-999.9995), float_bits(4.5e15)]
    edge += [float_bits(k / 1000 + 0.0005) + d for k in rng.sample(range(10**7), 3000) for d in (-1, 0, 1)]
    edge += [rng.getrandbits(32) for _ in range(20000)]
    # every binade from 2^-40 to 2^50, where the shift goes from "rounds to 0" to "exact integer"
    edge += [(e << 23) | rng.getrandbits(23) | (rng.getrandbits(1) << 31) for e in range(87, 177) for _ in range(40)]
    return edge


def run(harness: Path, num: int, den: int, tps: int, ticks: int, now: int, bits: list[int]) -> dict[str, list[str]]:
    r = subprocess.run([str(harness), str(num), str(den), str(tps), str(ticks), str(now)],
                       input="".join(f"{b:08x}\n" for b in bits), capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    lines: dict[str, list[str]] = {}
    for line in r.stdout.splitlines():
        m = re.fullmatch(r"(ek-laps-instructions-|ek-total-instructions-|m-lap-us-|m-results-)(.*)", line)
        if m:
            lines.setdefault(m.group(1), []).append(m.group(2))
    return lines


def test_results_digits_equal_the_double_formula(harness: Path) -> None:
    bits = sample_bits()
    got = run(harness, 40, 1, 25_000_000, 1000, 0, bits)["m-results-"]
    assert got == ["[" + ",".join(f3(b) for b in bits) + "]"]


@pytest.mark.parametrize(("num", "den", "tps", "ticks", "now"), [
    (40, 1, 25_000_000, 14_573, 123_456_789_012),
    (1, 1, 1, 0xFFFFFFFF, U64 - 1),
    (7, 3, 32_768, 0xFFFFFFFF, 0x0123456789ABCDEF),
    (0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, U64 - 2),
    (0xFFFFFFFF, 1, 64_000_000, 0xFFFFFFFF, 0xFFFFFFFF00000000),  # 3 laps x num: wraps modulo 2^64, as in C
    (3, 0, 0, 5, 77),  # a zero denominator or rate is taken as 1, never a division by zero
])
def test_tick_conversions_are_exact(harness: Path, num: int, den: int, tps: int, ticks: int, now: int) -> None:
    got = run(harness, num, den, tps, ticks, now, [0])
    den, tps = den or 1, tps or 1
    lap = (ticks * num % U64) // den
    total = (3 * ticks * num % U64) // den
    us = ((now // tps * 1_000_000) % U64 + (now % tps) * 1_000_000 // tps) % (1 << 32)
    assert got["ek-laps-instructions-"] == [f"[{lap},{lap},{lap}]"]
    assert got["ek-total-instructions-"] == [str(total)]
    assert got["m-lap-us-"] == [str(us), str(us)]


def test_board_code_links_no_libc_or_libgcc_helpers(firmware: Callable[..., Path]) -> None:
    """Board and protocol objects pull in nothing from newlib or libgcc but memset (which the kernels share);
    every other archive member is there for a kernel. No unwind tables."""
    project = firmware(mlperf_model("kws"), "mps2-an386")
    text = (project / "build" / "firmware.map").read_text()
    members = text.split("Archive member included to satisfy reference by file (symbol)")[1].split("\n\n")[1]
    pulled = re.findall(r"^\S+\((\S+)\)\n\s+(\S+) \((\S+)\)$", members, re.M)
    assert pulled, "no archive members parsed from the map"
    by_board = {(member, symbol) for member, ref, symbol in pulled if "/board/" in ref}
    assert by_board <= {("lib_a-memset.o", "memset"), ("lib_a-memcpy.o", "memcpy")}, by_board
    helpers = {symbol for *_, symbol in pulled}
    for gone in ("strcmp", "strlen", "__aeabi_dmul", "__aeabi_dadd", "__aeabi_uldivmod", "__aeabi_d2ulz", "printf"):
        assert gone not in helpers
    size = subprocess.run(["arm-none-eabi-size", "-A", str(project / "build" / "firmware.elf")],
                          capture_output=True, text=True, check=True).stdout
    assert not re.search(r"^\.ARM\.ex(idx|tab)\s+[1-9]", size, re.M)
