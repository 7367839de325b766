"""Wall time and peak memory of each compression recipe on the digits model.

    python benchmarks/compress.py [--json out/bench/compress.json] [--plot FILE.png] [--epochs-scale 1.0]

Each recipe runs in its own process so its peak RSS (ru_maxrss: TensorFlow's C++ allocations included,
which tracemalloc would miss) is its own. The float model is trained once, in a separate process, and loaded
by every run. Figures: seconds of compress() (fine-tuning + evaluation), seconds of the int8 conversion,
the process's peak RSS before the recipe (TensorFlow + model + data) and after it, accuracies, .tflite size
and its constant buffers raw and zlib-compressed (what zeros and shared values buy when stored compressed).
The first row is the float model converted to int8 without a recipe. A PNG (--plot, default beside the JSON)
draws int8 accuracy against both sizes; --replot redraws it from an existing JSON without training.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DIGITS = HERE.parent / "examples" / "digits"
DATA = f"{DIGITS / 'data.py'}:load"

FLOAT = "float, int8 PTQ"  # the row of the float model converted without a recipe
RECIPES: dict[str, dict] = {
    "qat": {"step": [{"kind": "qat", "epochs": 3}]},
    "prune60+pqat": {"step": [{"kind": "prune", "sparsity": 0.6, "epochs": 4}, {"kind": "pqat", "epochs": 3}]},
    "prune 2:4": {"step": [{"kind": "prune", "m_by_n": "2:4", "epochs": 4}]},
    "cluster16": {"step": [{"kind": "cluster", "clusters": 16, "epochs": 3}]},
    "prune50+cluster16+cqat": {"step": [
        {"kind": "prune", "sparsity": 0.5, "epochs": 3},
        {"kind": "cluster", "clusters": 16, "epochs": 3, "preserve_sparsity": True},
        {"kind": "cqat", "epochs": 3}]},
    "distill": {"learning_rate": 5e-3, "step": [
        {"kind": "distill", "student": f"{DIGITS / 'model.py'}:build_student", "epochs": 10, "alpha": 0.3}]},
}


def _peak_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def child_train(out: Path, epochs: int) -> None:
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
    from edgekit.compress.data import import_object, load_data
    from edgekit.compress.models import save_keras_model
    from edgekit.compress.train import fit

    data = load_data(DATA)
    model = import_object(f"{DIGITS / 'model.py'}:build_model")(0)
    fit(model, data, label="float", epochs=epochs, batch_size=32, learning_rate=1e-2, seed=0, progress=False)
    save_keras_model(model, out, force=True)


def child_run(name: str, model_path: Path, scale: float) -> dict:
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
    from edgekit.converters.keras_to_tflite import convert

    from edgekit.compress.api import compress
    from edgekit.compress.data import load_data
    from edgekit.compress.models import load_keras_model
    from edgekit.compress.recipe import recipe_from_dict
    from edgekit.compress.report import weight_bytes
    from edgekit.hostrun import HostModel, accuracy

    doc = json.loads(json.dumps(RECIPES[name]))
    for step in doc["step"]:
        step["epochs"] = max(1, round(step["epochs"] * scale))
    recipe = recipe_from_dict(doc, name)
    data = load_data(DATA)
    model = load_keras_model(model_path)
    before = _peak_mib()
    t0 = time.perf_counter()
    compressed, report = compress(model, recipe, data, name=name, progress=False)
    t1 = time.perf_counter()
    result = convert(compressed, x_train=data.x_train)
    t2 = time.perf_counter()
    int8 = accuracy(HostModel(result.tflite), data.x_val, data.y_val)
    raw, zipped = weight_bytes(result.tflite)
    return {"recipe": name, "epochs": [s["epochs"] for s in doc["step"]], "compress_s": t1 - t0,
            "convert_s": t2 - t1, "peak_rss_before_mib": before, "peak_rss_mib": _peak_mib(),
            "float_accuracy": report.float_accuracy, "keras_accuracy": report.final_accuracy,
            "int8_accuracy": int8, "tflite_bytes": len(result.tflite), "params": report.steps[-1].params,
            "weights_bytes": raw, "weights_zlib_bytes": zipped,
            **{k: v for s in report.steps for k, v in s.extra.items()}}


def child_float(model_path: Path) -> dict:
    """The starting point: the float model converted to int8 after training (no recipe)."""
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
    from edgekit.converters.keras_to_tflite import convert

    from edgekit.compress.data import load_data
    from edgekit.compress.models import load_keras_model
    from edgekit.compress.report import param_count, weight_bytes
    from edgekit.compress.train import accuracy as keras_accuracy
    from edgekit.hostrun import HostModel, accuracy

    data = load_data(DATA)
    model = load_keras_model(model_path)
    t0 = time.perf_counter()
    result = convert(model, x_train=data.x_train)
    t1 = time.perf_counter()
    raw, zipped = weight_bytes(result.tflite)
    keras = keras_accuracy(model, data.x_val, data.y_val)
    return {"recipe": FLOAT, "epochs": [], "compress_s": 0.0, "convert_s": t1 - t0, "peak_rss_before_mib": 0.0,
            "peak_rss_mib": _peak_mib(), "float_accuracy": keras, "keras_accuracy": keras,
            "int8_accuracy": accuracy(HostModel(result.tflite), data.x_val, data.y_val),
            "tflite_bytes": len(result.tflite), "params": param_count(model), "weights_bytes": raw,
            "weights_zlib_bytes": zipped}


def write_plot(rows: list[dict], path: Path) -> Path:
    """Accuracy against size, one point per row (edgekit.compress.plot draws it)."""
    from edgekit.compress.plot import plot_accuracy_vs_size, size_points
    from edgekit.fileio import write_bytes_atomic

    float_acc = next((r["float_accuracy"] for r in rows if r["recipe"] == FLOAT), None)
    title = f"compression recipes on the digits CNN: int8 accuracy vs size ({len(rows)} models)"
    return write_bytes_atomic(path, plot_accuracy_vs_size(size_points(rows), title, float_acc))


def _python() -> list[str]:
    return [sys.executable, str(Path(__file__).resolve())]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", type=Path, default=Path("out/bench/compress.json"))
    ap.add_argument("--epochs-scale", type=float, default=1.0, help="multiply every step's epochs")
    ap.add_argument("--float-epochs", type=int, default=20)
    ap.add_argument("--recipe", action="append", choices=sorted(RECIPES), help="run only these (repeatable)")
    ap.add_argument("--plot", type=Path, help="accuracy-vs-size PNG [beside --json, .png]")
    ap.add_argument("--replot", action="store_true", help="only redraw --plot from an existing --json")
    ap.add_argument("--_child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    env = {**os.environ, "TF_USE_LEGACY_KERAS": "1", "TF_CPP_MIN_LOG_LEVEL": "3"}

    if args._child:
        kind, *rest = args._child
        if kind == "train":
            child_train(Path(rest[0]), int(rest[1]))
        elif kind == "float":
            print("RESULT " + json.dumps(child_float(Path(rest[0]))))
        else:
            print("RESULT " + json.dumps(child_run(rest[0], Path(rest[1]), float(rest[2]))))
        return 0

    from edgekit.compress.plot import check_png_path
    from edgekit.errors import EdgekitError

    plot = args.plot or args.json.with_suffix(".png")
    try:
        check_png_path(plot)
    except EdgekitError as e:
        ap.error(str(e))
    if args.replot:
        write_plot(json.loads(args.json.read_text())["rows"], plot)
        print(f"wrote {plot}")
        return 0

    from rich.console import Console
    from rich.table import Table

    console = Console(width=None if sys.stdout.isatty() else 150)  # the table is wider than 80 columns
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        model = Path(tmp) / "float.keras"
        t0 = time.perf_counter()
        subprocess.run([*_python(), "--_child", "train", str(model), str(args.float_epochs)], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        console.print(f"float model: {args.float_epochs} epochs in {time.perf_counter() - t0:.1f} s "
                      "(process start and TensorFlow import included)")
        for name in [FLOAT, *(args.recipe or RECIPES)]:
            console.print(f"running {name} ...")
            child = ["float", str(model)] if name == FLOAT else ["run", name, str(model), str(args.epochs_scale)]
            done = subprocess.run([*_python(), "--_child", *child], env=env, check=True, capture_output=True,
                                  text=True)
            line = next(ln for ln in done.stdout.splitlines() if ln.startswith("RESULT "))
            rows.append(json.loads(line.removeprefix("RESULT ")))

    table = Table(title=f"compression recipes on the digits CNN ({os.cpu_count()} CPUs)")
    for col in ("recipe", "epochs", "compress s", "convert s", "peak RSS MiB", "of which recipe",
                "float acc", "int8 acc", ".tflite B", "weights zlib B"):
        table.add_column(col, justify="left" if col == "recipe" else "right")
    for r in rows:
        table.add_row(r["recipe"], "+".join(map(str, r["epochs"])) or "-", f"{r['compress_s']:.1f}", f"{r['convert_s']:.1f}",
                      f"{r['peak_rss_mib']:.0f}", f"+{r['peak_rss_mib'] - r['peak_rss_before_mib']:.0f}",
                      f"{r['float_accuracy']:.4f}", f"{r['int8_accuracy']:.4f}", f"{r['tflite_bytes']:,}",
                      f"{r['weights_zlib_bytes']:,} of {r['weights_bytes']:,}")
    console.print(table)
    for r in rows:
        if "student_from_scratch_accuracy" in r:
            console.print(f"{r['recipe']}: the same student trained from scratch reaches "
                          f"{r['student_from_scratch_accuracy']:.4f} (Keras), distilled {r['keras_accuracy']:.4f}")
    console.print("wall times depend on the load of the machine; peak RSS is the process high-water mark")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"cpus": os.cpu_count(), "rows": rows}, indent=2))
    write_plot(rows, plot)
    console.print(f"wrote {args.json} and {plot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
