"""The digits model as three int8 .tflite files (int8 I/O) for conformance tests: PTQ, QAT and PQAT.

    from make_models import make_digits_models      # or run: python examples/digits/make_models.py OUT_DIR
    paths = make_digits_models(Path("out/models"))   # {"ptq": ..., "qat": ..., "pqat": ...}

Seeded and quick (a minute or so on 2 cores); the files are real TFLite converter output from real TF-MOT
training, so C generators and firmware see the same graphs a user's model produces.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

HERE = Path(__file__).resolve().parent
NAMES = {"ptq": "digits_ptq_int8.tflite", "qat": "digits_qat_int8.tflite", "pqat": "digits_pqat_int8.tflite"}


def make_digits_models(out_dir: Path, epochs: int = 3) -> dict[str, Path]:
    """Train the float model (4 x ``epochs``), then write PTQ, QAT and 50 %-pruned PQAT int8 models."""
    from edgekit.converters.keras_to_tflite import convert

    from edgekit.compress.data import import_object, load_data
    from edgekit.compress.recipe import PruneStep, QuantizeStep, TrainConfig
    from edgekit.compress.steps import prune, quantize
    from edgekit.compress.train import fit
    from edgekit.fileio import write_bytes_atomic

    out_dir = Path(out_dir)
    data = load_data(f"{HERE / 'data.py'}:load")
    model = import_object(f"{HERE / 'model.py'}:build_model")(0)
    fit(model, data, label="float digits", epochs=4 * epochs, batch_size=32, learning_rate=1e-2, seed=0,
        progress=False)
    train = TrainConfig(batch_size=32, learning_rate=1e-3, seed=0)
    qat = quantize(model, QuantizeStep("qat", epochs=epochs), data, train, progress=False).model
    pruned = prune(model, PruneStep(sparsity=0.5, epochs=epochs), data, train, progress=False).model
    pqat = quantize(pruned, QuantizeStep("pqat", epochs=epochs), data, train, progress=False).model

    paths = {}
    for key, m in (("ptq", model), ("qat", qat), ("pqat", pqat)):
        tflite = convert(m, mode="int8", io="int8", x_train=data.x_train).tflite
        paths[key] = write_bytes_atomic(out_dir / NAMES[key], tflite)
    return paths


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print("usage: make_models.py OUT_DIR [EPOCHS]", file=sys.stderr)
        return 2
    epochs = int(argv[2]) if len(argv) > 2 else 3
    for key, path in make_digits_models(Path(argv[1]), epochs).items():
        print(f"{key:5s} {path} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
