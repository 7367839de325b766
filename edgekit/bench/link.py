"""Host side of the MLPerf Tiny / EEMBC serial protocol: commands out, ``m-``/``e-``/``ek-`` lines back.

Robust against what real serial lines do: garbage bytes (lines are searched for a known prefix, anything
else is counted and skipped), stalls (an inactivity timeout raises DeviceError), and a device that resets
(an unsolicited "m-ready" in the middle of a reply raises DeviceReset, after which the caller re-sends its
state). pyserial's ``serial_for_url`` opens both ``/dev/ttyACM0`` and ``socket://127.0.0.1:PORT``; only a URL
is retried while it does not open (QEMU's socket appears a moment after QEMU starts), a device path fails at once.
"""

from __future__ import annotations

import logging
import os
import re
import time
from dataclasses import dataclass, field

from edgekit.errors import DeviceError, EnvironmentError_

log = logging.getLogger("edgekit.bench")
PREFIX = re.compile(r"(m-|e-\[|ek-)")
CHUNK = 31  # bytes per "db" command, as the reference runner sends (62 hex digits + "db " < 80)


class DeviceReset(DeviceError):
    """The device restarted while a command was running (its boot-time m-ready arrived mid-reply)."""


class DeviceRefused(DeviceError):
    """The device answered a command with e-[...] (after a reset it has lost its loaded input, for one)."""


@dataclass
class LinkStats:
    garbage_lines: int = 0
    resets: int = 0
    lines: list[str] = field(default_factory=list)  # a bounded transcript for error messages


class DeviceLink:
    def __init__(self, url: str, baudrate: int = 115200, timeout: float = 30.0, connect_timeout: float = 10.0) -> None:
        import serial  # pyserial; imported here so `edgekit --help` stays light

        self.timeout = timeout
        self.stats = LinkStats()
        self._buf = bytearray()
        if "://" not in url and not os.path.exists(url):
            # a device path: nothing will create it while we wait (the retry is for QEMU's socket opening)
            raise EnvironmentError_(f"no serial device at {url}; is the board plugged in? `ls /dev/ttyACM*`")
        deadline = time.monotonic() + (connect_timeout if "://" in url else 0.0)
        while True:
            try:
                self._port = serial.serial_for_url(url, baudrate=baudrate, timeout=0.05)
                break
            except (serial.SerialException, OSError, ValueError) as e:
                if time.monotonic() > deadline:
                    # pyserial nests the OS reason in its own text ("... [Errno 2] could not open port X:
                    # [Errno 2] No such file ..."): keep the innermost reason only.
                    reasons = re.findall(r"\[Errno -?\d+\] ([^:'\]]+)", str(e))
                    reason = reasons[-1].strip() if reasons else str(e)
                    retried = f", retried for {connect_timeout:g} s" if "://" in url else ""
                    raise EnvironmentError_(
                        f"cannot open {url} ({reason}{retried}); check that the board "
                        "is connected and the port name (ls /dev/ttyACM* /dev/ttyUSB*), or pass a pyserial URL "
                        "such as socket://HOST:PORT."
                    ) from e
                time.sleep(0.05)

    def close(self) -> None:
        self._port.close()

    def __enter__(self) -> DeviceLink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def write(self, text: str) -> None:
        log.debug("> %s", text)
        self._port.write(text.encode("ascii"))
        self._port.flush()

    def readline(self, timeout: float | None = None) -> str:
        """The next protocol line (prefix onwards). DeviceError when nothing arrives for ``timeout`` s."""
        limit = self.timeout if timeout is None else timeout
        last = time.monotonic()
        while True:
            nl = self._buf.find(b"\n")
            if nl >= 0:
                raw = bytes(self._buf[:nl])
                del self._buf[: nl + 1]
                text = raw.decode("ascii", errors="replace").strip("\r")
                m = PREFIX.search(text)
                if m is None:
                    if text.strip():
                        self.stats.garbage_lines += 1
                        log.debug("garbage: %r", raw)
                    continue
                line = text[m.start():]
                if m.start() > 0:
                    self.stats.garbage_lines += 1
                log.debug("< %s", line)
                self.stats.lines = (self.stats.lines + [line])[-20:]
                return line
            try:
                # read(4096) would wait out the whole port timeout for a short reply; take what is there,
                # or block for the first byte only
                waiting = self._port.in_waiting
                data = self._port.read(waiting if waiting else 1)
            except Exception as e:  # noqa: BLE001  (pyserial raises several types for a vanished port)
                raise DeviceError(f"the serial connection failed: {e}") from e
            if data:
                self._buf += data
                last = time.monotonic()
                if len(self._buf) > 1 << 20:  # a megabyte without a newline is not this protocol
                    self._buf.clear()
                    raise DeviceError("the device sent 1 MB without a line break; is the baud rate right?")
            elif time.monotonic() - last > limit:
                tail = " | ".join(self.stats.lines[-3:]) or "nothing"
                raise DeviceError(f"the device sent nothing for {limit:g} s (last lines: {tail}).")

    def command(self, cmd: str, timeout: float | None = None) -> list[str]:
        """Send ``cmd%`` and return the reply lines before "m-ready". An "e-[...]" line raises DeviceError."""
        self.write(cmd + "%")
        lines: list[str] = []
        while True:
            line = self.readline(timeout)
            if line == "m-ready":
                if _looks_reset(cmd, lines):
                    self.stats.resets += 1
                    raise DeviceReset(f"the device reset during '{cmd}'.")
                break
            lines.append(line)
        errors = [x for x in lines if x.startswith("e-[")]
        if errors:
            raise DeviceRefused(f"the device refused '{cmd[:40]}': {errors[0]}")
        return lines

    def sync(self, timeout: float = 10.0, boot_wait: float = 2.0) -> str:
        """Align with the reply stream however the device was left: send name% and read up to its m-ready.

        First wait up to ``boot_wait`` s for the boot-time m-ready: a device still booting may not have
        enabled its receiver (QEMU's STM32 USART drops those bytes). A board that booted before we
        connected sends nothing, and its stale m-ready, if any, comes before the m-name line and is
        skipped, so later replies are never shifted by one.
        """
        if boot_wait > 0:
            try:
                self.readline(boot_wait)
            except DeviceError:
                pass  # booted long ago: nothing to wait for
        self.write("name%")
        name = None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.readline(timeout)
            if line.startswith("m-name-"):
                name = line
            elif line == "m-ready" and name is not None:
                return name
        raise DeviceError(f"no reply to 'name%' within {timeout:g} s; is the firmware running at this baud rate?")

    def upload(self, data: bytes) -> None:
        """db load N, then 31-byte hex chunks, exactly as the reference runner does."""
        self.command(f"db load {len(data)}")
        for i in range(0, len(data), CHUNK):
            self.command("db " + data[i : i + CHUNK].hex())


def _looks_reset(cmd: str, lines: list[str]) -> bool:
    """An m-ready that cannot be this command's end: infer replies always reach m-infer-done first."""
    if cmd.startswith("infer"):
        return not any(x.startswith("m-infer-done") or x.startswith("e-[") for x in lines)
    return False
