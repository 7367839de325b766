"""Read target TOML files strictly, resolve ``inherit``, and remember which file set every value.

A target is named by a builtin id (``nucleo-l4r5zi``: ``targets/<id>.toml`` inside the package) or by a path
to the user's own file (anything ending in ``.toml`` or containing a path separator), whose ``inherit`` may
name a builtin or another file (relative to the inheriting file). Every problem is a ``TargetError`` naming
the file and the key: unknown key, wrong type or value, missing field, self-inheritance, inheritance cycle.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from edgekit.targets.schema import KIND_SECTIONS, TOP_KEYS, McuBudget, Target

from edgekit.errors import TargetError

MAX_CHAIN = 16


@dataclass(frozen=True)
class Resolved:
    """A target after ``inherit`` is applied, before it becomes a ``Target`` (bases stop here)."""

    id: str
    path: str
    abstract: bool
    kind: str
    data: Mapping[str, Any]  # merged TOML tables
    provenance: Mapping[str, str]  # dotted key -> file that set it
    chain: tuple[str, ...]


# ------------------------------------------------------------------------------------------------ locating


def builtin_dir() -> Path:
    """The folder holding the builtin target files (inside the installed package)."""
    return Path(str(resources.files("edgekit.targets")))


def _is_path(ref: str) -> bool:
    return ref.endswith(".toml") or "/" in ref or os.sep in ref


def list_targets(include_bases: bool = False) -> list[str]:
    """Builtin target ids, sorted; bases (``abstract = true``) only when asked."""
    ids = []
    for p in sorted(builtin_dir().glob("*.toml")):
        if include_bases or not _read(p).get("abstract", False):
            ids.append(p.stem)
    return ids


def _locate(ref: str, from_file: Path | None) -> Path:
    if _is_path(ref):
        p = Path(ref).expanduser()
        if not p.is_absolute() and from_file is not None:
            p = from_file.parent / p
        if not p.is_file():
            where = f"{from_file}: inherit = '{ref}'" if from_file else f"target file '{ref}'"
            raise TargetError(f"{where} does not exist; give the path of a target TOML file.")
        return p.resolve()
    p = builtin_dir() / f"{ref}.toml"
    if not p.is_file():
        known = ", ".join(list_targets())
        where = f"{from_file}: inherit = '{ref}'" if from_file else f"unknown target '{ref}'"
        raise TargetError(f"{where} is not a builtin target ({known}) nor a .toml path.")
    return p.resolve()


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise TargetError(f"{path}: not valid TOML ({e}).") from None
    except (OSError, UnicodeDecodeError) as e:
        raise TargetError(f"{path}: cannot be read ({e}).") from None


# ------------------------------------------------------------------------------------------------ schema walk


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _unwrap_optional(tp: Any) -> tuple[Any, bool]:
    if isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union:
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return args[0], True
    return tp, False


def _required(cls: type, f: dataclasses.Field) -> bool:
    _, optional = _unwrap_optional(_hints(cls)[f.name])
    no_default = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    return no_default and not optional


_TYPE_WORDS = {int: "an integer", float: "a number", str: "a string", bool: "true or false"}


def _check_value(value: Any, tp: Any, f: dataclasses.Field | None, file: Path, key: str) -> None:
    tp, _ = _unwrap_optional(tp)
    origin = typing.get_origin(tp)
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise TargetError(f"{file}: '{key}' must be a table, got {type(value).__name__} {value!r}.")
        _check_table(value, tp, file, key)
        return
    if origin in (Mapping, dict) or tp is Mapping:
        if not isinstance(value, dict) or not all(
            isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value.values()
        ):
            raise TargetError(f"{file}: '{key}' must be a table of non-negative integers, got {value!r}.")
        return
    if origin is tuple:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise TargetError(f"{file}: '{key}' must be an array of strings, got {value!r}.")
        return
    ok = (
        (tp is bool and isinstance(value, bool))
        or (tp is int and isinstance(value, int) and not isinstance(value, bool))
        or (tp is float and isinstance(value, int | float) and not isinstance(value, bool))
        or (tp is str and isinstance(value, str))
    )
    if not ok:
        raise TargetError(
            f"{file}: '{key}' must be {_TYPE_WORDS.get(tp, str(tp))}, got {type(value).__name__} {value!r}."
        )
    if tp in (int, float) and value < 0:
        raise TargetError(f"{file}: '{key}' must not be negative, got {value!r}.")
    choices = f.metadata.get("choices") if f is not None else None
    if choices and value not in choices:
        raise TargetError(f"{file}: '{key}' = {value!r} is not one of: {', '.join(choices)}.")


def _check_table(table: Mapping[str, Any], cls: type, file: Path, prefix: str) -> None:
    fields = {f.name: f for f in dataclasses.fields(cls)}
    hints = _hints(cls)
    for k, v in table.items():
        key = f"{prefix}.{k}" if prefix else k
        if k not in fields:
            raise TargetError(f"{file}: unknown key '{key}' (allowed here: {', '.join(fields)}).")
        _check_value(v, hints[k], fields[k], file, key)


def _check_file(data: Mapping[str, Any], kind: str, file: Path) -> None:
    sections = KIND_SECTIONS[kind]
    for k, v in data.items():
        if k in TOP_KEYS:
            want = bool if k == "abstract" else str
            if not isinstance(v, want):
                raise TargetError(f"{file}: '{k}' must be {_TYPE_WORDS[want]}, got {type(v).__name__} {v!r}.")
            continue
        if k not in sections:
            allowed = ", ".join((*TOP_KEYS, *sections))
            raise TargetError(f"{file}: unknown key '{k}' for a {kind} target (allowed: {allowed}).")
        _check_value(v, sections[k][0], None, file, k)


def _missing(data: Mapping[str, Any], cls: type, prefix: str) -> list[str]:
    out = []
    hints = _hints(cls)
    for f in dataclasses.fields(cls):
        key = f"{prefix}.{f.name}"
        tp, _ = _unwrap_optional(hints[f.name])
        if f.name not in data:
            if _required(cls, f):
                out.append(key)
        elif dataclasses.is_dataclass(tp):
            out.extend(_missing(data[f.name], tp, key))
    return out


# ------------------------------------------------------------------------------------------------ resolution


def _is_leaf(tp: Any) -> bool:
    tp, _ = _unwrap_optional(tp)
    return not dataclasses.is_dataclass(tp)


def _merge(dst: dict, src: Mapping, cls: type | None, file: str, prov: dict[str, str], prefix: str) -> None:
    hints = _hints(cls) if cls is not None else {}
    for k, v in src.items():
        key = f"{prefix}.{k}" if prefix else k
        tp = hints.get(k)
        if isinstance(v, dict) and tp is not None and not _is_leaf(tp):
            sub = dst.setdefault(k, {})
            _merge(sub, v, _unwrap_optional(tp)[0], file, prov, key)
        else:
            dst[k] = v
            prov[key] = file
            # a leaf table (registers) replaced whole: forget provenance of keys inherited below it
            for old in [p for p in prov if p.startswith(key + ".")]:
                del prov[old]


def resolve(ref: str | os.PathLike) -> Resolved:
    """Apply ``inherit`` and validate every file of the chain; missing fields are not checked here."""
    first = _locate(str(ref), None)
    chain: list[tuple[Path, dict[str, Any]]] = []
    path: Path | None = first
    while path is not None:
        data = _read(path)
        chain.append((path, data))
        inherit = data.get("inherit")
        if inherit is None:
            break
        if not isinstance(inherit, str):
            raise TargetError(
                f"{path}: 'inherit' must be a string, got {type(inherit).__name__} {inherit!r}."
            )
        nxt = _locate(inherit, path)
        if nxt == path:
            raise TargetError(
                f"{path}: inherit = '{inherit}' names this file itself; name a base target instead."
            )
        seen = [p for p, _ in chain]
        if nxt in seen:
            cycle = " -> ".join(str(p) for p in seen[seen.index(nxt) :]) + f" -> {nxt}"
            raise TargetError(f"{path}: inherit = '{inherit}' makes an inheritance cycle: {cycle}.")
        if len(chain) >= MAX_CHAIN:
            raise TargetError(f"{first}: more than {MAX_CHAIN} levels of inherit.")
        path = nxt

    own_path, own = chain[0]
    kinds = [(p, d["kind"]) for p, d in chain if "kind" in d]
    if not kinds:
        raise TargetError(
            f"{own_path}: missing field 'kind' (one of: {', '.join(KIND_SECTIONS)}), here or inherited."
        )
    kind_file, kind = kinds[0]
    if kind not in KIND_SECTIONS:
        raise TargetError(f"{kind_file}: 'kind' = {kind!r} is not one of: {', '.join(KIND_SECTIONS)}.")
    for p, k in kinds[1:]:
        if k != kind:
            raise TargetError(f"{kind_file}: kind = '{kind}' conflicts with kind = '{k}' inherited from {p}.")
    for p, d in chain:
        _check_file(d, kind, p)

    target_id = own.get("id")
    if target_id is None:
        raise TargetError(f"{own_path}: missing field 'id'.")
    if own_path.parent == builtin_dir().resolve() and target_id != own_path.stem:
        raise TargetError(f"{own_path}: 'id' = '{target_id}' must equal the file name '{own_path.stem}'.")

    merged: dict[str, Any] = {}
    prov: dict[str, str] = {}
    sections = KIND_SECTIONS[kind]
    for p, d in reversed(chain):
        for k, v in d.items():
            if k in ("inherit", "abstract", "id"):
                continue  # never inherited: each file says for itself
            if k in sections:
                _merge(merged.setdefault(k, {}), v, sections[k][0], str(p), prov, k)
            else:
                merged[k] = v
                prov[k] = str(p)
    merged = {"id": target_id, **merged}
    prov["id"] = str(own_path)
    return Resolved(
        id=target_id,
        path=str(own_path),
        abstract=bool(own.get("abstract", False)),
        kind=kind,
        data=merged,
        provenance=MappingProxyType(dict(sorted(prov.items()))),
        chain=tuple(str(p) for p, _ in chain),
    )


# ------------------------------------------------------------------------------------------------ building


def _build(cls: type, data: Mapping[str, Any]) -> Any:
    hints = _hints(cls)
    kwargs = {}
    for f in dataclasses.fields(cls):
        if f.name not in data:
            continue
        tp, _ = _unwrap_optional(hints[f.name])
        v = data[f.name]
        if dataclasses.is_dataclass(tp):
            v = _build(tp, v)
        elif isinstance(v, dict):
            v = MappingProxyType(dict(v))
        elif isinstance(v, list):
            v = tuple(v)
        elif tp is float:
            v = float(v)
        kwargs[f.name] = v
    return cls(**kwargs)


def load_target(ref: str | os.PathLike) -> Target:
    """The resolved, validated target named by a builtin id or a TOML path."""
    r = resolve(ref)
    if r.abstract:
        raise TargetError(
            f"{r.path}: '{r.id}' is a base definition (abstract = true), not a target; "
            f"use one that inherits it, e.g. one of: {', '.join(list_targets())}."
        )
    sections = KIND_SECTIONS[r.kind]
    for name, (cls, required) in sections.items():
        if name not in r.data:
            if required:
                raise TargetError(
                    f"{r.path}: missing section [{name}] for target '{r.id}' (not set there nor inherited)."
                )
            continue
        for key in _missing(r.data[name], cls, name):
            raise TargetError(
                f"{r.path}: missing field '{key}' for target '{r.id}' (not set there nor inherited)."
            )
    for k in ("description",):
        if k not in r.data:
            raise TargetError(f"{r.path}: missing field '{k}' for target '{r.id}'.")
    built = {name: _build(cls, r.data[name]) for name, (cls, _) in sections.items() if name in r.data}
    target = Target(
        id=r.id,
        kind=r.kind,
        description=r.data["description"],
        path=r.path,
        chain=r.chain,
        provenance=r.provenance,
        **built,
    )
    _check_consistency(target)
    return target


def _check_consistency(t: Target) -> None:
    """Rules that involve more than one value; each error names the file that set the offending value."""

    def fail(key: str, msg: str) -> typing.NoReturn:
        raise TargetError(f"{t.provenance.get(key, t.path)}: '{key}' {msg} (target '{t.id}').")

    if t.kind != "cortex-m":
        return
    assert t.cpu and t.memory and t.budget and t.board and t.flash
    budget = t.budget
    assert isinstance(budget, McuBudget)
    if budget.flash_bytes > t.memory.flash.size:
        fail(
            "budget.flash_bytes", f"= {budget.flash_bytes} exceeds memory.flash.size = {t.memory.flash.size}"
        )
    if budget.ram_bytes > t.memory.ram.size:
        fail("budget.ram_bytes", f"= {budget.ram_bytes} exceeds memory.ram.size = {t.memory.ram.size}")
    if budget.reserved_ram_bytes >= budget.ram_bytes:
        fail("budget.reserved_ram_bytes", f"= {budget.reserved_ram_bytes} leaves nothing of ram_bytes")
    a = t.board.alignment
    if a <= 0 or a & (a - 1):
        fail("board.alignment", f"= {a} is not a power of two")
    if t.cpu.clock_hz <= 0:
        fail("cpu.clock_hz", "must be positive")
    if t.cpu.cycles_per_mac <= 0:
        fail("cpu.cycles_per_mac", "must be positive")
    if t.cpu.fpu == "none" and t.cpu.float_abi == "hard":
        fail("cpu.float_abi", "= 'hard' needs an FPU, but cpu.fpu = 'none'")
    needs = {
        "qemu": "emulator",
        "pyocd": "flash.pyocd_target",
        "openocd": "flash.openocd_config",
        "uf2": "flash.uf2_family",
    }
    need = needs[t.flash.runner]
    have = t.emulator is not None if need == "emulator" else getattr(t.flash, need.split(".")[1]) is not None
    if not have:
        fail(
            "flash.runner",
            f"= '{t.flash.runner}' needs {'an [emulator] section' if need == 'emulator' else need}",
        )
