"""edgekit's planned arena against TensorFlow Lite Micro's, measured in the same run.

For each model: edgekit's plan (``strategy="best"``), the TFLM-greedy baseline re-implemented in edgekit,
and TFLite Micro's own arena "total" and "head" (the planned activations) from the tflite-micro package's
``RecordingMicroAllocator`` (``print_allocations()`` writes to fd 2, which is captured here). Goal: edgekit's
arena never above TFLM's head and at most 0.75x TFLM's total (geometric mean).

    .venv/bin/python benchmarks/arena_vs_tflm.py [--json out/arena.json] [--digits-dir out/digits-models]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # for _common, also when a test loads this file by path
try:
    from _common import MLPERF_DIR as MODELS
    from _common import MLPERF_FILES as MLPERF
    from _common import REPO
finally:
    sys.path.pop(0)
GOAL_TOTAL_RATIO = 0.75


@contextlib.contextmanager
def _captured_fd2() -> Iterator[list[str]]:
    """Collect what C code writes to file descriptor 2 while the block runs."""
    out: list[str] = []
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as tmp:
        os.dup2(tmp.fileno(), 2)
        try:
            yield out
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            tmp.seek(0)
            out.append(tmp.read().decode("utf-8", "replace"))


def tflm_arena(path: Path) -> tuple[int, int]:
    """(arena total, arena head) in bytes that TFLite Micro needs for ``path``, after one inference."""
    import numpy as np
    from tflite_micro import runtime

    interp = runtime.Interpreter.from_file(str(path))
    for i in range(_num_inputs(interp)):
        d = interp.get_input_details(i)
        interp.set_input(np.zeros(d["shape"], dtype=d["dtype"]), i)
    interp.invoke()
    with _captured_fd2() as text:
        interp.print_allocations()
    log = "".join(text)
    total = re.search(r"Arena allocation total (\d+) bytes", log)
    head = re.search(r"Arena allocation head (\d+) bytes", log)
    if not total or not head:
        raise RuntimeError(f"tflite-micro printed no arena figures for {path}:\n{log}")
    return int(total.group(1)), int(head.group(1))


def _num_inputs(interp) -> int:
    """The runtime has no input count: probe until IndexError (its complaint on fd 2 is swallowed)."""
    n = 0
    with _captured_fd2():
        while True:
            try:
                interp.get_input_details(n)
            except IndexError:
                return n
            n += 1


def measure(name: str, path: Path) -> dict:
    from edgekit.converters.tflite_reader import read_model

    from edgekit.analysis.planner import plan_memory

    model = read_model(path)
    best = plan_memory(model)
    greedy = plan_memory(model, strategy="tflm-greedy")
    total, head = tflm_arena(path)
    return {
        "model": name,
        "file": str(path),
        "edgekit_arena_bytes": best.arena_bytes,
        "edgekit_strategy": best.strategy,
        "aliases": len(best.aliases),
        "greedy_arena_bytes": greedy.arena_bytes,
        "lower_bound_bytes": best.lower_bound_bytes,
        "tflm_head_bytes": head,
        "tflm_total_bytes": total,
        "ratio_to_head": best.arena_bytes / head if head else 0.0,
        "ratio_to_total": best.arena_bytes / total,
        "within_head": best.arena_bytes <= head,
    }


def _digits_models(out_dir: Path) -> tuple[dict[str, Path], str]:
    """The digits example's int8 models (reused when already written), or a note saying why there are none."""
    found = {}
    for k in ("ptq", "qat", "pqat"):
        hits = sorted(out_dir.glob(f"digits_{k}*.tflite")) if out_dir.is_dir() else []
        if hits:
            found[k] = hits[0]
    if len(found) == 3:
        return found, ""
    make = REPO / "examples" / "digits" / "make_models.py"
    if not make.is_file():
        return {}, f"digits skipped: {make.relative_to(REPO)} is not there yet"
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")  # TF-MOT needs tf-keras, set before TF loads
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    sys.path.insert(0, str(make.parent))
    try:
        from make_models import make_digits_models  # type: ignore[import-not-found]
    except ImportError as e:
        return {}, f"digits skipped: cannot import make_digits_models ({e})"
    finally:
        sys.path.pop(0)
    try:
        return dict(make_digits_models(out_dir)), ""
    except Exception as e:  # a broken example must not hide the MLPerf figures
        return {}, f"digits skipped: make_digits_models failed ({type(e).__name__}: {e})"


def geomean(xs: list[float]) -> float:
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else 0.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    ap.add_argument(
        "--digits-dir",
        type=Path,
        default=REPO / "out" / "digits-models",
        help="where the digits example's .tflite files are (trained there if missing)",
    )
    ap.add_argument("--no-digits", action="store_true", help="skip the digits example")
    args = ap.parse_args(argv)

    from rich.console import Console
    from rich.table import Table

    console = Console() if sys.stdout.isatty() else Console(width=140)
    rows: list[dict] = []
    notes: list[str] = []
    for key, fname in MLPERF.items():
        path = MODELS / fname
        if path.is_file():
            rows.append(measure(key, path))
        else:
            notes.append(f"{key} skipped: {path} not found")
    if args.no_digits:
        notes.append("digits skipped: --no-digits")
    else:
        digits, note = _digits_models(args.digits_dir)
        if note:
            notes.append(note)
        for k, p in digits.items():
            rows.append(measure(f"digits-{k}", Path(p)))

    table = Table(title="Arena bytes: edgekit vs TensorFlow Lite Micro (same run)")
    for col in (
        "model",
        "edgekit",
        "strategy",
        "greedy",
        "bound",
        "TFLM head",
        "TFLM total",
        "/head",
        "/total",
    ):
        table.add_column(col, justify="left" if col in ("model", "strategy") else "right")
    for r in rows:
        table.add_row(
            r["model"],
            f"{r['edgekit_arena_bytes']:,}",
            r["edgekit_strategy"],
            f"{r['greedy_arena_bytes']:,}",
            f"{r['lower_bound_bytes']:,}",
            f"{r['tflm_head_bytes']:,}",
            f"{r['tflm_total_bytes']:,}",
            f"{r['ratio_to_head']:.3f}",
            f"{r['ratio_to_total']:.3f}",
        )
    console.print(table)
    g_total = geomean([r["ratio_to_total"] for r in rows])
    never_above_head = all(r["within_head"] for r in rows)
    goal = never_above_head and g_total <= GOAL_TOTAL_RATIO
    console.print(
        f"geometric mean edgekit/TFLM total: {g_total:.3f} (goal <= {GOAL_TOTAL_RATIO}); "
        f"never above TFLM head: {never_above_head}; goal met: {goal}"
    )
    for n in notes:
        console.print(f"[yellow]note:[/yellow] {n}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        summary = {"geomean_ratio_to_total": g_total, "never_above_head": never_above_head, "goal_met": goal}
        args.json.write_text(json.dumps({"rows": rows, "summary": summary, "notes": notes}, indent=2) + "\n")
    return 0 if rows else 1


if __name__ == "__main__":
    sys.exit(main())
