"""`edgekit package MODEL.tflite --target ID -o DIR [--force]`: a firmware project (Cortex-M) or an Android
library module, by the target's kind. Imports no TensorFlow."""

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
def command(model: Path, target_ref: str, out_dir: Path, force: bool, package_name: str | None) -> None:
    from rich.console import Console

    from edgekit.fileio import check_writable
    from edgekit.package import package

    check_writable(out_dir, force)  # before any work
    extra = {"package_name": package_name} if package_name is not None else {}
    result = package(model, target_ref, out_dir, force=force, **extra)
    console = Console(highlight=False)
    arena = getattr(result, "arena_bytes", None)
    files = getattr(result, "files", ())
    console.print(f"wrote {out_dir} ({len(files)} files" + (f", arena {arena:,} B)" if arena is not None else ")"))
    if (out_dir / "Makefile").is_file():
        console.print(f"next: edgekit build {out_dir}   (or: make -C {out_dir})")
