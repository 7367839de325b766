"""The host side of adb: find the device, push files, run shell commands, all through the real ``adb`` client.

Every call goes through ``edgekit.proc.run`` (the exact argv is logged; ``--debug`` shows it). The adb server the
client talks to is the user's own (``ADB_SERVER_SOCKET`` / ``ANDROID_ADB_SERVER_PORT`` choose another, as the
tests do). Each device state adb can report gets its own sentence saying what to do.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from edgekit import proc
from edgekit.errors import DeviceError

ADB_HINT = "install Debian's 'adb' package (apt-get install adb) or Android SDK platform-tools and put adb on PATH."

_PROP = re.compile(r"^(usb|product|model|device|transport_id|features):")


@dataclass(frozen=True)
class Device:
    """One line of ``adb devices -l``."""

    serial: str
    state: str  # device | unauthorized | offline | no permissions ... | recovery | sideload | bootloader | ...
    props: dict[str, str] = field(default_factory=dict)

    @property
    def model(self) -> str:
        return self.props.get("model", "")


def parse_devices(text: str) -> list[Device]:
    """Parse ``adb devices -l``: ``SERIAL  STATE [usb:.. product:.. model:.. device:.. transport_id:..]``."""
    out: list[Device] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("List of devices") or line.startswith("*"):
            continue
        tokens = line.split()
        state_words: list[str] = []
        props: dict[str, str] = {}
        for tok in tokens[1:]:
            if _PROP.match(tok):
                k, _, v = tok.partition(":")
                props[k] = v
            elif not props:
                state_words.append(tok)
        out.append(Device(tokens[0], " ".join(state_words) or "unknown", props))
    return out


def state_problem(dev: Device) -> str | None:
    """One sentence for a device that cannot be used, or None when it is ready."""
    s = dev.state
    if s == "device":
        return None
    if s == "unauthorized":
        return (
            f"device {dev.serial} is unauthorized: unlock it and accept the 'Allow USB debugging?' dialog "
            "(or revoke and re-grant USB debugging authorizations), then retry."
        )
    if s == "authorizing":
        return f"device {dev.serial} is still authorizing: accept the dialog on the device and retry."
    if s == "offline":
        return (
            f"device {dev.serial} is offline: it stopped answering adb; reconnect the cable (or `adb reconnect`, "
            "or `adb connect` again for a network device) and retry."
        )
    if s.startswith("no permissions"):
        return (
            f"adb has no permission to open device {dev.serial}: add a udev rule for it (Debian: the "
            "android-sdk-platform-tools-common package) and replug it."
        )
    return f"device {dev.serial} is in state '{s}', not 'device': boot it into Android and retry."


class Adb:
    """The ``adb`` client bound to one serial once ``select`` has chosen it."""

    def __init__(self, adb_path: str | None = None, serial: str | None = None, dry_run: bool = False) -> None:
        self.adb = adb_path or proc.require_tool("adb", ADB_HINT)
        self.serial = serial
        self.dry_run = dry_run

    def _run(self, args: list[str], what: str, timeout: float = 60, check: bool = True) -> proc.Result:
        argv = [self.adb, *(["-s", self.serial] if self.serial else []), *args]
        # stdin is an empty pipe: `adb shell` forwards stdin, and a terminal's must not reach the device
        return proc.run(argv, what=what, timeout=timeout, check=check, input="", dry_run=self.dry_run)

    def devices(self) -> list[Device]:
        res = proc.run([self.adb, "devices", "-l"], what="adb devices -l", timeout=30, check=False, input="")
        if res.returncode != 0:
            detail = (res.stderr or res.stdout).strip().splitlines()
            raise DeviceError(
                "adb could not list devices"
                + (f" ({detail[-1]})" if detail else "")
                + "; check that the adb server can start (adb start-server)."
            )
        return parse_devices(res.stdout)

    def select(self, serial: str | None = None) -> Device:
        """Choose the device: the one given, or the only one attached; a clear error for every other case."""
        devs = self.devices()
        if serial:
            match = [d for d in devs if d.serial == serial]
            if not match:
                seen = ", ".join(d.serial for d in devs) or "none"
                raise DeviceError(
                    f"device {serial} is not attached (adb devices lists: {seen}); check the serial, or "
                    f"`adb connect {serial}` for a network device."
                )
            dev = match[0]
        elif not devs:
            raise DeviceError(
                "no Android device found (adb devices -l lists none): connect a phone with USB debugging enabled, "
                "or `adb connect HOST:PORT` for one on the network."
            )
        elif len(devs) > 1:
            listed = ", ".join(f"{d.serial} ({d.state})" for d in devs)
            raise DeviceError(f"several devices are attached ({listed}); choose one with --serial.")
        else:
            dev = devs[0]
        problem = state_problem(dev)
        if problem:
            raise DeviceError(problem)
        self.serial = dev.serial
        return dev

    def state(self) -> str:
        """The device's state now (``device``, ``offline``, ...), or ``gone`` when adb no longer lists it."""
        for d in self.devices():
            if d.serial == self.serial:
                return d.state
        return "gone"

    def shell(self, command: str, what: str, timeout: float = 60, check: bool = True) -> proc.Result:
        return self._run(["shell", command], what=what, timeout=timeout, check=check)

    def getprop(self, *keys: str) -> dict[str, str]:
        cmd = "; ".join(f"getprop {shlex.quote(k)}" for k in keys)
        res = self.shell(cmd, what="adb shell getprop")
        values = res.stdout.replace("\r", "").split("\n")
        return {k: (values[i].strip() if i < len(values) else "") for i, k in enumerate(keys)}

    def push(self, local: Path, remote: str, timeout: float = 300) -> None:
        self._run(["push", str(local), remote], what=f"adb push {local.name}", timeout=timeout)
