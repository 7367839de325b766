"""Wall time of `edgekit check` on each MLPerf Tiny reference model, Python start-up included.

Runs the installed `edgekit` console script as a subprocess (what a user or CI pays), several times per model,
prints a table and writes JSON. Also records whether TensorFlow or matplotlib got imported (they must not be).

    .venv/bin/python benchmarks/check_speed.py [--target nucleo-l4r5zi] [--runs 5] [--out out/check_speed.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # for _common, also when a test loads this file by path
try:
    from _common import MLPERF_DIR as MODELS
    from _common import MLPERF_FILES as FILES
    from _common import REPO
finally:
    sys.path.pop(0)
HEAVY = ("tensorflow", "tf_keras", "keras", "matplotlib")


def edgekit_exe() -> list[str]:
    exe = Path(sys.executable).with_name("edgekit")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "edgekit"]


def time_check(model: Path, target: str, runs: int) -> dict:
    times, code = [], None
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        for _ in range(runs):
            t0 = time.perf_counter()
            r = subprocess.run(
                [
                    *edgekit_exe(),
                    "check",
                    str(model),
                    "--target",
                    target,
                    "--json",
                    str(out),
                    "--force",
                    "--quiet",
                ],
                capture_output=True,
                text=True,
            )
            times.append(time.perf_counter() - t0)
            code = r.returncode
            if r.returncode not in (0, 1):
                raise SystemExit(f"edgekit check failed on {model.name}: {r.stderr.strip()}")
        report = json.loads(out.read_text())
    # which heavy modules a check imports, measured in a separate interpreter running the same code path
    probe = (
        "import sys; from edgekit.cli import main\n"
        f"sys.argv = ['edgekit', 'check', {str(model)!r}, '--target', {target!r}, '--quiet']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))"
    )
    heavy = (
        subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
        .stdout.strip()
        .splitlines()
    )
    return {
        "model": model.name,
        "runs": runs,
        "wall_s_min": round(min(times), 4),
        "wall_s_median": round(statistics.median(times), 4),
        "exit_code": code,
        "macs": report["totals"]["macs"],
        "arena_bytes": report["totals"]["arena_bytes"],
        "fits": report["verdict"]["fits"],
        "heavy_imports": heavy[-1] if heavy else "?",
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--target", default="nucleo-l4r5zi")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", type=Path, default=REPO / "out" / "check_speed.json")
    args = ap.parse_args()
    if not MODELS.is_dir():
        raise SystemExit(f"reference models not found at {MODELS}")
    rows = [time_check(MODELS / f, args.target, args.runs) for f in FILES.values()]

    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=f"edgekit check wall time (subprocess, Python start-up included), target {args.target}"
    )
    for col in ("model", "min s", "median s", "exit", "MACs", "arena B", "heavy imports"):
        table.add_column(col, justify="left" if col in ("model", "heavy imports") else "right")
    for r in rows:
        table.add_row(
            r["model"],
            f"{r['wall_s_min']:.3f}",
            f"{r['wall_s_median']:.3f}",
            str(r["exit_code"]),
            f"{r['macs']:,}",
            f"{r['arena_bytes']:,}",
            r["heavy_imports"],
        )
    Console(width=120).print(table)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    doc = {
        "benchmark": "check_speed",
        "target": args.target,
        "python": sys.version.split()[0],
        "results": rows,
    }
    args.out.write_text(json.dumps(doc, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
