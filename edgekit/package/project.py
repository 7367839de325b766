"""The manifest a packaged firmware project carries (``edgekit-project.json``), read by build/flash/bench.

Schema ``edgekit-project/1``: ``target`` (the resolved FirmwareTarget, so the project does not depend on
the target files later), ``model`` (name, sha256, file, input/output tensors, arena_bytes) and ``files``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from edgekit.errors import BadInputError
from edgekit.package.target_info import FirmwareTarget

MANIFEST = "edgekit-project.json"
SCHEMA = "edgekit-project/1"


@dataclass(frozen=True)
class TensorSpec:
    name: str
    dtype: str
    shape: tuple[int, ...]
    nbytes: int
    scale: float
    zero_point: int


@dataclass(frozen=True)
class Project:
    root: Path
    target: FirmwareTarget
    model_name: str
    model_sha256: str
    model_file: str  # relative to root
    arena_bytes: int
    inputs: tuple[TensorSpec, ...]
    outputs: tuple[TensorSpec, ...]

    @property
    def model_path(self) -> Path:
        return self.root / self.model_file

    @property
    def elf(self) -> Path:
        return self.root / "build" / "firmware.elf"

    @property
    def input_bytes(self) -> int:
        return sum(t.nbytes for t in self.inputs)


def _spec(d: dict[str, Any]) -> TensorSpec:
    return TensorSpec(d["name"], d["dtype"], tuple(d["shape"]), int(d["nbytes"]), float(d["scale"]),
                      int(d["zero_point"]))


def manifest_dict(target: FirmwareTarget, model: Any, model_file: str, arena: int) -> dict[str, Any]:
    def spec(t: int) -> dict[str, Any]:
        x = model.tensor(t)
        q = x.quant
        return {"name": x.name, "dtype": x.dtype, "shape": list(x.shape), "nbytes": x.nbytes,
                "scale": float(q.scale[0]) if q and q.scale else 0.0,
                "zero_point": int(q.zero_point[0]) if q and q.zero_point else 0}

    return {
        "schema": SCHEMA,
        "target": target.to_json(),
        "model": {"name": model.name, "sha256": model.sha256, "file": model_file, "arena_bytes": arena,
                  "inputs": [spec(t) for t in model.inputs], "outputs": [spec(t) for t in model.outputs]},
    }


def load_project(root: str | Path) -> Project:
    root = Path(root)
    path = root / MANIFEST
    if not path.is_file():
        if root.is_file():
            raise BadInputError(
                f"{root} is a file, but this command takes a firmware project folder; make one with "
                f"'edgekit package {root} --target ID -o fw/' and pass fw/."
            )
        if (root / "edgekit-module.json").is_file():
            raise BadInputError(
                f"{root} is an Android library module, not a Cortex-M firmware project; build it with Gradle "
                "inside your app (include it with settings.gradle), and measure it with 'edgekit bench MODEL "
                "--target android-arm64'."
            )
        raise BadInputError(
            f"{root} is not an edgekit firmware project (no {MANIFEST}); create one with "
            f"'edgekit package MODEL.tflite --target ID -o {root}'."
        )
    try:
        d = json.loads(path.read_text(encoding="utf-8"))
        if d.get("schema") != SCHEMA:
            raise BadInputError(f"{path} has schema {d.get('schema')!r}, expected {SCHEMA!r}; package again.")
        m = d["model"]
        return Project(root, FirmwareTarget.from_json(d["target"]), m["name"], m["sha256"], m["file"],
                       int(m["arena_bytes"]), tuple(_spec(t) for t in m["inputs"]),
                       tuple(_spec(t) for t in m["outputs"]))
    except (ValueError, KeyError, TypeError) as e:
        raise BadInputError(f"{path} is malformed ({e}); package the project again.") from e


def write_manifest(root: Path, data: dict[str, Any]) -> None:
    (root / MANIFEST).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
