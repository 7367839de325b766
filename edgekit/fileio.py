"""Writing outputs so that an interrupted run leaves no half-written file and nothing is overwritten by accident."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from edgekit.errors import OutputExistsError


def check_writable(path: str | os.PathLike, force: bool) -> Path:
    """Refuse an existing output unless ``force``; return the path."""
    p = Path(path)
    if p.exists() and not force:
        raise OutputExistsError(f"{p} already exists; pass --force to overwrite it or choose another path.")
    return p


def write_bytes_atomic(path: str | os.PathLike, data: bytes, force: bool = True) -> Path:
    """Write to a temporary file beside ``path`` and rename it into place."""
    p = check_writable(path, force)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, p)
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
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent))
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
