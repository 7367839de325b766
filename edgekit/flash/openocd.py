"""OpenOCD (ST-Link, CMSIS-DAP, J-Link) with the target's board/interface config files."""

from __future__ import annotations

from edgekit.flash.base import Runner
from edgekit.proc import require_tool, run


class OpenocdRunner(Runner):
    name = "openocd"
    capabilities = frozenset({"flash", "run"})
    options = frozenset({"probe", "frequency"})  # `program` erases what it writes; no chip erase

    def _common(self) -> list[str]:
        cfg = self._target_setting(self.project.target.openocd_config, "openocd_config")
        args: list[str] = []
        for f in cfg:
            args += ["-f", f]
        if self.opts.get("probe"):
            args += ["-c", f"adapter serial {self.opts['probe']}"]
        if self.opts.get("frequency"):
            args += ["-c", f"adapter speed {int(self.opts['frequency']) // 1000}"]
        return args

    def _exe(self) -> str:
        return "openocd" if self.dry_run else require_tool("openocd", "install it with 'apt-get install openocd'.")

    def flash_argv(self) -> list[str]:
        return [self._exe(), *self._common(), "-c", f"program {self._image()} verify reset exit"]

    def run_argv(self) -> list[str]:
        return [self._exe(), *self._common(), "-c", "init", "-c", "reset run", "-c", "exit"]

    def do_flash(self) -> None:
        run(self.flash_argv(), dry_run=self.dry_run, what="openocd program", timeout=300)

    def do_run(self) -> None:
        run(self.run_argv(), dry_run=self.dry_run, what="openocd reset", timeout=60)
