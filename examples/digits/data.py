"""The digits data set (8x8 grey images, 10 classes) that ships with scikit-learn, split once, seeded.

Use it anywhere edgekit takes data: ``--data examples/digits/data.py:load``.
"""

from __future__ import annotations

import numpy as np


def load(seed: int = 0, val_fraction: float = 0.2) -> dict[str, np.ndarray]:
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = (digits.images.astype(np.float32) / 16.0)[..., None]  # pixel values 0..16 -> [0, 1], NHWC
    y = digits.target.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(x))
    n_val = int(len(x) * val_fraction)
    val, train = order[:n_val], order[n_val:]
    return {"x_train": x[train], "y_train": y[train], "x_val": x[val], "y_val": y[val]}
