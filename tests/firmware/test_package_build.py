"""edgekit package / build / flash: a standalone project that builds without edgekit, the size report
against the budget (exit 1 with the numbers), clear errors for bad input, exact flasher command lines,
and no TensorFlow in any of these commands."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import mlperf_model

from edgekit.build.mapfile import parse_map
from edgekit.errors import BadInputError
from edgekit.flash import make_runner
from edgekit.package.project import load_project

from .conftest import REPO

EDGEKIT = [sys.executable, "-m", "edgekit"]


def edgekit(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*EDGEKIT, *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def test_packaged_project_builds_with_plain_make_without_edgekit(tmp_path: Path, toolchain: None) -> None:
    out = tmp_path / "fw"
    r = edgekit("package", str(mlperf_model("kws")), "--target", "mps2-an386", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert not list(out.rglob("*.py"))
    # a PATH holding only make, a shell and the cross tools: no python at all, so no edgekit either
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("make", "sh", "mkdir", "rm", "arm-none-eabi-gcc", "arm-none-eabi-objcopy", "arm-none-eabi-size"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path), "LANG": "C"}
    r = subprocess.run(["make", "-j2"], cwd=out, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    for f in ("firmware.elf", "firmware.bin", "firmware.hex", "firmware.map"):
        assert (out / "build" / f).stat().st_size > 0
    assert (out / "board" / "ek_board_config.h").read_text().count("#define EK_UNITS_PER_TICK_NUM 40u") == 1
    assert "MEMORY" in (out / "linker.ld").read_text() and "0x20000000" in (out / "linker.ld").read_text()


def test_build_reports_sizes_from_the_map(firmware: Callable[..., Path]) -> None:
    project = firmware(mlperf_model("kws"), "mps2-an386")
    doc = json.loads((project / "build" / "size.json").read_text())
    assert doc["schema"] == "edgekit-size/1" and doc["fits"] is True
    assert doc["flash_bytes"] == doc["text"] + doc["data"]
    assert doc["ram_bytes"] == doc["data"] + doc["bss"] + doc["stack"]
    parts = doc["breakdown"]
    assert sum(p["flash"] for p in parts.values()) == doc["flash_bytes"]  # every byte attributed
    assert sum(p["ram"] for p in parts.values()) == doc["ram_bytes"]
    header = (project / "model" / "model.h").read_text()
    assert re.search(rf"#define EK_MODEL_ARENA_BYTES\s+{doc['arena_bytes']}\b", header)
    assert parts["model"]["ram"] >= doc["arena_bytes"]  # the planned arena is in .bss
    # "weights" is model.c's read-only data: the constant tensors plus per-channel requantization tables
    from edgekit.converters.tflite_reader import read_model

    m = read_model(mlperf_model("kws"))
    const = sum(t.nbytes for t in m.tensors if t.is_constant)
    assert const <= parts["weights"]["flash"] <= const * 1.3
    outputs, _ = parse_map(project / "build" / "firmware.map")
    size = subprocess.run(["arm-none-eabi-size", "-A", str(project / "build" / "firmware.elf")],
                          capture_output=True, text=True, check=True).stdout
    text_size = next(int(line.split()[1]) for line in size.splitlines() if line.startswith(".text "))
    assert outputs[".text"] == text_size
    assert doc["text"] == text_size + outputs.get(".ARM.exidx", 0)  # unwind table, also in flash


def test_build_over_budget_exits_1_with_the_numbers(tmp_path: Path, toolchain: None) -> None:
    target = tmp_path / "tiny.toml"
    target.write_text('id = "tiny-an386"\ninherit = "mps2-an386"\n[budget]\nflash_bytes = 20000\n'
                      'ram_bytes = 12000\nreserved_ram_bytes = 2000\n')
    out = tmp_path / "fw"
    assert edgekit("package", str(mlperf_model("kws")), "-t", str(target), "-o", str(out)).returncode == 0
    r = edgekit("build", str(out))
    assert r.returncode == 1, r.stdout + r.stderr
    doc = json.loads((out / "build" / "size.json").read_text())
    assert doc["fits"] is False
    msg = r.stderr.strip().splitlines()[-1]
    assert msg.startswith("error: kws_ref_model on tiny-an386 does not fit:")
    assert f"flash {doc['flash_bytes']:,} B > budget 20,000 B (over by {doc['flash_bytes'] - 20000:,} B)" in msg
    assert f"RAM {doc['ram_bytes']:,} B > budget 12,000 B" in msg
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["package", "nope.tflite", "-t", "mps2-an386", "-o", "x"], "model nope.tflite does not exist"),
        (["package", "MODEL", "-t", "no-such-target", "-o", "x"], "no-such-target"),
        (["build", "."], "is not an edgekit firmware project"),
        (["flash", "."], "is not an edgekit firmware project"),
        (["bench", "MODEL", "-t", "mps2-an386"], "give exactly one of --port DEVICE"),
        (["bench", "MODEL", "-t", "mps2-an386", "--emulate", "--runs", "0"], "--runs must be between 1 and 64"),
    ],
)
def test_bad_input_is_one_sentence_exit_2(args: list[str], message: str, tmp_path: Path, toolchain: None) -> None:
    model = str(mlperf_model("ad"))
    r = edgekit(*[model if a == "MODEL" else a for a in args], cwd=tmp_path)
    assert r.returncode == 2, r.stdout + r.stderr
    assert message in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "x").exists()


def test_package_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    out = tmp_path / "fw"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    r = edgekit("package", str(mlperf_model("ad")), "-t", "mps2-an386", "-o", str(out))
    assert r.returncode == 2 and "--force" in r.stderr
    assert (out / "keep.txt").read_text() == "mine"


def test_commands_do_not_import_tensorflow() -> None:
    code = ("import sys, edgekit.cli.package, edgekit.cli.build, edgekit.cli.flash, edgekit.cli.bench, "
            "edgekit.package.cortex_m, edgekit.build, edgekit.flash.qemu, edgekit.flash.pyocd, "
            "edgekit.flash.openocd, edgekit.bench.serial_bench, edgekit.bench.cli_serial\n"
            "from edgekit.package import package\n"
            f"package({str(mlperf_model('ad'))!r}, 'mps2-an386', sys.argv[1])\n"
            "bad = [m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras', 'tf_keras')]\n"
            "assert not bad, bad\n")
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        r = subprocess.run([sys.executable, "-c", code, str(Path(d) / "fw")], capture_output=True, text=True,
                           timeout=120, cwd=REPO)
    assert r.returncode == 0, r.stderr


# --- flash runners: exact command lines (dry run), capabilities, options rejected by name ---


@pytest.fixture(scope="module")
def hw_projects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from edgekit.package import package

    base = tmp_path_factory.mktemp("hw")
    return {t: package(mlperf_model("ad"), t, base / t).out_dir for t in ("nucleo-l4r5zi", "mps2-an386")}


def test_pyocd_argv(hw_projects: dict[str, Path]) -> None:
    p = load_project(hw_projects["nucleo-l4r5zi"])
    r = make_runner(p, "pyocd", dry_run=True, erase=True, probe="0669FF", frequency=4000000)
    elf = str(p.elf)
    assert r.flash_argv() == ["pyocd", "load", "--target", "stm32l4r5zitx", "--uid", "0669FF", "--frequency",
                              "4000000", "--erase", "chip", "--format", "elf", elf]
    assert r.run_argv() == ["pyocd", "reset", "--target", "stm32l4r5zitx", "--uid", "0669FF", "--frequency",
                            "4000000"]
    assert make_runner(p, dry_run=True).name == "pyocd"  # the target's default runner


def test_openocd_argv_and_rejected_option(hw_projects: dict[str, Path]) -> None:
    p = load_project(hw_projects["nucleo-l4r5zi"])
    r = make_runner(p, "openocd", dry_run=True)
    assert r.flash_argv() == ["openocd", "-f", "interface/stlink.cfg", "-f", "target/stm32l4x.cfg", "-c",
                              f"program {p.elf} verify reset exit"]
    assert r.run_argv() == ["openocd", "-f", "interface/stlink.cfg", "-f", "target/stm32l4x.cfg", "-c", "init",
                            "-c", "reset run", "-c", "exit"]
    with pytest.raises(BadInputError, match=r"the openocd runner does not support --erase"):
        make_runner(p, "openocd", dry_run=True, erase=True)


def test_qemu_argv(hw_projects: dict[str, Path]) -> None:
    p = load_project(hw_projects["mps2-an386"])
    r = make_runner(p, dry_run=True)
    assert r.name == "qemu"
    assert r.argv(4321) == ["qemu-system-arm", "-M", "mps2-an386", "-display", "none", "-monitor", "none",
                            "-icount", "shift=0", "-serial", "tcp:127.0.0.1:4321,server=on,wait=on,nodelay=on",
                            "-semihosting-config", "enable=on,target=native", "-kernel", str(p.elf)]
    with pytest.raises(BadInputError, match=r"the qemu runner does not support --probe"):
        make_runner(p, dry_run=True, probe="x")


def test_flash_cli_dry_run(hw_projects: dict[str, Path]) -> None:
    r = edgekit("flash", str(hw_projects["nucleo-l4r5zi"]), "--dry-run")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert lines[0].startswith("pyocd load --target stm32l4r5zitx --format elf ")
    assert lines[1] == "pyocd reset --target stm32l4r5zitx"
    r = edgekit("flash", str(hw_projects["nucleo-l4r5zi"]), "--runner", "openocd", "--erase", "--dry-run")
    assert r.returncode == 2 and "does not support --erase" in r.stderr


def test_semihosting_exit_code_ends_qemu(firmware: Callable[..., Path], qemu: None) -> None:
    """The firmware can end QEMU with its own exit code (tests fail fast instead of hanging)."""
    project = load_project(firmware(mlperf_model("ad"), "mps2-an386", "EK_INJECT_EXIT_AT=1"))
    data = bytes(range(256)) * 2 + bytes(128)
    stream = "db load 640%" + "".join(f"db {data[i:i + 31].hex()}%" for i in range(0, 640, 31)) + "infer 1 0%"
    argv = make_runner(project, "qemu", stdio=True).argv(0)
    done = subprocess.run(argv, input=stream.encode(), capture_output=True, timeout=60, env=dict(os.environ))
    assert done.returncode == 7, done.stderr
    assert done.stdout.decode().startswith("m-ready\r\nm-[Expecting 640 bytes]\r\n")
