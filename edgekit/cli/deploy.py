"""``edgekit deploy PROJECT.toml``: train (or load) -> optimize -> convert -> eval, and later stages."""

from __future__ import annotations

from pathlib import Path

import click


@click.command(name="deploy")
@click.argument("project", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Redo every stage even when its artifact is up to date.")
@click.option("--until", help="Stop after this stage (model, optimize, convert, eval, ...).")
@click.option("--no-progress", is_flag=True, help="No progress bars (logs, CI).")
def command(project: Path, force: bool, until: str | None, no_progress: bool) -> None:
    """Run the whole chain from a PROJECT.toml; artifacts go under its [project] out folder."""
    from rich.console import Console

    from edgekit.deploy import deploy

    console = Console()
    ctx = deploy(project, force=force, progress=not no_progress, console=console, until=until)
    console.print(f"artifacts in {ctx.project.out}")
