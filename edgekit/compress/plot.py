"""Pictures of compression: accuracy against size per recipe (benchmarks/compress.py), and what each step of
one recipe did (edgekit optimize --plot, edgekit deploy).

The series are prepared by plain functions (tested against the reports' numbers); the drawing functions only
draw them. matplotlib is imported inside the drawing functions, with the Agg backend, so no command loads it
unless it draws.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from edgekit.compress.report import CompressReport, nonzero_weights, unique_weights
from edgekit.errors import BadInputError

MARKERS = ("o", "s", "D", "^", "v", "P", "X", "*")


@dataclass(frozen=True)
class SizePoint:
    """One model of the accuracy-vs-size picture."""

    label: str
    accuracy: float  # int8 validation accuracy (LiteRT)
    tflite_bytes: int
    weights_zlib_bytes: int | None = None  # zlib -9 of the constant buffers, when measured


@dataclass(frozen=True)
class StepPoint:
    """The model after one step of a recipe ("float" is the starting point)."""

    label: str
    accuracy: float  # Keras validation accuracy after the step
    params: int
    nonzero: int  # kernel weights that are not zero
    unique: int  # distinct kernel values, summed over layers


def check_png_path(path: Path, option: str = "--plot") -> Path:
    """Refuse a plot file name that does not end in .png (before any slow work)."""
    if path.suffix.lower() != ".png":
        raise BadInputError(f"{option} writes a PNG image; give a file name ending in .png, not {path.name}.")
    return path


def size_points(rows: list[dict[str, Any]]) -> tuple[SizePoint, ...]:
    """benchmarks/compress.py's JSON rows -> points, in row order."""
    return tuple(SizePoint(label=str(r["recipe"]), accuracy=float(r["int8_accuracy"]),
                           tflite_bytes=int(r["tflite_bytes"]),
                           weights_zlib_bytes=int(r["weights_zlib_bytes"]) if "weights_zlib_bytes" in r else None)
                 for r in rows)


def step_points(report: CompressReport) -> tuple[StepPoint, ...]:
    """The float model, then the model after each step, from the report's own numbers."""
    if not report.steps:
        return ()
    points = []
    first = report.steps[0]
    if first.step != "float":  # a report without its float row: the first step's 'before' is the start
        points.append(StepPoint("float", first.accuracy_before, first.params, nonzero_weights(first),
                                unique_weights(first)))
    for i, s in enumerate(report.steps):
        label = "float" if s.step == "float" else f"{i if first.step == 'float' else i + 1}. {s.step}"
        points.append(StepPoint(label, s.accuracy_after, s.params, nonzero_weights(s), unique_weights(s)))
    return tuple(points)


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _png(fig: Any) -> bytes:
    plt = _pyplot()
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=110)
    plt.close(fig)
    return out.getvalue()


