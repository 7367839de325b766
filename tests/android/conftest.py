"""Fixtures for the Android tests: a private adb server per test and emulated devices it reaches over TCP.

The real Debian ``adb`` client and server are used. Each test gets its own server on a free port
(``ADB_SERVER_SOCKET``/``ANDROID_ADB_SERVER_PORT``), with HOME pointing at a session folder so the RSA key adb
creates never lands in the user's ~/.android; the server is killed (``adb kill-server``, same environment) at the
end. A user's own adb server is never touched.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from edgekit.android.testing.fake_adbd import Behaviour, FakeAdbd

from .tinyfc import tiny_fc

ADB = shutil.which("adb")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class AdbServer:
    env: dict[str, str]
    root: Path
    devices: list[FakeAdbd] = field(default_factory=list)

    def adb(self, *args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
        assert ADB is not None
        return subprocess.run(
            [ADB, *args], env=self.env, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
        )

    def device(self, connect: bool = True, **behaviour: object) -> FakeAdbd:
        d = FakeAdbd(self.root / f"device{len(self.devices)}", behaviour=Behaviour(**behaviour)).start()  # type: ignore[arg-type]
        self.devices.append(d)
        if connect:
            self.adb("connect", d.serial)
        return d

    def state_of(self, serial: str) -> str:
        for line in self.adb("devices").stdout.splitlines()[1:]:
            parts = line.split()
            if parts and parts[0] == serial:
                return parts[1]
        return "gone"

    def wait_state(self, serial: str, state: str, timeout: float = 10) -> None:
        end = time.monotonic() + timeout
        while self.state_of(serial) != state:
            if time.monotonic() > end:
                raise AssertionError(f"{serial} never reached state {state}: {self.adb('devices').stdout}")
            time.sleep(0.1)


@pytest.fixture(scope="session")
def adb_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("adb-home")


@pytest.fixture
def adb_server(adb_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AdbServer]:
    if ADB is None:
        pytest.skip("adb not installed (Debian package 'adb'; `make setup` installs it)")
    port = free_port()
    env_vars = {
        "ADB_SERVER_SOCKET": f"tcp:localhost:{port}",
        "ANDROID_ADB_SERVER_PORT": str(port),
        "HOME": str(adb_home),
        "ANDROID_SDK_HOME": str(adb_home),
        "ANDROID_USER_HOME": str(adb_home / ".android"),
        "ADB_MDNS": "0",
    }
    for k, v in env_vars.items():
        monkeypatch.setenv(k, v)  # edgekit's adb calls inherit the environment
    server = AdbServer(env=dict(os.environ), root=tmp_path)
    started = server.adb("start-server")
    assert started.returncode == 0, started.stderr
    try:
        yield server
    finally:
        server.adb("kill-server")
        for d in server.devices:
            d.stop()


@pytest.fixture
def tiny_model(tmp_path: Path) -> Path:
    p = tmp_path / "tiny_fc.tflite"
    p.write_bytes(tiny_fc())
    return p


@pytest.fixture
def fake_binary(tmp_path: Path) -> Path:
    """Stands for the downloaded benchmark_model (the emulated device runs LiteRT in its place)."""
    p = tmp_path / "benchmark_model"
    p.write_bytes(b"\x7fELF" + b"\0" * 60)
    return p
