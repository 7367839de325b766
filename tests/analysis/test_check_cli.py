"""`edgekit check`: exit codes, messages, --json document, --plot, and no heavy imports; run as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from edgekit.analysis.budget import estimates

from . import tinymodels as tm
from .test_costs import PROTOCOL, TINY_CODE, TINY_CONSTANTS, TINY_FLASH, TINY_IO

RESERVED = 1000
TINY_RAM = tm.TINY_ARENA + TINY_IO + RESERVED
CPO = estimates()["cycles_per_op"]["cortex-m4"]
# 1 MHz, 2 cycles per MAC from the target file
TINY_MS = (tm.TINY_MACS * 2 + tm.TINY_OTHER_OPS * CPO) / 1e6 * 1e3
BASE_TARGET = "mps2-an386"  # a builtin Cortex-M4 target the test files inherit from


def _target(tmp_path: Path, name: str, flash: int, ram: int, latency_ms: float) -> Path:
    p = tmp_path / f"{name}.toml"
    p.write_text(
        f'id = "{name}"\ninherit = "{BASE_TARGET}"\n'
        # dsp = false: TINY_ARENA is the portable kernels' plan (the DSP kernels add scratch, test_dsp_models.py)
        "[cpu]\nclock_hz = 1000000\ncycles_per_mac = 2.0\ndsp = false\n"
        f"[budget]\nflash_bytes = {flash}\nram_bytes = {ram}\nreserved_ram_bytes = {RESERVED}\n"
        f"max_latency_ms = {latency_ms}\n"
    )
    return p


def _edgekit(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "edgekit", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    from importlib import resources

    if not resources.files("edgekit.targets").joinpath(f"{BASE_TARGET}.toml").is_file():
        pytest.skip(f"builtin target {BASE_TARGET} is not in this build")
    p = tmp_path / "tiny.tflite"
    p.write_bytes(tm.tiny_cnn())
    return p


def test_fits_exit_0_and_json(tiny: Path, tmp_path: Path) -> None:
    target = _target(tmp_path, "tiny-board", TINY_FLASH, TINY_RAM, TINY_MS)
    out = tmp_path / "report.json"
    r = _edgekit("check", str(tiny), "--target", str(target), "--json", str(out))
    assert r.returncode == 0, r.stderr
    assert "fits" in r.stdout and "CONV_2D" in r.stdout and "100.0%" in r.stdout
    doc = json.loads(out.read_text())
    assert doc["schema"] == "edgekit-check/1"
    assert doc["model"]["name"] == "tiny" and doc["target"]["id"] == "tiny-board"
    assert [x["op"] for x in doc["layers"]] == [
        "CONV_2D",
        "DEPTHWISE_CONV_2D",
        "RESHAPE",
        "FULLY_CONNECTED",
        "SOFTMAX",
    ]
    for layer in doc["layers"]:
        assert {"index", "op", "macs", "params", "weights_bytes", "activation_bytes"} <= set(layer)
    assert doc["layers"][0]["macs"] == 2304 and doc["layers"][0]["activation_bytes"] == 320
    t = doc["totals"]
    assert (t["macs"], t["params"], t["weights_bytes"]) == (
        tm.TINY_MACS,
        tm.TINY_PARAMS,
        tm.TINY_WEIGHT_BYTES,
    )
    assert (t["code_bytes"], t["constants_bytes"], t["flash_bytes"]) == (
        TINY_CODE,
        TINY_CONSTANTS,
        TINY_FLASH,
    )
    assert (t["arena_bytes"], t["io_bytes"], t["ram_bytes"]) == (tm.TINY_ARENA, TINY_IO, TINY_RAM)
    assert t["io_buffers"] == [{"name": "input staging (db load)", "bytes": 8 * 8 * 1},
                               {"name": "protocol state", "bytes": PROTOCOL}]
    assert t["latency_ms_estimate"] == pytest.approx(TINY_MS)
    v = doc["verdict"]
    assert v["fits"] is True and v["over"] == []
    assert v["supported"] is True and v["unsupported"] is None
    assert v["flash"] == {
        "used": TINY_FLASH,
        "limit": TINY_FLASH,
        "over_by": 0,
        "share": 1.0,
        "unit": "bytes",
    }
    assert v["ram"]["used"] == TINY_RAM and v["ram"]["over_by"] == 0
    assert doc["estimates"]["code_bytes"] == "estimate"


def test_over_budget_exit_1_says_what_and_by_how_much(tiny: Path, tmp_path: Path) -> None:
    target = _target(tmp_path, "small-board", TINY_FLASH, TINY_RAM - 100, TINY_MS)
    out = tmp_path / "report.json"
    r = _edgekit("check", str(tiny), "--target", str(target), "--json", str(out))
    assert r.returncode == 1, r.stderr
    err = r.stderr.strip()
    assert err.count("\n") == 0 and "Traceback" not in err
    assert err.startswith("error: tiny does not fit small-board: over budget on ram by 100 bytes")
    # the arena peaks during op 1, where conv/out and dw/out are both live
    assert "op 1 (DEPTHWISE_CONV_2D) 100%" in err
    doc = json.loads(out.read_text())  # the report is written before the verdict exits
    assert doc["verdict"]["fits"] is False and doc["verdict"]["over"] == ["ram"]
    assert doc["verdict"]["ram"]["over_by"] == 100 and doc["verdict"]["ram"]["limit"] == TINY_RAM - 100


def test_over_flash_and_latency(tiny: Path, tmp_path: Path) -> None:
    target = _target(tmp_path, "slow-board", TINY_FLASH - 2600, TINY_RAM, 5.0)
    r = _edgekit("check", str(tiny), "--target", str(target), "--quiet")
    assert r.returncode == 1
    assert "flash by 2,600 bytes" in r.stderr and "op 3 (FULLY_CONNECTED) 96%" in r.stderr
    assert f"latency by {TINY_MS - 5.0:,.3f} ms" in r.stderr


def test_json_to_stdout_is_pure_json(tiny: Path, tmp_path: Path) -> None:
    target = _target(tmp_path, "tiny-board", TINY_FLASH, TINY_RAM, TINY_MS)
    r = _edgekit("check", str(tiny), "--target", str(target), "--json", "-")
    assert r.returncode == 0
    assert json.loads(r.stdout)["totals"]["macs"] == tm.TINY_MACS
    assert "CONV_2D" in r.stderr  # the tables moved to stderr


def test_plot_writes_a_png(tiny: Path, tmp_path: Path) -> None:
    target = _target(tmp_path, "tiny-board", TINY_FLASH, TINY_RAM, TINY_MS)
    png = tmp_path / "arena.png"
    r = _edgekit("check", str(tiny), "--target", str(target), "--plot", str(png), "--quiet")
    assert r.returncode == 0, r.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    bad = _edgekit("check", str(tiny), "--target", str(target), "--plot", str(tmp_path / "arena.jpg"))
    assert bad.returncode == 2 and "ending in .png" in bad.stderr


def test_bad_inputs_exit_2_with_one_sentence(tiny: Path, tmp_path: Path) -> None:
    target = _target(tmp_path, "tiny-board", TINY_FLASH, TINY_RAM, TINY_MS)
    garbage = tmp_path / "garbage.tflite"
    garbage.write_bytes(b"\x00" * 64)
    cases = [
        ((str(garbage), "--target", str(target)), "garbage.tflite: the file identifier"),
        ((str(tmp_path / "none.tflite"), "--target", str(target)), "does not exist"),
        ((str(tiny), "--target", "no-such-board"), "no-such-board"),
    ]
    for args, fragment in cases:
        r = _edgekit("check", *args)
        assert r.returncode == 2, (args, r.stderr)
        assert fragment in r.stderr and "Traceback" not in r.stderr
        assert r.stderr.startswith("error: ") and r.stderr.strip().count("\n") == 0, r.stderr


def test_existing_json_needs_force(tiny: Path, tmp_path: Path) -> None:
    target = _target(tmp_path, "tiny-board", TINY_FLASH, TINY_RAM, TINY_MS)
    out = tmp_path / "report.json"
    out.write_text("keep me")
    r = _edgekit("check", str(tiny), "--target", str(target), "--json", str(out))
    assert r.returncode == 2 and "already exists" in r.stderr and out.read_text() == "keep me"
    r = _edgekit("check", str(tiny), "--target", str(target), "--json", str(out), "--force", "--quiet")
    assert r.returncode == 0 and json.loads(out.read_text())["schema"] == "edgekit-check/1"


def test_check_imports_no_tensorflow_nor_matplotlib(tiny: Path, tmp_path: Path) -> None:
    target = _target(tmp_path, "tiny-board", TINY_FLASH, TINY_RAM, TINY_MS)
    code = (
        "import sys\nfrom edgekit.cli import main\n"
        f"sys.argv = ['edgekit', 'check', {str(tiny)!r}, '--target', {str(target)!r}, '--quiet']\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert e.code == 0, e.code\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'tensorflow', 'tf_keras', 'keras', 'matplotlib'})\n"
        "print('HEAVY', heavy)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "HEAVY []" in r.stdout, r.stdout


def test_measured_code_sizes(tiny: Path, tmp_path: Path) -> None:
    sizes = {
        "runtime": 1000,
        "CONV_2D": 100,
        "DEPTHWISE_CONV_2D": 200,
        "RESHAPE": 0,
        "FULLY_CONNECTED": 300,
        "SOFTMAX": 400,
    }
    code = 1000 + 5 * estimates()["code_size"]["per_op_call"] + 100 + 200 + 0 + 300 + 400
    target = _target(tmp_path, "tiny-board", TINY_FLASH, TINY_RAM, TINY_MS)
    sizes_file = tmp_path / "sizes.json"
    sizes_file.write_text(json.dumps(sizes))
    r = _edgekit(
        "check", str(tiny), "--target", str(target), "--code-sizes", str(sizes_file), "--json", "-", "-q"
    )
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["estimates"]["code_bytes"] == "measured" and doc["totals"]["code_bytes"] == code
    assert doc["totals"]["flash_bytes"] == tm.TINY_WEIGHT_BYTES + code + TINY_CONSTANTS
    sizes_file.write_text(json.dumps({"runtime": -5}))
    bad = _edgekit("check", str(tiny), "--target", str(target), "--code-sizes", str(sizes_file))
    assert bad.returncode == 2 and "'runtime' must be a non-negative integer" in bad.stderr


def test_vww_on_a_builtin_board(tmp_path: Path) -> None:
    from conftest import mlperf_model
    from edgekit.converters.tflite_reader import read_model

    from edgekit.analysis.budget import plan_memory

    path = mlperf_model("vww")
    r = _edgekit("check", str(path), "--target", "nucleo-l4r5zi", "--json", "-", "--quiet")
    if r.returncode == 2 and "nucleo-l4r5zi" in r.stderr:
        pytest.skip(f"builtin target nucleo-l4r5zi not available: {r.stderr.strip()}")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["totals"]["macs"] == pytest.approx(7.49e6, rel=0.01)
    # the arena printed is the plan the C generator emits (same planner, same scratch)
    # nucleo-l4r5zi is a Cortex-M4 with the DSP extension: the plan holds the DSP kernels' scratch
    assert doc["totals"]["arena_bytes"] == plan_memory(read_model(path), alignment=16, dsp=True).arena_bytes
    assert doc["verdict"]["fits"] is True and doc["target"]["clock_hz"] == 120_000_000


# --- models edgekit's C generator refuses: not deployable on Cortex-M, costs still reported ----------------------


def _fc_model(dtype: str, custom_after: bool = False) -> bytes:
    """x [1, 4] -> FULLY_CONNECTED 3 (int8 weights; float32 weights for a float model) [-> CUSTOM 'MyMagicOp']."""
    from ai_edge_litert import schema_py_generated as s

    q = None if dtype == "float32" else (0.1,)
    wtype = "float32" if dtype == "float32" else "int8"
    tensors = [tm.T("x", (1, 4), dtype, scale=q), tm.T("w", (3, 4), wtype, data=bytes(12 * (4 if q is None else 1)),
                                                       scale=q), tm.T("h", (1, 3), dtype, scale=q)]
    ops = [tm.Op("FULLY_CONNECTED", (0, 1, -1), (2,), ("FullyConnectedOptions", s.FullyConnectedOptionsT()))]
    if custom_after:
        tensors.append(tm.T("y", (1, 3), dtype, scale=q))
        ops.append(tm.Op("CUSTOM", (2,), (3,), custom_code="MyMagicOp"))
    return tm.build(tensors, ops, (0,), (len(tensors) - 1,))


UNDEPLOYABLE = {
    # model -> (index, op, what the reason says); the reasons are converters/c_codegen/support.py's own words
    "lstm": (lambda: tm.build([tm.T("x", (1, 5, 3)), tm.T("y", (1, 4))],
                              [tm.Op("UNIDIRECTIONAL_SEQUENCE_LSTM", (0,), (1,))], (0,), (1,)),
             0, "UNIDIRECTIONAL_SEQUENCE_LSTM", "is an LSTM"),
    "custom": (lambda: _fc_model("int8", custom_after=True), 1, "MyMagicOp", "is a custom op ('MyMagicOp')"),
    "int16": (lambda: _fc_model("int16"), 0, "FULLY_CONNECTED", "has int16 activations (tensor 0 'x')"),
    "float": (lambda: _fc_model("float32"), None, None, "it is a float-only model (no int8 tensors)"),
    "two-graphs": (lambda: tm.build(tm.tiny_cnn_tensors(), tm.tiny_cnn_ops(), (0,), (12,), extra_subgraphs=1),
                   None, None, "two-graphs has 2 subgraphs"),
}


@pytest.mark.parametrize("name", sorted(UNDEPLOYABLE))
def test_undeployable_models_are_named_op_and_reason(name: str) -> None:
    from edgekit.converters.tflite_reader import parse_model
    from edgekit.targets import load_target

    from edgekit.analysis.budget import assess, target_facts

    make, index, op, reason = UNDEPLOYABLE[name]
    m = parse_model(make(), name=name)
    a = assess(m, target_facts(load_target(BASE_TARGET)))
    assert a.fits and not a.supported  # the budgets are tiny: only the generator's rule refuses it
    assert a.unsupported is not None
    assert (a.unsupported.index, a.unsupported.op) == (index, op) and a.unsupported.reason.startswith(reason)
    phone = assess(m, target_facts(load_target("android-arm64")))  # LiteRT runs it: the rule is skipped there
    assert phone.supported and phone.unsupported is None


def test_undeployable_prints_the_costs_then_exits_2_with_one_sentence(tmp_path: Path) -> None:
    model = tmp_path / "lstm.tflite"
    model.write_bytes(UNDEPLOYABLE["lstm"][0]())
    out = tmp_path / "report.json"
    r = _edgekit("check", str(model), "--target", BASE_TARGET, "--json", str(out))
    assert r.returncode == 2, r.stderr
    assert "UNIDIRECTIONAL_SEQUENCE_LSTM" in r.stdout and "not deployable" in r.stdout  # the tables still print
    err = r.stderr.strip()
    assert err.count("\n") == 0 and "Traceback" not in err and err.endswith(".")
    assert err.startswith(f"error: lstm cannot be deployed on {BASE_TARGET}: op 0 (UNIDIRECTIONAL_SEQUENCE_LSTM) "
                          "is an LSTM; recurrent ops")
    doc = json.loads(out.read_text())  # written before the verdict exits, like an over-budget report
    v = doc["verdict"]
    assert v["supported"] is False and v["fits"] is True
    assert v["unsupported"]["index"] == 0 and v["unsupported"]["op"] == "UNIDIRECTIONAL_SEQUENCE_LSTM"
    assert v["unsupported"]["reason"].startswith("is an LSTM")
    r = _edgekit("check", str(model), "--target", "android-arm64", "--quiet")
    assert r.returncode == 0 and "fits android-arm64" in r.stdout, r.stderr


def test_undeployable_wins_over_over_budget(tmp_path: Path) -> None:
    model = tmp_path / "custom.tflite"
    model.write_bytes(UNDEPLOYABLE["custom"][0]())
    target = _target(tmp_path, "crumb", 10, RESERVED + 1, 1e-9)
    r = _edgekit("check", str(model), "--target", str(target), "--json", "-", "--quiet")
    assert r.returncode == 2 and "op 1 (MyMagicOp) is a custom op" in r.stderr
    v = json.loads(r.stdout)["verdict"]
    assert v["over"] == ["flash", "ram", "latency"] and v["supported"] is False
