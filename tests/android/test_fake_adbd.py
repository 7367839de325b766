"""The emulated device's transport, byte for byte, with a raw socket (what the adb server sees)."""

from __future__ import annotations

import socket
import struct
from pathlib import Path

from edgekit.android.testing.fake_adbd import (
    A_AUTH,
    A_CLSE,
    A_CNXN,
    A_OKAY,
    A_OPEN,
    A_VERSION,
    A_WRTE,
    HEADER,
    MAX_PAYLOAD,
    Behaviour,
    FakeAdbd,
)


def send(s: socket.socket, cmd: int, a0: int, a1: int, data: bytes = b"") -> None:
    s.sendall(HEADER.pack(cmd, a0, a1, len(data), sum(data) & 0xFFFFFFFF, cmd ^ 0xFFFFFFFF) + data)


def recv(s: socket.socket) -> tuple[int, int, int, bytes]:
    def exact(n: int) -> bytes:
        buf = b""
        while len(buf) < n:
            chunk = s.recv(n - len(buf))
            assert chunk, "device closed the connection"
            buf += chunk
        return buf

    cmd, a0, a1, n, check, magic = HEADER.unpack(exact(24))
    data = exact(n) if n else b""
    assert magic == cmd ^ 0xFFFFFFFF and check == sum(data) & 0xFFFFFFFF  # what an old-protocol host verifies
    return cmd, a0, a1, data


def connect(d: FakeAdbd, version: int = A_VERSION, maxdata: int = 1 << 20) -> socket.socket:
    s = socket.create_connection(("127.0.0.1", d.port), timeout=10)
    send(s, A_CNXN, version, maxdata, b"host::features=shell_v2,cmd\0")
    return s


def test_cnxn_negotiates_version_and_payload(tmp_path: Path) -> None:
    d = FakeAdbd(tmp_path).start()
    try:
        with connect(d, version=0x01000000, maxdata=4096) as s:  # an old host: checksummed, 4 KiB packets
            cmd, version, maxdata, banner = recv(s)
            assert (cmd, version, maxdata) == (A_CNXN, 0x01000000, 4096)
            assert banner.startswith(b"device::ro.product.name=edgekit_emu;")
            assert banner.endswith(b";features=shell_v2,fixed_push_mkdir")
        with connect(d) as s:
            assert recv(s)[:3] == (A_CNXN, A_VERSION, MAX_PAYLOAD)
    finally:
        d.stop()


def test_shell_v1_stream_flow_control(tmp_path: Path) -> None:
    d = FakeAdbd(tmp_path).start()
    try:
        with connect(d) as s:
            recv(s)
            send(s, A_OPEN, 7, 0, b"shell:echo hello && getprop ro.product.cpu.abi\0")
            cmd, local, remote, _ = recv(s)
            assert (cmd, remote) == (A_OKAY, 7)
            out = b""
            while True:
                cmd, a0, a1, data = recv(s)
                assert (a0, a1) == (local, 7)
                if cmd == A_CLSE:
                    break
                assert cmd == A_WRTE
                out += data
                send(s, A_OKAY, 7, local)  # one WRTE in flight: the device waits for this
            assert out == b"hello\narm64-v8a\n"
    finally:
        d.stop()


def test_shell_v2_exit_code_and_unknown_service(tmp_path: Path) -> None:
    d = FakeAdbd(tmp_path).start()
    try:
        with connect(d) as s:
            recv(s)
            send(s, A_OPEN, 3, 0, b"jdwp:1234\0")
            assert recv(s)[:3] == (A_CLSE, 0, 3)  # refused, as adbd refuses a service it lacks
            send(s, A_OPEN, 4, 0, b"shell,v2,raw:nosuchtool\0")
            _, local, _, _ = recv(s)
            packets = b""
            while True:
                cmd, _, _, data = recv(s)
                if cmd == A_CLSE:
                    break
                packets += data
                send(s, A_OKAY, 4, local)
            kinds = []
            while packets:
                kind, n = struct.unpack("<BI", packets[:5])
                kinds.append((kind, packets[5 : 5 + n]))
                packets = packets[5 + n :]
            assert kinds == [(2, b"/system/bin/sh: nosuchtool: inaccessible or not found\n"), (3, bytes([127]))]
    finally:
        d.stop()


def test_unauthorized_answers_with_auth_tokens(tmp_path: Path) -> None:
    d = FakeAdbd(tmp_path, behaviour=Behaviour(mode="unauthorized")).start()
    try:
        with connect(d) as s:
            cmd, kind, _, token = recv(s)
            assert (cmd, kind, len(token)) == (A_AUTH, 1, 20)
            send(s, A_AUTH, 2, 0, b"\0" * 256)  # a signature the device will not accept
            cmd, kind, _, token2 = recv(s)
            assert (cmd, kind) == (A_AUTH, 1) and token2 != token
    finally:
        d.stop()
