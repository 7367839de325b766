"""``edgekit eval MODEL.tflite --data D [--keras MODEL.keras]``: LiteRT accuracy beside the Keras model's.

TensorFlow loads only when a Keras model is compared; the .tflite alone runs on LiteRT's reference kernels.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from edgekit.errors import BadInputError


@click.command(name="eval")
@click.argument("model", type=click.Path(path_type=Path))
@click.option("--data", "data_spec", required=True, help=".npz with x_train/y_train/x_val/y_val, or module:function.")
@click.option("--keras", "keras_path", type=click.Path(path_type=Path),
              help="Keras model to compare [the source recorded by `edgekit convert`].")
@click.option("--no-keras", is_flag=True, help="Evaluate the .tflite alone.")
@click.option("--split", type=click.Choice(["val", "train"]), default="val", show_default=True)
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the figures as JSON; - for stdout (the table then goes to stderr).")
@click.option("--force", is_flag=True, help="Overwrite an existing --json file.")
def command(model: Path, data_spec: str, keras_path: Path | None, no_keras: bool, split: str,
            json_path: Path | None, force: bool) -> None:
    """Accuracy of MODEL.tflite with LiteRT, side by side with the Keras model it came from."""
    from edgekit.compress.data import load_data
    from edgekit.errors import ModelFormatError
    from edgekit.fileio import check_writable
    from edgekit.hostrun import HostModel, accuracy

    if not model.is_file():
        raise BadInputError(f"model {model} does not exist; pass the path of a .tflite file.")
    to_stdout = json_path is not None and str(json_path) == "-"
    if json_path is not None and not to_stdout:
        check_writable(json_path, force)
    if keras_path is not None and not keras_path.exists():  # before LiteRT runs and TensorFlow loads
        raise BadInputError(f"Keras model {keras_path} does not exist; pass the .keras/.h5 file the .tflite came "
                            "from, or --no-keras.")  # before the (slow) evaluation, as every other command does
    try:
        host = HostModel(model)
    except ModelFormatError:
        from edgekit.converters.tflite_reader import read_model

        read_model(model)  # a file that is no model at all gets the reader's sentence (what it is, what to pass)
        raise
    data = load_data(data_spec)
    x, y = (data.x_val, data.y_val) if split == "val" else (data.x_train, data.y_train)
    out_width = host.outputs[0].shape[-1]
    if data.num_classes > out_width or (data.one_hot_width not in (None, out_width)):
        raise BadInputError(f"labels in {data.source} do not match the model's {out_width} outputs.")
    rows = [{"model": str(model), "runtime": f"{host.backend} (reference kernels)",
             "accuracy": accuracy(host, x, y), "samples": len(x)}]
    if keras_path is None and not no_keras:
        keras_path = _recorded_source(model)
    if keras_path is not None:
        from edgekit.compress.models import load_keras_model
        from edgekit.compress.train import accuracy as keras_accuracy

        rows.insert(0, {"model": str(keras_path), "runtime": "tf_keras",
                        "accuracy": keras_accuracy(load_keras_model(keras_path), x, y), "samples": len(x)})
    _render(rows, split, stderr=to_stdout)
    if to_stdout:
        click.echo(json.dumps({"split": split, "rows": rows}, indent=2))
    elif json_path is not None:
        from edgekit.fileio import write_text_atomic

        write_text_atomic(json_path, json.dumps({"split": split, "rows": rows}, indent=2), force=force)


def _recorded_source(tflite: Path) -> Path | None:
    from edgekit.cli.convert import report_path_for

    sidecar = report_path_for(tflite)
    if not sidecar.is_file():
        return None
    try:
        source = Path(json.loads(sidecar.read_text())["source"])
    except (ValueError, KeyError, TypeError):
        return None
    return source if source.exists() else None


def _render(rows: list[dict], split: str, stderr: bool = False) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"accuracy on the {split} split")
    for col in ("model", "runtime", "accuracy", "samples"):
        table.add_column(col, justify="right" if col in ("accuracy", "samples") else "left")
    for r in rows:
        table.add_row(r["model"], r["runtime"], f"{r['accuracy']:.4f}", str(r["samples"]))
    if len(rows) == 2:
        table.add_row("difference", "", f"{rows[1]['accuracy'] - rows[0]['accuracy']:+.4f}", "")
    Console(stderr=stderr).print(table)
