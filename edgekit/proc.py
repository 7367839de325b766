"""Every external command goes through here: the exact argv is logged, and a dry run only prints it.

Interruptions: a Ctrl-C (or a SIGTERM, see ``terminate_as_interrupt``) while a child runs is passed on to the
child and its own children first, as a terminal would, and they get ``GRACE_S`` seconds to clean up (gcc
deletes its ``cc*.o`` temp files, make its half-built target) before a kill. No child outlives edgekit: the
kill follows the grace period, and on Linux every child also gets SIGTERM when edgekit dies.
"""

from __future__ import annotations

import logging
import os
import shlex
import shutil
import signal
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from types import FrameType

from edgekit.errors import EnvironmentError_

log = logging.getLogger("edgekit.proc")
GRACE_S = 3.0  # how long an interrupted child may take to clean up before it is killed


class Terminated(KeyboardInterrupt):
    """edgekit received SIGTERM: unwinds like Ctrl-C, so work folders are removed and children stopped."""


def terminate_as_interrupt() -> None:
    """Make SIGTERM raise ``Terminated`` in the main thread (the CLI calls this once at start-up)."""

    def _raise(signum: int, frame: FrameType | None) -> None:
        raise Terminated()

    try:
        signal.signal(signal.SIGTERM, _raise)
    except ValueError:
        pass  # not the main thread (edgekit embedded in another program): leave its signal handling alone


@dataclass(frozen=True)
class Result:
    argv: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str


def require_tool(name: str, hint: str) -> str:
    """Path of ``name`` on PATH, or a clear error saying how to get it."""
    path = shutil.which(name)
    if path is None:
        raise EnvironmentError_(f"{name} was not found on PATH; {hint}")
    return path


def run(
    argv: Sequence[str],
    *,
    cwd: str | None = None,
    dry_run: bool = False,
    check: bool = True,
    timeout: float | None = None,
    input: str | None = None,
    what: str | None = None,
) -> Result:
    """Run ``argv`` and capture its output; raise ``EnvironmentError_`` naming ``what`` when it fails."""
    argv = tuple(str(a) for a in argv)
    log.info("$ %s", shlex.join(argv))
    if dry_run:
        print(shlex.join(argv))
        return Result(argv, 0, "", "")
    try:
        # stdin is never the terminal: output is captured, so a prompt could only hang
        p = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             preexec_fn=_die_with_parent)
    except FileNotFoundError as e:
        raise EnvironmentError_(f"{argv[0]} could not be started ({e.strerror}); install it or fix PATH.") from e
    with p:
        try:
            out, err = p.communicate(input, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            stop(p, signal.SIGTERM)
            raise EnvironmentError_(f"{what or argv[0]} did not finish within {timeout:g} s.") from e
        except BaseException as e:
            # Ctrl-C or SIGTERM reached edgekit (and perhaps not the child): pass it on, then wait a little
            stop(p, signal.SIGTERM if isinstance(e, Terminated) else signal.SIGINT)
            raise
    res = Result(argv, p.returncode, out, err)
    if check and p.returncode != 0:
        tail = (err or out).strip().splitlines()[-12:]
        detail = "\n".join(tail)
        raise EnvironmentError_(f"{what or argv[0]} failed with exit code {p.returncode}:\n{detail}")
    return res


def stop(p: subprocess.Popen, sig: int = signal.SIGTERM, grace: float = GRACE_S) -> None:
    """Send ``sig`` to ``p`` and its descendants, give them ``grace`` s to exit, then kill what is left.

    A second Ctrl-C during the grace period kills at once."""
    tree = [p.pid, *_descendants(p.pid)]
    if p.poll() is not None:
        return
    for pid in tree:
        _signal(pid, sig)
    try:
        try:
            p.communicate(timeout=grace)  # drain the pipes, so a child writing its last words cannot block
        except (ValueError, OSError):
            p.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        log.info("%s did not exit within %g s of signal %d; killing it", p.args, grace, sig)
    finally:
        # the kill also covers grandchildren that outlived their parent (make's compilers, gcc's cc1)
        for pid in [*_descendants(p.pid), *tree]:
            _signal(pid, signal.SIGKILL)
        if p.poll() is None:
            p.kill()
            p.wait()


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass  # already gone (or its pid reused by someone else's process)


def _descendants(pid: int) -> list[int]:
    """Live descendants of ``pid`` (Linux: read from /proc; elsewhere none are known)."""
    if not sys.platform.startswith("linux"):
        return []
    children: dict[int, list[int]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    for name in entries:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", encoding="ascii", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            children.setdefault(int(fields[1]), []).append(int(name))
    found: list[int] = []
    todo = [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            found.append(c)
            todo.append(c)
    return found


def start(argv: Sequence[str], *, dry_run: bool = False, what: str | None = None) -> subprocess.Popen | None:
    """Start a long-running ``argv`` (an emulator) in the background; logged like ``run``. None on a dry run."""
    argv = tuple(str(a) for a in argv)
    log.info("$ %s &", shlex.join(argv))
    if dry_run:
        print(shlex.join(argv))
        return None
    try:
        return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                preexec_fn=_die_with_parent)
    except FileNotFoundError as e:
        raise EnvironmentError_(f"{what or argv[0]} could not be started ({e.strerror}); install it or fix PATH.") from e


def _die_with_parent() -> None:
    """In the child, before exec: on Linux, get SIGTERM when edgekit dies, so no child outlives it."""
    import ctypes

    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
