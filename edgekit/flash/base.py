"""The runner interface, after Zephyr's west runners: one class per flasher, declared capabilities,
and every option a runner does not support rejected by name."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar

from edgekit.errors import BadInputError, TargetError
from edgekit.package.project import Project


class Runner(ABC):
    name: ClassVar[str]
    capabilities: ClassVar[frozenset[str]]  # of "flash", "run", "erase", "serial"
    options: ClassVar[frozenset[str]]  # option names this runner accepts

    def __init__(self, project: Project, *, dry_run: bool = False, **options: Any) -> None:
        given = {k: v for k, v in options.items() if v not in (None, False)}
        for key in given:
            if key not in self.options:
                accepted = ", ".join(f"--{o.replace('_', '-')}" for o in sorted(self.options)) or "none"
                raise BadInputError(
                    f"the {self.name} runner does not support --{key.replace('_', '-')} (it accepts: {accepted})."
                )
        if given.get("erase") and "erase" not in self.capabilities:
            raise BadInputError(f"the {self.name} runner cannot erase.")
        self.project = project
        self.dry_run = dry_run
        self.opts: Mapping[str, Any] = given

    @abstractmethod
    def do_flash(self) -> None:
        """Write the firmware to the device (for QEMU: nothing to write; it boots from the ELF)."""

    @abstractmethod
    def do_run(self) -> Any:
        """Start the firmware: reset a board, or boot the emulator and return its session."""

    def _target_setting(self, value: Any, key: str) -> Any:
        """A [flash] setting this runner needs; a target without it gets one sentence saying what to do."""
        if not value:
            t = self.project.target
            raise TargetError(f"target {t.id} has no [flash] {key}, which {self.name} needs; set it in a target "
                              f"file that inherits this one, or use the target's own runner (--runner {t.runner}).")
        return value

    def _image(self) -> str:
        elf = self.project.elf
        if not elf.is_file() and not self.dry_run:
            raise BadInputError(f"{elf} does not exist; run 'edgekit build {self.project.root}' first.")
        return str(elf)
