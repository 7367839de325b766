"""The new-user review's robustness fixes: an interrupted child gets the signal before a kill (proc.run), a
missing serial device fails at once (bench), and `package` warns (or with --strict refuses) over budget."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from analysis import tinymodels as tm

from edgekit.cli import main

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

# edgekit.proc.run driven as the CLI drives it: SIGTERM raises Terminated, exit codes 130 / 143
DRIVER = """
import sys
from edgekit.proc import Terminated, run, terminate_as_interrupt
terminate_as_interrupt()
try:
    run(["sh", "-c", sys.argv[1]])
except Terminated:
    sys.exit(143)
except KeyboardInterrupt:
    sys.exit(130)
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _drive(script: str, d: Path, sig: int) -> tuple[int, float]:
    """Run ``script`` under proc.run in a fresh Python, send ``sig`` to that Python alone once the script has
    written d/ready, and return its exit code and how long it took to exit after the signal."""
    p = subprocess.Popen([sys.executable, "-c", DRIVER, script], cwd=d, start_new_session=True,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while not (d / "ready").exists():
        assert p.poll() is None and time.monotonic() < deadline, "the child never became ready"
        time.sleep(0.02)
    os.kill(p.pid, sig)
    t0 = time.monotonic()
    code = p.wait(timeout=60)
    return code, time.monotonic() - t0


@linux_only
@pytest.mark.parametrize(("sig", "name", "code"), [(signal.SIGINT, "INT", 130), (signal.SIGTERM, "TERM", 143)])
def test_interrupted_child_gets_the_signal_and_cleans_up(sig: int, name: str, code: int, tmp_path: Path) -> None:
    # the child traps the signal, "cleans up" (writes a marker, removes its temp file) and exits by itself
    script = ("trap 'echo INT > got; rm -f tmpfile; exit 1' INT; trap 'echo TERM > got; rm -f tmpfile; exit 1' TERM; "
              "echo x > tmpfile; echo $$ > ready; while :; do sleep 0.05; done")
    rc, _ = _drive(script, tmp_path, sig)
    assert rc == code
    assert (tmp_path / "got").read_text().strip() == name, "the child must receive the same signal first"
    assert not (tmp_path / "tmpfile").exists(), "the child's own clean-up must have run"
    assert not _alive(int((tmp_path / "ready").read_text()))


@linux_only
def test_a_child_ignoring_the_signal_is_killed_with_its_children(tmp_path: Path) -> None:
    from edgekit.proc import GRACE_S

    # a stubborn child and a grandchild (which, in the background of sh, ignores SIGINT too)
    script = "trap '' INT TERM; sleep 300 & echo $! > grandchild; echo $$ > ready; wait"
    rc, took = _drive(script, tmp_path, signal.SIGINT)
    assert rc == 130
    assert took >= GRACE_S * 0.9, "the kill must wait for the grace period"
    time.sleep(0.3)
    assert not _alive(int((tmp_path / "ready").read_text())), "the child outlived edgekit"
    assert not _alive(int((tmp_path / "grandchild").read_text())), "the grandchild outlived edgekit"


# a Ctrl-C that lands while Python runs fork's callbacks, where a raised exception is printed as "ignored"
LOST_DURING_FORK = """
import os, signal, sys
from edgekit.proc import run, terminate_as_interrupt
terminate_as_interrupt()
fired = []
def _ctrl_c_once():
    if not fired:
        fired.append(True)
        os.kill(os.getpid(), signal.SIGINT)
os.register_at_fork(after_in_parent=_ctrl_c_once)
try:
    run(["sh", "-c", "echo $$ > child; sleep 30"])
except KeyboardInterrupt:
    sys.exit(130)
sys.exit(0)
"""


@linux_only
def test_a_ctrl_c_during_the_fork_is_not_lost(tmp_path: Path) -> None:
    """CI once saw verify finish with exit 0 after a Ctrl-C swallowed in logging's after-fork callback."""
    p = subprocess.run([sys.executable, "-c", LOST_DURING_FORK], cwd=tmp_path, capture_output=True, text=True,
                       timeout=60)
    assert p.returncode == 130, p.stderr
    assert "Traceback" not in p.stderr and "ignored" not in p.stderr, p.stderr
    time.sleep(0.3)
    pid_file = tmp_path / "child"  # absent when the child was stopped before its first command
    assert not (pid_file.exists() and _alive(int(pid_file.read_text()))), "the child outlived the interrupt"


@linux_only
def test_ctrl_c_to_edgekit_alone_during_verify_lets_gcc_remove_its_temp_files(tmp_path: Path) -> None:
    """Before the fix, SIGINT to edgekit alone (not its process group) SIGKILLed gcc, leaving cc*.s/cc*.o."""
    if shutil.which("gcc") is None:
        pytest.skip("host gcc is not installed")
    (tmp_path / "good.tflite").write_bytes(tm.tiny_cnn())
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    p = subprocess.Popen([sys.executable, "-m", "edgekit", "verify", str(tmp_path / "good.tflite")],
                         env={**os.environ, "TMPDIR": str(tmp)}, start_new_session=True,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    # interrupt when gcc has written a temp file into TMPDIR (beside verify's own work folder)
    while not any(f.name.startswith("cc") for f in tmp.iterdir()):
        assert p.poll() is None and time.monotonic() < deadline, "verify ended before gcc wrote a temp file"
        time.sleep(0.01)
    os.kill(p.pid, signal.SIGINT)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 130 and err.strip().endswith("interrupted"), err
    assert "Traceback" not in err
    assert sorted(f.name for f in tmp.iterdir()) == [], "gcc's temp files and verify's work folder must be gone"


# ---------------------------------------------------------------------------------------------- bench --port


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(argv)
        code = 0
    except SystemExit as e:
        code = int(e.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_a_missing_serial_device_fails_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from edgekit.bench.link import DeviceLink
    from edgekit.errors import EnvironmentError_

    missing = str(tmp_path / "ttyXYZ")
    t0 = time.monotonic()
    with pytest.raises(EnvironmentError_) as e:
        DeviceLink(missing, connect_timeout=10.0)
    assert time.monotonic() - t0 < 5.0, "a device path must not wait out the socket retry"
    assert str(e.value) == f"no serial device at {missing}; is the board plugged in? `ls /dev/ttyACM*`"
    (tmp_path / "good.tflite").write_bytes(tm.tiny_cnn())
    code, _, err = _run(["bench", str(tmp_path / "good.tflite"), "-t", "mps2-an386", "--port", missing], capsys)
    assert code == 2 and err.strip() == f"error: no serial device at {missing}; is the board plugged in? " \
        "`ls /dev/ttyACM*`", err


def test_a_socket_url_is_still_retried() -> None:
    import socket

    from edgekit.bench.link import DeviceLink
    from edgekit.errors import EnvironmentError_

    with socket.socket() as s:  # a port nobody listens on: bound, then closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    t0 = time.monotonic()
    with pytest.raises(EnvironmentError_, match=r"retried for 0\.5 s"):
        DeviceLink(f"socket://127.0.0.1:{port}", connect_timeout=0.5)
    assert time.monotonic() - t0 >= 0.5


def test_a_socket_that_opens_late_is_reached() -> None:
    import socket
    import threading

    from edgekit.bench.link import DeviceLink

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)

    def listen_later() -> None:
        time.sleep(0.3)  # as QEMU opens its serial socket a moment after it starts
        server.bind(("127.0.0.1", port))
        server.listen(1)

    t = threading.Thread(target=listen_later)
    t.start()
    try:
        with DeviceLink(f"socket://127.0.0.1:{port}", connect_timeout=10.0):
            pass
    finally:
        t.join()
        server.close()


# ---------------------------------------------------------------------------------------------- package budget


@pytest.fixture(scope="module")
def over(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("over")
    (d / "good.tflite").write_bytes(tm.tiny_cnn())
    # mps2-an386 with room for 11,000 B of RAM: the tiny CNN needs 11,456 B (check's estimate)
    (d / "small.toml").write_text('id = "small"\ninherit = "mps2-an386"\n[budget]\nram_bytes = 11000\n')
    return d


def _verdict(d: Path, capsys: pytest.CaptureFixture[str]) -> str:
    code, _, err = _run(["check", str(d / "good.tflite"), "-t", str(d / "small.toml"), "-q"], capsys)
    assert code == 1 and err.startswith("error: "), err
    return err.strip().removeprefix("error: ").rstrip(".")


def test_package_over_budget_warns_and_writes(over: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    verdict = _verdict(over, capsys)
    assert "over budget on ram by 456 bytes" in verdict
    code, out, err = _run(["package", str(over / "good.tflite"), "-t", str(over / "small.toml"), "-o",
                           str(tmp_path / "fw")], capsys)
    assert code == 0, err
    assert err.splitlines() == [f"warning: {verdict}; writing the project anyway (--strict refuses)."]
    assert (tmp_path / "fw" / "Makefile").is_file() and f"wrote {tmp_path / 'fw'}" in out


def test_package_strict_refuses_over_budget(over: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    verdict = _verdict(over, capsys)
    code, out, err = _run(["package", str(over / "good.tflite"), "-t", str(over / "small.toml"), "-o",
                           str(tmp_path / "fw"), "--strict"], capsys)
    assert code == 1
    assert err.strip() == f"error: {verdict}; --strict refuses to package it, nothing was written."
    assert "Traceback" not in err and out == ""
    assert list(tmp_path.iterdir()) == [], "--strict must write nothing"


def test_package_within_budget_is_silent_even_strict(over: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["package", str(over / "good.tflite"), "-t", "mps2-an386", "-o", str(tmp_path / "fw"),
                         "--strict"], capsys)
    assert code == 0 and err == ""
    assert (tmp_path / "fw" / "Makefile").is_file()
