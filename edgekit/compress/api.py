"""``compress(model, recipe, data)``: the one-call path, built from the steps a power user can call."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from edgekit.compress import steps as step_fns
from edgekit.compress.data import Dataset, check_against_model, load_data
from edgekit.compress.models import load_keras_model
from edgekit.compress.recipe import Recipe, describe_step, load_recipe
from edgekit.compress.report import CompressReport, StepReport, layer_stats, param_count
from edgekit.compress.scan import scan
from edgekit.compress.train import accuracy
from edgekit.errors import UnsupportedError


def compress(model: Any, recipe: Recipe | str | Path, data: Dataset | str | Path, *, name: str = "model",
             progress: bool = True, base: Path | None = None) -> tuple[Any, CompressReport]:
    """Run every step of ``recipe`` in order; returns the final model (QAT-wrapped if the recipe ends in
    QAT) and a report. The compatibility scan runs first; its errors stop the run before any training.

    ``model`` is a tf_keras model or its file; ``recipe`` a Recipe or a TOML path; ``data`` a Dataset, an
    .npz path or ``module:function``. ``base`` resolves relative paths inside the recipe (a distillation
    student); it defaults to the recipe file's folder."""
    if not isinstance(recipe, Recipe):
        base = base or Path(recipe).parent
        recipe = load_recipe(recipe)
    if not isinstance(data, Dataset):
        data = load_data(data)
    if isinstance(model, str | Path):
        name = str(model) if name == "model" else name
        model = load_keras_model(model)
    found = scan(model, recipe, name)
    if found.errors:
        first = found.errors[0]
        more = f" (and {len(found.errors) - 1} more; see `edgekit optimize --dry-run`)" if len(found.errors) > 1 else ""
        raise UnsupportedError(f"layer '{first.layer}' ({first.layer_type}): {first.problem}; {first.fix}{more}.")
    check_against_model(data, tuple(model.input_shape), int(model.output_shape[-1]))

    start = accuracy(model, data.x_val, data.y_val)
    reports = [StepReport("float", "the model as given", start, start, param_count(model), layer_stats(model))]
    current, acc = model, start
    for step in recipe.steps:
        outcome = step_fns.run_step(current, step, data, recipe.train, progress, base)
        after = accuracy(outcome.model, data.x_val, data.y_val)
        reports.append(StepReport(step.kind, describe_step(step), acc, after, param_count(outcome.model),
                                  layer_stats(outcome.model), dict(outcome.extra)))
        current, acc = outcome.model, after
    report = CompressReport(model=name, data=data.source, recipe=recipe.source, steps=tuple(reports),
                            scan=tuple(f.to_dict() for f in found.findings))
    return current, report
