"""Fixtures for the C generator tests: single-op models and the digits models, built once per session."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def singleop_paths(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """{case id: .tflite} for every case of ``singleop_models.cases()`` (real TF converter, ~20 s)."""
    from .singleop_models import build_all

    return build_all(tmp_path_factory.mktemp("singleops"))


@pytest.fixture(scope="session")
def digits_paths(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The digits example as PTQ, QAT and PQAT int8 models (real TF-MOT training, one epoch per phase)."""
    sys.path.insert(0, str(REPO / "examples" / "digits"))
    try:
        from make_models import make_digits_models
    finally:
        sys.path.pop(0)
    return make_digits_models(tmp_path_factory.mktemp("digits"), epochs=1)
