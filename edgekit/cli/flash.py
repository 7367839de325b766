"""`edgekit flash DIR [--runner pyocd|openocd|qemu]`: write the built firmware and start it.

With the qemu runner the emulated board boots the ELF; by default its UART is on a local TCP port (printed)
until Ctrl-C, or on this terminal with --stdio."""

from __future__ import annotations

from pathlib import Path

import click

from edgekit.flash import RUNNERS


@click.command(name="flash", help="Flash a built project with pyOCD or OpenOCD, or run it in QEMU.")
@click.argument("project_dir", type=click.Path(path_type=Path))
@click.option("--runner", "-r", type=click.Choice(RUNNERS), help="Default: the target's [flash] runner.")
@click.option("--erase", is_flag=True, help="Erase the whole chip first (pyocd).")
@click.option("--probe", help="Debug probe serial number / UID (pyocd, openocd).")
@click.option("--frequency", type=int, help="SWD clock in Hz (pyocd, openocd).")
@click.option("--port", type=int, help="TCP port for the emulated UART (qemu).")
@click.option("--stdio", is_flag=True, help="Emulated UART on this terminal instead of TCP (qemu).")
@click.option("--dry-run", is_flag=True, help="Print the commands only.")
def command(project_dir: Path, runner: str | None, erase: bool, probe: str | None, frequency: int | None,
            port: int | None, stdio: bool, dry_run: bool) -> None:
    from edgekit.flash import make_runner
    from edgekit.package.project import load_project

    project = load_project(project_dir)
    r = make_runner(project, runner, dry_run=dry_run, erase=erase, probe=probe, frequency=frequency, port=port,
                    stdio=stdio)
    r.do_flash()
    session = r.do_run()
    if dry_run or session is None or getattr(session, "process", None) is None:
        return
    click.echo(f"{project.target.id} running in QEMU; serial at {session.url} (Ctrl-C stops it)")
    import signal

    def _terminate(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # run the finally below: stop QEMU on SIGTERM too

    signal.signal(signal.SIGTERM, _terminate)
    try:
        code = session.wait()
        click.echo(f"firmware exited with code {code}")
    except KeyboardInterrupt:
        pass
    finally:
        session.stop()
