"""Fixtures for the C generator tests: single-op models and the digits models, built once.

Both are real TF converter output (and real TF-MOT training for digits), which takes a minute on 2 cores. They
are cached under the system temp dir keyed by a hash of the code that builds them plus the TensorFlow version,
so a later run of the suite reuses them and any change to a builder rebuilds.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import shutil
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


def _cache_dir(kind: str, sources: Iterable[Path]) -> Path:
    h = hashlib.sha256(importlib.metadata.version("tensorflow").encode())
    for src in sorted(sources):
        h.update(src.read_bytes())
    return Path(tempfile.gettempdir()) / "edgekit-test-cache" / f"{kind}-{h.hexdigest()[:16]}"


def _cached(kind: str, sources: Iterable[Path], names: list[str] | None, build) -> Path:  # noqa: ANN001
    """The cache folder for ``kind``; ``build(tmp)`` fills a fresh folder that is then renamed into place."""
    final = _cache_dir(kind, sources)
    if final.is_dir() and (names is None or all((final / n).is_file() for n in names)):
        return final
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{kind}-", dir=final.parent))
    build(tmp)
    try:
        tmp.rename(final)  # atomic; another session may have won the race, which is fine
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
    return final


@pytest.fixture(scope="session")
def singleop_paths() -> dict[str, Path]:
    """{case id: .tflite} for every case of ``singleop_models.cases()`` (real TF converter)."""
    from .singleop_models import build_all, cases

    names = [f"{c.id}.tflite" for c in cases()]
    folder = _cached("singleops", [HERE / "singleop_models.py"], names, build_all)
    return build_all(folder)  # every file exists: this only lists them


@pytest.fixture(scope="session")
def digits_paths() -> dict[str, Path]:
    """The digits example as PTQ, QAT and PQAT int8 models (real TF-MOT training, one epoch per phase)."""
    sys.path.insert(0, str(REPO / "examples" / "digits"))
    try:
        from make_models import NAMES, make_digits_models
    finally:
        sys.path.pop(0)
    sources = [*sorted((REPO / "examples" / "digits").glob("*.py")), *sorted((REPO / "edgekit" / "compress").glob("*.py")),
               REPO / "converters" / "keras_to_tflite.py"]
    folder = _cached("digits", sources, list(NAMES.values()), lambda tmp: make_digits_models(tmp, epochs=1))
    return {key: folder / name for key, name in NAMES.items()}
