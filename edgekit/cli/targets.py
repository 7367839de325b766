"""``edgekit targets``: list the builtin targets; ``edgekit targets show ID|FILE``: one resolved definition."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from edgekit.targets import list_targets, load_target, resolve
from edgekit.targets.loader import builtin_dir


def _where(path: str) -> str:
    """A file name a user can read: 'builtin:x.toml' for packaged targets, else a path relative to cwd."""
    p = Path(path)
    if p.parent == builtin_dir().resolve():
        return f"builtin:{p.name}"
    try:
        return os.path.relpath(p)
    except ValueError:
        return str(p)


def _human(n: int) -> str:
    if n >= 1 << 20 and n % (1 << 18) == 0:
        return f"{n / (1 << 20):g} MiB"
    if n >= 1024 and n % 1024 == 0:
        return f"{n // 1024} KiB"
    return f"{n:,} B"


def _fmt(key: str, value: Any) -> str:
    leaf = key.rsplit(".", 1)[-1]
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, dict):
            return ", ".join(f"{k}=0x{v:X}" for k, v in value.items())
        if isinstance(value, list):
            return " ".join(value)
        return str(value)
    if leaf == "base":
        return f"0x{value:08X}"
    if leaf == "size" or leaf.endswith("_bytes"):
        return f"{value:,} ({_human(value)})"
    if leaf.endswith("_hz"):
        return f"{value / 1e6:g} MHz"
    return str(value)


def _flatten(data: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for k, v in data.items():
        key = f"{prefix}.{k}" if prefix else k
        if isinstance(v, dict) and k not in ("registers", "bits"):
            out.extend(_flatten(v, key))
        else:
            out.append((key, v))
    return out


def _summary(tid: str) -> dict[str, str]:
    t = load_target(tid)
    if t.kind == "android":
        assert t.android and t.benchmark and t.budget
        return {
            "id": t.id,
            "kind": t.kind,
            "core": t.android.abi,
            "clock": "",
            "flash": "",
            "ram": f"{_human(t.budget.peak_memory_bytes)} peak",  # type: ignore[union-attr]
            "runner": f"adb ({t.benchmark.delegate}, {t.benchmark.threads} threads)",
            "description": t.description,
        }
    assert t.cpu and t.budget and t.flash
    return {
        "id": t.id,
        "kind": t.kind + (" (QEMU)" if t.is_emulated else ""),
        "core": t.cpu.core,
        "clock": f"{t.cpu.clock_hz / 1e6:g} MHz",
        "flash": _human(t.budget.flash_bytes),  # type: ignore[union-attr]
        "ram": _human(t.budget.ram_bytes),  # type: ignore[union-attr]
        "runner": t.flash.runner,
        "description": t.description,
    }


def _console():
    import sys

    from rich.console import Console

    # piped output (CI logs, tests) is not squeezed to 80 columns
    return Console() if sys.stdout.isatty() else Console(width=160)


@click.group(name="targets", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_context
def command(ctx: click.Context, as_json: bool) -> None:
    """List targets, or show one resolved definition (`edgekit targets show ID|FILE`)."""
    if ctx.invoked_subcommand is not None:
        return
    rows = [_summary(t) for t in list_targets()]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    from rich.table import Table

    table = Table(
        title="edgekit targets (budgets; `edgekit targets show ID` for everything)", title_justify="left"
    )
    for col in ("id", "kind", "core", "clock", "flash", "ram", "runner", "description"):
        table.add_column(col, justify="right" if col in ("clock", "flash", "ram") else "left")
    for r in rows:
        table.add_row(*r.values())
    _console().print(table)
    bases = sorted(set(list_targets(include_bases=True)) - {r["id"] for r in rows})
    click.echo(f"bases (inherit only): {', '.join(bases)}")


@command.command(name="show")
@click.argument("target")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: values and the file each came from.")
def show(target: str, as_json: bool) -> None:
    """Print TARGET (a builtin id or a .toml path) resolved, with the file each value came from."""
    r = resolve(target)
    if not r.abstract:
        load_target(target)  # full validation: missing fields and cross-checks are errors here too
    rows = [(k, v, _where(r.provenance.get(k, r.path))) for k, v in _flatten(r.data)]
    if as_json:
        doc = {
            "id": r.id,
            "abstract": r.abstract,
            "chain": [_where(p) for p in r.chain],
            "values": {k: {"value": v, "from": f} for k, v, f in rows},
        }
        click.echo(json.dumps(doc, indent=2))
        return
    from rich.table import Table

    title = f"{r.id}{' (base: inherit only)' if r.abstract else ''} — " + " <- ".join(
        _where(p) for p in r.chain
    )
    table = Table(title=title, title_justify="left")
    table.add_column("key")
    table.add_column("value", overflow="fold")
    table.add_column("from")
    for k, v, f in rows:
        table.add_row(k, _fmt(k, v), f)
    _console().print(table)
