"""`edgekit verify MODEL.tflite [--inputs N] [--seed S]`: generated C on the host vs TFLite Micro, byte for byte.

Exit 0 identical, 1 outputs differ (the first op that differs is named), 2 unsupported model or bad input.
"""

from __future__ import annotations

from pathlib import Path

import click


@click.command(name="verify", help="Compile the generated C for the host and compare every output byte with "
               "TFLite Micro on seeded random inputs plus all -128 and all 127.")
@click.argument("model", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--samples", "--inputs", "n_inputs", default=20, show_default=True, type=click.IntRange(0, 100000),
              help="Random inputs (the two extremes are always added); --samples as in `edgekit bench`.")
@click.option("--seed", default=0, show_default=True, type=int, help="Seed of the random inputs.")
@click.option("--target", "-t", "target_ref", default=None,
              help="Target id or TOML file: verify the kernels `generate`/`package --target` pick for it.")
@click.option("--kernels", "--variant", "variant", type=click.Choice(["auto", "portable", "dsp"]), default="auto",
              show_default=True,
              help="Kernel variant to verify (the DSP kernels run on the host through an ACLE emulation); auto: "
              "the target's (DSP when its core has the extension), portable without --target.")
@click.option("--keep", "keep_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Keep the generated C, harness and binaries in this folder (new or empty unless --force).")
@click.option("--force", is_flag=True, help="Reuse a --keep folder that already has files in it.")
def command(model: Path, n_inputs: int, seed: int, target_ref: str | None, variant: str, keep_dir: Path | None,
            force: bool) -> None:
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from edgekit.errors import MismatchError, OutputExistsError
    from edgekit.verify import verify_model

    if keep_dir is not None and keep_dir.is_dir() and any(keep_dir.iterdir()) and not force:
        # verify writes gen/, build/ and the sample files into it: never over a user's files unasked
        raise OutputExistsError(f"{keep_dir} already has files in it; pass --force to reuse it for --keep or "
                                "choose a new folder.")
    if keep_dir is not None and not keep_dir.exists():
        from edgekit.fileio import check_writable

        check_writable(keep_dir, force=False)  # a file in the way or a read-only parent: one sentence, now

    cpu_dsp = False
    if target_ref is not None:
        from edgekit.analysis.budget import target_facts
        from edgekit.errors import BadInputError
        from edgekit.package.target_info import _get
        from edgekit.targets import load_target

        target = load_target(target_ref)
        if str(_get(target, "kind", "cortex-m")) == "android":
            raise BadInputError(f"{target_ref} is an Android target, which runs the .tflite with LiteRT, not generated "
                                f"C; measure it with 'edgekit bench {model} --target {target_ref}'.")
        cpu_dsp = bool(getattr(target_facts(target), "dsp", False))
    if variant == "auto":
        from edgekit.converters.c_codegen.dsp import resolve_variant

        variant = resolve_variant(variant, cpu_dsp)

    console = Console(highlight=False, stderr=False)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console,
                  transient=True) as bar:
        task = bar.add_task("reading the model", total=None)
        report = verify_model(model, n_inputs, seed, work_dir=keep_dir, variant=variant,
                              progress=lambda msg: bar.update(task, description=msg))

    table = Table(title=f"edgekit verify {report.model}")
    table.add_column("check")
    table.add_column("result")
    table.add_row("inputs", f"{report.samples} ({n_inputs} random, seed {seed}, + the lowest and the highest input)")
    table.add_row("generated C vs TFLite Micro",
                  "identical" if report.identical else
                  f"{report.differing_elements} bytes differ in {report.differing_samples} inputs "
                  f"(max |diff| {report.max_abs_diff:g})")
    lite = "LiteRT refused or failed" if report.litert_max_diff is None else f"max |diff| {report.litert_max_diff:g}"
    table.add_row("LiteRT builtin vs TFLite Micro (information)", lite)
    table.add_row("kernels", variant)
    table.add_row("arena", f"{report.arena_bytes} bytes")
    if report.build_dir is not None:
        table.add_row("kept in", str(report.build_dir))
    console.print(table)
    if not report.identical:
        d = report.first_bad_op
        where = (f"op {d.op_index} ({d.op_name}) is the first whose output differs: tensor {d.tensor} "
                 f"'{d.tensor_name}', {d.differing} of {d.total} elements, max |diff| {d.max_abs:g}"
                 if d else "no intermediate differs on the first failing input")
        raise MismatchError(f"{report.model}: generated C differs from TFLite Micro; {where}.")
