"""What the benchmark scripts share: the repository root and the MLPerf Tiny reference models.

The scripts run as files (``.venv/bin/python benchmarks/x.py``) and tests load some of them by path, so they import
this module with ``benchmarks/`` put on ``sys.path`` for the import only.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# The shared models folder beside the checkout, or EDGEKIT_SHARED_MODELS (as tests/conftest.py reads it).
MLPERF_DIR = Path(os.environ.get("EDGEKIT_SHARED_MODELS", REPO.parent / "shared" / "models")) / "mlperf-tiny"
MLPERF_FILES = {
    "kws": "kws_ref_model.tflite",
    "vww": "vww_96_int8.tflite",
    "ic": "pretrainedResnet_quant.tflite",
    "ad": "ad01_int8.tflite",
}
