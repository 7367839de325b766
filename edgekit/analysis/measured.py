"""Measured sizes of a real firmware build (``DIR/build/size.json``, schema ``edgekit-size/1``, written by
``edgekit build``), read strictly for ``edgekit check --build DIR``: the figures replace check's flash and RAM
estimates, so a build of another model or for another target must be refused, not silently used."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from edgekit.errors import BadInputError
from edgekit.ir import Model

SIZE_JSON = "build/size.json"  # the same relative path edgekit.build writes (not imported: keeps check light)
SIZE_SCHEMA = "edgekit-size/1"
_INTS = ("text", "data", "bss", "stack", "arena_bytes", "flash_bytes", "ram_bytes")


@dataclass(frozen=True)
class Part:
    """One category of the build's breakdown (weights, model, kernels, board, libc, stack, padding)."""

    name: str
    flash: int
    ram: int


@dataclass(frozen=True)
class MeasuredBuild:
    path: Path  # the size.json read
    target: str
    model: str
    model_sha256: str
    text: int
    data: int
    bss: int
    stack: int
    arena_bytes: int
    flash_bytes: int  # text + data
    ram_bytes: int  # data + bss + stack
    parts: tuple[Part, ...]  # largest flash first; every flash and RAM byte is in exactly one part

    def part(self, name: str) -> Part:
        return next((p for p in self.parts if p.name == name), Part(name, 0, 0))


def load_build(build_dir: str | Path, model: Model, target_id: str, model_path: str | Path = "") -> MeasuredBuild:
    """The measured sizes of ``build_dir`` (a packaged project built with ``edgekit build``), checked to be a
    build of ``model`` for ``target_id``; each problem is one BadInputError sentence."""
    root = Path(build_dir)
    if not root.is_dir():
        raise BadInputError(f"--build {root} is not a folder; give the firmware project folder of 'edgekit package "
                            f"... -o DIR' after 'edgekit build DIR'.")
    path = root / SIZE_JSON
    if not path.is_file():
        raise BadInputError(f"{root} has no {SIZE_JSON}: it has not been built; run 'edgekit build {root}' first.")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise BadInputError(f"{path} is not readable JSON ({e}); run 'edgekit build {root}' again.") from None
    if not isinstance(doc, dict) or doc.get("schema") != SIZE_SCHEMA:
        found = doc.get("schema") if isinstance(doc, dict) else type(doc).__name__
        raise BadInputError(f"{path} has schema {found!r}, not {SIZE_SCHEMA!r}; rebuild with this edgekit "
                            f"('edgekit build {root}').")
    figures = {k: _count(doc, k, path) for k in _INTS}
    parts = _parts(doc.get("breakdown"), path)
    for kind, total in (("flash", figures["flash_bytes"]), ("ram", figures["ram_bytes"])):
        attributed = sum(getattr(p, kind) for p in parts)
        if attributed != total:
            raise BadInputError(f"{path} is inconsistent: its breakdown attributes {attributed:,} {kind} bytes of "
                                f"{total:,}; run 'edgekit build {root}' again.")
    name, sha, target = doc.get("model"), doc.get("model_sha256"), doc.get("target")
    if not all(isinstance(x, str) for x in (name, sha, target)):
        raise BadInputError(f"{path} lacks its model, model_sha256 or target string; run 'edgekit build {root}' "
                            "again.")
    if sha != model.sha256:
        raise BadInputError(f"{root} is a build of another model ({name}, sha256 {sha[:12]}…), not of "
                            f"{model_path or model.name} (sha256 {model.sha256[:12]}…); package and build this model, "
                            "or pass the build folder of this one.")
    if target != target_id:
        raise BadInputError(f"{root} was built for target {target}, not {target_id}; check with --target {target}, "
                            f"or package and build the model for {target_id}.")
    return MeasuredBuild(path, target, name, sha, parts=parts, **figures)


def _count(doc: Mapping[str, Any], key: str, path: Path) -> int:
    v = doc.get(key)
    if not isinstance(v, int) or isinstance(v, bool) or v < 0:
        raise BadInputError(f"{path}: {key!r} must be a non-negative integer byte count, got {v!r}; run "
                            "'edgekit build' again.")
    return v


def _parts(breakdown: Any, path: Path) -> tuple[Part, ...]:
    if not isinstance(breakdown, dict):
        raise BadInputError(f"{path} has no 'breakdown' object; run 'edgekit build' again.")
    parts = []
    for name, v in breakdown.items():
        if not isinstance(v, dict):
            raise BadInputError(f"{path}: breakdown {name!r} must be an object {{flash, ram}}, got {v!r}.")
        parts.append(Part(str(name), _count(v, "flash", path), _count(v, "ram", path)))
    return tuple(sorted(parts, key=lambda p: (-p.flash, -p.ram, p.name)))
