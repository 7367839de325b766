"""The checks every kernel test file makes of its C, written once: a warning-free C99 build on host gcc and
arm-none-eabi-gcc that needs nothing unexpected from the C library, a status program (bad arguments are refused
and leave the output alone), and flatbuffer edits of converted models (conditions the converter never writes)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

RUNTIME = Path(__file__).resolve().parents[2] / "firmware_templates" / "runtime"
WARNINGS = ["-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-pedantic"]
TOOLCHAINS = {
    "host": ("gcc", "nm", WARNINGS),
    "arm": ("arm-none-eabi-gcc", "arm-none-eabi-nm",
            ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16", *WARNINGS]),
}


# C for a status program with one int8 output buffer ``out`` (declared before it): ``CHECK(name, call)`` fills
# ``out`` with 0x55, makes the call and prints ``<name> <status> <output untouched 0|1>`` (1 for EK_OK).
OUTPUT_GUARD = r"""
static int untouched(void)
{
    size_t i;
    for (i = 0; i < sizeof out; ++i) {
        if (out[i] != 0x55) return 0;
    }
    return 1;
}

#define CHECK(name, expr)                                                      \
    do {                                                                       \
        ek_status_t s_;                                                        \
        memset(out, 0x55, sizeof out);                                         \
        s_ = (expr);                                                           \
        printf("%s %d %d\n", name, (int)s_, s_ == EK_OK ? 1 : untouched());    \
    } while (0)
"""


# C for a self-checking program with one int8 output buffer ``out`` (declared before it): ``check(name, call,
# want)`` counts in ``fails`` (and prints) a status other than ``want``, or a refused call that wrote ``out``, then
# refills ``out`` with 0x55. ``main`` returns ``fails``.
SELF_CHECK = r"""static int fails;

static void check(const char *name, ek_status_t got, ek_status_t want)
{
    int i, untouched = 1;
    for (i = 0; i < (int)sizeof out; ++i) untouched &= out[i] == 0x55;
    if (got != want || (want != EK_OK && !untouched)) { printf("FAIL %s: %d\n", name, (int)got); ++fails; }
    memset(out, 0x55, sizeof out);
}
"""


def kernel_sources(kernels: Iterable[str]) -> list[Path]:
    """``ek_<k>_s8.c`` of each kernel name."""
    return [RUNTIME / f"ek_{k}_s8.c" for k in kernels]


def assert_builds_clean(toolchain: str, sources: Iterable[Path], tmp_path: Path,
                        allowed: frozenset[str] = frozenset()) -> None:
    """Each source compiles without a warning, and the objects need no symbol from outside but ``allowed`` (no
    allocator, no libm: float work is done offline by the generator)."""
    cc, nm, flags = TOOLCHAINS[toolchain]
    if shutil.which(cc) is None:
        pytest.skip(f"{cc} is not installed (make system-packages installs it)")
    objs = []
    for src in sources:
        obj = tmp_path / f"{toolchain}-{src.stem}.o"
        r = subprocess.run([cc, *flags, "-c", "-I", str(RUNTIME), str(src), "-o", str(obj)], capture_output=True,
                           text=True)
        assert r.returncode == 0 and not r.stderr.strip(), f"{cc} {src.name}:\n{r.stderr}"
        objs.append(str(obj))
    r = subprocess.run([nm, "-u", *objs], capture_output=True, text=True, check=True)
    undefined = {ln.split()[-1] for ln in r.stdout.splitlines() if ln.strip() and not ln.endswith(":")}
    assert undefined <= allowed, undefined


def build_program(program: str, sources: Iterable[Path], tmp_path: Path) -> Path:
    """A host C program (``program`` linked with ``sources``) built warning-free; skips without gcc."""
    if shutil.which("gcc") is None:
        pytest.skip("gcc is not installed")
    src = tmp_path / "status.c"
    src.write_text(program)
    exe = tmp_path / "status"
    subprocess.run(["gcc", *WARNINGS, "-I", str(RUNTIME), str(src), *map(str, sources), "-o", str(exe)], check=True,
                   capture_output=True, text=True)
    return exe


def status_output(program: str, sources: Iterable[Path], tmp_path: Path) -> str:
    """What a status program prints (it must exit 0)."""
    return subprocess.run([str(build_program(program, sources, tmp_path))], capture_output=True, text=True,
                          check=True).stdout


def status_lines(program: str, sources: Iterable[Path], tmp_path: Path) -> list[tuple[str, int, str]]:
    """Build and run a host program printing ``<case> <status> <output untouched 0|1>`` per line."""
    out = status_output(program, sources, tmp_path)
    return [(name, int(status), clean) for name, status, clean in (ln.split() for ln in out.splitlines())]


def assert_self_check_passes(program: str, sources: Iterable[Path], tmp_path: Path) -> None:
    """A program that checks the kernels itself (printing a line per failure) exits 0."""
    r = subprocess.run([str(build_program(program, sources, tmp_path))], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout


def assert_clean_and_self_checked(program: str, sources: list[Path], tmp_path: Path) -> None:
    """``sources`` build clean (``assert_builds_clean``, no library symbol) with each installed toolchain, and the
    self-checking ``program`` linked with them passes."""
    for toolchain in TOOLCHAINS:
        if shutil.which(TOOLCHAINS[toolchain][0]) is not None:
            assert_builds_clean(toolchain, sources, tmp_path)
    assert_self_check_passes(program, sources, tmp_path)


def assert_refuses_without_writing(lines: list[tuple[str, int, str]], count: int) -> None:
    """``*_ok`` cases return EK_OK, every other one EK_ERR_ARGUMENT, and none wrote its output first."""
    assert len(lines) == count, lines
    for name, status, clean in lines:
        assert status == (0 if name.endswith("_ok") else 1), (name, status)
        assert clean == "1", f"{name}: the output was written although the call was refused"


def edit_flatbuffer(data: bytes, edit: Callable[[Any, Any], None]) -> bytes:
    """``edit(schema, ModelT)`` applied to a converted .tflite, packed again."""
    import flatbuffers
    from ai_edge_litert import schema_py_generated as s

    m = s.ModelT.InitFromObj(s.Model.GetRootAs(data, 0))
    edit(s, m)
    b = flatbuffers.Builder(len(data) + 1024)
    b.Finish(m.Pack(b), file_identifier=b"TFL3")
    return bytes(b.Output())
