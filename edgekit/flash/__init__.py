"""``edgekit flash``: runners for pyOCD, OpenOCD and QEMU, chosen by the target's [flash] runner."""

from __future__ import annotations

from typing import Any

from edgekit.errors import BadInputError
from edgekit.flash.base import Runner
from edgekit.package.project import Project

RUNNERS = ("pyocd", "openocd", "qemu")


def runner_class(name: str) -> type[Runner]:
    if name == "pyocd":
        from edgekit.flash.pyocd import PyocdRunner

        return PyocdRunner
    if name == "openocd":
        from edgekit.flash.openocd import OpenocdRunner

        return OpenocdRunner
    if name == "qemu":
        from edgekit.flash.qemu import QemuRunner

        return QemuRunner
    raise BadInputError(f"unknown runner {name!r}; choose one of {', '.join(RUNNERS)}.")


def make_runner(project: Project, name: str | None = None, *, dry_run: bool = False, **options: Any) -> Runner:
    chosen = name or project.target.runner
    return runner_class(chosen)(project, dry_run=dry_run, **options)
