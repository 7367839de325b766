"""Training and validation data: an .npz file or a ``module:function`` returning the four arrays.

No TensorFlow here: ``edgekit eval`` loads data without paying for it.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from edgekit.errors import BadInputError

KEYS = ("x_train", "y_train", "x_val", "y_val")


@dataclass(frozen=True)
class Dataset:
    """Labels are class indices (int64, shape (N,)); one-hot labels are turned into indices on load."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    source: str
    one_hot_width: int | None = None  # width of one-hot labels as given, checked against the model

    @property
    def num_classes(self) -> int:
        return int(max(self.y_train.max(initial=0), self.y_val.max(initial=0))) + 1


def load_data(spec: str | Path) -> Dataset:
    """``spec`` is a path to an .npz, or ``module:function`` / ``path/to/file.py:function``."""
    text = str(spec)
    path = Path(text)
    if text.endswith(".npz") or path.is_file():
        return _from_mapping(_read_npz(path), text)
    if ":" in text:
        return _from_mapping(_call(text), text)
    raise BadInputError(f"data '{text}' is neither an existing .npz file nor a module:function; "
                        "pass an .npz with x_train, y_train, x_val, y_val or e.g. mypkg.data:load.")


def load_samples(spec: str | Path) -> tuple[np.ndarray, str]:
    """``x_train`` alone, as float32, and where it came from: conversion's representative set needs no labels, so
    any model converts (an autoencoder, a regressor), not only classifiers. Same sources as ``load_data``."""
    text = str(spec)
    path = Path(text)
    if text.endswith(".npz") or path.is_file():
        raw: Any = _read_npz(path)
    elif ":" in text:
        raw = _call(text)
    else:
        raise BadInputError(f"data '{text}' is neither an existing .npz file nor a module:function; "
                            "pass an .npz with x_train (labels are not needed to convert) or e.g. mypkg.data:load.")
    if isinstance(raw, tuple | list) and len(raw) == 4:
        raw = dict(zip(KEYS, raw, strict=True))
    if not isinstance(raw, Mapping) or "x_train" not in raw:
        raise BadInputError(f"data from {text} has no x_train; conversion calibrates on x_train samples.")
    x = np.asarray(raw["x_train"])
    if x.dtype.kind not in "fiu" or x.ndim < 2 or len(x) == 0:
        raise BadInputError(f"x_train in {text} must be a non-empty numeric array with a batch axis, "
                            f"got {x.dtype} of shape {x.shape}.")
    return x.astype(np.float32), text


def _read_npz(path: Path) -> Mapping[str, np.ndarray]:
    if not path.is_file():
        raise BadInputError(f"data file {path} does not exist.")
    try:
        with np.load(path, allow_pickle=False) as z:
            return {k: z[k] for k in z.files}
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as e:
        raise BadInputError(f"data file {path} is not a readable .npz archive ({type(e).__name__}); "
                            "write it with numpy.savez.") from None


def _call(spec: str) -> Any:
    return import_object(spec)()


def import_object(spec: str) -> Any:
    """The callable named by ``module:function`` or ``path/to/file.py:function``."""
    module_name, _, func_name = spec.rpartition(":")
    if not module_name or not func_name:
        raise BadInputError(f"'{spec}' is not of the form module:function.")
    try:
        if module_name.endswith(".py") or "/" in module_name:
            file = Path(module_name)
            if not file.is_file():
                raise BadInputError(f"data module file {file} does not exist.")
            mod_spec = importlib.util.spec_from_file_location(f"_edgekit_data_{file.stem}", file)
            assert mod_spec is not None and mod_spec.loader is not None
            module = importlib.util.module_from_spec(mod_spec)
            mod_spec.loader.exec_module(module)
        else:
            if "" not in sys.path:
                sys.path.insert(0, "")  # let `mypkg.data:load` resolve from the working directory
            module = importlib.import_module(module_name)
    except ImportError as e:
        raise BadInputError(f"cannot import data module '{module_name}' ({e}).") from None
    func = getattr(module, func_name, None)
    if not callable(func):
        raise BadInputError(f"'{func_name}' is not a function in {module_name}.")
    return func


