"""pyOCD (CMSIS-DAP, ST-Link, J-Link probes)."""

from __future__ import annotations

from edgekit.flash.base import Runner
from edgekit.proc import require_tool, run


class PyocdRunner(Runner):
    name = "pyocd"
    capabilities = frozenset({"flash", "run", "erase"})
    options = frozenset({"erase", "probe", "frequency"})

    def _common(self) -> list[str]:
        t = self._target_setting(self.project.target.pyocd_target, "pyocd_target")
        args = ["--target", t]
        if self.opts.get("probe"):
            args += ["--uid", str(self.opts["probe"])]
        if self.opts.get("frequency"):
            args += ["--frequency", str(self.opts["frequency"])]
        return args

    def _exe(self) -> str:
        return "pyocd" if self.dry_run else require_tool("pyocd", "install it with 'pip install pyocd'.")

    def flash_argv(self) -> list[str]:
        argv = [self._exe(), "load", *self._common()]
        if self.opts.get("erase"):
            argv += ["--erase", "chip"]
        return [*argv, "--format", "elf", self._image()]

    def run_argv(self) -> list[str]:
        return [self._exe(), "reset", *self._common()]

    def do_flash(self) -> None:
        run(self.flash_argv(), dry_run=self.dry_run, what="pyocd load", timeout=300)

    def do_run(self) -> None:
        run(self.run_argv(), dry_run=self.dry_run, what="pyocd reset", timeout=60)
