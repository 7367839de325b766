"""Target files: every builtin loads, values and their provenance, and one clear error per kind of mistake."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from edgekit.targets import list_targets, load_target, resolve
from edgekit.targets.loader import builtin_dir

from edgekit.errors import TargetError

REQUIRED = {
    "mps2-an386",
    "mps2-an500",
    "mps2-an505",
    "netduinoplus2",
    "nucleo-l4r5zi",
    "nucleo-f446re",
    "disco-f746ng",
    "nrf52840dk",
    "android-arm64",
}
BASES = {"cortex-m4f", "cortex-m7", "cortex-m33"}


def test_builtin_list_has_every_required_target_and_hides_bases() -> None:
    assert REQUIRED <= set(list_targets())
    assert not BASES & set(list_targets())
    assert BASES <= set(list_targets(include_bases=True))


@pytest.mark.parametrize("tid", sorted(REQUIRED))
def test_every_builtin_target_loads_with_full_provenance(tid: str) -> None:
    t = load_target(tid)
    assert t.id == tid and t.description
    assert Path(t.chain[0]).name == f"{tid}.toml"
    for key, source in t.provenance.items():
        assert Path(source).parent == builtin_dir().resolve(), key
    if t.kind == "cortex-m":
        assert t.memory.source and t.budget.ram_bytes <= t.memory.ram.size
        assert t.cpu.clock_hz > 0 and t.board.uart.base > 0 and t.board.uart.registers
        assert (t.flash.runner == "qemu") == (t.emulator is not None)
        assert (t.board.timer == "systick-icount") == t.is_emulated  # DWT CYCCNT reads 0 in QEMU
    else:
        assert t.android.abi == "arm64-v8a" and t.benchmark.threads > 0 and t.budget.peak_memory_bytes > 0


@pytest.mark.parametrize("base", sorted(BASES))
def test_bases_resolve_but_are_not_targets(base: str) -> None:
    assert resolve(base).abstract
    with pytest.raises(TargetError, match="base definition"):
        load_target(base)


def test_qemu_memory_maps_and_uarts() -> None:
    an386 = load_target("mps2-an386")
    assert (an386.memory.flash.base, an386.memory.flash.size) == (0, 4 << 20)
    assert (an386.memory.ram.base, an386.memory.ram.size) == (0x20000000, 4 << 20)
    assert (an386.board.uart.driver, an386.board.uart.base) == ("cmsdk", 0x40004000)
    assert an386.board.uart.registers["bauddiv"] == 0x10
    assert an386.emulator.machine == "mps2-an386" and an386.emulator.icount_shift == 0
    an505 = load_target("mps2-an505")
    assert (an505.memory.flash.base, an505.memory.ram.base, an505.board.uart.base) == (
        0x10000000,
        0x38000000,
        0x50200000,
    )
    nd = load_target("netduinoplus2")
    assert (nd.board.uart.driver, nd.board.uart.base, nd.board.uart.registers["dr"]) == (
        "stm32-usart",
        0x40011000,
        0x04,
    )
    assert nd.budget.ram_bytes == 128 * 1024 < nd.memory.ram.size


def test_values_come_from_where_the_provenance_says() -> None:
    t = load_target("nucleo-l4r5zi")
    assert Path(t.provenance["cpu.cycles_per_mac"]).name == "cortex-m4f.toml"
    assert Path(t.provenance["cpu.clock_hz"]).name == "nucleo-l4r5zi.toml"
    assert t.cpu.cycles_per_mac == 8.0 and t.cpu.clock_hz == 120_000_000


# ------------------------------------------------------------------------------------------- user files


def write(dir_: Path, name: str, text: str) -> Path:
    p = dir_ / name
    p.write_text(text)
    return p


MY_BOARD = """
id = "my-board"
inherit = "nucleo-f446re"
description = "my board"
[cpu]
clock_hz = 84_000_000
[budget]
ram_bytes = 65536
"""


def test_user_file_inherits_a_builtin_and_overrides_values(tmp_path: Path) -> None:
    p = write(tmp_path, "my.toml", MY_BOARD)
    t = load_target(str(p))
    assert (t.id, t.cpu.clock_hz, t.budget.ram_bytes, t.budget.flash_bytes) == (
        "my-board",
        84_000_000,
        65536,
        512 * 1024,
    )
    assert t.provenance["cpu.clock_hz"] == str(p.resolve())
    assert Path(t.provenance["budget.flash_bytes"]).name == "nucleo-f446re.toml"
    assert Path(t.provenance["cpu.core"]).name == "cortex-m4f.toml"
    assert [Path(c).name for c in t.chain] == ["my.toml", "nucleo-f446re.toml", "cortex-m4f.toml"]


def test_user_file_may_inherit_another_file_by_relative_path(tmp_path: Path) -> None:
    write(tmp_path, "base.toml", MY_BOARD)
    p = write(tmp_path, "child.toml", 'id = "child"\ninherit = "base.toml"\n[cpu]\nclock_hz = 1\n')
    t = load_target(p)
    assert (t.id, t.cpu.clock_hz, t.budget.ram_bytes) == ("child", 1, 65536)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("colour = 'red'\n" + MY_BOARD, "unknown key 'colour'"),
        (MY_BOARD.replace("[cpu]", "[cpu]\ncores = 2"), "unknown key 'cpu.cores'"),
        (MY_BOARD.replace("84_000_000", '"fast"'), "'cpu.clock_hz' must be an integer, got str 'fast'"),
        (MY_BOARD.replace("84_000_000", "true"), "'cpu.clock_hz' must be an integer, got bool"),
        (MY_BOARD.replace("84_000_000", "-5"), "'cpu.clock_hz' must not be negative"),
        (MY_BOARD + "[board]\ntimer = 'rtc'\n", "'board.timer' = 'rtc' is not one of: dwt, systick-icount"),
        (MY_BOARD + "[board.uart]\nregisters = { dr = 'x' }\n", "'board.uart.registers' must be a table of"),
        (
            MY_BOARD + "[flash]\nopenocd_config = 'a.cfg'\n",
            "'flash.openocd_config' must be an array of strings",
        ),
        (MY_BOARD + "[memory]\nflash = 4\n", "'memory.flash' must be a table"),
        (MY_BOARD + "[emulator]\nmachine = 'x'\n", "missing field 'emulator.cpu'"),
        (MY_BOARD.replace('inherit = "nucleo-f446re"', 'inherit = "cortex-m4f"'), "missing section [memory]"),
        (MY_BOARD.replace('inherit = "nucleo-f446re"', "inherit = 3"), "'inherit' must be a string"),
        (
            MY_BOARD.replace('inherit = "nucleo-f446re"', 'inherit = "no-such-board"'),
            "'no-such-board' is not a builtin",
        ),
        (MY_BOARD.replace('inherit = "nucleo-f446re"', 'inherit = "gone.toml"'), "does not exist"),
        (MY_BOARD.replace('inherit = "nucleo-f446re"', 'inherit = "my.toml"'), "names this file itself"),
        ('kind = "android"\n' + MY_BOARD, "conflicts with kind = 'cortex-m'"),
        (MY_BOARD.replace('id = "my-board"\n', ""), "missing field 'id'"),
        (MY_BOARD.replace("65536", "999999999"), "'budget.ram_bytes' = 999999999 exceeds memory.ram.size"),
        (MY_BOARD + "[flash]\nrunner = 'qemu'\n", "needs an [emulator] section"),
        (MY_BOARD + "[flash]\nrunner = 'uf2'\n", "needs flash.uf2_family"),
        (MY_BOARD + "[board]\nalignment = 12\n", "not a power of two"),
        (MY_BOARD + "[cpu]\n", "not valid TOML"),
        ("id = 'x'\ndescription = 'no kind'\n", "missing field 'kind'"),
        ("id = 'x'\nkind = 'fpga'\n", "'kind' = 'fpga' is not one of"),
    ],
)
def test_each_mistake_is_one_target_error_naming_file_and_key(tmp_path: Path, text: str, words: str) -> None:
    p = write(tmp_path, "my.toml", text)
    with pytest.raises(TargetError) as err:
        load_target(p)
    msg = str(err.value)
    assert words in msg
    assert "\n" not in msg
    if "cortex-m'" not in words and "budget.ram_bytes" not in words:
        assert "my.toml" in msg


def test_error_in_an_inherited_file_names_that_file(tmp_path: Path) -> None:
    write(tmp_path, "base.toml", MY_BOARD.replace("[cpu]", "[cpu]\nturbo = true"))
    p = write(tmp_path, "child.toml", 'id = "child"\ninherit = "base.toml"\n')
    with pytest.raises(TargetError, match=r"base\.toml: unknown key 'cpu\.turbo'"):
        load_target(p)


def test_inheritance_cycle_is_reported_with_the_chain(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", 'id = "a"\nkind = "cortex-m"\ninherit = "b.toml"\n')
    write(tmp_path, "b.toml", 'id = "b"\ninherit = "c.toml"\n')
    write(tmp_path, "c.toml", 'id = "c"\ninherit = "a.toml"\n')
    with pytest.raises(
        TargetError,
        match=r"c\.toml: inherit = 'a\.toml' makes an inheritance cycle: .*a\.toml -> .*b\.toml -> .*c\.toml -> .*a\.toml",
    ):
        load_target(tmp_path / "a.toml")


def test_unknown_builtin_lists_the_choices() -> None:
    with pytest.raises(TargetError, match="unknown target 'nucleo-xyz'.*nucleo-l4r5zi"):
        load_target("nucleo-xyz")


def test_builtin_file_id_must_match_its_name() -> None:
    for p in builtin_dir().glob("*.toml"):
        assert resolve(p.stem).id == p.stem


def test_loading_targets_and_planning_import_no_tensorflow() -> None:
    code = (
        "import sys; import edgekit.targets as t; import edgekit.analysis.planner;"
        "t.load_target('mps2-an386'); print('tensorflow' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