def _from_mapping(raw: Any, source: str) -> Dataset:
    if isinstance(raw, tuple | list) and len(raw) == 4:
        raw = dict(zip(KEYS, raw, strict=True))
    if not isinstance(raw, Mapping):
        raise BadInputError(f"data from {source} must be a mapping or 4-tuple of {', '.join(KEYS)}.")
    missing = [k for k in KEYS if k not in raw]
    if missing:
        raise BadInputError(f"data from {source} lacks {', '.join(missing)}; it needs {', '.join(KEYS)}.")
    arrays = {k: np.asarray(raw[k]) for k in KEYS}
    widths = {arrays[k].shape[1] for k in ("y_train", "y_val") if arrays[k].ndim == 2 and arrays[k].shape[1] > 1}
    if len(widths) > 1:
        raise BadInputError(f"y_train and y_val in {source} are one-hot with different widths {sorted(widths)}.")
    for split in ("train", "val"):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if x.dtype.kind not in "fiu" or x.ndim < 2:
            raise BadInputError(f"x_{split} in {source} must be a numeric array with a batch axis, "
                                f"got {x.dtype} of shape {x.shape}.")
        if len(x) != len(y) or len(x) == 0:
            raise BadInputError(f"x_{split} has {len(x)} samples but y_{split} has {len(y)} in {source}.")
        arrays[f"y_{split}"] = _labels(y, f"y_{split}", source)
    if arrays["x_train"].shape[1:] != arrays["x_val"].shape[1:]:
        raise BadInputError(f"x_train samples are {arrays['x_train'].shape[1:]} but x_val samples are "
                            f"{arrays['x_val'].shape[1:]} in {source}.")
    return Dataset(source=source, x_train=arrays["x_train"].astype(np.float32), y_train=arrays["y_train"],
                   x_val=arrays["x_val"].astype(np.float32), y_val=arrays["y_val"],
                   one_hot_width=widths.pop() if widths else None)


def _labels(y: np.ndarray, name: str, source: str) -> np.ndarray:
    if y.ndim == 2 and y.shape[1] > 1:  # one-hot
        return np.argmax(y, axis=1).astype(np.int64)
    y = y.reshape(len(y), -1) if y.ndim > 1 else y
    if y.ndim != 1 and y.shape[1] != 1:
        raise BadInputError(f"{name} in {source} must be class indices or one-hot, got shape {y.shape}.")
    y = y.reshape(-1)
    if y.dtype.kind == "f" and not np.all(np.equal(np.mod(y, 1), 0)):
        raise BadInputError(f"{name} in {source} holds non-integer values; give class indices.")
    if y.dtype.kind not in "fiu" or (y.size and y.min() < 0):
        raise BadInputError(f"{name} in {source} must hold non-negative class indices.")
    return y.astype(np.int64)


def check_samples(x: np.ndarray, input_shape: tuple[int | None, ...], source: str) -> None:
    """Refuse samples whose shape does not fit the model's input."""
    sample = tuple(input_shape[1:])
    got = x.shape[1:]
    if len(sample) != len(got) or any(s is not None and s != g for s, g in zip(sample, got, strict=False)):
        raise BadInputError(f"the model takes samples of shape {sample} but {source} has {got}.")


def check_against_model(data: Dataset, input_shape: tuple[int | None, ...], num_outputs: int) -> None:
    """Refuse data whose samples or labels do not fit the model, before any training starts."""
    check_samples(data.x_train, input_shape, data.source)
    if data.one_hot_width is not None and data.one_hot_width != num_outputs:
        raise BadInputError(f"labels in {data.source} are one-hot over {data.one_hot_width} classes but the "
                            f"model has {num_outputs} outputs; the labels do not match the model's output.")
    if data.num_classes > num_outputs:
        raise BadInputError(f"labels in {data.source} go up to class {data.num_classes - 1} but the model "
                            f"has {num_outputs} outputs; the labels do not match the model's output.")
