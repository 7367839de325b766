"""``edgekit deploy PROJECT.toml``: the whole chain as a list of stage functions.

Each stage reads its own section of the project file, writes its artifact under ``[project] out`` and
records it in the context for the next stage. Later stages (check, package, build, run, bench) append
themselves to ``STAGES`` and their section's keys to ``SECTIONS``; the driver and the file reader do not
change. An artifact newer than the project file (and the files it names) is reused, like make, unless
``force``; so a second ``make demo`` costs seconds.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from edgekit.errors import BadInputError
from edgekit.tomlfile import read_toml

# section -> allowed keys; read strictly (an unknown section or key is an error naming it)
SECTIONS: dict[str, set[str]] = {
    "project": {"name", "out"},
    "model": {"build", "path"},
    "data": {"source"},
    "train": {"epochs", "batch_size", "learning_rate", "seed"},
    "optimize": {"recipe"},
    "convert": {"mode", "io", "samples"},
    "eval": {"max_accuracy_drop"},
}


@dataclass(frozen=True)
class Project:
    path: Path
    name: str
    out: Path
    sections: dict[str, dict[str, Any]]

    def section(self, name: str) -> dict[str, Any]:
        return self.sections.get(name, {})

    def resolve(self, rel: str) -> Path:
        p = Path(rel)
        return p if p.is_absolute() else (self.path.parent / p)

    def spec(self, text: str) -> str:
        """A data/model spec with a file-relative ``file.py:function`` or ``.npz`` resolved."""
        module, sep, func = text.rpartition(":")
        if sep and module.endswith(".py"):
            return f"{self.resolve(module)}:{func}"
        return str(self.resolve(text)) if text.endswith(".npz") else text


@dataclass
class DeployContext:
    project: Project
    force: bool = False
    progress: bool = True
    console: Any = None
    artifacts: dict[str, Path] = field(default_factory=dict)
    results: dict[str, Any] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict)  # in-memory models and data shared between stages

    def say(self, text: str) -> None:
        if self.console is not None:
            self.console.print(text)


@dataclass(frozen=True)
class Stage:
    name: str
    run: Callable[[DeployContext], None]
    needs: tuple[str, ...] = ()  # sections that must be present for the stage to run


def load_project(path: str | Path) -> Project:
    p = Path(path)
    doc = read_toml(p, f"project file {p} does not exist; pass a project TOML such as examples/digits/edgekit.toml.",
                    f"project file {p}")
    for name, body in doc.items():
        if name not in SECTIONS:
            # a top-level key (a target file's `inherit = ...`) is not a section: say which it is
            kind = f"section [{name}]" if isinstance(body, dict) else f"top-level key '{name}'"
            raise BadInputError(f"{p}: unknown {kind}; a project file has only the sections "
                                f"{', '.join(f'[{n}]' for n in sorted(SECTIONS))}.")
        if not isinstance(body, dict):
            raise BadInputError(f"{p}: '{name}' must be a [{name}] table.")
        for key in body:
            if key not in SECTIONS[name]:
                raise BadInputError(f"{p}: unknown key '{key}' in [{name}]; allowed: "
                                    f"{', '.join(sorted(SECTIONS[name]))}.")
    head = doc.get("project", {})
    name = str(head.get("name") or p.parent.name)
    out = Path(head.get("out", f"out/{name}"))
    out = out if out.is_absolute() else p.parent / out
    model = doc.get("model", {})
    if ("build" in model) == ("path" in model):
        raise BadInputError(f"{p}: [model] needs exactly one of 'build' (module:function) or 'path' (a Keras file).")
    if "source" not in doc.get("data", {}):
        raise BadInputError(f"{p}: [data] needs 'source' (an .npz or module:function).")
    return Project(path=p.resolve(), name=name, out=out.resolve(), sections=doc)


def _fresh(artifact: Path, ctx: DeployContext, *inputs: Path) -> bool:
    """Reuse an artifact newer than the project file and every input it was made from."""
    if ctx.force or not artifact.exists():
        return False
    born = artifact.stat().st_mtime
    return all(not i.exists() or i.stat().st_mtime <= born for i in (ctx.project.path, *inputs))


def _data(ctx: DeployContext) -> Any:
    if "data" not in ctx.cache:
        from edgekit.compress.data import load_data

        ctx.cache["data"] = load_data(ctx.project.spec(ctx.project.section("data")["source"]))
    return ctx.cache["data"]


# --- stages --------------------------------------------------------------------------------------------


def stage_model(ctx: DeployContext) -> None:
    """Train the float model from a builder, or load the given Keras file."""
    from edgekit.compress.models import load_keras_model, save_keras_model

    section = ctx.project.section("model")
    data = _data(ctx)
    if "path" in section:
        path = ctx.project.resolve(section["path"])
        model = load_keras_model(path)
        ctx.say(f"model: loaded {path}")
    else:
        path = ctx.project.out / "float.keras"
        if _fresh(path, ctx, *_files_of(ctx.project, section["build"])):
            model = load_keras_model(path)
            ctx.say(f"model: reusing {path} (newer than its inputs; --force retrains)")
        else:
            from edgekit.compress.data import check_against_model, import_object
            from edgekit.compress.train import fit

            t = ctx.project.section("train")
            seed = int(t.get("seed", 0))
            model = import_object(ctx.project.spec(section["build"]))()
            check_against_model(data, tuple(model.input_shape), int(model.output_shape[-1]))
            fit(model, data, label="train float", epochs=int(t.get("epochs", 20)),
                batch_size=int(t.get("batch_size", 32)), learning_rate=float(t.get("learning_rate", 1e-3)),
                seed=seed, progress=ctx.progress)
            save_keras_model(model, path, force=True)
            ctx.say(f"model: trained and saved {path}")
    ctx.cache["float_model"] = model
    ctx.artifacts["float_model"] = path


def stage_optimize(ctx: DeployContext) -> None:
    from edgekit.compress.api import compress
    from edgekit.compress.models import load_keras_model, save_keras_model
    from edgekit.compress.recipe import load_recipe
    from edgekit.compress.report import render
    from edgekit.fileio import write_text_atomic

    section = ctx.project.section("optimize")
    if "recipe" not in section:
        ctx.cache["model"] = ctx.cache["float_model"]
        ctx.artifacts["model"] = ctx.artifacts["float_model"]
        return
    recipe_path = ctx.project.resolve(section["recipe"])
    recipe = load_recipe(recipe_path)
    suffix = ".h5" if recipe.steps[-1].kind in ("qat", "pqat", "cqat") else ".keras"
    path = ctx.project.out / f"compressed{suffix}"
    report_path = ctx.project.out / "compress_report.json"
    if _fresh(path, ctx, recipe_path, ctx.artifacts["float_model"]) and report_path.is_file():
        ctx.cache["model"] = load_keras_model(path)
        ctx.say(f"optimize: reusing {path} (newer than the recipe and the float model; --force redoes it)")
        ctx.results["optimize"] = json.loads(report_path.read_text())
    else:
        model, report = compress(ctx.cache["float_model"], recipe, _data(ctx), name=ctx.project.name,
                                 progress=ctx.progress, base=recipe_path.parent)
        save_keras_model(model, path, force=True)
        write_text_atomic(report_path, report.to_json())
        render(report, ctx.console)
        ctx.cache["model"] = model
        ctx.results["optimize"] = report.to_dict()
    ctx.artifacts["model"] = path


def stage_convert(ctx: DeployContext) -> None:
    from edgekit.converters.keras_to_tflite import convert
    from edgekit.fileio import write_bytes_atomic, write_text_atomic

    section = ctx.project.section("convert")
    mode, io = str(section.get("mode", "int8")), str(section.get("io", "int8"))
    path = ctx.project.out / f"{ctx.project.name}_{mode}.tflite"
    report_path = path.with_name(path.name.removesuffix(".tflite") + ".convert.json")
    if _fresh(path, ctx, ctx.artifacts["model"]) and report_path.is_file():
        ctx.say(f"convert: reusing {path}")
        ctx.results["convert"] = json.loads(report_path.read_text())
    else:
        result = convert(ctx.cache["model"], mode=mode, io=io, x_train=_data(ctx).x_train,
                         samples=int(section.get("samples", 200)))
        write_bytes_atomic(path, result.tflite)
        doc = {"source": str(ctx.artifacts["model"]), "tflite": str(path), **result.report.to_dict()}
        write_text_atomic(report_path, json.dumps(doc, indent=2))
        ctx.results["convert"] = doc
        ctx.say(f"convert: wrote {path} ({result.report.size_bytes:,} bytes, "
                f"{sum(result.report.op_counts.values())} ops)")
    ctx.artifacts["tflite"] = path


def stage_eval(ctx: DeployContext) -> None:
    """Float vs compressed vs int8 accuracy on the validation split; refuse a drop above the budget."""
    from rich.table import Table

    from edgekit.compress.train import accuracy as keras_accuracy
    from edgekit.errors import MismatchError
    from edgekit.fileio import write_text_atomic
    from edgekit.hostrun import HostModel
    from edgekit.hostrun import accuracy as host_accuracy

    data = _data(ctx)
    rows = [("float (Keras)", ctx.artifacts["float_model"], keras_accuracy(ctx.cache["float_model"], data.x_val,
                                                                          data.y_val))]
    if ctx.artifacts["model"] != ctx.artifacts["float_model"]:
        rows.append(("compressed (Keras)", ctx.artifacts["model"],
                     keras_accuracy(ctx.cache["model"], data.x_val, data.y_val)))
    host = HostModel(ctx.artifacts["tflite"])
    rows.append((f"int8 .tflite ({host.backend})", ctx.artifacts["tflite"],
                 host_accuracy(host, data.x_val, data.y_val)))
    table = Table(title=f"{ctx.project.name}: validation accuracy, {len(data.x_val)} samples")
    for col in ("model", "file", "accuracy", "vs float"):
        table.add_column(col, justify="right" if col in ("accuracy", "vs float") else "left")
    for label, path, acc in rows:
        table.add_row(label, str(path.name), f"{acc:.4f}", f"{(acc - rows[0][2]) * 100:+.2f} pt")
    if ctx.console is not None:
        ctx.console.print(table)
    summary = {"samples": len(data.x_val), "rows": [{"model": r[0], "file": str(r[1]), "accuracy": r[2]}
                                                   for r in rows]}
    ctx.results["eval"] = summary
    write_text_atomic(ctx.project.out / "eval.json", json.dumps(summary, indent=2))
    budget = ctx.project.section("eval").get("max_accuracy_drop")
    drop = (rows[0][2] - rows[-1][2]) * 100
    if budget is not None and drop > float(budget):
        raise MismatchError(f"int8 accuracy is {drop:.2f} points below float, over the project's "
                            f"max_accuracy_drop of {budget} points.")


def _files_of(project: Project, spec: str) -> list[Path]:
    module, sep, _ = spec.rpartition(":")
    return [project.resolve(module)] if sep and module.endswith(".py") else []


STAGES: list[Stage] = [
    Stage("model", stage_model),
    Stage("optimize", stage_optimize),
    Stage("convert", stage_convert),
    Stage("eval", stage_eval),
]


def deploy(project_path: str | Path, *, force: bool = False, progress: bool = True, console: Any = None,
           until: str | None = None) -> DeployContext:
    """Run the stages in order (up to and including ``until``); returns the context with every artifact."""
    project = load_project(project_path)
    names = [s.name for s in STAGES]
    if until is not None and until not in names:
        raise BadInputError(f"unknown stage '{until}'; stages are {', '.join(names)}.")
    ctx = DeployContext(project=project, force=force, progress=progress, console=console)
    project.out.mkdir(parents=True, exist_ok=True)
    for stage in STAGES:
        missing = [s for s in stage.needs if s not in project.sections]
        if missing:
            ctx.say(f"{stage.name}: skipped (no [{missing[0]}] section)")
        else:
            stage.run(ctx)
        if stage.name == until:
            break
    return ctx


# --- firmware stages (issue 5): check -> package -> build -> run on the emulated board -> bench -> report ---
# [device] is optional: without it the demo targets the emulated Cortex-M4F (mps2-an386).
SECTIONS["device"] = {"target", "samples", "runs", "bench_inputs"}
DEFAULT_DEVICE_TARGET = "mps2-an386"


def _device(ctx: DeployContext) -> dict[str, Any]:
    return ctx.project.section("device")


def _fw_target(ctx: DeployContext) -> Any:
    if "fw_target" not in ctx.cache:
        from edgekit.package.target_info import load

        target, fw = load(str(_device(ctx).get("target", DEFAULT_DEVICE_TARGET)))
        if fw is None:
            raise BadInputError("[device] target must be a cortex-m target for the firmware stages.")
        ctx.cache["target"], ctx.cache["fw_target"] = target, fw
    return ctx.cache["fw_target"]


def stage_check(ctx: DeployContext) -> None:
    """The static verdict (edgekit check) before spending time on a build."""
    from edgekit.analysis.budget import assess
    from edgekit.converters.tflite_reader import read_model

    fw = _fw_target(ctx)
    a = assess(read_model(ctx.artifacts["tflite"]), ctx.cache["target"])
    ctx.results["check"] = {"target": fw.id, "arena_bytes": a.ram.arena_bytes, "flash_estimate": a.flash.total,
                            "ram_estimate": a.ram.total, "latency_ms_estimate": a.latency.ms, "fits": a.fits}
    ctx.say(f"check: {fw.id}: arena {a.ram.arena_bytes:,} B, flash ~{a.flash.total:,} B, RAM ~{a.ram.total:,} B, "
            f"~{a.latency.ms:.2f} ms estimated; {'fits' if a.fits else 'OVER BUDGET'}")


def check_measured(ctx: DeployContext) -> None:
    """The check again once the firmware is built: flash and RAM from the build's size.json (check --build)."""
    from edgekit.analysis.budget import assess
    from edgekit.analysis.measured import load_build
    from edgekit.converters.tflite_reader import read_model

    fw = _fw_target(ctx)
    model = read_model(ctx.artifacts["tflite"])
    build = load_build(ctx.artifacts["firmware_project"], model, fw.id, ctx.artifacts["tflite"])
    a = assess(model, ctx.cache["target"], measured=build)
    ctx.results["check"].update({"flash_measured": build.flash_bytes, "ram_measured": build.ram_bytes,
                                 "fits_measured": a.fits})
    ctx.say(f"check: {fw.id}: measured flash {build.flash_bytes:,} B (estimate {a.flash.total:,}), RAM "
            f"{build.ram_bytes:,} B (estimate {a.ram.total:,}); {'fits' if a.fits else 'OVER BUDGET'}")


