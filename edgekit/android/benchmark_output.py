"""Parse what TFLite's ``benchmark_model`` prints (tensorflow/lite/tools/benchmark), every line format we know.

Lines are matched anywhere in the line, so log prefixes do not matter (``INFO: ``, ``VERBOSE: ``, logcat's
``I tflite  : ``, a timestamp). The formats, as the tool's sources print them:

- ``Inference timings in us: Init: 17187, First inference: 3512391, Warmup (avg): 3.51239e+06, Inference (avg):
  2.95034e+06`` (C++ ostream floats: 6 significant digits, scientific notation from 1e6 on);
- ``count=50 first=2990275 curr=2913402 min=2727568 max=3189954 avg=2.95034e+06 std=109798`` (tensorflow::Stat),
  newer tools append ``p5=... median=... p95=...``; a run whose samples are all equal prints ``count=1 curr=X``
  or ``count=50 curr=X(all same)``; no samples prints ``count=0``. The first such line is the warm-up, the
  second the timed runs (older TensorFlow printed ``curr=... count=... min=...``, also read);
- memory, three formats: ``Memory footprint delta from the start of the tool (MB): init=4.21 overall=46.08``,
  the older ``Peak memory footprint (MB): init=4.92969 overall=138.809``, and with
  ``--report_peak_memory_footprint=true`` ``Overall peak memory footprint (MB) via periodic monitoring: 93.2``;
- ``Replacing 58 out of 58 node(s) with delegate (TfLiteXNNPackDelegate) node, yielding 1 partitions ...``;
- ``The input model file size (MB): 0.0539``, ``Initialized session in 17.187ms.``, ``ERROR: ...``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

NUM = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?nan|[-+]?inf"

_TIMINGS = re.compile(
    rf"Inference timings in us: Init: (?P<init>{NUM}), First inference: (?P<first>{NUM}), "
    rf"Warmup \(avg\): (?P<warmup>{NUM}), Inference \(avg\): (?P<avg>{NUM})"
)
_COUNT = re.compile(r"\bcount=(?P<count>\d+)")
_KV = re.compile(rf"\b(first|curr|min|max|avg|std|p5|median|p95)=({NUM})")
_MEM_DELTA = re.compile(
    rf"Memory footprint delta from the start of the tool \(MB\): init=(?P<init>{NUM}) overall=(?P<overall>{NUM})"
)
_MEM_OLD = re.compile(rf"(?<!Overall )Peak memory footprint \(MB\): init=(?P<init>{NUM}) overall=(?P<overall>{NUM})")
_MEM_PEAK = re.compile(rf"Overall peak memory footprint \(MB\) via periodic monitoring: (?P<peak>{NUM})")
_REPLACING = re.compile(
    r"Replacing (?P<n>\d+) out of (?P<m>\d+) node\(s\) with delegate \((?P<delegate>[^)]*)\) node, "
    r"yielding (?P<k>\d+) partitions"
)
_MODEL_SIZE = re.compile(rf"The input model file size \(MB\): (?P<mb>{NUM})")
_INIT_SESSION = re.compile(rf"Initialized session in (?P<ms>{NUM})\s*ms")
_ERROR = re.compile(r"\bERROR: (?P<msg>.+)$")


def _num(s: str) -> float:
    return float(s)  # float() reads 1.2e+06, nan and inf as the tool prints them


@dataclass(frozen=True)
class RunStats:
    """One ``count=...`` line: a tensorflow::Stat over per-inference durations in microseconds."""

    count: int
    first: float | None = None
    curr: float | None = None
    min: float | None = None
    max: float | None = None
    avg: float | None = None
    std: float | None = None
    p5: float | None = None
    median: float | None = None
    p95: float | None = None
    all_same: bool = False

    @classmethod
    def parse(cls, count: int, rest: str) -> RunStats:
        kv = {k: _num(v) for k, v in _KV.findall(rest)}
        all_same = "(all same)" in rest or (count >= 1 and "min" not in kv and "curr" in kv)
        if all_same and "curr" in kv:
            # every sample equals curr: the tool omits first/min/max/avg/std
            c = kv["curr"]
            kv = {"first": c, "min": c, "max": c, "avg": c, "std": 0.0, **kv}
        return cls(count=count, all_same=all_same, **kv)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Delegation:
    replaced: int
    total: int
    delegate: str
    partitions: int


@dataclass(frozen=True)
class BenchmarkOutput:
    """Everything one run of the tool printed that we understand; ``None`` where the line was absent."""

    init_us: float | None = None
    first_inference_us: float | None = None
    warmup_avg_us: float | None = None
    inference_avg_us: float | None = None
    warmup: RunStats | None = None
    inference: RunStats | None = None
    mem_init_mb: float | None = None
    mem_overall_mb: float | None = None
    peak_memory_mb: float | None = None
    model_size_mb: float | None = None
    initialized_ms: float | None = None
    delegations: tuple[Delegation, ...] = ()
    errors: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        """The tool reached its summary: the ``Inference timings`` line was printed."""
        return self.inference_avg_us is not None and not math.isnan(self.inference_avg_us)


def parse(text: str) -> BenchmarkOutput:
    """Parse the whole output of one ``benchmark_model`` run (stdout and stderr together)."""
    found: dict[str, object] = {}
    stats: list[RunStats] = []
    delegations: list[Delegation] = []
    errors: list[str] = []
    running = 0  # "Running benchmark for at least N iterations" lines: one before each count line
    for raw in text.replace("\r", "").splitlines():
        line = raw.strip()
        if not line:
            continue
        if m := _TIMINGS.search(line):
            found.update(
                init_us=_num(m["init"]),
                first_inference_us=_num(m["first"]),
                warmup_avg_us=_num(m["warmup"]),
                inference_avg_us=_num(m["avg"]),
            )
        elif m := _MEM_DELTA.search(line) or _MEM_OLD.search(line):
            found.update(mem_init_mb=_num(m["init"]), mem_overall_mb=_num(m["overall"]))
        elif m := _MEM_PEAK.search(line):
            found["peak_memory_mb"] = _num(m["peak"])
        elif m := _REPLACING.search(line):
            delegations.append(Delegation(int(m["n"]), int(m["m"]), m["delegate"], int(m["k"])))
        elif m := _MODEL_SIZE.search(line):
            found["model_size_mb"] = _num(m["mb"])
        elif m := _INIT_SESSION.search(line):
            found["initialized_ms"] = _num(m["ms"])
        elif m := _ERROR.search(line):
            errors.append(m["msg"].strip())
        elif "Running benchmark for at least" in line:
            running += 1
        elif m := _COUNT.search(line):
            stats.append(RunStats.parse(int(m["count"]), line))
    if len(stats) > 1 or (stats and running > 1):
        found["warmup"], found["inference"] = stats[0], stats[1] if len(stats) > 1 else None
    elif stats:
        # One count line and no "Running benchmark" lines to place it (an excerpt, or a log cut short): it is the
        # timed runs when its average is the summary's Inference (avg), else the warm-up.
        one = stats[0]
        timed = found.get("inference_avg_us") is not None and one.avg == found["inference_avg_us"]
        found["inference" if timed else "warmup"] = one
    return BenchmarkOutput(delegations=tuple(delegations), errors=tuple(errors), **found)  # type: ignore[arg-type]
