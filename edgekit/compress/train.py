"""Fine-tuning shared by every step: compile, fit with a rich progress bar, measure accuracy."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from edgekit.tfenv import import_tensorflow

import_tensorflow()
import tf_keras as keras  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn  # noqa: E402

from edgekit.compress.data import Dataset  # noqa: E402

_console = Console(stderr=True)


class RichProgress(keras.callbacks.Callback):
    """One progress bar per fit: batches done, with the latest loss and accuracy."""

    def __init__(self, label: str, epochs: int, steps_per_epoch: int, enabled: bool = True) -> None:
        super().__init__()
        self._label, self._total = label, epochs * steps_per_epoch
        self._enabled = enabled
        self._progress: Progress | None = None
        self._task: int | None = None

    def on_train_begin(self, logs: dict | None = None) -> None:
        if not self._enabled:
            return
        self._progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                  TextColumn("{task.fields[metrics]}"), TimeRemainingColumn(),
                                  console=_console, transient=False)
        self._progress.start()
        self._task = self._progress.add_task(self._label, total=self._total, metrics="")

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.advance(self._task)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self._progress is not None and self._task is not None and logs:
            metrics = "  ".join(f"{k} {v:.3f}" for k, v in logs.items() if k in ("loss", "accuracy"))
            self._progress.update(self._task, metrics=metrics)

    def on_train_end(self, logs: dict | None = None) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


def outputs_probabilities(model: keras.Model, x: np.ndarray) -> bool:
    """True when the model ends in a softmax (rows are non-negative and sum to 1), so losses take probs."""
    p = np.asarray(model(x[: min(8, len(x))], training=False))
    return bool(np.all(p >= 0) and np.allclose(p.sum(axis=-1), 1.0, atol=1e-3))


def steps_per_epoch(data: Dataset, batch_size: int) -> int:
    return max(1, math.ceil(len(data.x_train) / batch_size))


def fit(model: keras.Model, data: Dataset, *, label: str, epochs: int, batch_size: int, learning_rate: float,
        seed: int, callbacks: Sequence[keras.callbacks.Callback] = (), loss: object | None = None,
        y_train: np.ndarray | None = None, progress: bool = True) -> keras.Model:
    """Train in place with Adam; the hard-label loss matches the model's output (probabilities or logits)."""
    keras.utils.set_random_seed(seed)
    if loss is None:
        loss = keras.losses.SparseCategoricalCrossentropy(
            from_logits=not outputs_probabilities(model, data.x_train))
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=loss)
    model.fit(data.x_train, data.y_train if y_train is None else y_train, epochs=epochs, batch_size=batch_size,
              shuffle=True, verbose=0,
              callbacks=[*callbacks, RichProgress(label, epochs, steps_per_epoch(data, batch_size), progress)])
    return model


def accuracy(model: keras.Model, x: np.ndarray, y: np.ndarray, batch_size: int = 256) -> float:
    pred = model.predict(x, batch_size=batch_size, verbose=0)
    return float(np.mean(np.argmax(pred.reshape(len(x), -1), axis=1) == y))
