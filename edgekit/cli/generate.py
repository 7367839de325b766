"""`edgekit generate MODEL.tflite -o DIR [--force]`: model.h/model.c + runtime kernels, compilable on their own.

Imports no TensorFlow. Exit 0 on success, 2 for an unsupported model or bad input (nothing is written).
"""

from __future__ import annotations

from pathlib import Path

import click


@click.command(name="generate", help="Generate C (model.h, model.c and the runtime kernels) from an int8 MODEL.")
@click.argument("model", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--output", "-o", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write (it must not exist unless --force).")
@click.option("--alignment", default=16, show_default=True, type=click.IntRange(4, 4096),
              help="Arena alignment in bytes (use the target's; `edgekit check` plans with the same).")
@click.option("--force", is_flag=True, help="Replace DIR if it exists.")
def command(model: Path, out_dir: Path, alignment: int, force: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    from edgekit.converters.c_codegen.generator import generate_c, plan_for, scratch_requirements
    from edgekit.converters.tflite_reader import read_model
    from edgekit.fileio import check_writable

    check_writable(out_dir, force)  # refuse before any work
    m = read_model(model)
    from edgekit.converters.c_codegen import support

    support.check_model(m)
    plan = plan_for(m, scratch_requirements(m), alignment)
    gen = generate_c(m, plan, out_dir, force=force)

    console = Console(highlight=False)
    table = Table(title=f"{m.name}: generated C in {gen.out_dir}")
    table.add_column("op", justify="right")
    table.add_column("type")
    table.add_column("output tensor")
    table.add_column("arena offset", justify="right")
    for op, t in zip(m.operators, gen.op_outputs, strict=True):
        table.add_row(str(op.index), op.op, m.tensor(t).name, str(plan.offset_of(t)))
    console.print(table)
    console.print(
        f"arena {gen.arena_bytes} bytes ({plan.strategy}); files: {', '.join(gen.files)}"
    )