def stage_package(ctx: DeployContext) -> None:
    from edgekit.package.cortex_m import package_cortex_m

    fw = _fw_target(ctx)
    out = ctx.project.out / f"firmware-{fw.id}"
    marker = out / "edgekit-project.json"
    if _fresh(marker, ctx, ctx.artifacts["tflite"]):
        ctx.say(f"package: reusing {out}")
    else:
        r = package_cortex_m(ctx.artifacts["tflite"], fw, out, force=True)
        ctx.say(f"package: wrote {out} ({len(r.files)} files, arena {r.arena_bytes:,} B)")
    ctx.artifacts["firmware_project"] = out


def stage_build(ctx: DeployContext) -> None:
    from edgekit.build import build_project

    report = build_project(ctx.artifacts["firmware_project"], check_budget=False)
    assert report is not None
    ctx.results["build"] = report.to_json()
    ctx.say(f"build: flash {report.flash_bytes:,} B (weights {report.breakdown.get('weights', {}).get('flash', 0):,}),"
            f" RAM {report.ram_bytes:,} B (arena {report.arena_bytes:,}, stack {report.stack:,})")
    if "check" in ctx.results:
        check_measured(ctx)
    if report.over:
        from edgekit.errors import OverBudgetError

        raise OverBudgetError("the firmware does not fit: " + "; ".join(report.over) + ".")


