"""``edgekit bench`` over a serial line (a board's /dev/ttyACM0, or QEMU's socket://).

For each input: upload it (db load + 31-byte chunks), run ``infer N W``, keep every inference's own
count (``ek-laps-``), the MLPerf lap times (``m-lap-us-``) and the raw output bytes (``ek-output-``);
then compare the outputs with TFLite Micro run on the host on the same inputs. What was measured is
written to the JSON/CSV even when the device fails part-way (the error is recorded in the file).
Schema: docs/bench-json.md.
"""

from __future__ import annotations

import csv
import io
import json
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from edgekit.bench.link import DeviceLink, DeviceRefused, DeviceReset
from edgekit.errors import BadInputError, DeviceError, UnsupportedError
from edgekit.fileio import write_text_atomic
from edgekit.package.project import Project, TensorSpec

SCHEMA = "edgekit-bench/1"
MAX_RECOVERIES = 3
# refusals that mean the device restarted and lost the uploaded input (its boot line was taken as a reply)
LOST_STATE = ("no complete input loaded", "db load N must come before data")


@dataclass
class BenchResult:
    target: str
    model: str
    model_sha256: str
    units: str  # "instructions" or "cycles"
    clock_hz: int
    runs: list[dict[str, Any]] = field(default_factory=list)
    lap_us: list[float] = field(default_factory=list)  # MLPerf (t1 - t0) / N, one per infer command
    outputs: list[list[str]] = field(default_factory=list)  # per input, per output: hex
    reference: list[list[str]] | None = None
    device: dict[str, Any] = field(default_factory=dict)
    resets: int = 0
    garbage_lines: int = 0
    error: str | None = None

    @property
    def outputs_match(self) -> bool:
        return (self.error is None and self.reference is not None and len(self.outputs) > 0
                and self.outputs == self.reference)

    def summary(self, key: str) -> dict[str, float] | None:
        values = [r[key] for r in self.runs]
        if not values:
            return None
        ordered = sorted(values)
        p90 = ordered[min(len(ordered) - 1, int(np.ceil(0.9 * len(ordered))) - 1)]
        return {"median": float(statistics.median(ordered)), "p90": float(p90), "min": float(ordered[0]),
                "max": float(ordered[-1]), "mean": float(statistics.fmean(ordered)), "count": len(ordered)}

    def to_json(self) -> dict[str, Any]:
        mismatched = [] if self.reference is None else [
            i for i, (a, b) in enumerate(zip(self.outputs, self.reference, strict=False)) if a != b]
        return {
            "schema": SCHEMA,
            "target": self.target,
            "model": self.model,
            "model_sha256": self.model_sha256,
            "units": self.units,
            "clock_hz": self.clock_hz,
            "device": self.device,
            "runs": self.runs,
            "latency_us": self.summary("latency_us"),
            self.units: self.summary(self.units),
            "mlperf_lap_us": self.lap_us,
            "outputs": self.outputs,
            "reference_outputs": self.reference,
            "outputs_match": self.outputs_match,
            "mismatched_inputs": mismatched,
            "resets": self.resets,
            "garbage_lines": self.garbage_lines,
            "error": self.error,
        }

    def to_csv(self) -> str:
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["input", "run", self.units, "latency_us"])
        for r in self.runs:
            w.writerow([r["input"], r["run"], r[self.units], f"{r['latency_us']:.3f}"])
        return buf.getvalue()


def load_inputs(path: str | Path | None, specs: Sequence[TensorSpec], count: int, seed: int) -> list[bytes]:
    """Raw input bytes per sample: from a .npy (one sample, or a batch along axis 0) or seeded random."""
    if path is None:
        rng = np.random.default_rng(seed)
        out = []
        for _ in range(count):
            parts = []
            for s in specs:
                if s.dtype in ("int8", "uint8"):
                    parts.append(rng.integers(-128 if s.dtype == "int8" else 0, 128 if s.dtype == "int8" else 256,
                                              size=s.shape, dtype=np.int64).astype(s.dtype).tobytes())
                else:
                    parts.append(rng.uniform(-1, 1, size=s.shape).astype(s.dtype).tobytes())
            out.append(b"".join(parts))
        return out
    p = Path(path)
    arr = read_npy(p)
    if len(specs) != 1:
        raise BadInputError(f"--inputs takes one .npy, but the model has {len(specs)} inputs; give raw samples instead.")
    spec = specs[0]
    if arr.dtype != np.dtype(spec.dtype):
        raise BadInputError(f"{p} holds {arr.dtype}, the model's input is {spec.dtype}; quantize it first.")
    per = int(np.prod(spec.shape))
    if arr.size % per != 0 or arr.size == 0:
        raise BadInputError(f"{p} has shape {arr.shape}; expected samples of shape {spec.shape}.")
    flat = np.ascontiguousarray(arr).reshape(-1, per)
    rows = flat[:count] if count else flat  # count 0: every sample in the file
    return [r.tobytes() for r in rows]


def host_reference(project: Project, samples: Sequence[bytes]) -> list[list[str]]:
    """TFLite Micro's outputs for the same inputs (the oracle edgekit verify uses), as hex."""
    from edgekit.verify.reference import tflm_run

    arrays = []
    for blob in samples:
        parts, pos = [], 0
        for s in project.inputs:
            parts.append(np.frombuffer(blob[pos : pos + s.nbytes], dtype=s.dtype).reshape(s.shape))
            pos += s.nbytes
        arrays.append(parts)
    try:
        ref = tflm_run(project.model_path.read_bytes(), arrays, len(project.outputs))
    except RuntimeError as e:  # the model does not load in TFLM (e.g. RELU_N1_TO_1, which it has no kernel for)
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise UnsupportedError(f"TFLite Micro cannot run {project.model_name} ({first}), so there is no reference "
                               "to compare the device's outputs with.") from e
    return [[np.asarray(o).astype(s.dtype).tobytes().hex() for o, s in zip(r, project.outputs, strict=True)]
            for r in ref]


