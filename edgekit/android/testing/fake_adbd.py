"""A minimal device-side adb daemon on 127.0.0.1, reached by the real ``adb`` server with ``adb connect``.

It speaks the adb transport protocol as ``adbd`` does over TCP (the way an Android emulator or a phone on
Wi-Fi is reached): 24-byte message headers (command, arg0, arg1, length, checksum, magic), CNXN with version
and max-payload negotiation, AUTH (only when playing an unauthorized device), and OPEN/OKAY/WRTE/CLSE streams
with one unacknowledged WRTE at a time per stream, as the host expects. Services: ``shell:`` (v1) and
``shell,v2,...:`` (the host uses v2 because the banner advertises ``shell_v2``; it carries the exit code), and
``sync:`` with STAT, SEND (DATA/DONE), RECV, LIST and QUIT.

The shell understands the few commands a benchmark session needs (``chmod``, ``mkdir``, ``rm``, ``getprop``,
``echo``, ``taskset``, running a pushed file); running a pushed ``benchmark_model`` starts
``fake_benchmark_model`` in a subprocess, which runs the pushed model with LiteRT on the host and prints the
real tool's output format with real measured timings.

Behaviours for tests: ``unauthorized`` (answers CNXN with AUTH tokens and never accepts a key), ``silent``
(accepts the TCP connection and never answers: the host shows the device offline), and
``vanish_on_benchmark_run=N`` (drops the connection and stops listening when the N-th benchmark run starts).

Run it by hand: ``python -m edgekit.android.testing.fake_adbd --port 5555 --root /tmp/device`` then
``adb connect 127.0.0.1:5555``.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import shlex
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

A_SYNC = 0x434E5953
A_CNXN = 0x4E584E43
A_OPEN = 0x4E45504F
A_OKAY = 0x59414B4F
A_CLSE = 0x45534C43
A_WRTE = 0x45545257
A_AUTH = 0x48545541
A_VERSION = 0x01000001  # the host skips checksums from this version on; we still send correct ones
MAX_PAYLOAD = 256 * 1024
AUTH_TOKEN, AUTH_SIGNATURE, AUTH_RSAPUBLICKEY = 1, 2, 3
HEADER = struct.Struct("<6I")

# Only what we implement: shell_v2 gives exit codes; fixed_push_mkdir says SEND creates parent folders.
FEATURES = ("shell_v2", "fixed_push_mkdir")

# shell protocol v2 packet ids
SHELL_STDIN, SHELL_STDOUT, SHELL_STDERR, SHELL_EXIT, SHELL_CLOSE_STDIN, SHELL_WINDOW = 0, 1, 2, 3, 4, 5

DEFAULT_PROPS = {
    "ro.product.name": "edgekit_emu",
    "ro.product.model": "Edgekit_Emulated_Arm64",
    "ro.product.device": "emu64a",
    "ro.product.cpu.abi": "arm64-v8a",
    "ro.build.version.sdk": "34",
    "ro.build.version.release": "14",
}


def checksum(data: bytes) -> int:
    return sum(data) & 0xFFFFFFFF


@dataclass
class Behaviour:
    """How the emulated device acts. ``mode``: ``device`` | ``unauthorized`` | ``silent``."""

    mode: str = "device"
    vanish_on_benchmark_run: int | None = None  # 1-based index of the benchmark run during which to vanish
    props: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_PROPS))


class ConnectionGone(Exception):
    pass


class Stream:
    """One OPEN'ed service: an inbound byte buffer and a writer that waits for each WRTE's OKAY."""

    def __init__(self, conn: Connection, local_id: int, remote_id: int) -> None:
        self.conn, self.local_id, self.remote_id = conn, local_id, remote_id
        self._buf = bytearray()
        self._cv = threading.Condition()
        self._acked = threading.Event()
        self.closed = False

    # inbound (host -> device)
    def feed(self, data: bytes) -> None:
        with self._cv:
            self._buf += data
            self._cv.notify_all()

    def read_exact(self, n: int) -> bytes:
        with self._cv:
            while len(self._buf) < n:
                if self.closed:
                    raise ConnectionGone("stream closed")
                self._cv.wait(1.0)
            out = bytes(self._buf[:n])
            del self._buf[:n]
            return out

    def ack(self) -> None:
        self._acked.set()

    def host_closed(self) -> None:
        with self._cv:
            self.closed = True
            self._cv.notify_all()
        self._acked.set()

    # outbound (device -> host)
    def write(self, data: bytes) -> None:
        step = self.conn.max_payload
        for i in range(0, len(data), step):
            if self.closed:
                raise ConnectionGone("stream closed by host")
            self._acked.clear()
            self.conn.send(A_WRTE, self.local_id, self.remote_id, data[i : i + step])
            deadline = time.monotonic() + 60
            while not self._acked.wait(0.5):
                if self.conn.dead or time.monotonic() > deadline:
                    raise ConnectionGone("no OKAY from host")

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            with contextlib.suppress(OSError, ConnectionGone):
                self.conn.send(A_CLSE, self.local_id, self.remote_id, b"")
        self.conn.forget(self.local_id)


class Connection:
    """One TCP connection from the adb server: the transport."""

    def __init__(self, daemon: FakeAdbd, sock: socket.socket) -> None:
        self.daemon, self.sock = daemon, sock
        self.max_payload = 4096
        self.dead = False
        self._send_lock = threading.Lock()
        self._streams: dict[int, Stream] = {}
        self._next_id = 1
        self.online = False

    def send(self, cmd: int, arg0: int, arg1: int, data: bytes) -> None:
        if self.dead:
            raise ConnectionGone("connection closed")
        header = HEADER.pack(cmd, arg0, arg1, len(data), checksum(data), cmd ^ 0xFFFFFFFF)
        with self._send_lock:
            try:
                self.sock.sendall(header + data)
            except OSError as e:
                self.dead = True
                raise ConnectionGone(str(e)) from e

    def _recv_exact(self, n: int) -> bytes:
        out = bytearray()
        while len(out) < n:
            chunk = self.sock.recv(n - len(out))
            if not chunk:
                raise ConnectionGone("peer closed")
            out += chunk
        return bytes(out)

    def forget(self, local_id: int) -> None:
        self._streams.pop(local_id, None)

    def kill(self) -> None:
        """Drop the TCP connection abruptly, as a phone does when its cable is pulled."""
        self.dead = True
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            self.sock.close()
        for s in list(self._streams.values()):
            s.host_closed()

    def run(self) -> None:
        try:
            while not self.dead:
                cmd, arg0, arg1, length, _check, magic = HEADER.unpack(self._recv_exact(HEADER.size))
                if magic != cmd ^ 0xFFFFFFFF:
                    log.warning("bad magic from host; dropping the connection")
                    break
                data = self._recv_exact(length) if length else b""
                self._dispatch(cmd, arg0, arg1, data)
        except (ConnectionGone, OSError):
            pass
        finally:
            self.kill()

    def _banner(self) -> bytes:
        props = ";".join(f"{k}={v}" for k, v in self.daemon.behaviour.props.items() if k.startswith("ro.product."))
        return f"device::{props};features={','.join(FEATURES)}".encode()

    def _dispatch(self, cmd: int, arg0: int, arg1: int, data: bytes) -> None:
        mode = self.daemon.behaviour.mode
        if cmd == A_CNXN:
            if mode == "silent":
                return
            self.max_payload = max(4096, min(arg1, MAX_PAYLOAD))
            if mode == "unauthorized":
                self.send(A_AUTH, AUTH_TOKEN, 0, os.urandom(20))
                return
            self.online = True
            self.send(A_CNXN, min(arg0, A_VERSION), self.max_payload, self._banner())
        elif cmd == A_AUTH:
            # An unauthorized device rejects every signature with a new token and, given the public key, waits
            # forever for the user to tap "Allow" on the phone.
            if arg0 == AUTH_SIGNATURE:
                self.send(A_AUTH, AUTH_TOKEN, 0, os.urandom(20))
        elif not self.online:
            return
        elif cmd == A_OPEN:
            service = data.rstrip(b"\0").decode("utf-8", "replace")
            handler = self.daemon.handler_for(service)
            if handler is None:
                self.send(A_CLSE, 0, arg0, b"")
                return
            local_id = self._next_id
            self._next_id += 1
            stream = Stream(self, local_id, arg0)
            self._streams[local_id] = stream
            self.send(A_OKAY, local_id, arg0, b"")
            threading.Thread(target=self._serve, args=(handler, stream, service), daemon=True).start()
        elif cmd == A_OKAY:
            s = self._streams.get(arg1)
            if s:
                s.ack()
        elif cmd == A_WRTE:
            s = self._streams.get(arg1)
            if s is None:
                self.send(A_CLSE, 0, arg0, b"")
                return
            s.feed(data)
            self.send(A_OKAY, arg1, arg0, b"")
        elif cmd == A_CLSE:
            s = self._streams.pop(arg1, None)
            if s:
                s.host_closed()

    def _serve(self, handler: Callable[[Stream, str], None], stream: Stream, service: str) -> None:
        try:
            handler(stream, service)
        except ConnectionGone:
            pass
        except Exception:  # a bug in the emulator must not hang the host: close the stream
            log.exception("service %r failed", service)
        finally:
            stream.close()


class FakeAdbd:
    """The daemon: a listening socket on 127.0.0.1 and a folder that plays the device's file system."""

    def __init__(self, root: str | os.PathLike, port: int = 0, behaviour: Behaviour | None = None) -> None:
        self.root = Path(root)
        (self.root / "data/local/tmp").mkdir(parents=True, exist_ok=True)
        self.behaviour = behaviour or Behaviour()
        self._lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._lsock.bind(("127.0.0.1", port))
        self._lsock.listen(8)
        self.port = self._lsock.getsockname()[1]
        self._conns: list[Connection] = []
        self._stopped = False
        self.benchmark_runs = 0
        self.commands: list[str] = []  # every shell command line received, for tests
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)

    @property
    def serial(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> FakeAdbd:
        self._thread.start()
        return self

    def _accept_loop(self) -> None:
        while not self._stopped:
            try:
                sock, _ = self._lsock.accept()
            except OSError:
                return
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            conn = Connection(self, sock)
            self._conns.append(conn)
            threading.Thread(target=conn.run, daemon=True).start()

    def vanish(self) -> None:
        """Disappear: stop listening (so the host's reconnects fail) and drop every connection."""
        self._stopped = True
        with contextlib.suppress(OSError):
            self._lsock.close()
        for c in self._conns:
            c.kill()

    stop = vanish

    def device_path(self, path: str) -> Path:
        """Map an absolute device path into the root folder (``..`` cannot escape it)."""
        parts = [p for p in Path("/" + path.lstrip("/")).parts[1:] if p not in ("", ".", "..")]
        return self.root.joinpath(*parts)

    def handler_for(self, service: str) -> Callable[[Stream, str], None] | None:
        if service.startswith("shell"):
            return self._shell
        if service == "sync:":
            return self._sync
        return None

    # --- shell ---------------------------------------------------------------------------------------
    def _shell(self, stream: Stream, service: str) -> None:
        head, _, command = service.partition(":")
        v2 = "v2" in head.split(",")[1:]

        def emit(kind: int, data: bytes) -> None:
            if not data:
                return
            if v2:
                stream.write(struct.pack("<BI", kind, len(data)) + data)
            else:
                stream.write(data)

        if v2:  # drain stdin packets in the background; a benchmark reads no input
            threading.Thread(target=self._drain, args=(stream,), daemon=True).start()
        rc = FakeShell(self, emit).run(command)
        if v2:
            stream.write(struct.pack("<BI", SHELL_EXIT, 1) + bytes([rc & 0xFF]))

    @staticmethod
    def _drain(stream: Stream) -> None:
        with contextlib.suppress(ConnectionGone):
            while True:
                kind, n = struct.unpack("<BI", stream.read_exact(5))
                stream.read_exact(n)
                if kind == SHELL_CLOSE_STDIN:
                    return

    # --- sync ----------------------------------------------------------------------------------------
    def _sync(self, stream: Stream, service: str) -> None:
        while True:
            ident, n = struct.unpack("<4sI", stream.read_exact(8))
            if ident == b"QUIT":
                return
            if ident not in (b"STAT", b"SEND", b"RECV", b"LIST"):
                msg = f"unknown sync request {ident!r}".encode()
                stream.write(b"FAIL" + struct.pack("<I", len(msg)) + msg)
                return
            path = stream.read_exact(n).decode("utf-8", "replace")
            if ident == b"STAT":
                self._sync_stat(stream, path)
            elif ident == b"SEND":
                self._sync_send(stream, path)
            elif ident == b"RECV":
                self._sync_recv(stream, path)
            else:
                self._sync_list(stream, path)

    def _sync_stat(self, stream: Stream, path: str) -> None:
        p = self.device_path(path)
        if p.exists():
            st = p.stat()
            stream.write(b"STAT" + struct.pack("<III", st.st_mode, st.st_size & 0xFFFFFFFF, int(st.st_mtime)))
        else:
            stream.write(b"STAT" + struct.pack("<III", 0, 0, 0))

    def _sync_send(self, stream: Stream, spec: str) -> None:
        path, _, mode_s = spec.rpartition(",")
        mode = int(mode_s) if mode_s.isdigit() else 0o644
        data = bytearray()
        while True:
            ident, n = struct.unpack("<4sI", stream.read_exact(8))
            if ident == b"DATA":
                data += stream.read_exact(n)
            elif ident == b"DONE":
                break
            else:
                msg = f"unexpected {ident!r} during SEND".encode()
                stream.write(b"FAIL" + struct.pack("<I", len(msg)) + msg)
                return
        target = self.device_path(path)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(bytes(data))
            os.chmod(target, mode & 0o777)
        except OSError as e:
            msg = f"{path}: {e.strerror}".encode()
            stream.write(b"FAIL" + struct.pack("<I", len(msg)) + msg)
            return
        stream.write(b"OKAY" + struct.pack("<I", 0))

    def _sync_recv(self, stream: Stream, path: str) -> None:
        p = self.device_path(path)
        if not p.is_file():
            msg = f"remote object '{path}' does not exist".encode()
            stream.write(b"FAIL" + struct.pack("<I", len(msg)) + msg)
            return
        data = p.read_bytes()
        for i in range(0, len(data), 64 * 1024):
            chunk = data[i : i + 64 * 1024]
            stream.write(b"DATA" + struct.pack("<I", len(chunk)) + chunk)
        stream.write(b"DONE" + struct.pack("<I", 0))

    def _sync_list(self, stream: Stream, path: str) -> None:
        p = self.device_path(path)
        if p.is_dir():
            for child in sorted(p.iterdir()):
                st = child.stat()
                name = child.name.encode()
                stream.write(
                    b"DENT" + struct.pack("<IIII", st.st_mode, st.st_size, int(st.st_mtime), len(name)) + name
                )
        stream.write(b"DONE" + struct.pack("<IIII", 0, 0, 0, 0))


class FakeShell:
    """Runs one command line: commands joined by ``;``, ``&&`` or ``||``; no pipes, no redirection."""

    def __init__(self, daemon: FakeAdbd, emit: Callable[[int, bytes], None]) -> None:
        self.d, self.emit = daemon, emit

    def out(self, text: str) -> None:
        self.emit(1, text.encode())

    def err(self, text: str) -> None:
        self.emit(2, text.encode())

    def run(self, line: str) -> int:
        self.d.commands.append(line)
        lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|")
        lexer.whitespace_split = True
        try:
            tokens = list(lexer)
        except ValueError as e:
            self.err(f"/system/bin/sh: syntax error: {e}\n")
            return 2
        rc, op, cmd = 0, ";", []
        for tok in [*tokens, ";"]:
            if tok in (";", "&&", "||"):
                if cmd and (op == ";" or (op == "&&") == (rc == 0)):
                    rc = self.run_one(cmd)
                op, cmd = tok, []
            else:
                cmd.append(tok)
        return rc

    def run_one(self, argv: list[str]) -> int:
        name, args = argv[0], argv[1:]
        if name == "echo":
            self.out(" ".join(args) + "\n")
            return 0
        if name == "true":
            return 0
        if name == "getprop":
            props = self.d.behaviour.props
            if args:
                self.out(props.get(args[0], "") + "\n")
            else:
                self.out("".join(f"[{k}]: [{v}]\n" for k, v in props.items()))
            return 0
        if name == "mkdir":
            for a in (a for a in args if not a.startswith("-")):
                self.d.device_path(a).mkdir(parents=True, exist_ok=True)
            return 0
        if name == "rm":
            for a in (a for a in args if not a.startswith("-")):
                p = self.d.device_path(a)
                if p.is_file():
                    p.unlink()
                elif "-f" not in args:
                    self.err(f"rm: {a}: No such file or directory\n")
                    return 1
            return 0
        if name == "chmod":
            if len(args) < 2:
                self.err("chmod: Needs 2 arguments\n")
                return 1
            mode = int(args[0], 8) if args[0].isdigit() else None
            for a in args[1:]:
                p = self.d.device_path(a)
                if not p.exists():
                    self.err(f"chmod: {a}: No such file or directory\n")
                    return 1
                os.chmod(p, mode if mode is not None else p.stat().st_mode | 0o111)
            return 0
        if name == "taskset":
            if len(args) < 2:
                self.err("usage: taskset [-ap] [mask] [PID | cmd [args...]]\n")
                return 1
            try:
                int(args[0], 16)
            except ValueError:
                self.err(f"taskset: bad mask '{args[0]}'\n")
                return 1
            # The host's CPUs are not the phone's: the mask is checked, not applied.
            return self.run_one(args[1:])
        if "/" in name:
            return self.exec_file(name, args)
        self.err(f"/system/bin/sh: {name}: inaccessible or not found\n")
        return 127

    def exec_file(self, name: str, args: list[str]) -> int:
        p = self.d.device_path(name)
        if not p.is_file():
            self.err(f"/system/bin/sh: {name}: inaccessible or not found\n")
            return 127
        if not os.access(p, os.X_OK):
            self.err(f"/system/bin/sh: {name}: can't execute: Permission denied\n")
            return 126
        if "benchmark_model" not in p.name:
            self.err(f"/system/bin/sh: {name}: the emulated device runs only benchmark_model\n")
            return 126
        self.d.benchmark_runs += 1
        if self.d.behaviour.vanish_on_benchmark_run == self.d.benchmark_runs:
            self.d.vanish()
            raise ConnectionGone("vanished on purpose")
        return self.run_benchmark(args)

    def run_benchmark(self, args: list[str]) -> int:
        env = dict(os.environ, EK_FAKE_DEVICE_ROOT=str(self.d.root))
        proc = subprocess.Popen(
            [sys.executable, "-m", "edgekit.android.testing.fake_benchmark_model", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
        )
        assert proc.stdout is not None
        try:
            for line in proc.stdout:
                self.emit(1, line)
        except ConnectionGone:
            proc.kill()
            raise
        finally:
            proc.wait()
        return proc.returncode


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Emulated Android device (adb over TCP) for edgekit tests.")
    ap.add_argument("--port", type=int, default=5555)
    ap.add_argument("--root", required=True, help="folder that plays the device's file system")
    ap.add_argument("--mode", choices=["device", "unauthorized", "silent"], default="device")
    ap.add_argument("--vanish-on-benchmark-run", type=int, default=None)
    a = ap.parse_args(argv)
    d = FakeAdbd(a.root, a.port, Behaviour(mode=a.mode, vanish_on_benchmark_run=a.vanish_on_benchmark_run))
    d.start()
    print(f"emulated device listening on {d.serial}; run: adb connect {d.serial}", flush=True)
    try:
        while not d._stopped:
            time.sleep(0.5)
    except KeyboardInterrupt:
        d.stop()


if __name__ == "__main__":
    main()