def _quantized_validation(ctx: DeployContext, project: Any, limit: int | None) -> tuple[list[bytes], Any]:
    spec = project.inputs[0]
    data = _data(ctx)
    x, y = data.x_val, data.y_val
    if limit:
        x, y = x[:limit], y[:limit]
    import numpy as np

    if spec.dtype in ("int8", "uint8") and spec.scale:
        info = np.iinfo(spec.dtype)
        q = np.clip(np.round(np.asarray(x, np.float64) / spec.scale) + spec.zero_point, info.min, info.max)
        x = q.astype(spec.dtype)
    else:
        x = np.asarray(x, dtype=spec.dtype)
    return [row.reshape(spec.shape).tobytes() for row in x], y


def stage_run(ctx: DeployContext) -> None:
    """Feed the validation set through the firmware on the emulated board; accuracy from the device's outputs."""
    import numpy as np

    from edgekit.bench.serial_bench import run_bench
    from edgekit.flash.qemu import QemuRunner
    from edgekit.package.project import load_project

    project = load_project(ctx.artifacts["firmware_project"])
    samples, y = _quantized_validation(ctx, project, _device(ctx).get("samples"))
    out_spec = project.outputs[0]
    with QemuRunner(project).do_run() as session:
        ctx.say(f"run: {project.target.id} in QEMU, serial {session.url}; {len(samples)} validation samples")
        result = run_bench(project, session.url, samples, runs=1, warmup=0,
                           json_path=ctx.project.out / "device_validation.json")
    q = np.stack([np.frombuffer(bytes.fromhex(o[0]), dtype=out_spec.dtype) for o in result.outputs])
    acc = float(np.mean(np.argmax(q.reshape(len(q), -1), axis=1) == np.asarray(y)))
    ctx.results["run"] = {"samples": len(samples), "device_accuracy": acc, "outputs_match": result.outputs_match,
                          "instructions_median": (result.summary(result.units) or {}).get("median"),
                          "units": result.units}
    ctx.say(f"run: device accuracy {acc:.4f}; outputs {'match' if result.outputs_match else 'DIFFER from'} "
            f"TFLite Micro on all {len(samples)} samples")
    if not result.outputs_match:
        from edgekit.errors import MismatchError

        raise MismatchError("device outputs differ from TFLite Micro; see device_validation.json.")


