"""`edgekit package MODEL.tflite --target ID -o DIR [--force] [--strict]`: a firmware project (Cortex-M) or an
Android library module, by the target's kind. Imports no TensorFlow.

A model over the target's budget (`edgekit check`'s verdict) is still packaged, after one warning line: a user
may want to try a smaller build configuration. ``--strict`` refuses it instead (exit 1, nothing written)."""

from __future__ import annotations

from pathlib import Path

import click


@click.command(name="package", help="Write a firmware project (Cortex-M) or an Android library module for MODEL.")
@click.argument("model", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--target", "-t", "target_ref", required=True, help="Target id (see `edgekit targets`) or a TOML file.")
@click.option("--output", "-o", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Project folder to create.")
@click.option("--force", is_flag=True, help="Replace an existing output folder.")
@click.option("--package-name", help="Android targets: the module's Java/Kotlin package (e.g. com.example.kws).")
@click.option("--strict", is_flag=True, help="Refuse (exit 1, nothing written) when MODEL is over the target's "
              "budget, instead of warning.")
def command(model: Path, target_ref: str, out_dir: Path, force: bool, package_name: str | None,
            strict: bool) -> None:
    from rich.console import Console

    from edgekit.fileio import check_writable
    from edgekit.package import budget_verdict, package

    check_writable(out_dir, force)  # before any work
    target, over = budget_verdict(model, target_ref)
    if over is not None:
        if strict:
            from edgekit.errors import OverBudgetError

            raise OverBudgetError(f"{over.rstrip('.')}; --strict refuses to package it, nothing was written.")
        # one line on stderr, before the project is written; `edgekit build` judges the measured sizes later
        click.echo(f"warning: {over.rstrip('.')}; writing the project anyway (--strict refuses).", err=True)
    extra = {"package_name": package_name} if package_name is not None else {}
    result = package(model, target, out_dir, force=force, **extra)
    console = Console(highlight=False)
    arena = getattr(result, "arena_bytes", None)
    files = getattr(result, "files", ())
    console.print(f"wrote {out_dir} ({len(files)} files" + (f", arena {arena:,} B)" if arena is not None else ")"))
    if (out_dir / "Makefile").is_file():
        console.print(f"next: edgekit build {out_dir}   (or: make -C {out_dir})")
