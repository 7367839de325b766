"""The ``edgekit`` command: a thin click layer over the library.

Each subcommand lives in its own module (``edgekit/cli/<name>.py`` exposing ``command``) and is imported only
when it is run, so ``edgekit check`` never pays for TensorFlow or for the other commands' imports.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys

import click

from edgekit.errors import EdgekitError

# subcommand -> (module, one-line help shown in `edgekit --help` without importing the module)
COMMANDS: dict[str, tuple[str, str]] = {
    "optimize": ("edgekit.cli.optimize", "Compress a Keras model: prune, QAT, cluster, distill."),
    "convert": ("edgekit.cli.convert", "Convert a Keras model to an int8 (or 16x8) .tflite."),
    "eval": ("edgekit.cli.evaluate", "Accuracy of a .tflite with LiteRT, beside its Keras model."),
    "check": ("edgekit.cli.check", "Per-layer costs, memory plan and budget verdict on a target."),
    "targets": ("edgekit.cli.targets", "List targets or show one resolved definition."),
    "generate": ("edgekit.cli.generate", "Generate C (model.c/model.h + runtime) from an int8 .tflite."),
    "verify": ("edgekit.cli.verify", "Compile the generated C on the host; compare bytes with TFLite Micro."),
    "package": ("edgekit.cli.package", "Write a firmware project (Cortex-M) or an Android library module."),
    "build": ("edgekit.cli.build", "Build a packaged firmware project; size report against the budget."),
    "flash": ("edgekit.cli.flash", "Flash a built project with pyOCD, OpenOCD, or run it in QEMU."),
    "bench": ("edgekit.cli.bench", "Measure latency and outputs on a device (serial or adb)."),
    "deploy": ("edgekit.cli.deploy", "Run the whole chain from a project file."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module_name, short = COMMANDS[name]
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as e:
            if e.name != module_name:
                raise

            @click.command(name=name, help=short)
            def missing() -> None:
                raise EdgekitError(f"'edgekit {name}' is not available in this build.")

            return missing
        return module.command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(n, COMMANDS[n][1]) for n in sorted(COMMANDS)])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks and log every external command (also accepted after the subcommand).")
@click.version_option(package_name="edgekit")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """edgekit: a trained Keras model to a measured deployment on Cortex-M or Android."""
    ctx.obj = {"debug": debug}
    logging.basicConfig(level=logging.INFO if debug else logging.WARNING, format="%(name)s: %(message)s")


def main(argv: list[str] | None = None) -> None:
    """Entry point: EdgekitError becomes one sentence on stderr and its exit code; --debug keeps the traceback."""
    args = sys.argv[1:] if argv is None else argv
    # TensorFlow's C++ INFO/WARNING lines (CPU feature guard, ...) are noise for a CLI user; set before any import
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    debug = "--debug" in args
    if debug:
        os.environ["EDGEKIT_DEBUG"] = "1"  # edgekit.tfenv then shows TensorFlow's start-up log too
        # Users type `edgekit check m.tflite --debug` as often as `edgekit --debug check ...`: accept both by
        # moving the flag to the group, which owns it.
        args = ["--debug", *(a for a in args if a != "--debug")]
    from edgekit.proc import Terminated, terminate_as_interrupt

    terminate_as_interrupt()  # a SIGTERM unwinds like Ctrl-C: children stopped, work folders removed
    try:
        cli.main(args=args, prog_name="edgekit", standalone_mode=False)
    except EdgekitError as e:
        if debug:
            raise
        click.echo(f"error: {e}", err=True)
        sys.exit(e.exit_code)
    except click.exceptions.Abort as e:
        # click turns EOFError into Abort as it does Ctrl-C: a file that ended early is bad input, not a Ctrl-C
        if isinstance(e.__cause__, EOFError):
            if debug:
                raise e.__cause__ from None
            click.echo(f"error: a file ended before its data did ({e.__cause__ or 'EOFError'}); check the input "
                       "files, or rerun with --debug for the traceback.", err=True)
            sys.exit(2)
        if isinstance(e.__cause__, Terminated):
            click.echo("terminated", err=True)
            sys.exit(143)
        click.echo("interrupted", err=True)
        sys.exit(130)
    except click.UsageError as e:
        # one sentence, like every other error: what was wrong, and where the usage is
        where = e.ctx.command_path if e.ctx is not None else "edgekit"
        click.echo(f"error: {e.format_message().rstrip('.')}; see '{where} --help'.", err=True)
        sys.exit(2)
    except click.ClickException as e:
        click.echo(f"error: {e.format_message()}", err=True)
        sys.exit(2)
    except OSError as e:
        # A safety net for file-system and device errors no stage turned into an EdgekitError.
        if debug:
            raise
        where = f" ({e.filename})" if e.filename else ""
        click.echo(f"error: {e.strerror or e}{where}; check the path or device, or rerun with --debug.", err=True)
        sys.exit(2)
    except Terminated:
        click.echo("terminated", err=True)
        sys.exit(143)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    sys.exit(0)