def stage_bench(ctx: DeployContext) -> None:
    """Latency: several timed runs per input (seeded random inputs), as `edgekit bench --emulate` does."""
    from edgekit.bench.serial_bench import load_inputs, run_bench
    from edgekit.flash.qemu import QemuRunner
    from edgekit.package.project import load_project

    project = load_project(ctx.artifacts["firmware_project"])
    dev = _device(ctx)
    samples = load_inputs(None, project.inputs, int(dev.get("bench_inputs", 3)), 0)
    with QemuRunner(project).do_run() as session:
        result = run_bench(project, session.url, samples, runs=int(dev.get("runs", 5)), warmup=1,
                           json_path=ctx.project.out / "bench.json", csv_path=ctx.project.out / "bench.csv")
    ctx.results["bench"] = result.to_json()
    s = result.summary(result.units) or {}
    ctx.say(f"bench: {s.get('median', 0):,.0f} {result.units} per inference (median of {s.get('count', 0)}), "
            f"outputs match: {result.outputs_match}; bench.json written")


def stage_report(ctx: DeployContext) -> None:
    from rich.table import Table

    from edgekit.fileio import write_text_atomic

    fw = _fw_target(ctx)
    ev = ctx.results.get("eval", {}).get("rows", [])
    run, bench, build = ctx.results.get("run", {}), ctx.results.get("bench", {}), ctx.results.get("build", {})
    table = Table(title=f"{ctx.project.name} on {fw.id} (emulated)" if fw.qemu_machine else ctx.project.name)
    table.add_column("")
    table.add_column("value", justify="right")
    table.add_column("vs", justify="right")
    for row in ev:
        table.add_row(f"accuracy, {row['model']}", f"{row['accuracy']:.4f}", "")
    if run:
        keras = next((r["accuracy"] for r in ev if "Keras" in r["model"] and "compressed" in r["model"]),
                     ev[0]["accuracy"] if ev else None)
        table.add_row(f"accuracy on device ({run['samples']} validation samples)", f"{run['device_accuracy']:.4f}",
                      f"{(run['device_accuracy'] - keras) * 100:+.2f} pt vs Keras" if keras is not None else "")
        table.add_row("outputs == TFLite Micro", str(run["outputs_match"]), "")
    lat = bench.get(bench.get("units", "instructions")) if bench else None
    if lat:
        table.add_row(f"{bench['units']} per inference (median)", f"{lat['median']:,.0f}",
                      f"p90 {lat['p90']:,.0f}")
        us = bench.get("latency_us") or {}
        table.add_row(f"latency at {fw.clock_hz / 1e6:g} MHz, 1 instr/cycle", f"{us.get('median', 0) / 1000:.3f} ms",
                      "")
    if build:
        fb, rb = build.get("flash_budget"), build.get("ram_budget")
        table.add_row("flash (text + data)", f"{build['flash_bytes']:,} B",
                      f"{build['flash_bytes'] / fb:.1%} of {fb:,}" if fb else "")
        table.add_row("RAM (data + bss + stack)", f"{build['ram_bytes']:,} B",
                      f"{build['ram_bytes'] / rb:.1%} of {rb:,}" if rb else "")
        table.add_row("  of which arena", f"{build['arena_bytes']:,} B", "")
    if ctx.console is not None:
        ctx.console.print(table)
    plots = _report_plots(ctx)
    doc = {k: ctx.results.get(k) for k in ("eval", "check", "build", "run")}
    doc["bench"] = {k: bench.get(k) for k in ("units", "latency_us", bench.get("units", ""), "outputs_match")} if bench else None
    doc["plots"] = {name: str(path) for name, path in plots.items()}
    write_text_atomic(ctx.project.out / "report.json", json.dumps(doc, indent=2, default=str))
    ctx.artifacts.update(plots)
    ctx.say(f"report: {ctx.project.out / 'report.json'}")
    for name, path in plots.items():
        ctx.say(f"report: {path} ({_PLOT_WHAT[name]})")


