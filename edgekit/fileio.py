"""Writing outputs so that an interrupted run leaves no half-written file and nothing is overwritten by accident."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from edgekit.errors import BadInputError, OutputExistsError


def _umask() -> int:
    # os.umask can only be read by setting it; restore it at once.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def default_mode(directory: bool = False) -> int:
    """The mode a plain ``open()``/``mkdir()`` would give: mkstemp/mkdtemp create 0600/0700, which would leave
    every output (reports, models, project folders) unreadable by anyone but the owner."""
    return (0o777 if directory else 0o666) & ~_umask()


def unwritable(path: Path, err: OSError) -> BadInputError:
    """One sentence for an output location the OS refuses (missing parent, read-only, a file in the way)."""
    blocker = next((q for q in path.parents if q.exists()), None)
    if blocker is not None and not blocker.is_dir():
        return BadInputError(f"cannot write {path}: {blocker} is a file, not a folder; choose another location.")
    reason = err.strerror or type(err).__name__
    return BadInputError(f"cannot write {path}: {reason[:1].lower() + reason[1:]}; choose a writable location.")


def check_writable(path: str | os.PathLike, force: bool) -> Path:
    """Refuse an existing output unless ``force``; return the path."""
    p = Path(path)
    if p.exists() and not force:
        raise OutputExistsError(f"{p} already exists; pass --force to overwrite it or choose another path.")
    # Commands call this before their slow work (a build, a QEMU run): refuse a location that cannot be created
    # now, not after minutes of measuring.
    ancestor = next((q for q in p.absolute().parents if q.exists()), None)
    if ancestor is not None and not (ancestor.is_dir() and os.access(ancestor, os.W_OK | os.X_OK)):
        raise unwritable(p, PermissionError(13, "Permission denied", str(ancestor)))
    return p


def write_bytes_atomic(path: str | os.PathLike, data: bytes, force: bool = True) -> Path:
    """Write to a temporary file beside ``path`` and rename it into place."""
    p = check_writable(path, force)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    except OSError as e:
        raise unwritable(p, e) from e
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, default_mode())
        os.replace(tmp, p)
    except OSError as e:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise unwritable(p, e) from e
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return p


def write_text_atomic(path: str | os.PathLike, text: str, force: bool = True) -> Path:
    return write_bytes_atomic(path, text.encode("utf-8"), force)


@contextlib.contextmanager
def atomic_directory(path: str | os.PathLike, force: bool = False) -> Iterator[Path]:
    """Yield a temporary directory; on success it replaces ``path`` whole, on error it is removed."""
    final = check_writable(path, force)
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent))
        os.chmod(tmp, default_mode(directory=True))
    except OSError as e:
        raise unwritable(final, e) from e
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if final.exists():
        old = final.with_name(f".{final.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(final, old)
        os.replace(tmp, final)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(tmp, final)
