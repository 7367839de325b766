"""Per-layer costs (MACs, params, weight and activation bytes) and the budget verdict, on figures computed by hand."""

from __future__ import annotations

import dataclasses

import pytest
from conftest import mlperf_model
from edgekit.converters.tflite_reader import parse_model, read_model

from edgekit.analysis.budget import TargetFacts, assess, estimates
from edgekit.analysis.costs import model_cost
from edgekit.analysis.plan import Buffer, MemoryPlan

from . import tinymodels as tm


def _tiny():
    return parse_model(tm.tiny_cnn(), name="tiny")


def test_tiny_costs_per_layer() -> None:
    c = model_cost(_tiny())
    conv, dw, reshape, fc, softmax = c.layers
    # CONV 3x3, 1 -> 4 channels, SAME, 8x8 output: 8*8*4 outputs x 9 products
    assert (conv.macs, conv.params, conv.weights_bytes) == (2304, 36 + 4, 36 + 16)
    assert (conv.input_bytes, conv.output_bytes, conv.activation_bytes) == (64, 256, 320)
    # DEPTHWISE 3x3 on 4 channels: 8*8*4 outputs x 9 products
    assert (dw.macs, dw.params, dw.weights_bytes) == (2304, 36 + 4, 36 + 16)
    # RESHAPE: no work; its shape tensor (2 x int32) is a constant it reads
    assert (reshape.macs, reshape.ops, reshape.params, reshape.weights_bytes) == (0, 0, 2, 8)
    # FC 256 -> 10
    assert (fc.macs, fc.params, fc.weights_bytes, fc.output_shape) == (2560, 2570, 2600, (1, 10))
    assert (softmax.macs, softmax.ops, softmax.activation_bytes) == (0, 30, 20)
    assert (c.macs, c.ops, c.params, c.weights_bytes) == (
        tm.TINY_MACS,
        tm.TINY_OTHER_OPS,
        tm.TINY_PARAMS,
        tm.TINY_WEIGHT_BYTES,
    )
    assert [x.op for x in c.top_layers("macs")] == ["FULLY_CONNECTED", "CONV_2D", "DEPTHWISE_CONV_2D"]


def test_shared_constant_is_charged_once() -> None:
    # two FCs reading the same weights tensor: the bytes are in flash once
    tensors = [
        tm.T("x", (1, 16)),
        tm.T("w", (16, 16), data=bytes(256)),
        tm.T("h", (1, 16)),
        tm.T("y", (1, 16)),
    ]
    ops = [tm.Op("FULLY_CONNECTED", (0, 1, -1), (2,)), tm.Op("FULLY_CONNECTED", (2, 1, -1), (3,))]
    c = model_cost(parse_model(tm.build(tensors, ops, (0,), (3,))))
    assert [x.weights_bytes for x in c.layers] == [256, 0]
    assert c.macs == 2 * 16 * 16 and c.weights_bytes == 256


# MLPerf Tiny published MACs (README of ../shared/models), within 1 %
PUBLISHED_MACS = {"kws": 2.66e6, "vww": 7.49e6, "ic": 12.50e6, "ad": 0.264e6}


@pytest.mark.parametrize("key", sorted(PUBLISHED_MACS))
def test_mlperf_macs_and_weight_bytes(key: str) -> None:
    from ai_edge_litert import schema_py_generated as s

    path = mlperf_model(key)
    m = read_model(path)
    c = model_cost(m)
    assert c.macs == pytest.approx(PUBLISHED_MACS[key], rel=0.01)
    # weight bytes equal the constant buffers' sizes, counted from the flatbuffer independently of the reader
    ref = s.ModelT.InitFromPackedBuf(bytearray(path.read_bytes()), 0)
    used = {t.buffer for t in ref.subgraphs[0].tensors if t.buffer}
    assert c.weights_bytes == sum(len(ref.buffers[b].data) for b in used if ref.buffers[b].data is not None)


# --- budget verdicts on the tiny model, every figure by hand --------------------------------------------------

