"""``edgekit bench --target <android target>``: latency and peak memory of a .tflite on a phone, over adb.

Steps: choose the device (``adb devices -l``), check its ABI, push the model and the official TFLite
``benchmark_model`` binary, run the tool ``rounds`` times with the target's settings (threads, delegate,
``taskset`` CPU mask, warm-up and run counts, peak-memory reporting), parse every line it prints, and write a
JSON report checked against the target's budgets.

Samples: ``benchmark_model`` prints aggregates only (the ``count= first= curr= min= max= avg= std=`` line, no
per-inference list; per-op profiling is a different measurement). So each run of the tool is one sample: the JSON
keeps every figure of every round, and the latency checked against the budget is the median of the rounds'
``Inference (avg)``. The report is rewritten after every round, so a device that disconnects mid-bench leaves
the rounds measured so far on disk, marked incomplete.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import statistics
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from edgekit.android import benchmark_output
from edgekit.android.adb import Adb, Device
from edgekit.android.settings import AndroidSettings, android_settings
from edgekit.errors import BadInputError, DeviceError, EdgekitError, EnvironmentError_, OverBudgetError
from edgekit.fileio import check_writable, write_text_atomic

BENCHMARK_MODEL_URL = (
    "https://storage.googleapis.com/tensorflow-nightly-public/prod/tensorflow/release/lite/tools/nightly/latest/"
    "android_aarch64_benchmark_model"
)
BINARY_ENV = "EDGEKIT_BENCHMARK_MODEL"
DELEGATE_FLAGS = {
    "xnnpack": ["--use_xnnpack=true"],
    "cpu": ["--use_xnnpack=false"],
    "gpu": ["--use_gpu=true"],
    "nnapi": ["--use_nnapi=true"],
}
NOTE = (
    "benchmark_model prints aggregates only; each round is one run of the tool and gives one sample of each "
    "figure. The budget is checked on the median of the rounds' Inference (avg) and the largest peak memory."
)


@dataclass(frozen=True)
class Round:
    index: int
    command: str
    returncode: int
    parsed: benchmark_output.BenchmarkOutput
    output: str


@dataclass(frozen=True)
class BenchReport:
    target: str
    model: str
    device: dict[str, str]
    settings: dict[str, Any]
    rounds: tuple[Round, ...]
    complete: bool
    error: str | None = None
    latency_ms: float | None = None
    peak_memory_mb: float | None = None
    latency_ok: bool | None = None
    memory_ok: bool | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def verdict(self) -> str:
        if not self.complete:
            return "incomplete"
        if self.latency_ok is False or self.memory_ok is False:
            return "over budget"
        return "within budget"

    def to_json(self) -> dict[str, Any]:
        rounds = [
            {
                "round": r.index,
                "command": r.command,
                "returncode": r.returncode,
                "complete": r.parsed.complete,
                **{k: v for k, v in asdict(r.parsed).items()},
                "output": r.output,
            }
            for r in self.rounds
        ]
        done = [r.parsed for r in self.rounds if r.parsed.complete]
        return {
            "tool": "edgekit bench (android)",
            "target": self.target,
            "model": self.model,
            "device": self.device,
            "settings": self.settings,
            "complete": self.complete,
            "error": self.error,
            "samples": {
                "inference_avg_us": [p.inference_avg_us for p in done],
                "first_inference_us": [p.first_inference_us for p in done],
                "init_us": [p.init_us for p in done],
                "inference_min_us": [p.inference.min if p.inference else None for p in done],
                "inference_max_us": [p.inference.max if p.inference else None for p in done],
                "peak_memory_mb": [_peak(p) for p in done],
            },
            "latency_ms": self.latency_ms,
            "peak_memory_mb": self.peak_memory_mb,
            "budget": {
                "max_latency_ms": self.settings.get("max_latency_ms"),
                "max_peak_memory_mb": self.settings.get("max_peak_memory_mb"),
                "latency_ok": self.latency_ok,
                "memory_ok": self.memory_ok,
                "verdict": self.verdict,
            },
            "rounds": rounds,
            "notes": [NOTE, *self.notes],
        }


def _peak(p: benchmark_output.BenchmarkOutput) -> float | None:
    """Peak from periodic monitoring when the tool printed it, else the overall footprint delta."""
    return p.peak_memory_mb if p.peak_memory_mb is not None else p.mem_overall_mb


def resolve_binary(option: str | os.PathLike | None, settings: AndroidSettings) -> Path:
    """The host path of ``benchmark_model``: the option, else $EDGEKIT_BENCHMARK_MODEL, else the target file."""
    raw = option or os.environ.get(BINARY_ENV) or settings.benchmark_binary
    if not raw:
        raise EnvironmentError_(
            f"no benchmark_model binary given: download the official TFLite benchmark tool prebuilt for "
            f"android_aarch64 ({BENCHMARK_MODEL_URL}) and pass it with --benchmark-binary (or set ${BINARY_ENV}, "
            f"or [benchmark] binary in the target file)."
        )
    p = Path(os.path.expanduser(str(raw)))
    if not p.is_file():
        raise EnvironmentError_(
            f"benchmark_model binary {p} does not exist: download the official prebuilt for android_aarch64 "
            f"({BENCHMARK_MODEL_URL}) and pass its path with --benchmark-binary."
        )
    return p


def benchmark_command(settings: AndroidSettings, remote_binary: str, remote_model: str) -> str:
    argv = [
        remote_binary,
        f"--graph={remote_model}",
        f"--num_threads={settings.threads}",
        f"--warmup_runs={settings.warmup_runs}",
        f"--num_runs={settings.num_runs}",
        # the counts in the target are the counts run: no extra runs to fill the tool's default minimum time
        "--warmup_min_secs=0",
        "--min_secs=0",
        "--report_peak_memory_footprint=true",
        *DELEGATE_FLAGS[settings.delegate],
    ]
    if settings.taskset_mask:
        argv = ["taskset", str(settings.taskset_mask), *argv]
    return shlex.join(argv)


def _validate_model(model_path: Path) -> str:
    if not model_path.is_file():
        raise BadInputError(f"model {model_path} does not exist; pass a .tflite file.")
    from edgekit.converters.tflite_reader import read_model

    return read_model(model_path).sha256


def bench_android(
    model_path: str | os.PathLike,
    target: Any,
    *,
    serial: str | None = None,
    benchmark_binary: str | os.PathLike | None = None,
    json_path: str | os.PathLike | None = None,
    rounds: int | None = None,
    adb_path: str | None = None,
    force: bool = False,
    echo: bool = True,
) -> BenchReport:
    """Benchmark ``model_path`` on the device; write ``json_path``; raise ``OverBudgetError`` when over budget.

    Raises ``DeviceError`` (after saving the rounds measured so far) when the device is missing, unauthorized,
    offline, ambiguous, or disconnects during the run.
    """
    settings = android_settings(target)
    if rounds is not None:
        if rounds < 1:
            raise BadInputError(f"--rounds must be at least 1, got {rounds}.")
        settings = AndroidSettings(**{**asdict(settings), "rounds": rounds})
    model = Path(model_path)
    sha = _validate_model(model)
    out = check_writable(json_path, force) if json_path else None
    binary = resolve_binary(benchmark_binary, settings)

    adb = Adb(adb_path)
    dev = adb.select(serial)
    device_info = _device_info(adb, dev, settings)
    remote_dir = settings.device_dir.rstrip("/")
    remote_bin, remote_model = f"{remote_dir}/benchmark_model", f"{remote_dir}/{model.name}"
    command = benchmark_command(settings, remote_bin, remote_model)
    settings_json = {
        **asdict(settings),
        "command": command,
        "benchmark_binary": str(binary),
        "benchmark_binary_sha256": hashlib.sha256(binary.read_bytes()).hexdigest(),
    }

    done: list[Round] = []

    def report(error: str | None = None) -> BenchReport:
        r = _summarize(settings, str(model), sha, device_info, settings_json, done, error)
        if out is not None:
            write_text_atomic(out, json.dumps(r.to_json(), indent=2) + "\n", force=True)
        return r

    try:
        _prepare(adb, binary, model, remote_dir, remote_bin, remote_model)
        _run_rounds(adb, settings, command, done, echo)
    except DeviceError as e:
        partial = report(str(e))
        if echo and done:
            _print(partial, out)  # what was measured before the device went away
        if out is not None:
            raise DeviceError(f"{e} The {len(done)} round(s) measured before are saved in {out}.") from e
        raise
    except EdgekitError as e:
        report(str(e))
        raise
    result = report()
    if echo:
        _print(result, out)
    if result.verdict == "over budget":
        raise OverBudgetError(_over_budget_sentence(result))
    return result


def _device_info(adb: Adb, dev: Device, settings: AndroidSettings) -> dict[str, str]:
    props = adb.getprop("ro.product.cpu.abi", "ro.product.cpu.abilist", "ro.build.version.sdk", "ro.product.model")
    abis = [a for a in (props["ro.product.cpu.abilist"] or props["ro.product.cpu.abi"]).split(",") if a]
    if abis and settings.abi not in abis:
        raise DeviceError(
            f"device {dev.serial} runs {', '.join(abis)}, not {settings.abi} as target {settings.target_id} "
            "expects; choose a target (and a benchmark_model build) for its ABI."
        )
    return {
        "serial": dev.serial,
        "model": props["ro.product.model"] or dev.model,
        "abi": props["ro.product.cpu.abi"],
        "sdk": props["ro.build.version.sdk"],
        **{f"adb_{k}": v for k, v in dev.props.items()},
    }


def _device_gone(adb: Adb, what: str) -> DeviceError | None:
    """A DeviceError when the chosen device is no longer usable, else None."""
    try:
        state = adb.state()
    except DeviceError:
        state = "gone"
    if state == "device":
        return None
    how = "disconnected" if state == "gone" else f"went {state}"
    return DeviceError(f"device {adb.serial} {how} during {what}; reconnect it and run the bench again.")


def _prepare(adb: Adb, binary: Path, model: Path, remote_dir: str, remote_bin: str, remote_model: str) -> None:
    try:
        adb.shell(f"mkdir -p {shlex.quote(remote_dir)}", what="adb shell mkdir")
        adb.push(binary, remote_bin)
        adb.push(model, remote_model)
        adb.shell(f"chmod 755 {shlex.quote(remote_bin)}", what="adb shell chmod")
    except EnvironmentError_ as e:
        raise _device_gone(adb, "the upload") or e from e


def _run_rounds(adb: Adb, settings: AndroidSettings, command: str, done: list[Round], echo: bool) -> None:
    from rich.progress import Progress

    timeout = 600.0
    with Progress(transient=True, disable=not echo) as bar:
        task = bar.add_task(f"benchmark_model on {adb.serial}", total=settings.rounds)
        for i in range(1, settings.rounds + 1):
            try:
                res = adb.shell(command, what=f"benchmark_model round {i}", timeout=timeout, check=False)
            except EnvironmentError_ as e:  # the adb client hung past the timeout
                raise _device_gone(adb, f"round {i}") or DeviceError(
                    f"benchmark_model round {i} did not finish within {timeout:g} s on {adb.serial}."
                ) from e
            text = res.stdout + ("\n" + res.stderr if res.stderr else "")
            parsed = benchmark_output.parse(text)
            if not parsed.complete:
                # adb returns 0 with no output when the device drops mid-command: ask adb where the device went
                gone = _device_gone(adb, f"round {i}")
                if gone:
                    raise gone
                raise DeviceError(_tool_failure(i, res.returncode, parsed, text))
            done.append(Round(i, command, res.returncode, parsed, text))
            bar.advance(task)


def _tool_failure(i: int, rc: int, parsed: benchmark_output.BenchmarkOutput, text: str) -> str:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    why = parsed.errors[0] if parsed.errors else (lines[-1] if lines else "no output")
    hint = ""
    if "exec format" in why.lower() or "not executable" in why.lower():
        hint = f" The binary does not match the device's ABI: use the android_aarch64 build ({BENCHMARK_MODEL_URL})."
    if "unresolved custom op" in why.lower():
        hint = " The stock benchmark_model has no implementation of the model's custom op: build one that links it."
    return f"benchmark_model failed in round {i} (exit code {rc}): {why.rstrip('.')}.{hint}"


def _summarize(
    settings: AndroidSettings,
    model: str,
    sha: str,
    device: dict[str, str],
    settings_json: dict[str, Any],
    done: list[Round],
    error: str | None,
) -> BenchReport:
    complete = error is None and len(done) == settings.rounds
    avgs = [r.parsed.inference_avg_us for r in done if r.parsed.inference_avg_us is not None]
    peaks = [p for p in (_peak(r.parsed) for r in done) if p is not None]
    latency_ms = statistics.median(avgs) / 1000 if avgs else None
    peak = max(peaks) if peaks else None
    latency_ok = None if latency_ms is None or settings.max_latency_ms is None else latency_ms <= settings.max_latency_ms
    memory_ok = None if peak is None or settings.max_peak_memory_mb is None else peak <= settings.max_peak_memory_mb
    notes: list[str] = []
    for r in done:
        for d in r.parsed.delegations:
            if d.replaced < d.total:
                notes.append(
                    f"{d.delegate} took {d.replaced} of {d.total} nodes ({d.partitions} partitions); "
                    "the rest ran on LiteRT's builtin CPU kernels."
                )
    return BenchReport(
        target=settings.target_id,
        model=f"{model} (sha256 {sha})",
        device=device,
        settings=settings_json,
        rounds=tuple(done),
        complete=complete,
        error=error,
        latency_ms=latency_ms,
        peak_memory_mb=peak,
        latency_ok=latency_ok,
        memory_ok=memory_ok,
        notes=tuple(dict.fromkeys(notes)),
    )


def _over_budget_sentence(r: BenchReport) -> str:
    parts = []
    if r.latency_ok is False:
        parts.append(f"latency {r.latency_ms:.3f} ms exceeds the budget of {r.settings['max_latency_ms']} ms")
    if r.memory_ok is False:
        parts.append(f"peak memory {r.peak_memory_mb:.1f} MB exceeds the budget of {r.settings['max_peak_memory_mb']} MB")
    return f"on {r.device.get('serial')}: " + " and ".join(parts) + "."


def _fmt(v: float | None, scale: float = 1.0, digits: int = 4) -> str:
    return "-" if v is None else f"{v / scale:.{digits}g}"


def _print(r: BenchReport, out: Path | None) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"{Path(r.model.split(' ')[0]).name} on {r.device.get('model') or r.device.get('serial')}")
    for col in ("round", "init ms", "first ms", "avg ms", "min ms", "max ms", "std ms", "peak MB"):
        t.add_column(col, justify="right")
    for rd in r.rounds:
        p = rd.parsed
        inf = p.inference
        t.add_row(
            str(rd.index),
            _fmt(p.init_us, 1000),
            _fmt(p.first_inference_us, 1000),
            _fmt(p.inference_avg_us, 1000),
            _fmt(inf.min if inf else None, 1000),
            _fmt(inf.max if inf else None, 1000),
            _fmt(inf.std if inf else None, 1000),
            _fmt(_peak(p)),
        )
    c = Console()
    c.print(t)
    budget_lat = r.settings.get("max_latency_ms")
    budget_mem = r.settings.get("max_peak_memory_mb")
    c.print(
        f"latency (median of rounds) {_fmt(r.latency_ms)} ms"
        + (f" / budget {budget_lat} ms" if budget_lat is not None else "")
        + f"; peak memory {_fmt(r.peak_memory_mb)} MB"
        + (f" / budget {budget_mem} MB" if budget_mem is not None else "")
        + f": [bold]{r.verdict}[/bold]"
    )
    for n in r.notes:
        c.print(f"note: {n}")
    if out is not None:
        c.print(f"wrote {out}")
