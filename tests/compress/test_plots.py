"""Pictures: accuracy vs size (benchmarks/compress.py), steps of a recipe (optimize --plot), arena.png and
optimize.png from `edgekit deploy`'s report stage. The series are checked against the reports' numbers; the
PNGs are checked for being PNGs of a sensible size, written whole."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from edgekit.compress.report import CompressReport, LayerStats, StepReport

REPO = Path(__file__).resolve().parents[2]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _layers(sparsity: float, unique: int) -> tuple[LayerStats, ...]:
    return (LayerStats("conv", "Conv2D", 144, sparsity, unique), LayerStats("fc", "Dense", 1280, sparsity, unique))


REPORT = CompressReport(
    model="digits", data="data.py:load", recipe="/x/recipe.toml",
    steps=(StepReport("float", "the model as given", 0.98, 0.98, 1500, _layers(0.0, 144)),
           StepReport("prune", "prune to 50%", 0.98, 0.95, 1500, _layers(0.5, 70)),
           StepReport("cluster", "cluster to 16", 0.95, 0.96, 1500, _layers(0.5, 16)),
           StepReport("cqat", "cluster-preserving QAT", 0.96, 0.97, 1500, _layers(0.5, 17), {"note": 1.0})))

ROWS = [
    {"recipe": "float, int8 PTQ", "float_accuracy": 0.986, "int8_accuracy": 0.983, "tflite_bytes": 19_896,
     "weights_bytes": 11_800, "weights_zlib_bytes": 10_900},
    {"recipe": "prune60+pqat", "float_accuracy": 0.986, "int8_accuracy": 0.981, "tflite_bytes": 19_896,
     "weights_bytes": 11_800, "weights_zlib_bytes": 6_100},
    {"recipe": "cluster16", "float_accuracy": 0.986, "int8_accuracy": 0.975, "tflite_bytes": 19_900,
     "weights_bytes": 11_800, "weights_zlib_bytes": 5_300},
]


def assert_png(path: Path, min_w: int = 600, min_h: int = 400) -> None:
    """A whole PNG that reads back, of a readable size, and no temporary file left beside it."""
    import matplotlib.image

    assert path.read_bytes()[:8] == PNG_MAGIC
    h, w = matplotlib.image.imread(path).shape[:2]
    assert w >= min_w and h >= min_h, (w, h)
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_step_series_are_the_reports_numbers() -> None:
    from edgekit.compress.plot import step_points

    pts = step_points(REPORT)
    assert [p.label for p in pts] == ["float", "1. prune", "2. cluster", "3. cqat"]
    assert [p.accuracy for p in pts] == [s.accuracy_after for s in REPORT.steps]
    assert [p.params for p in pts] == [1500] * 4
    # non-zero kernel weights: 1424 dense, then half of each layer's (144 + 1280) / 2
    assert [p.nonzero for p in pts] == [1424, 712, 712, 712]
    assert [p.unique for p in pts] == [288, 140, 32, 34]  # summed over the two layers


def test_step_series_without_a_float_row_starts_from_the_first_steps_before() -> None:
    from edgekit.compress.plot import step_points

    report = dataclasses.replace(REPORT, steps=REPORT.steps[1:])
    pts = step_points(report)
    assert [p.label for p in pts] == ["float", "1. prune", "2. cluster", "3. cqat"]
    assert pts[0].accuracy == 0.98 and pts[1].accuracy == 0.95
    assert step_points(dataclasses.replace(REPORT, steps=())) == ()


def test_report_round_trips_through_json() -> None:
    doc = json.loads(REPORT.to_json())
    back = CompressReport.from_dict(doc)
    assert back == REPORT


def test_size_series_are_the_benchmark_rows() -> None:
    from edgekit.compress.plot import size_points

    pts = size_points(ROWS)
    assert [(p.label, p.accuracy, p.tflite_bytes, p.weights_zlib_bytes) for p in pts] == [
        (r["recipe"], r["int8_accuracy"], r["tflite_bytes"], r["weights_zlib_bytes"]) for r in ROWS]
    old = [{k: v for k, v in r.items() if not k.startswith("weights")} for r in ROWS]  # JSON from before zlib
    assert all(p.weights_zlib_bytes is None for p in size_points(old))


def test_steps_png(tmp_path: Path) -> None:
    from edgekit.compress.plot import write_steps_plot

    out = write_steps_plot(REPORT, tmp_path / "steps.png")
    assert out == tmp_path / "steps.png"
    assert_png(out)


@pytest.mark.parametrize("with_zlib", [True, False])
def test_accuracy_vs_size_png(tmp_path: Path, with_zlib: bool) -> None:
    from edgekit.compress.plot import plot_accuracy_vs_size, size_points

    rows = ROWS if with_zlib else [{k: v for k, v in r.items() if not k.startswith("weights")} for r in ROWS]
    png = tmp_path / "size.png"
    png.write_bytes(plot_accuracy_vs_size(size_points(rows), "t", float_accuracy=0.986))
    assert_png(png, min_w=1200 if with_zlib else 700)  # two panels side by side when zlib sizes are known


def test_a_failed_drawing_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from edgekit.compress import plot

    def broken(*_a: object, **_k: object) -> bytes:
        raise RuntimeError("drawing failed")

    monkeypatch.setattr(plot, "plot_steps", broken)
    with pytest.raises(RuntimeError):
        plot.write_steps_plot(REPORT, tmp_path / "steps.png")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["steps.jpg", "steps", "steps.png.json"])
def test_plot_name_must_end_in_png(tmp_path: Path, name: str) -> None:
    from edgekit.compress.plot import check_png_path, write_steps_plot
    from edgekit.errors import BadInputError

    with pytest.raises(BadInputError, match=r"^--plot writes a PNG image; give a file name ending in \.png"):
        check_png_path(tmp_path / name)
    with pytest.raises(BadInputError):
        write_steps_plot(REPORT, tmp_path / name)
    assert list(tmp_path.iterdir()) == []
    assert check_png_path(tmp_path / "UPPER.PNG") == tmp_path / "UPPER.PNG"


def test_no_matplotlib_or_tensorflow_at_start_up() -> None:
    code = ("import sys\n"
            "import edgekit.cli.optimize, edgekit.deploy, edgekit.compress.plot, edgekit.compress.report\n"
            "print(sorted(m for m in ('matplotlib', 'tensorflow') if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def _cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    from edgekit.cli import main

    with pytest.raises(SystemExit) as exc:
        main(args)
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err


def test_optimize_plot_not_png_is_one_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _cli(["optimize", str(tmp_path / "m.keras"), "--data", "x.npz", "--prune", "0.5",
                         "--plot", str(tmp_path / "steps.svg")], capsys)
    assert code == 2
    lines = [ln for ln in err.strip().splitlines() if ln.startswith("error:")]
    assert len(lines) == 1 and "--plot writes a PNG image" in lines[0] and "steps.svg" in lines[0], err
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_optimize_plot_writes_the_reports_picture(float_model_file: Path, data_spec: str, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's wiring: the PNG is drawn from the same report it writes as JSON. compress() itself is tested
    elsewhere; here it returns the model as given with a fixed report, so nothing trains."""
    import edgekit.compress.api
    from edgekit.compress import plot
    from edgekit.compress.models import load_keras_model

    drawn: list[tuple] = []
    real = plot.plot_steps

    def spy(points: tuple, title: str) -> bytes:
        drawn.append(points)
        return real(points, title)

    monkeypatch.setattr(plot, "plot_steps", spy)
    monkeypatch.setattr(edgekit.compress.api, "compress",
                        lambda *a, **k: (load_keras_model(float_model_file), REPORT))
    out = tmp_path / "o.keras"
    code, stdout, err = _cli(["optimize", str(float_model_file), "--data", data_spec, "--prune", "0.5",
                              "-o", str(out), "--plot", str(tmp_path / "steps.png"), "--no-progress"], capsys)
    assert code == 0, err
    assert_png(tmp_path / "steps.png")
    report = CompressReport.from_dict(json.loads((tmp_path / "o.report.json").read_text()))
    assert drawn == [plot.step_points(report)]
    assert "steps.png" in stdout.replace("\n", "")
    # a second run without --force refuses the existing picture before any work
    (tmp_path / "o.keras").unlink()
    (tmp_path / "o.report.json").unlink()
    code, _, err = _cli(["optimize", str(float_model_file), "--data", data_spec, "--prune", "0.5",
                         "-o", str(out), "--plot", str(tmp_path / "steps.png"), "--no-progress"], capsys)
    assert code == 2 and "steps.png already exists" in err
    assert {p.name for p in tmp_path.iterdir()} == {"steps.png"}


