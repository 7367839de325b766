"""`edgekit check --build DIR`: a real build's measured flash and RAM replace the estimates (to the byte), the
verdict judges them, each bad build folder is one clear sentence, and the per-op code-size table in
estimates.toml stays within 10 % of a fresh arm-none-eabi-gcc measurement."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from firmware.conftest import REPO, firmware, toolchain  # noqa: F401  (shared fixtures: package + build, cached)

from edgekit.analysis.budget import estimates

from . import tinymodels as tm

TARGET = "mps2-an386"


def _edgekit(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "edgekit", *args], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    p = tmp_path_factory.mktemp("check-build") / "tiny.tflite"
    p.write_bytes(tm.tiny_cnn())
    return p


@pytest.fixture(scope="module")
def built(tiny_model: Path, firmware: Callable[..., Path]) -> Path:  # noqa: F811
    """The tiny model packaged for mps2-an386 and built with `edgekit build` (a few seconds)."""
    return firmware(tiny_model, TARGET)


def _size(project: Path) -> dict:
    return json.loads((project / "build" / "size.json").read_text())


def _check_json(model: Path, target: str, *extra: str) -> tuple[subprocess.CompletedProcess, dict | None]:
    r = _edgekit("check", str(model), "--target", target, "--json", "-", *extra)
    return r, (json.loads(r.stdout) if r.stdout.strip() else None)


# --- measured figures replace the estimates ---------------------------------------------------------------------


def test_measured_sizes_replace_the_estimates_to_the_byte(tiny_model: Path, built: Path) -> None:
    size = _size(built)
    r, doc = _check_json(tiny_model, TARGET, "--build", str(built))
    assert r.returncode == 0, r.stderr
    assert doc is not None
    totals, verdict = doc["totals"], doc["verdict"]
    assert (totals["flash_bytes"], totals["ram_bytes"]) == (size["flash_bytes"], size["ram_bytes"])
    assert (verdict["flash"]["used"], verdict["ram"]["used"]) == (size["flash_bytes"], size["ram_bytes"])
    assert verdict["flash"]["limit"] == size["flash_budget"] and verdict["ram"]["limit"] == size["ram_budget"]
    assert doc["sources"] == {"flash_bytes": "measured", "ram_bytes": "measured", "latency": "estimate"}
    m = doc["measured"]
    assert m["breakdown"] == size["breakdown"]
    assert {k: m[k] for k in ("text", "data", "bss", "stack", "arena_bytes", "flash_bytes", "ram_bytes")} == {
        k: size[k] for k in ("text", "data", "bss", "stack", "arena_bytes", "flash_bytes", "ram_bytes")}
    assert m["model_sha256"] == doc["model"]["sha256"] and m["target"] == TARGET
    # the plan check prints is the arena the firmware got
    assert doc["plan"]["arena_bytes"] == size["arena_bytes"]

    # the estimates are still reported beside the measured figures, and equal a check without --build
    r0, est = _check_json(tiny_model, TARGET)
    assert r0.returncode == 0, r0.stderr
    assert est is not None and est["measured"] is None
    assert est["sources"] == {"flash_bytes": "estimate", "ram_bytes": "estimate", "latency": "estimate"}
    assert totals["flash_bytes_estimate"] == est["totals"]["flash_bytes"] == est["totals"]["flash_bytes_estimate"]
    assert totals["ram_bytes_estimate"] == est["totals"]["ram_bytes"] == est["totals"]["ram_bytes_estimate"]
    assert est["totals"]["flash_bytes"] == (est["totals"]["weights_bytes"] + est["totals"]["code_bytes"]
                                            + est["totals"]["constants_bytes"])


def test_estimated_arena_and_io_buffers_are_what_the_build_allocates(tiny_model: Path, built: Path) -> None:
    """The RAM estimate's arena and I/O parts, byte for byte against the linked firmware's .bss, symbol by
    symbol (the map; size.json's breakdown lumps them into its model and board parts)."""
    from edgekit.build.mapfile import parse_map

    _, contribs = parse_map(built / "build" / "firmware.map")
    bss = {(c.input, Path(c.source).name): c.size for c in contribs if c.output == ".bss"}
    r, est = _check_json(tiny_model, TARGET)
    assert r.returncode == 0 and est is not None, r.stderr
    totals = est["totals"]
    assert bss[(".bss.ek_arena", "model.o")] == totals["arena_bytes"]
    io = {b["name"]: b["bytes"] for b in totals["io_buffers"]}
    assert io == {"input staging (db load)": bss[(".bss.db_buffer", "main.o")],
                  "protocol state": bss[(".bss.protocol", "main.o")]}
    assert totals["io_bytes"] == sum(io.values())
    # every other board byte in RAM is a driver's few words of state, covered by the reserved RAM
    board = _size(built)["breakdown"]["board"]["ram"]
    assert 0 <= board - totals["io_bytes"] <= 64


def test_table_labels_measured_totals_and_their_parts(tiny_model: Path, built: Path) -> None:
    size = _size(built)
    r = _edgekit("check", str(tiny_model), "--target", TARGET, "--build", str(built))
    assert r.returncode == 0, r.stderr
    out = " ".join(r.stdout.split())
    assert "flash (measured)" in out and "ram (measured)" in out and "latency (estimate)" in out
    assert f"{size['flash_bytes']:,} B" in out and f"{size['ram_bytes']:,} B" in out
    parts = size["breakdown"]
    for name in ("weights", "kernels", "board", "libc"):
        assert f"{name} {parts[name]['flash']:,}" in out
    assert f"stack {size['stack']:,}" in out and f"(arena {size['arena_bytes']:,})" in out


def test_over_budget_verdict_from_measured_sizes(tiny_model: Path, built: Path, tmp_path: Path) -> None:
    """A user's copy of the board with a tight flash budget: the verdict flips exactly at the measured size."""
    size = _size(built)
    r0, est = _check_json(tiny_model, TARGET)
    assert est is not None
    # the estimate is not the measurement, so a verdict at the measured byte count proves which one is judged
    assert abs(est["totals"]["flash_bytes"] - size["flash_bytes"]) > 1

    def board(flash: int) -> Path:
        p = tmp_path / f"tight-{flash}.toml"
        p.write_text(f'id = "{TARGET}"\ninherit = "{TARGET}"\n[budget]\nflash_bytes = {flash}\n')
        return p

    r, doc = _check_json(tiny_model, str(board(size["flash_bytes"])), "--build", str(built))
    assert r.returncode == 0, r.stderr
    assert doc is not None and doc["verdict"]["flash"]["share"] == 1.0 and doc["verdict"]["fits"] is True

    r, doc = _check_json(tiny_model, str(board(size["flash_bytes"] - 1)), "--build", str(built))
    assert r.returncode == 1, r.stderr
    assert doc is not None and doc["verdict"]["over"] == ["flash"] and doc["verdict"]["flash"]["over_by"] == 1
    msg = r.stderr.strip().splitlines()[-1]  # with --json - the tables go to stderr, the error line last
    assert "Traceback" not in r.stderr
    assert "flash (measured) by 1 bytes" in msg
    kernels = size["breakdown"]["kernels"]["flash"]
    assert f"kernels {kernels:,} B" in msg  # the largest parts of the build, not layers


def test_check_build_imports_no_tensorflow(tiny_model: Path, built: Path) -> None:
    code = (
        "import sys\nfrom edgekit.cli import main\n"
        f"sys.argv = ['edgekit', 'check', {str(tiny_model)!r}, '--target', {TARGET!r}, '--build', {str(built)!r},"
        " '--quiet']\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert e.code == 0, e.code\n"
        "print('HEAVY', sorted({m.split('.')[0] for m in sys.modules} & {'tensorflow', 'tf_keras', 'keras'}))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "HEAVY []" in r.stdout, r.stdout


# --- bad build folders: one sentence, exit 2, nothing written ---------------------------------------------------
# Synthetic size.json files (no compiler needed): each differs from a good one in one way.


def _good_size(model: Path, target: str = TARGET) -> dict:
    from edgekit.converters.tflite_reader import read_model

    breakdown = {"kernels": {"flash": 6000, "ram": 0}, "weights": {"flash": 3000, "ram": 0},
                 "board": {"flash": 1000, "ram": 200}, "model": {"flash": 500, "ram": 800},
                 "stack": {"flash": 0, "ram": 2048}}
    return {"schema": "edgekit-size/1", "target": target, "model": "tiny", "model_sha256": read_model(model).sha256,
            "text": 10500, "data": 0, "bss": 1000, "stack": 2048, "arena_bytes": 784, "flash_bytes": 10500,
            "ram_bytes": 3048, "flash_budget": None, "ram_budget": None, "fits": True, "breakdown": breakdown}


def _project(tmp_path: Path, doc: dict | str) -> Path:
    d = tmp_path / "fw"
    (d / "build").mkdir(parents=True)
    (d / "build" / "size.json").write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return d


def _refused(model: Path, build: Path, tmp_path: Path, *extra: str, target: str = TARGET) -> str:
    out = tmp_path / "report.json"
    r = _edgekit("check", str(model), "--target", target, "--build", str(build), "--json", str(out), *extra)
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    msg = r.stderr.strip()
    assert "\n" not in msg and "Traceback" not in msg, msg
    assert not out.exists()  # nothing half-written
    return msg


def test_synthetic_good_build_is_used(tiny_model: Path, tmp_path: Path) -> None:
    r, doc = _check_json(tiny_model, TARGET, "--build", str(_project(tmp_path, _good_size(tiny_model))))
    assert r.returncode == 0, r.stderr
    assert doc is not None and (doc["totals"]["flash_bytes"], doc["totals"]["ram_bytes"]) == (10500, 3048)
    assert list(doc["measured"]["breakdown"]) == ["kernels", "weights", "board", "model", "stack"]  # largest first


def test_missing_build_folder(tiny_model: Path, tmp_path: Path) -> None:
    msg = _refused(tiny_model, tmp_path / "nowhere", tmp_path)
    assert "nowhere is not a folder" in msg and "edgekit build" in msg


def test_project_not_built_yet(tiny_model: Path, tmp_path: Path) -> None:
    (tmp_path / "fw").mkdir()
    msg = _refused(tiny_model, tmp_path / "fw", tmp_path)
    assert "has not been built" in msg and f"edgekit build {tmp_path / 'fw'}" in msg


def test_unreadable_size_json(tiny_model: Path, tmp_path: Path) -> None:
    msg = _refused(tiny_model, _project(tmp_path, '{"schema": "edgekit-size/1", "text": '), tmp_path)
    assert "size.json is not readable JSON" in msg


def test_wrong_schema(tiny_model: Path, tmp_path: Path) -> None:
    doc = _good_size(tiny_model) | {"schema": "edgekit-size/9"}
    msg = _refused(tiny_model, _project(tmp_path, doc), tmp_path)
    assert "schema 'edgekit-size/9', not 'edgekit-size/1'" in msg


def test_not_a_json_object(tiny_model: Path, tmp_path: Path) -> None:
    msg = _refused(tiny_model, _project(tmp_path, "[1, 2]"), tmp_path)
    assert "not 'edgekit-size/1'" in msg


def test_bad_figure(tiny_model: Path, tmp_path: Path) -> None:
    doc = _good_size(tiny_model) | {"flash_bytes": -5}
    msg = _refused(tiny_model, _project(tmp_path, doc), tmp_path)
    assert "'flash_bytes' must be a non-negative integer" in msg


def test_breakdown_that_does_not_add_up(tiny_model: Path, tmp_path: Path) -> None:
    doc = _good_size(tiny_model)
    doc["breakdown"]["kernels"]["flash"] += 4
    msg = _refused(tiny_model, _project(tmp_path, doc), tmp_path)
    assert "attributes 10,504 flash bytes of 10,500" in msg


def test_build_of_another_model(tiny_model: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.tflite"
    other.write_bytes(tm.build(tm.tiny_cnn_tensors(), tm.tiny_cnn_ops(), (0,), (12,), description="another model"))
    msg = _refused(other, _project(tmp_path, _good_size(tiny_model)), tmp_path)
    assert "is a build of another model (tiny" in msg and str(other) in msg


def test_build_for_another_target(tiny_model: Path, tmp_path: Path) -> None:
    msg = _refused(tiny_model, _project(tmp_path, _good_size(tiny_model)), tmp_path, target="mps2-an500")
    assert f"was built for target {TARGET}, not mps2-an500" in msg and f"--target {TARGET}" in msg


def test_build_and_code_sizes_together(tiny_model: Path, tmp_path: Path) -> None:
    sizes = tmp_path / "sizes.json"
    sizes.write_text('{"runtime": 1}')
    msg = _refused(tiny_model, _project(tmp_path, _good_size(tiny_model)), tmp_path, "--code-sizes", str(sizes))
    assert "--build or --code-sizes, not both" in msg


# --- the code-size table cannot silently rot -------------------------------------------------------------------

CHECKED_OPS = ["CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "SOFTMAX", "ADD", "MAX_POOL_2D"]


def _kernel_code_sizes():
    spec = importlib.util.spec_from_file_location("kernel_code_sizes", REPO / "benchmarks" / "kernel_code_sizes.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # its dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


def test_code_size_table_within_10_percent_of_a_fresh_measurement(toolchain: None) -> None:  # noqa: F811
    measured = _kernel_code_sizes().measure_ops(TARGET, CHECKED_OPS)
    table, dsp_table = estimates()["code_size"], estimates()["code_size_dsp"]
    off = []
    for op in CHECKED_OPS:
        for variant, size in measured[op].items():
            entry = (table if variant == "portable" else dsp_table)[op]
            if abs(entry - size) > 0.10 * size:
                off.append(f"{op} ({variant}): table {entry}, measured {size}")
    assert not off, ("estimates.toml's code sizes are stale; rerun `benchmarks/kernel_code_sizes.py --toml`: "
                     + "; ".join(off))


def test_deploy_checks_again_with_the_build(tiny_model: Path, tmp_path: Path, toolchain: None) -> None:  # noqa: F811
    """`edgekit deploy`: after the build stage, the check's figures are the measured ones."""
    import dataclasses

    from edgekit import deploy

    project = deploy.load_project(REPO / "examples" / "digits" / "edgekit.toml")
    project = dataclasses.replace(project, out=tmp_path,
                                  sections={**project.sections, "device": {"target": TARGET}})
    ctx = deploy.DeployContext(project=project, progress=False)
    ctx.artifacts["tflite"] = tiny_model
    for stage in (deploy.stage_check, deploy.stage_package, deploy.stage_build):
        stage(ctx)
    size = _size(ctx.artifacts["firmware_project"])
    check = ctx.results["check"]
    assert (check["flash_measured"], check["ram_measured"]) == (size["flash_bytes"], size["ram_bytes"])
    assert check["fits_measured"] is True and "flash_estimate" in check
