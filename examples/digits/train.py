"""Train the float digits model and save it: ``python examples/digits/train.py [OUT.keras] [EPOCHS]``."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

HERE = Path(__file__).resolve().parent
DATA = f"{HERE / 'data.py'}:load"
MODEL = f"{HERE / 'model.py'}:build_model"
STUDENT = f"{HERE / 'model.py'}:build_student"


def train_float(epochs: int = 30, seed: int = 0, progress: bool = True) -> tuple[Any, float]:
    """The trained float model and its validation accuracy."""
    from edgekit.compress.data import import_object, load_data
    from edgekit.compress.train import accuracy, fit

    data = load_data(DATA)
    model = import_object(MODEL)(seed)
    fit(model, data, label="float digits", epochs=epochs, batch_size=32, learning_rate=1e-2, seed=seed,
        progress=progress)
    return model, accuracy(model, data.x_val, data.y_val)


def main(argv: list[str]) -> int:
    out = Path(argv[1] if len(argv) > 1 else "out/digits/float.keras")
    epochs = int(argv[2]) if len(argv) > 2 else 30
    model, acc = train_float(epochs)
    from edgekit.compress.models import save_keras_model

    save_keras_model(model, out, force=True)
    print(f"validation accuracy {acc:.4f}; saved {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
