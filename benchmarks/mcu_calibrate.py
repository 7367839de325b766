"""Fit per-op cost coefficients to measured per-op profiles on QEMU mps2-an386 (Cortex-M4), per kernel variant,
and write them to ``edgekit/analysis/calibration.toml`` -- the data `edgekit check` uses for its latency estimate
on a Cortex-M4 target that does not state its own ``cycles_per_mac``.

    .venv/bin/python benchmarks/mcu_calibrate.py [--write] [--models ic,kws,vww,ad]

Per op type the model is ``instructions = a * MACs + b * other ops + c * output elements + d`` (non-negative
least squares over every op of the profiled models; `edgekit.analysis.costs` gives the features). The profile
builds time each op through MODEL_API's op hook (`ek-ops%`), which adds a few instructions per op; the table
printed compares the fitted estimate with the un-instrumented whole-inference count. QEMU counts instructions,
so the coefficients are instructions (a cycles figure on silicon adds wait states and multi-cycle loads).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mcu_variants import MODELS, MODELS_DIR, TARGET, measure  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "edgekit" / "analysis" / "calibration.toml"
CORE = "cortex-m4"
FEATURES = ("macs", "ops", "elements", "call")


def features(layer: object) -> list[float]:
    elements = int(np.prod(layer.output_shape)) if layer.output_shape else 1
    return [float(layer.macs), float(layer.ops), float(elements), 1.0]


def fit(rows: list[tuple[list[float], float]]) -> list[float]:
    from scipy.optimize import nnls

    a = np.array([r[0] for r in rows])
    y = np.array([r[1] for r in rows])
    scale = np.maximum(np.abs(a).max(axis=0), 1.0)  # conditioning: columns of very different magnitude
    coef, _ = nnls(a / scale, y)
    return [float(c) for c in coef / scale]


def main(argv: list[str] | None = None) -> int:
    from edgekit.converters.tflite_reader import read_model

    from edgekit.analysis.costs import model_cost

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", default="ic,kws,vww,ad")
    ap.add_argument("--write", action="store_true", help=f"write {OUT.relative_to(OUT.parents[2])}")
    args = ap.parse_args(argv)
    keys = [k for k in args.models.split(",") if k]
    work = Path(tempfile.mkdtemp(prefix="edgekit-calib-"))
    tables: dict[str, dict[str, list[float]]] = {}
    totals: dict[tuple[str, str], int] = {}
    costs = {k: model_cost(read_model(MODELS_DIR / MODELS[k])) for k in keys}
    for variant in ("portable", "dsp"):
        samples: dict[str, list[tuple[list[float], float]]] = defaultdict(list)
        for key in keys:
            row, ops = measure(key, variant, work, profile=True)
            totals[(key, variant)] = row.instructions
            for layer, (name, n) in zip(costs[key].layers, ops, strict=True):
                assert layer.op == name, (layer.op, name)
                samples[name].append((features(layer), float(n)))
        tables[variant] = {op: fit(rows) for op, rows in sorted(samples.items())}

    print(f"{'model':6} {'variant':9} {'measured':>12} {'estimate':>12} {'error':>7}")
    for (key, variant), measured in totals.items():
        est = sum(float(np.dot(tables[variant][layer.op], features(layer))) for layer in costs[key].layers)
        print(f"{key:6} {variant:9} {measured:12,} {round(est):12,} {100 * (est / measured - 1):+6.1f}%")

    lines = [
        "# Per-op instruction costs fitted by benchmarks/mcu_calibrate.py to per-op profiles of the MLPerf Tiny",
        f"# models ({', '.join(keys)}) measured on QEMU {TARGET} (-icount shift=0: instructions, not cycles),",
        "# built by `edgekit package` with each kernel variant, GCC 12.2 -O2. Model per op type:",
        "#   instructions = macs * MACs + ops * other elementary ops + elements * output elements + call",
        "# (edgekit.analysis.costs gives the features). MEASURED on an emulated core; in-sample for these models.",
        "# `edgekit check` uses it for a core listed here when the target file gives no cycles_per_mac of its own.",
        "",
    ]
    for variant, table in tables.items():
        for op, coef in table.items():
            lines.append(f"[{CORE}.{variant}.{op}]")
            lines += [f"{name} = {value:.6g}" for name, value in zip(FEATURES, coef, strict=True)]
            lines.append("")
    text = "\n".join(lines)
    if args.write:
        OUT.write_text(text, encoding="utf-8")
        print(f"wrote {OUT}")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