EST = estimates()
CODE = EST["code_size"]
CONST = EST["constants"]
# runtime + one call per op + one kernel per op type (RESHAPE is a view: table entry 0)
TINY_CODE = (
    CODE["runtime"]
    + 5 * CODE["per_op_call"]
    + CODE["CONV_2D"]
    + CODE["DEPTHWISE_CONV_2D"]
    + CODE["RESHAPE"]
    + CODE["FULLY_CONNECTED"]
    + CODE["SOFTMAX"]
)
# one argument struct per op, one descriptor per model input/output, multiplier+shift per output channel (4+4+10)
TINY_CONSTANTS = 5 * CONST["per_op"] + 2 * CONST["per_io_tensor"] + CONST["per_channel"] * (4 + 4 + 10)
TINY_FLASH = tm.TINY_WEIGHT_BYTES + TINY_CODE + TINY_CONSTANTS
RESERVED = 1000
# ek_protocol_t on a 32-bit Cortex-M: dev pointer 4, line[80 + 1] padded to 84, len/overflow/bad_byte/db_expected/
# db_pos/have_results 6 x 4, laps[64] x 4
PROTOCOL = 4 + 84 + 6 * 4 + 64 * 4  # 368
# inputs and outputs live in the arena; the firmware stages the 1x8x8x1 int8 input (db load) beside it
TINY_IO = 1 * 8 * 8 * 1 + PROTOCOL
TINY_RAM = tm.TINY_ARENA + TINY_IO + RESERVED
# 1 MHz, 2 cycles/MAC from the target, cortex-m4's cycles/op from the table
TINY_CYCLES = tm.TINY_MACS * 2 + tm.TINY_OTHER_OPS * EST["cycles_per_op"]["cortex-m4"]
TINY_MS = TINY_CYCLES / 1e6 * 1e3


def _facts(**kw) -> TargetFacts:
    base = TargetFacts(
        id="tiny-board",
        kind="cortex-m",
        core="cortex-m4",
        clock_hz=1_000_000,
        flash_limit=TINY_FLASH,
        ram_limit=TINY_RAM,
        reserved_ram=RESERVED,
        latency_limit_ms=TINY_MS,
        alignment=16,
        cycles_per_mac=2.0,
    )
    return dataclasses.replace(base, **kw)


def test_tiny_fits_exactly_at_its_limits() -> None:
    a = assess(_tiny(), _facts())
    assert a.plan.arena_bytes == tm.TINY_ARENA
    assert (a.flash.weights_bytes, a.flash.code_bytes, a.flash.constants_bytes) == (
        tm.TINY_WEIGHT_BYTES,
        TINY_CODE,
        TINY_CONSTANTS,
    )
    assert a.flash.code_source == "estimate"
    assert (a.ram.arena_bytes, a.ram.io_bytes, a.ram.reserved_bytes, a.ram.total) == (
        512,
        64 + 368,
        RESERVED,
        TINY_RAM,
    )
    assert a.ram.io_parts == (("input staging (db load)", 64), ("protocol state", 368))
    assert a.latency.cycles == TINY_CYCLES and a.latency.ms == pytest.approx(TINY_MS)
    assert a.fits and [b.over_by for b in a.budgets] == [0, 0, 0]
    assert [b.share for b in a.budgets] == pytest.approx([1.0, 1.0, 1.0])


@pytest.mark.parametrize(
    ("change", "over", "by"),
    [
        ({"flash_limit": TINY_FLASH - 1}, "flash", 1),
        ({"ram_limit": TINY_RAM - 100}, "ram", 100),
        ({"reserved_ram": RESERVED + 7}, "ram", 7),
        ({"latency_limit_ms": 10.0}, "latency", pytest.approx(TINY_MS - 10.0)),
    ],
)
def test_tiny_over_one_budget(change: dict, over: str, by) -> None:
    a = assess(_tiny(), _facts(**change))
    assert not a.fits and [b.name for b in a.over()] == [over]
    assert a.over()[0].over_by == by


def test_measured_code_sizes_replace_the_estimate() -> None:
    measured = {
        "runtime": 1000,
        "CONV_2D": 100,
        "DEPTHWISE_CONV_2D": 200,
        "RESHAPE": 0,
        "FULLY_CONNECTED": 300,
        "SOFTMAX": 400,
    }
    a = assess(_tiny(), _facts(), measured_code=measured)
    assert a.flash.code_source == "measured"
    assert a.flash.code_bytes == 1000 + 5 * CODE["per_op_call"] + 100 + 200 + 0 + 300 + 400


def test_io_outside_the_arena_counts_in_ram() -> None:
    # a plan that keeps the model's input (64 B) and output (10 B) outside the arena
    m = _tiny()
    plan = MemoryPlan(
        arena_bytes=512,
        alignment=16,
        buffers=(
            Buffer("conv/out", 3, 0, 256, 0, 1),
            Buffer("dw/out", 6, 256, 256, 1, 2),
            Buffer("logits", 11, 0, 10, 3, 4),
        ),
        strategy="hand",
        aliases=((8, 6),),
    )
    a = assess(m, _facts(ram_limit=None), plan=plan)
    assert a.ram.io_bytes == TINY_IO + 64 + 10 and a.ram.total == 512 + TINY_IO + 74 + RESERVED
    assert a.ram.io_parts[-1] == ("I/O tensors outside the plan", 74)
    assert a.budgets[1].limit is None and a.budgets[1].over_by == 0 and a.fits
    # on Android LiteRT owns its tensors: no firmware staging buffer or protocol state, only what the plan omits
    phone = assess(m, _facts(ram_limit=None, kind="android"), plan=plan)
    assert phone.ram.io_bytes == 74 and phone.ram.total == 512 + 74 + RESERVED


