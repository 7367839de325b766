"""``edgekit deploy PROJECT.toml``: the whole chain as a list of stage functions.

Each stage reads its own section of the project file, writes its artifact under ``[project] out`` and
records it in the context for the next stage. Later stages (check, package, build, run, bench) append
themselves to ``STAGES`` and their section's keys to ``SECTIONS``; the driver and the file reader do not
change. An artifact newer than the project file (and the files it names) is reused, like make, unless
``force``; so a second ``make demo`` costs seconds.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from edgekit.errors import BadInputError

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
    if not p.is_file():
        raise BadInputError(f"project file {p} does not exist.")
    try:
        doc = tomllib.loads(p.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise BadInputError(f"project file {p} is not valid TOML ({e}).") from None
    for name, body in doc.items():
        if name not in SECTIONS:
            raise BadInputError(f"{p}: unknown section [{name}]; known: {', '.join(sorted(SECTIONS))}.")
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
