"""Shared fixtures. Tests that need the reference models skip with a reason when ../shared/models is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

REPO = Path(__file__).resolve().parents[1]
SHARED_MODELS = Path(os.environ.get("EDGEKIT_SHARED_MODELS", REPO.parent / "shared" / "models"))
MLPERF = SHARED_MODELS / "mlperf-tiny"
MLPERF_MODELS = {
    "kws": "kws_ref_model.tflite",
    "vww": "vww_96_int8.tflite",
    "ic": "pretrainedResnet_quant.tflite",
    "ad": "ad01_int8.tflite",
}


@pytest.fixture(scope="session")
def mlperf_dir() -> Path:
    if not MLPERF.is_dir():
        pytest.skip(f"reference models not found at {MLPERF} (clone beside ../shared to run these)")
    return MLPERF


def mlperf_model(key: str) -> Path:
    """Path of one MLPerf Tiny model, or skip the calling test with the reason."""
    p = MLPERF / MLPERF_MODELS[key]
    if not p.is_file():
        pytest.skip(f"reference model {p} not found (needs ../shared/models beside the checkout)")
    return p