def test_weight_bytes_of_a_real_model(ptq_tflite: Path) -> None:
    from edgekit.converters.tflite_reader import read_model

    from edgekit.compress.report import weight_bytes

    model = read_model(ptq_tflite)
    consts = [t for t in model.tensors if t.data is not None]
    raw, zipped = weight_bytes(ptq_tflite.read_bytes())
    # the digits CNN's constants: int8 kernels and int32 biases, each shape x element size
    assert raw == sum(len(t.data or b"") for t in consts) < ptq_tflite.stat().st_size
    assert sum(len(t.data or b"") for t in consts if t.dtype == "int8") > 11_000  # the 11,296 kernel weights
    assert zipped == len(zlib.compress(b"".join(t.data or b"" for t in consts), 9)) < raw


def test_deploy_report_writes_arena_and_optimize_png(ptq_tflite: Path, tmp_path: Path) -> None:
    """The report stage alone, on a converted model: both pictures, named in report.json and on the console."""
    from edgekit.converters.tflite_reader import read_model
    from rich.console import Console

    from edgekit import deploy
    from edgekit.analysis.budget import assess
    from edgekit.analysis.report import live_bytes_per_op

    project = dataclasses.replace(deploy.load_project(REPO / "examples" / "digits" / "edgekit.toml"), out=tmp_path)
    console = Console(record=True, width=200)
    ctx = deploy.DeployContext(project=project, console=console, progress=False)
    ctx.artifacts["tflite"] = ptq_tflite
    ctx.results["optimize"] = json.loads(REPORT.to_json())  # as a reused stage reads it back
    deploy.stage_report(ctx)
    assert_png(tmp_path / "arena.png")
    assert_png(tmp_path / "optimize.png")
    doc = json.loads((tmp_path / "report.json").read_text())
    assert doc["plots"] == {"arena_plot": str(tmp_path / "arena.png"), "optimize_plot": str(tmp_path / "optimize.png")}
    assert ctx.artifacts["arena_plot"] == tmp_path / "arena.png"
    text = console.export_text()
    assert f"{tmp_path / 'arena.png'} (arena use over the op sequence)" in text and "optimize.png" in text
    # the arena picture draws check's own plan of this model on the demo's target
    a = assess(read_model(ptq_tflite), ctx.cache["target"])
    assert ctx.cache["target"].id == "mps2-an386" and max(live_bytes_per_op(a)) <= a.plan.arena_bytes

    # without a recipe (no [optimize] result) only the arena picture is drawn
    other = tmp_path / "plain"
    ctx2 = deploy.DeployContext(project=dataclasses.replace(project, out=other), progress=False)
    ctx2.artifacts["tflite"] = ptq_tflite
    other.mkdir()
    deploy.stage_report(ctx2)
    assert {p.name for p in other.glob("*.png")} == {"arena.png"}
    assert json.loads((other / "report.json").read_text())["plots"] == {"arena_plot": str(other / "arena.png")}


def _bench_module():
    spec = importlib.util.spec_from_file_location("bench_compress", REPO / "benchmarks" / "compress.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_benchmark_plot_from_rows(tmp_path: Path) -> None:
    bench = _bench_module()
    out = bench.write_plot(ROWS, tmp_path / "compress.png")
    assert_png(out, min_w=1200)


def test_benchmark_replot_and_bad_name(tmp_path: Path) -> None:
    js = tmp_path / "compress.json"
    js.write_text(json.dumps({"cpus": 2, "rows": ROWS}))
    script = [sys.executable, str(REPO / "benchmarks" / "compress.py"), "--json", str(js)]
    bad = subprocess.run([*script, "--plot", str(tmp_path / "c.pdf"), "--replot"], capture_output=True, text=True)
    assert bad.returncode == 2 and "--plot writes a PNG image" in bad.stderr and "Traceback" not in bad.stderr
    done = subprocess.run([*script, "--replot"], capture_output=True, text=True, check=True)
    assert "compress.png" in done.stdout
    assert_png(tmp_path / "compress.png", min_w=1200)  # default: beside the JSON
