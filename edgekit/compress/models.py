"""Loading and saving the Keras models the steps exchange, refusing Keras 3 models up front.

TF-MOT works only with tf_keras (Keras 2) models; a Keras 3 file fails deep inside TF-MOT with an unhelpful
message, so the version is read from the file's own metadata before TensorFlow loads it.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from edgekit.errors import BadInputError

KERAS3_FIX = ("TF-MOT needs tf_keras (Keras 2) models: rebuild it with `import tf_keras as keras` and "
              "TF_USE_LEGACY_KERAS=1, then save it again")


def keras_version_of(path: Path) -> str | None:
    """The Keras version recorded in a .keras or .h5 file (None when the file does not say)."""
    if path.suffix == ".keras":
        try:
            with zipfile.ZipFile(path) as z:
                return str(json.loads(z.read("metadata.json")).get("keras_version", "")) or None
        except (zipfile.BadZipFile, KeyError, ValueError) as e:
            raise BadInputError(f"{path} is not a readable .keras archive ({type(e).__name__}).") from None
    if path.suffix in (".h5", ".hdf5"):
        import h5py

        try:
            with h5py.File(path, "r") as f:
                v = f.attrs.get("keras_version")
        except OSError:
            raise BadInputError(f"{path} is not a readable HDF5 Keras file.") from None
        return v.decode() if isinstance(v, bytes) else (str(v) if v is not None else None)
    if path.is_dir():
        # tf_keras SavedModels carry keras_metadata.pb; Keras 3's model.export() does not.
        return "2" if (path / "keras_metadata.pb").is_file() else "3"
    return None


def check_not_keras3(model: Any, where: str = "the model") -> None:
    from edgekit.tfenv import import_tensorflow

    import_tensorflow()
    import tf_keras

    if not isinstance(model, tf_keras.Model):
        kind = f"{type(model).__module__}.{type(model).__name__}"
        if kind.startswith("keras"):
            raise BadInputError(f"{where} is a Keras 3 model ({kind}); {KERAS3_FIX}.")
        raise BadInputError(f"{where} is a {kind}, not a tf_keras model.")


def load_keras_model(path: str | Path) -> Any:
    """Load a tf_keras model (.keras, .h5 or SavedModel folder), including TF-MOT wrapped ones."""
    p = Path(path)
    if not p.exists():
        raise BadInputError(f"model {p} does not exist.")
    if p.is_file() and p.suffix not in (".keras", ".h5", ".hdf5"):
        raise BadInputError(f"model {p} is not a .keras, .h5 or SavedModel folder.")
    version = keras_version_of(p)
    if version is not None and version.split(".")[0] == "3":
        raise BadInputError(f"{p} was saved by Keras {version}; {KERAS3_FIX}.")
    from edgekit.compress import tfmot_adapter as tfmot

    try:
        with tfmot.load_scope():
            model = tfmot.keras.models.load_model(p, compile=False)
    except (OSError, ValueError, TypeError) as e:
        raise BadInputError(f"cannot load Keras model {p}: {str(e).splitlines()[0]}") from None
    check_not_keras3(model, str(p))
    return model


def save_keras_model(model: Any, path: str | Path, force: bool = False) -> Path:
    """Save atomically: a temporary file beside the target, renamed into place."""
    import os
    import tempfile
    import warnings

    from edgekit.fileio import check_writable

    final = check_writable(path, force)
    final.parent.mkdir(parents=True, exist_ok=True)
    suffix = final.suffix if final.suffix in (".keras", ".h5") else ".keras"
    fd, tmp = tempfile.mkstemp(prefix=f".{final.name}.", suffix=suffix, dir=final.parent)
    os.close(fd)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "HDF5 is legacy": it is the format QAT needs
            model.save(tmp)
        os.replace(tmp, final)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return final
