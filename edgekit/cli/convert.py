"""``edgekit convert MODEL.keras -o OUT.tflite [--data D] [--mode int8|16x8] [--io int8|float]``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from edgekit.errors import BadInputError


def report_path_for(tflite: Path) -> Path:
    """The conversion report beside the model; ``edgekit eval`` reads it to find the source Keras model."""
    return tflite.with_name(tflite.name.removesuffix(".tflite") + ".convert.json")


@click.command(name="convert")
@click.argument("model", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Output .tflite [MODEL_int8.tflite].")
@click.option("--data", "data_spec", help="Training data for the representative set (not needed for QAT models).")
@click.option("--mode", type=click.Choice(["int8", "16x8"]), default="int8", show_default=True)
@click.option("--io", "io", type=click.Choice(["int8", "float"]), default="int8", show_default=True,
              help="Model input/output type (16x8 mode: int16 instead of int8).")
@click.option("--samples", type=int, default=200, show_default=True, help="Representative samples.")
@click.option("--force", is_flag=True, help="Overwrite existing outputs.")
def command(model: Path, output: Path | None, data_spec: str | None, mode: str, io: str, samples: int,
            force: bool) -> None:
    """Convert a tf_keras MODEL (float or QAT) to a full-integer .tflite."""
    from edgekit.fileio import check_writable

    output = output or model.with_name(f"{model.name.split('.')[0]}_{mode}.tflite")
    report_path = report_path_for(output)
    check_writable(output, force)
    check_writable(report_path, force)
    if samples < 1:
        raise BadInputError(f"--samples must be at least 1, got {samples}.")
    samples_x = None
    if data_spec is not None:
        from edgekit.compress.data import load_samples

        samples_x, source = load_samples(data_spec)
    if not model.exists():
        raise BadInputError(f"model {model} does not exist.")

    from edgekit.compress.models import load_keras_model
    from edgekit.converters.keras_to_tflite import convert
    from edgekit.fileio import write_bytes_atomic, write_text_atomic

    keras_model = load_keras_model(model)
    if samples_x is not None:
        from edgekit.compress.data import check_samples

        check_samples(samples_x, tuple(keras_model.input_shape), source)
    result = convert(keras_model, mode=mode, io=io, x_train=samples_x, samples=samples)
    write_bytes_atomic(output, result.tflite, force=force)
    doc = {"source": str(model.resolve()), "tflite": str(output), **result.report.to_dict()}
    write_text_atomic(report_path, json.dumps(doc, indent=2), force=True)
    render(result.report, output)


def render(report: object, output: Path) -> None:
    from rich.console import Console
    from rich.table import Table

    from edgekit.converters.keras_to_tflite import ConversionReport

    assert isinstance(report, ConversionReport)
    console = Console()
    source = "QAT model" if report.from_qat else f"{report.representative_samples} representative samples"
    console.print(f"{output}: {report.size_bytes:,} bytes, {report.mode} ({source}), {report.io} I/O")
    ops = Table(title="ops")
    ops.add_column("op")
    ops.add_column("count", justify="right")
    for name, n in report.op_counts.items():
        ops.add_row(name, str(n))
    console.print(ops)
    io = Table(title="inputs and outputs")
    for col in ("", "name", "shape", "dtype", "scale", "zero point"):
        io.add_column(col)
    for kind, items in (("input", report.inputs), ("output", report.outputs)):
        for t in items:
            io.add_row(kind, t.name[:40], "x".join(map(str, t.shape)), t.dtype,
                       "-" if t.scale is None else f"{t.scale:.6g}", "-" if t.zero_point is None else str(t.zero_point))
    console.print(io)
