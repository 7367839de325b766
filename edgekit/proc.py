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


class _Interrupts:
    """Counts the SIGINT/SIGTERM edgekit's handlers turned into exceptions.

    Python runs fork's callbacks (logging's lock release) in a place where an exception is only printed as
    "ignored": a Ctrl-C landing there was lost and the run carried on. ``run`` compares the count across its
    fork and raises the lost interrupt itself."""

    def __init__(self) -> None:
        self.count = 0
        self._last: type[KeyboardInterrupt] = KeyboardInterrupt

    def handler(self, kind: type[KeyboardInterrupt]):
        def _raise(signum: int, frame: FrameType | None) -> None:
            self.count += 1
            self._last = kind
            raise kind()

        return _raise

    def raise_if_lost(self, seen: int) -> None:
        if self.count != seen:
            raise self._last()


_signals = _Interrupts()  # process-wide, as signal handlers are


def terminate_as_interrupt() -> None:
    """Make SIGTERM raise ``Terminated`` and SIGINT ``KeyboardInterrupt``, counted (the CLI calls this once)."""
    try:
        signal.signal(signal.SIGTERM, _signals.handler(Terminated))
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            signal.signal(signal.SIGINT, _signals.handler(KeyboardInterrupt))
    except ValueError:
        return  # not the main thread (edgekit embedded in another program): leave its signal handling alone
    previous = sys.unraisablehook

    def _quiet_interrupts(u: sys.UnraisableHookArgs) -> None:
        # an interrupt swallowed in a callback is raised again by ``run``; its "ignored" traceback is noise
        if not isinstance(u.exc_value, KeyboardInterrupt):
            previous(u)

    sys.unraisablehook = _quiet_interrupts


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
    seen = _signals.count
    try:
        # stdin is never the terminal: output is captured, so a prompt could only hang
        p = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             preexec_fn=_die_with_parent, **_OWN_GROUP)
    except FileNotFoundError as e:
        raise EnvironmentError_(f"{argv[0]} could not be started ({e.strerror}); install it or fix PATH.") from e
    with p:
        try:
            _signals.raise_if_lost(seen)
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
    # the group first: it also holds a grandchild forked after the tree was read (gcc starting `as`), which a
    # per-pid signal would miss and which would then write its cc*.o after gcc had cleaned up
    _signal_group(p.pid, sig)
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
        _signal_group(p.pid, signal.SIGKILL)
        for pid in [*_descendants(p.pid), *tree]:
            _signal(pid, signal.SIGKILL)
        if p.poll() is None:
            p.kill()
            p.wait()


# children of ``run`` lead their own process group, so ``stop`` can reach every process they start at once
_OWN_GROUP: dict[str, int] = {"process_group": 0} if os.name == "posix" else {}


def _signal_group(pid: int, sig: int) -> None:
    """Signal the process group ``pid`` led (a ``run`` child); nothing when there is no such group.

    Safe after ``pid`` itself is gone: Linux reuses no pid while a group of that id still has members."""
    if not _OWN_GROUP:
        return
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


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
    seen = _signals.count
    try:
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             preexec_fn=_die_with_parent)
    except FileNotFoundError as e:
        raise EnvironmentError_(f"{what or argv[0]} could not be started ({e.strerror}); install it or fix PATH.") from e
    try:
        _signals.raise_if_lost(seen)
    except BaseException:
        stop(p, signal.SIGTERM)
        raise
    return p


def _die_with_parent() -> None:
    """In the child, before exec: on Linux, get SIGTERM when edgekit dies, so no child outlives it."""
    import ctypes

    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
