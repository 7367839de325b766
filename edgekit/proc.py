"""Every external command goes through here: the exact argv is logged, and a dry run only prints it."""

from __future__ import annotations

import logging
import shlex
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass

from edgekit.errors import EnvironmentError_

log = logging.getLogger("edgekit.proc")


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
        cp = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=timeout, input=input)
    except FileNotFoundError as e:
        raise EnvironmentError_(f"{argv[0]} could not be started ({e.strerror}); install it or fix PATH.") from e
    except subprocess.TimeoutExpired as e:
        raise EnvironmentError_(f"{what or argv[0]} did not finish within {timeout:g} s.") from e
    res = Result(argv, cp.returncode, cp.stdout, cp.stderr)
    if check and cp.returncode != 0:
        tail = (cp.stderr or cp.stdout).strip().splitlines()[-12:]
        detail = "\n".join(tail)
        raise EnvironmentError_(f"{what or argv[0]} failed with exit code {cp.returncode}:\n{detail}")
    return res


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
    """In the child, before exec: on Linux, get SIGTERM when edgekit dies, so no emulator outlives it."""
    import ctypes
    import signal
    import sys

    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