def test_firmware_io_staging_is_the_sum_of_the_inputs_at_least_one_byte() -> None:
    from edgekit.analysis.budget import firmware_io

    two = dataclasses.replace(_tiny(), inputs=(0, 6))  # the 1x8x8x1 input and the 1x8x8x4 dw/out, int8
    assert dict(firmware_io(two))["input staging (db load)"] == 8 * 8 * 1 + 8 * 8 * 4
    assert dict(firmware_io(dataclasses.replace(_tiny(), inputs=())))["input staging (db load)"] == 1


def test_protocol_state_is_sizeof_ek_protocol_t(tmp_path) -> None:
    """The constant the estimate uses, checked against the struct itself with the Cortex-M compiler."""
    import shutil
    import subprocess
    from importlib import resources

    from edgekit.analysis.budget import PROTOCOL_STATE_BYTES

    gcc = shutil.which("arm-none-eabi-gcc")
    if gcc is None:
        pytest.skip("arm-none-eabi-gcc is not installed (apt-get install gcc-arm-none-eabi)")
    assert PROTOCOL_STATE_BYTES == PROTOCOL
    header = resources.files("edgekit.firmware_templates").joinpath("cortex_m", "ek_protocol.h")
    src = tmp_path / "size.c"
    src.write_text('#include "ek_protocol.h"\n'
                   f"_Static_assert(sizeof(ek_protocol_t) == {PROTOCOL}, \"ek_protocol_t size\");\n")
    r = subprocess.run([gcc, "-mcpu=cortex-m4", "-mthumb", "-std=c99", "-I", str(header.parent), "-c", str(src),
                        "-o", str(tmp_path / "size.o")], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr


def test_latency_uses_the_core_table_without_a_target_figure() -> None:
    a = assess(_tiny(), _facts(cycles_per_mac=None, latency_limit_ms=None))
    cpm = EST["cycles_per_mac"]["cortex-m4"]
    assert a.latency.cycles_per_mac == cpm and "table, cortex-m4" in a.latency.source
    unknown = assess(_tiny(), _facts(cycles_per_mac=None, core="riscv-x", latency_limit_ms=None))
    assert (
        unknown.latency.cycles_per_mac == EST["cycles_per_mac"]["default"]
        and "not listed" in unknown.latency.source
    )


def test_target_facts_from_builtin_targets() -> None:
    from importlib import resources

    from edgekit.targets import load_target

    from edgekit.analysis.budget import ANDROID_ASSUMED, target_facts

    for name in ("nucleo-l4r5zi", "android-arm64"):
        if not resources.files("edgekit.targets").joinpath(f"{name}.toml").is_file():
            pytest.skip(f"builtin target {name} is not in this build")
    t = load_target("nucleo-l4r5zi")
    f = target_facts(t)
    assert (f.id, f.kind, f.core, f.clock_hz) == ("nucleo-l4r5zi", "cortex-m", t.cpu.core, t.cpu.clock_hz)
    assert (f.flash_limit, f.ram_limit, f.reserved_ram) == (
        t.budget.flash_bytes,
        t.budget.ram_bytes,
        t.budget.reserved_ram_bytes,
    )
    assert f.alignment == t.board.alignment and f.cycles_per_mac == t.cpu.cycles_per_mac
    assert not f.clock_assumed
    android = target_facts(load_target("android-arm64"))
    assert android.kind == "android" and android.clock_assumed and android.clock_hz == ANDROID_ASSUMED[1]
    assert (
        android.ram_limit == load_target("android-arm64").budget.peak_memory_bytes
        and android.flash_limit is None
    )
    a = assess(_tiny(), android)
    assert "clock assumed" in a.latency.source


def test_partly_measured_code_sizes_say_so() -> None:
    a = assess(_tiny(), _facts(flash_limit=None), measured_code={"runtime": 1000, "CONV_2D": 100})
    assert a.flash.code_source == "partly measured"
    assert a.flash.code_bytes == TINY_CODE - CODE["runtime"] + 1000 - CODE["CONV_2D"] + 100
