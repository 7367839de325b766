"""``edgekit optimize MODEL --data D (--recipe R.toml | step flags) [-o OUT] [--dry-run]``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from edgekit.errors import BadInputError

if TYPE_CHECKING:
    from rich.console import Console

    from edgekit.compress.data import Dataset
    from edgekit.compress.recipe import Recipe
    from edgekit.compress.scan import ScanReport


@click.command(name="optimize")
@click.argument("model", type=click.Path(path_type=Path))
@click.option("--data", "data_spec", required=True, help=".npz with x_train/y_train/x_val/y_val, or module:function.")
@click.option("--recipe", "recipe_path", type=click.Path(path_type=Path), help="TOML recipe (e.g. examples/digits/recipe.toml); "
              "or use the step flags below.")
@click.option("--prune", type=float, help="Magnitude pruning to this sparsity, in (0, 1).")
@click.option("--m-by-n", "m_by_n", help="Structured sparsity instead, e.g. 2:4.")
@click.option("--cluster", type=int, help="Weight clustering to this many centroids.")
@click.option("--cluster-init", default="kmeans++", show_default=True,
              type=click.Choice(["kmeans++", "linear", "density", "random"]))
@click.option("--distill", "student", help="Distil into this student (Keras file or module:function).")
@click.option("--temperature", type=float, default=4.0, show_default=True)
@click.option("--alpha", type=float, default=0.1, show_default=True, help="Weight of the hard-label loss.")
@click.option("--quantize", type=click.Choice(["qat", "pqat", "cqat"]), help="Finish with this QAT flavour.")
@click.option("--epochs", type=int, help="Epochs of every flag-built step.")
@click.option("--batch-size", type=int, default=32, show_default=True)
@click.option("--learning-rate", type=float, default=1e-3, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Compressed model [MODEL.compressed.keras, .h5 after QAT].")
@click.option("--report", "report_path", type=click.Path(path_type=Path), help="Report JSON [OUTPUT-stem.report.json].")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also draw accuracy, parameters, non-zero weights and distinct values after each step (PNG).")
@click.option("--dry-run", is_flag=True, help="Only check recipe, data and the model's compatibility; train nothing.")
@click.option("--force", is_flag=True, help="Overwrite existing outputs.")
@click.option("--no-progress", is_flag=True, help="No progress bars (logs, CI).")
def command(model: Path, data_spec: str, recipe_path: Path | None, prune: float | None, m_by_n: str | None,
            cluster: int | None, cluster_init: str, student: str | None, temperature: float, alpha: float,
            quantize: str | None, epochs: int | None, batch_size: int, learning_rate: float, seed: int,
            output: Path | None, report_path: Path | None, plot_path: Path | None, dry_run: bool, force: bool, no_progress: bool) -> None:
    """Compress a tf_keras MODEL with a recipe: prune, cluster, distil, QAT, in order."""
    from edgekit.compress.data import load_data
    from edgekit.compress.recipe import load_recipe, recipe_from_flags
    from edgekit.fileio import check_writable

    flags = any(v is not None for v in (prune, m_by_n, cluster, student, quantize))
    if recipe_path is not None and flags:
        raise BadInputError("give either --recipe or step flags such as --prune, not both.")
    # Everything cheap is checked before TensorFlow loads: recipe, outputs, data.
    recipe = load_recipe(recipe_path) if recipe_path is not None else recipe_from_flags(
        prune=prune, m_by_n=m_by_n, cluster=cluster, cluster_init=cluster_init, distill=student,
        temperature=temperature, alpha=alpha, quantize=quantize, epochs=epochs, batch_size=batch_size,
        learning_rate=learning_rate, seed=seed)
    ends_in_qat = recipe.steps[-1].kind in ("qat", "pqat", "cqat")
    # TF-MOT's QuantizeLayer does not reload from the .keras format; HDF5 round-trips QAT models.
    suffix = ".h5" if ends_in_qat else ".keras"
    output = output or model.with_name(model.name.split(".")[0] + ".compressed" + suffix)
    if ends_in_qat and output.suffix != ".h5":
        raise BadInputError(f"a QAT model only reloads from HDF5; name the output {output.with_suffix('.h5')}.")
    report_path = report_path or output.with_name(output.stem + ".report.json")
    if plot_path is not None:
        from edgekit.compress.plot import check_png_path

        check_png_path(plot_path)
    if not dry_run:
        check_writable(output, force)
        check_writable(report_path, force)
        if plot_path is not None:
            check_writable(plot_path, force)
    if not model.exists():
        raise BadInputError(f"model {model} does not exist.")
    data = load_data(data_spec)

    from rich.console import Console

    from edgekit.compress.data import check_against_model
    from edgekit.compress.models import load_keras_model
    from edgekit.compress.scan import scan

    console = Console()
    keras_model = load_keras_model(model)
    check_against_model(data, tuple(keras_model.input_shape), int(keras_model.output_shape[-1]))
    if dry_run:
        found = scan(keras_model, recipe, str(model))
        _print_plan(console, recipe, found, data)
        if found.errors:
            raise BadInputError(f"{len(found.errors)} layer(s) stop this recipe; see the table above for fixes.")
        return

    from edgekit.compress.api import compress
    from edgekit.compress.models import save_keras_model
    from edgekit.compress.report import render
    from edgekit.fileio import write_text_atomic

    base = recipe_path.parent if recipe_path is not None else None
    compressed, report = compress(keras_model, recipe, data, name=str(model), progress=not no_progress,
                                  base=base)
    save_keras_model(compressed, output, force=force)
    write_text_atomic(report_path, report.to_json(), force=True)
    render(report, console)
    if plot_path is not None:
        from edgekit.compress.plot import write_steps_plot

        write_steps_plot(report, plot_path, force=True)
    written = [str(p) for p in (output, report_path, plot_path) if p is not None]
    console.print(f"wrote {', '.join(written[:-1])} and {written[-1]}")


def _print_plan(console: Console, recipe: Recipe, found: ScanReport, data: Dataset) -> None:
    from rich.table import Table

    plan = Table(title="recipe")
    plan.add_column("#", justify="right")
    plan.add_column("step")
    for i, line in enumerate(recipe.describe(), 1):
        plan.add_row(str(i), line)
    console.print(plan)
    console.print(f"data: {data.source}: {len(data.x_train)} training and {len(data.x_val)} validation "
                  f"samples of shape {data.x_train.shape[1:]}")
    table = Table(title=f"compatibility scan of {found.model}")
    for col in ("layer", "type", "severity", "problem", "fix"):
        table.add_column(col)
    for f in found.findings:
        style = {"error": "red", "warning": "yellow"}.get(f.severity, "")
        table.add_row(f.layer, f.layer_type, f"[{style}]{f.severity}[/]" if style else f.severity, f.problem, f.fix)
    if not found.findings:
        table.add_row("-", "-", "ok", "every layer is supported", "-")
    console.print(table)
