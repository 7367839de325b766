"""`edgekit generate MODEL.tflite -o DIR [--target ID] [--force]`: model.h/model.c + runtime kernels, compilable
on their own.

With ``--target`` the arena is planned exactly as `edgekit check --target` plans it (the target's alignment and,
on cores with the DSP extension, the DSP kernels' scratch), so EK_MODEL_ARENA_BYTES equals check's figure.
Imports no TensorFlow. Exit 0 on success, 2 for an unsupported model or bad input (nothing is written).
"""

from __future__ import annotations

from pathlib import Path

import click


@click.command(name="generate", help="Generate C (model.h, model.c and the runtime kernels) from an int8 MODEL.")
@click.argument("model", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--output", "-o", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write (it must not exist unless --force).")
@click.option("--target", "-t", "target_ref", default=None,
              help="Target id or TOML file: its alignment and DSP kernels, as `edgekit check` plans them.")
@click.option("--alignment", default=None, type=click.IntRange(4, 4096),
              help="Arena alignment in bytes [default: the target's, else 16].")
@click.option("--kernels", "--variant", "variant", type=click.Choice(["auto", "portable", "dsp"]), default="auto",
              show_default=True,
              help="Kernel variant (as in `edgekit bench`): auto picks the DSP kernels when the target's core has "
              "the DSP extension.")
@click.option("--force", is_flag=True, help="Replace DIR if it exists.")
def command(model: Path, out_dir: Path, target_ref: str | None, alignment: int | None, variant: str,
            force: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    from edgekit.converters.c_codegen import support
    from edgekit.converters.c_codegen.dsp import resolve_variant
    from edgekit.converters.c_codegen.generator import generate_c, plan_for, scratch_requirements
    from edgekit.converters.tflite_reader import read_model
    from edgekit.fileio import check_writable

    check_writable(out_dir, force)  # refuse before any work
    cpu_dsp = False
    if target_ref is not None:
        from edgekit.analysis.budget import target_facts
        from edgekit.targets import load_target

        facts = target_facts(load_target(target_ref))
        cpu_dsp = bool(getattr(facts, "dsp", False))
        alignment = alignment or int(facts.alignment)
    alignment = alignment or 16
    chosen = resolve_variant(variant, cpu_dsp)

    m = read_model(model)
    support.check_model(m)
    plan = plan_for(m, scratch_requirements(m, chosen), alignment)
    gen = generate_c(m, plan, out_dir, force=force, variant=chosen)

    console = Console(highlight=False)
    table = Table(title=f"{m.name}: generated C in {gen.out_dir} ({chosen} kernels)")
    table.add_column("op", justify="right")
    table.add_column("type")
    table.add_column("output tensor", overflow="ellipsis", max_width=48)
    table.add_column("arena offset", justify="right")
    for op, t in zip(m.operators, gen.op_outputs, strict=True):
        table.add_row(str(op.index), op.op, m.tensor(t).name, str(plan.offset_of(t)))
    console.print(table)
    console.print(f"arena {gen.arena_bytes} bytes, alignment {alignment} ({plan.strategy}); "
                  f"files: {', '.join(gen.files)}")
