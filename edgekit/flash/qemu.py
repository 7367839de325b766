"""QEMU: boots the emulated board from the ELF and exposes its UART on a local TCP port.

Deterministic timing needs ``-icount shift=N`` (SysTick then counts instructions); ``wait=on`` makes QEMU
hold the CPU until the host connects, so the firmware's single "m-ready" is never lost, and
``nodelay=on`` turns 44 ms round trips into 0.1-0.4 ms. Semihosting lets the firmware end QEMU with its
exit code.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
from dataclasses import dataclass

from edgekit.errors import DeviceError, EnvironmentError_, TargetError
from edgekit.flash.base import Runner
from edgekit.proc import require_tool, start


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class QemuSession:
    """A running emulated board. ``url`` is what pyserial's serial_for_url opens."""

    process: subprocess.Popen | None
    port: int
    argv: tuple[str, ...]

    @property
    def url(self) -> str:
        return f"socket://127.0.0.1:{self.port}"

    def wait_listening(self, timeout: float = 10.0) -> None:
        """Block until QEMU accepts connections (it listens before the guest starts)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                err = (self.process.stderr.read() or b"").decode(errors="replace").strip() if self.process.stderr else ""
                raise EnvironmentError_(f"QEMU exited with code {self.process.returncode} before starting: {err}")
            # a probe connection would be taken as "the" client by wait=on; poll the listening state instead
            if _listening(self.port):
                return
            time.sleep(0.02)
        raise DeviceError(f"QEMU did not open its serial port {self.port} within {timeout:g} s.")

    def wait(self, timeout: float | None = None) -> int:
        if self.process is None:
            return 0
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired as e:
            raise DeviceError(f"the emulated firmware did not exit within {timeout:g} s.") from e

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None:
            for f in (self.process.stdout, self.process.stderr):
                if f is not None:
                    with contextlib.suppress(OSError):
                        f.close()

    def __enter__(self) -> QemuSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _listening(port: int) -> bool:
    """True when a socket listens on 127.0.0.1:port (from /proc/net/tcp, without connecting to it)."""
    hexport = f"{port:04X}"
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table, encoding="ascii") as f:
                next(f)
                for line in f:
                    parts = line.split()
                    if parts[1].endswith(":" + hexport) and parts[3] == "0A":  # 0A = LISTEN
                        return True
        except OSError:
            continue
    return False


class QemuRunner(Runner):
    name = "qemu"
    capabilities = frozenset({"run", "serial"})
    options = frozenset({"port", "stdio"})

    def argv(self, port: int) -> list[str]:
        t = self.project.target
        if not t.qemu_machine:
            raise TargetError(f"target {t.id} has no [emulator] machine; it cannot run in QEMU.")
        exe = "qemu-system-arm" if self.dry_run else require_tool(
            "qemu-system-arm", "install it with 'apt-get install qemu-system-arm'.")
        serial = "stdio" if self.opts.get("stdio") else f"tcp:127.0.0.1:{port},server=on,wait=on,nodelay=on"
        argv = [exe, "-M", t.qemu_machine, "-display", "none", "-monitor", "none",
                "-icount", f"shift={t.icount_shift}", "-serial", serial]
        if t.semihosting:
            argv += ["-semihosting-config", "enable=on,target=native"]
        return [*argv, "-kernel", self._image()]

    def do_flash(self) -> None:
        """Nothing to write: QEMU loads the ELF when it boots (do_run)."""

    def do_run(self) -> QemuSession:
        port = int(self.opts.get("port") or free_port())
        argv = self.argv(port)
        if self.opts.get("stdio"):
            subprocess.run(argv)  # interactive: the user's terminal is the serial line
            return QemuSession(None, port, tuple(argv))
        proc = start(argv, dry_run=self.dry_run, what="qemu-system-arm")
        session = QemuSession(proc, port, tuple(argv))
        if proc is not None:
            try:
                session.wait_listening()
            except BaseException:
                session.stop()
                raise
        return session