def _parse_infer(lines: list[str], units: str) -> tuple[list[int], float | None, list[str]]:
    laps: list[int] = []
    lap_us: list[int] = []
    outs: dict[int, str] = {}
    n = None
    for line in lines:
        if line.startswith(f"ek-laps-{units}-["):
            body = line[len(f"ek-laps-{units}-[") : -1]
            laps = [int(x) for x in body.split(",") if x]
        elif line.startswith("m-lap-us-"):
            lap_us.append(int(line[len("m-lap-us-"):]))
        elif line.startswith("m-infer-start-"):
            n = int(line[len("m-infer-start-"):])
        elif line.startswith("ek-output-"):
            k, _, hexdata = line[len("ek-output-"):].partition("-")
            outs[int(k)] = hexdata
    mlperf = (lap_us[1] - lap_us[0]) / n if len(lap_us) == 2 and n else None
    return laps, mlperf, [outs[k] for k in sorted(outs)]


def bench_link(link: DeviceLink, project: Project, samples: Sequence[bytes], runs: int, warmup: int,
               result: BenchResult, progress: Callable[[int], None] | None = None) -> None:
    """Run every sample on the device; fills ``result`` as it goes, so a failure keeps what was measured."""
    t = project.target
    link.sync()
    info = link.command("profile")
    for line in info:
        for key in ("ek-model-hash-", "ek-arena-bytes-", "ek-units-", "ek-input-bytes-", "ek-ticks-per-second-"):
            if line.startswith(key):
                result.device[key[3:-1].replace("-", "_")] = line[len(key):]
        if line.startswith("m-model-["):
            result.device["model"] = line[len("m-model-[") : -1]
    want = project.model_sha256[:16]
    if result.device.get("model_hash") != want:
        raise DeviceError(
            f"the device runs model {result.device.get('model', '?')} (hash {result.device.get('model_hash')}), "
            f"not {project.model_name} ({want}); flash the right firmware first."
        )
    units = result.device.get("units", t.units)
    result.units = units
    recoveries = 0
    for i, blob in enumerate(samples):
        while True:
            try:
                link.upload(blob)
                lines = link.command(f"infer {runs} {warmup}")
                break
            except (DeviceReset, DeviceRefused) as e:
                if isinstance(e, DeviceRefused) and not any(s in str(e) for s in LOST_STATE):
                    raise  # a real refusal (e.g. the model's own status code): retrying cannot help
                recoveries += 1
                result.resets = link.stats.resets
                if recoveries > MAX_RECOVERIES:
                    raise DeviceError(f"{e} Gave up after {MAX_RECOVERIES} recoveries.") from e
                link.sync(boot_wait=0.5)  # the device restarted: realign, then upload this input again
        laps, mlperf, outs = _parse_infer(lines, units)
        if len(laps) != min(runs, 64) or len(outs) != len(project.outputs):
            raise DeviceError(f"incomplete reply to 'infer {runs} {warmup}' for input {i}: {lines[-3:]}")
        for j, count in enumerate(laps):
            result.runs.append({"input": i, "run": j, units: count, "latency_us": count * 1e6 / t.clock_hz})
        if mlperf is not None:
            result.lap_us.append(mlperf)
        result.outputs.append(outs)
        if progress:
            progress(i + 1)
    result.resets = link.stats.resets
    result.garbage_lines = link.stats.garbage_lines


def save(result: BenchResult, json_path: str | Path | None, csv_path: str | Path | None) -> None:
    if json_path:
        write_text_atomic(json_path, json.dumps(result.to_json(), indent=2) + "\n")
    if csv_path:
        write_text_atomic(csv_path, result.to_csv())


def run_bench(project: Project, url: str, samples: Sequence[bytes], *, runs: int = 1, warmup: int = 0,
              timeout: float = 30.0, json_path: str | Path | None = None, csv_path: str | Path | None = None,
              progress: Callable[[int], None] | None = None, reference: bool = True) -> BenchResult:
    """Measure on the device at ``url``, compare with the host reference, save; raise after saving on error."""
    if not 1 <= runs <= 64:
        raise BadInputError(f"--runs must be between 1 and 64 per input (got {runs}); give more inputs instead.")
    t = project.target
    result = BenchResult(t.id, project.model_name, project.model_sha256, t.units, t.clock_hz)
    try:
        with DeviceLink(url, baudrate=t.uart_baud, timeout=timeout) as link:
            try:
                bench_link(link, project, samples, runs, warmup, result, progress)
            finally:
                result.resets = link.stats.resets
                result.garbage_lines = link.stats.garbage_lines
    except DeviceError as e:
        result.error = str(e)
        save(result, json_path, csv_path)
        raise
    if reference:
        result.reference = host_reference(project, samples[: len(result.outputs)])
    save(result, json_path, csv_path)
    return result


def read_npy(path: str | Path) -> np.ndarray:
    """The --inputs array; the CLI calls this before building so a bad file is refused in a second, not after."""
    p = Path(path)
    if not p.is_file():
        raise BadInputError(f"inputs file {p} does not exist; pass a .npy array of input samples.")
    try:
        return np.load(p, allow_pickle=False)
    except (OSError, ValueError, EOFError) as e:  # EOFError (empty file) would reach click as an "aborted"
        raise BadInputError(f"cannot read inputs {p}: it is not a .npy array file ({type(e).__name__}); save the "
                            "samples with numpy.save.") from e