_PLOT_WHAT = {"arena_plot": "arena use over the op sequence",
              "optimize_plot": "accuracy, non-zero weights and distinct values after each compression step"}


def _report_plots(ctx: DeployContext) -> dict[str, Path]:
    """arena.png (edgekit check --plot's picture) and, when the recipe ran, optimize.png."""
    from edgekit.analysis.budget import assess
    from edgekit.analysis.plot import plot_arena
    from edgekit.converters.tflite_reader import read_model
    from edgekit.fileio import write_bytes_atomic

    _fw_target(ctx)
    out = ctx.project.out
    plots = {"arena_plot": write_bytes_atomic(out / "arena.png",
                                              plot_arena(assess(read_model(ctx.artifacts["tflite"]),
                                                                ctx.cache["target"])))}
    if ctx.results.get("optimize"):
        from edgekit.compress.plot import write_steps_plot
        from edgekit.compress.report import CompressReport

        plots["optimize_plot"] = write_steps_plot(CompressReport.from_dict(ctx.results["optimize"]),
                                                  out / "optimize.png")
    return plots


STAGES += [
    Stage("check", stage_check),
    Stage("package", stage_package),
    Stage("build", stage_build),
    Stage("run", stage_run),
    Stage("bench", stage_bench),
    Stage("report", stage_report),
]
