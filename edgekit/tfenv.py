"""Importing TensorFlow the way every training/conversion step needs it: legacy Keras, and without its noise.

TensorFlow's C++ start-up prints oneDNN and CUDA notices through absl before any log level applies
(TF_CPP_MIN_LOG_LEVEL does not reach them). A CLI user sees them as errors, so the first import runs with
file descriptor 2 captured; the capture is replayed when the import fails (or with EDGEKIT_DEBUG set), so a real
problem is never hidden.
"""

from __future__ import annotations

import os
import sys
import tempfile
from types import ModuleType


def import_tensorflow() -> ModuleType:
    """Import and return ``tensorflow`` with TF_USE_LEGACY_KERAS=1 (TF-MOT needs tf_keras models)."""
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if "tensorflow" in sys.modules:
        return sys.modules["tensorflow"]
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as capture:
        os.dup2(capture.fileno(), 2)
        failed = True
        try:
            import tensorflow

            failed = False
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            if failed or os.environ.get("EDGEKIT_DEBUG"):
                capture.seek(0)
                sys.stderr.write(capture.read().decode("utf-8", "replace"))
                sys.stderr.flush()
    return tensorflow
