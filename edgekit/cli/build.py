"""`edgekit build DIR`: make, then a flash/RAM report from the map file against the target's budget.
Exit 1 when over budget (with the numbers), 2 for a missing toolchain or project."""

from __future__ import annotations

from pathlib import Path

import click


@click.command(name="build", help="Build a packaged firmware project; size report against the target's budget.")
@click.argument("project_dir", type=click.Path(path_type=Path))
@click.option("--jobs", "-j", default=2, show_default=True, help="Parallel compile jobs.")
@click.option("--define", "-D", "defines", multiple=True, metavar="NAME[=VALUE]",
              help="Extra C define (e.g. EK_INJECT_GARBAGE); repeatable.")
@click.option("--dry-run", is_flag=True, help="Print the make command only.")
def command(project_dir: Path, jobs: int, defines: tuple[str, ...], dry_run: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    from edgekit.build import SIZE_JSON, build_project
    from edgekit.errors import OverBudgetError

    console = Console(highlight=False)
    try:
        with console.status("building firmware"):
            report = build_project(project_dir, jobs=jobs, defines=defines, dry_run=dry_run, check_budget=False)
    except OverBudgetError:
        raise
    if report is None:
        return
    table = Table(title=f"{report.model} on {report.target}")
    table.add_column("part")
    table.add_column("flash B", justify="right")
    table.add_column("RAM B", justify="right")
    for name, part in sorted(report.breakdown.items(), key=lambda kv: -(kv[1]["flash"] + kv[1]["ram"])):
        table.add_row(name, f"{part['flash']:,}", f"{part['ram']:,}")
    table.add_row("total", f"{report.flash_bytes:,}", f"{report.ram_bytes:,}", style="bold")
    fb = f"{report.flash_budget:,}" if report.flash_budget is not None else "-"
    rb = f"{report.ram_budget:,}" if report.ram_budget is not None else "-"
    table.add_row("budget", fb, rb)
    console.print(table)
    console.print(f"text {report.text:,}  data {report.data:,}  bss {report.bss:,}  stack {report.stack:,}  "
                  f"(arena {report.arena_bytes:,});  sizes written to {project_dir / SIZE_JSON}")
    if report.over:
        raise OverBudgetError(f"{report.model} on {report.target} does not fit: " + "; ".join(report.over) + ".")
    console.print(f"fits {report.target}")
