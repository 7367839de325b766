"""The Android part of a target definition, read into one frozen dataclass the package and bench steps use.

The target loader (``edgekit.targets``) owns the file format; this module only looks values up, accepting a
resolved target object (attributes or sections as mappings) or a plain mapping, so the Android code does not
depend on how the loader represents sections.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from edgekit.errors import TargetError

DELEGATES = ("xnnpack", "cpu", "gpu", "nnapi")
DELEGATE_ALIASES = {"none": "cpu"}  # the target schema says "none" for LiteRT's builtin CPU kernels

# LiteRT's Android AARs (Google Maven). 2.3.0 matches the ai-edge-litert wheel this project pins; its AARs
# declare minSdk 24.
LITERT_VERSION = "2.3.0"
LITERT_MIN_SDK = 24


@dataclass(frozen=True)
class AndroidSettings:
    target_id: str
    abi: str = "arm64-v8a"
    min_sdk: int = LITERT_MIN_SDK
    threads: int = 4
    delegate: str = "xnnpack"
    taskset_mask: str | None = None  # hex CPU mask, e.g. "f0" for the big cores of a 4+4 SoC
    warmup_runs: int = 5
    num_runs: int = 50
    rounds: int = 3  # separate runs of the tool; each one gives one sample of every figure it prints
    benchmark_binary: str | None = None  # host path of benchmark_model built for this ABI
    device_dir: str = "/data/local/tmp/edgekit"
    max_latency_ms: float | None = None
    max_peak_memory_mb: float | None = None
    litert_version: str = LITERT_VERSION


def _lookup(obj: Any, *path: str) -> Any:
    cur = obj
    for key in path:
        if cur is None:
            return None
        if isinstance(cur, Mapping):
            cur = cur.get(key)
        else:
            cur = getattr(cur, key, None)
    return cur


def _first(obj: Any, *paths: tuple[str, ...]) -> Any:
    for p in paths:
        v = _lookup(obj, *p)
        if v is not None:
            return v
    return None


def android_settings(target: Any) -> AndroidSettings:
    """Read the Android fields of ``target``; missing optional fields keep their defaults."""
    tid = str(_first(target, ("id",), ("name",)) or "android")
    kind = _first(target, ("kind",))
    if kind is not None and kind != "android":
        raise TargetError(f"target {tid} is of kind '{kind}', not 'android'; choose an Android target.")
    values: dict[str, Any] = {}
    fields: dict[str, list[tuple[str, ...]]] = {
        "abi": [("android", "abi"), ("abi",), ("cpu", "abi")],
        "min_sdk": [("android", "min_sdk"), ("min_sdk",)],
        "threads": [("benchmark", "threads"), ("benchmark", "num_threads"), ("android", "threads")],
        "delegate": [("benchmark", "delegate"), ("android", "delegate")],
        "taskset_mask": [("benchmark", "taskset_mask"), ("benchmark", "cpu_mask"), ("benchmark", "taskset")],
        "warmup_runs": [("benchmark", "warmup_runs"), ("benchmark", "warmup")],
        "num_runs": [("benchmark", "num_runs"), ("benchmark", "runs")],
        "rounds": [("benchmark", "rounds")],
        "benchmark_binary": [("benchmark", "binary"), ("benchmark", "benchmark_binary")],
        "device_dir": [("benchmark", "device_dir")],
        "max_latency_ms": [("budget", "max_latency_ms"), ("budget", "latency_ms")],
        "max_peak_memory_mb": [("budget", "max_peak_memory_mb"), ("budget", "peak_memory_mb")],
        "litert_version": [("android", "litert_version")],
    }
    for name, paths in fields.items():
        v = _first(target, *paths)
        if v is not None:
            values[name] = v
    if "delegate" in values:
        values["delegate"] = DELEGATE_ALIASES.get(values["delegate"], values["delegate"])
    peak_bytes = _first(target, ("budget", "max_peak_memory_bytes"), ("budget", "peak_memory_bytes"))
    if "max_peak_memory_mb" not in values and peak_bytes is not None:
        values["max_peak_memory_mb"] = float(peak_bytes) / (1024 * 1024)
    binary, origin = values.get("benchmark_binary"), _first(target, ("path",))
    if binary and origin and not Path(str(binary)).expanduser().is_absolute():
        # a relative path in a target file means: beside that file
        values["benchmark_binary"] = str(Path(str(origin)).parent / str(binary))
    s = AndroidSettings(target_id=tid, **values)
    _validate(s)
    return s


def _validate(s: AndroidSettings) -> None:
    def bad(what: str) -> TargetError:
        return TargetError(f"target {s.target_id}: {what}")

    if s.delegate not in DELEGATES:
        raise bad(f"benchmark delegate '{s.delegate}' is not one of {', '.join(DELEGATES)}.")
    for name in ("threads", "warmup_runs", "num_runs", "rounds", "min_sdk"):
        v = getattr(s, name)
        if not isinstance(v, int) or isinstance(v, bool) or v < (0 if name == "warmup_runs" else 1):
            raise bad(f"{name} must be a positive integer, got {v!r}.")
    if s.taskset_mask is not None:
        try:
            if int(str(s.taskset_mask), 16) <= 0:
                raise ValueError
        except ValueError:
            raise bad(f"taskset mask '{s.taskset_mask}' is not a non-zero hexadecimal CPU mask (e.g. \"f0\").") from None
    if not s.device_dir.startswith("/"):
        raise bad(f"device_dir '{s.device_dir}' must be an absolute path on the device.")