def plot_accuracy_vs_size(points: tuple[SizePoint, ...], title: str, float_accuracy: float | None = None) -> bytes:
    """A PNG: int8 accuracy against size, one labelled point per model; left the .tflite file, right (when
    measured) its weights compressed with zlib."""
    plt = _pyplot()
    zipped = all(p.weights_zlib_bytes is not None for p in points) and bool(points)
    fig, axes = plt.subplots(1, 2 if zipped else 1, figsize=(13 if zipped else 7.5, 5.5), sharey=True,
                             squeeze=False)
    panels = [("int8 .tflite file size (KiB)", [p.tflite_bytes for p in points])]
    if zipped:
        panels.append(("int8 weights, zlib-compressed (KiB)", [p.weights_zlib_bytes or 0 for p in points]))
    cmap = plt.get_cmap("tab10")
    for ax, (xlabel, sizes) in zip(axes[0], panels, strict=True):
        for i, (p, size) in enumerate(zip(points, sizes, strict=True)):
            # a marker shape per model as well as a colour: models of equal size and accuracy stay visible
            ax.scatter(size / 1024, p.accuracy * 100, s=70, color=cmap(i % 10), marker=MARKERS[i % len(MARKERS)],
                       edgecolors="black", linewidths=0.5, alpha=0.85, zorder=3)
            # alternate label sides so neighbouring points' names do not overlap
            ax.annotate(p.label, (size / 1024, p.accuracy * 100), textcoords="offset points",
                        xytext=(8, 6 if i % 2 == 0 else -12), fontsize=9)
        ax.set_xlabel(xlabel)
        ax.grid(True, alpha=0.3)
        lo, hi = min(sizes) / 1024, max(sizes) / 1024
        pad = max((hi - lo) * 0.25, 1.0)
        ax.set_xlim(max(lo - pad * 0.4, 0), hi + pad)  # room on the right for labels
        if float_accuracy is not None:
            ax.axhline(float_accuracy * 100, color="grey", linestyle="--", linewidth=1)
            ax.text(ax.get_xlim()[0], float_accuracy * 100, f" float model (Keras): {float_accuracy:.2%}",
                    va="bottom", fontsize=8, color="grey")
    axes[0][0].set_ylabel("int8 validation accuracy (%)")
    fig.suptitle(title)
    fig.tight_layout()
    return _png(fig)


def plot_steps(points: tuple[StepPoint, ...], title: str) -> bytes:
    """A PNG: top, validation accuracy after each step; bottom, parameters, non-zero kernel weights and
    distinct kernel values after each step."""
    plt = _pyplot()
    fig, (ax_acc, ax_w) = plt.subplots(2, 1, figsize=(max(7.0, 1.6 * len(points) + 3), 7), sharex=True,
                                       height_ratios=(2, 3))
    xs = list(range(len(points)))
    acc = [p.accuracy * 100 for p in points]
    ax_acc.plot(xs, acc, marker="o", color="tab:blue")
    for x, a in zip(xs, acc, strict=True):
        ax_acc.annotate(f"{a:.2f} %", (x, a), textcoords="offset points", xytext=(0, 8), ha="center", fontsize=9)
    span = max(acc) - min(acc) if acc else 0
    ax_acc.set_ylim(min(acc, default=0) - max(span, 1) * 0.6, max(acc, default=100) + max(span, 1) * 0.6)
    ax_acc.set_ylabel("validation accuracy (%)")
    ax_acc.grid(True, alpha=0.3)

    width = 0.27
    series = (("parameters", [p.params for p in points], "tab:grey"),
              ("non-zero kernel weights", [p.nonzero for p in points], "tab:orange"),
              ("distinct kernel values", [p.unique for p in points], "tab:green"))
    for k, (name, values, color) in enumerate(series):
        pos = [x + (k - 1) * width for x in xs]
        bars = ax_w.bar(pos, values, width, label=name, color=color)
        ax_w.bar_label(bars, labels=[f"{v:,}" for v in values], fontsize=7, padding=2)
    ax_w.set_ylabel("count")
    ax_w.set_ylim(0, max((p.params for p in points), default=1) * 1.3)  # headroom: the legend sits above bars
    ax_w.yaxis.set_major_formatter(lambda v, _pos: f"{v:,.0f}")
    ax_w.legend(fontsize=8, loc="upper center", ncol=3, framealpha=0.9)
    ax_w.set_xticks(xs)
    ax_w.set_xticklabels([p.label for p in points])
    ax_w.set_xlabel("after step")
    fig.suptitle(title)
    fig.tight_layout()
    return _png(fig)


def write_steps_plot(report: CompressReport, path: Path, force: bool = True) -> Path:
    """Draw ``report``'s steps and write the PNG atomically."""
    from edgekit.fileio import write_bytes_atomic

    title = f"{report.model}: what each step of {Path(report.recipe).name} did (validation split)"
    return write_bytes_atomic(check_png_path(path), plot_steps(step_points(report), title), force=force)
