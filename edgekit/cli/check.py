"""`edgekit check MODEL.tflite --target ID|FILE.toml`: per-layer costs, memory plan and the budget verdict.

Imports no TensorFlow (nor matplotlib unless --plot is given): it must answer in well under a second.
With --build DIR (a packaged project after `edgekit build DIR`), flash and RAM are the build's measured sizes
(DIR/build/size.json), refused when they belong to another model or target.
Exit 0 when the model fits, 1 when it is over a budget (after printing and writing every requested output),
2 for bad input. On a Cortex-M target a model edgekit's C generator refuses (an LSTM, a custom op, a float-only
or 16x8 model: converters/c_codegen/support.py's rules) is not deployable: the tables and --json/--plot are still
written, then one sentence names the op and what is missing, exit 2 (UnsupportedError), before any budget verdict.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from edgekit.errors import BadInputError, OverBudgetError, UnsupportedError


@click.command(name="check", help="Per-layer costs, memory plan and budget verdict of MODEL on a target.")
@click.argument("model", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--target", "-t", "target_ref", required=True, help="Target id (see `edgekit targets`) or a TOML file."
)
@click.option(
    "--json",
    "json_out",
    metavar="FILE|-",
    help="Write the report as JSON (docs/check-json.md); - for stdout.",
)
@click.option(
    "--plot", "plot_out", type=click.Path(dir_okay=False, path_type=Path), help="Draw arena use per op (PNG)."
)
@click.option(
    "--code-sizes",
    type=click.Path(dir_okay=False, path_type=Path),
    help="JSON {op type or 'runtime': bytes} measured from a real build; replaces the code-size estimate.",
)
@click.option(
    "--build",
    "build_dir",
    metavar="DIR",
    type=click.Path(path_type=Path),
    help="A firmware project of MODEL built with `edgekit build DIR`: its measured flash and RAM replace the "
    "estimates.",
)
@click.option("--force", is_flag=True, help="Overwrite existing --json/--plot files.")
@click.option("--quiet", "-q", is_flag=True, help="No tables; only the verdict (and --json/--plot outputs).")
def command(
    model: Path,
    target_ref: str,
    json_out: str | None,
    plot_out: Path | None,
    code_sizes: Path | None,
    build_dir: Path | None,
    force: bool,
    quiet: bool,
) -> None:
    from rich.console import Console

    from edgekit.analysis.budget import assess, target_facts
    from edgekit.analysis.measured import load_build
    from edgekit.analysis.report import over_budget_message, render, to_json, unsupported_message
    from edgekit.converters.tflite_reader import read_model
    from edgekit.fileio import check_writable, write_bytes_atomic, write_text_atomic
    from edgekit.targets import load_target

    # refuse existing outputs before doing any work, so a mistake costs nothing
    if json_out and json_out != "-":
        check_writable(json_out, force)
    if plot_out is not None:
        if plot_out.suffix.lower() != ".png":
            raise BadInputError(
                f"--plot writes a PNG image; give a file name ending in .png, not {plot_out.name}."
            )
        check_writable(plot_out, force)

    if build_dir is not None and code_sizes is not None:
        raise BadInputError("give --build or --code-sizes, not both: a build's measured sizes already include "
                            "the code.")
    measured = _code_sizes(code_sizes) if code_sizes is not None else None

    m = read_model(model)
    target = load_target(target_ref)
    facts = target_facts(target)
    build = load_build(build_dir, m, facts.id, model) if build_dir is not None else None
    a = assess(m, facts, measured_code=measured, measured=build)

    # with --json - the document owns stdout; tables go to stderr
    to_stderr = json_out == "-"
    stream = sys.stderr if to_stderr else sys.stdout
    # redirected to a file or a CI log, rich would squeeze the table into 80 columns and elide op names
    console = Console(stderr=to_stderr, highlight=False, width=None if stream.isatty() else 160)
    if not quiet:
        render(a, console)
    if json_out:
        text = json.dumps(to_json(a, str(model)), indent=2) + "\n"
        if json_out == "-":
            sys.stdout.write(text)
        else:
            write_text_atomic(json_out, text, force=True)
    if plot_out is not None:
        from edgekit.analysis.plot import plot_arena

        write_bytes_atomic(plot_out, plot_arena(a), force=True)
    if not a.supported:  # a model that cannot run at all is refused before any budget is judged
        raise UnsupportedError(unsupported_message(a))
    if not a.fits:
        raise OverBudgetError(over_budget_message(a))
    if quiet:
        console.print(f"{m.name} fits {a.target.id}")


def _code_sizes(path: Path) -> dict[str, int]:
    """Measured code sizes: a JSON object of op type (or "runtime") -> non-negative integer bytes."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BadInputError(f"--code-sizes {path} does not exist.") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise BadInputError(f"--code-sizes {path} is not readable JSON ({e}).") from None
    if not isinstance(data, dict) or "runtime" not in data:
        raise BadInputError(
            f'--code-sizes {path} must be a JSON object with a "runtime" entry and one per op type.'
        )
    for key, value in data.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise BadInputError(
                f"--code-sizes {path}: {key!r} must be a non-negative integer byte count, got {value!r}."
            )
    return data
