"""What the emulated device runs in place of the pushed ``benchmark_model``: the model on LiteRT, timed for real.

It accepts the official tool's flags (``--graph``, ``--num_threads``, ``--warmup_runs``, ``--num_runs``,
``--min_secs``, ``--max_secs``, ``--warmup_min_secs``, ``--use_xnnpack``, ``--use_gpu``, ``--use_nnapi``,
``--report_peak_memory_footprint``, ``--memory_footprint_check_interval_ms``) and prints what the tool prints
(tensorflow/lite/tools/benchmark/benchmark_model.cc, benchmark_tflite_model.cc), with timings measured around
``Interpreter.invoke()`` and memory read from ``/proc/self/statm``. Device paths are mapped into the emulated
device's folder (``EK_FAKE_DEVICE_ROOT``).
"""

from __future__ import annotations

import math
import os
import sys
import threading
import time
from pathlib import Path

import numpy as np


def info(msg: str) -> None:
    print(f"INFO: {msg}", flush=True)


def _rss_kb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024


class Stat:
    """tensorflow::Stat: the accumulator behind the ``count=... first=...`` line."""

    def __init__(self) -> None:
        self.values: list[int] = []

    def add(self, v: int) -> None:
        self.values.append(v)

    def avg(self) -> float:
        return sum(self.values) / len(self.values) if self.values else math.nan

    def line(self) -> str:
        v = self.values
        if not v:
            return "count=0"
        s = sorted(v)

        def pct(p: int) -> int:
            return s[min(len(s) - 1, max(0, int(len(s) * p / 100)))]

        tail = f" p5={pct(5)} median={pct(50)} p95={pct(95)}"
        if min(v) == max(v):
            return f"count={len(v)} curr={v[-1]}" + ("(all same)" if len(v) > 1 else "") + tail
        mean = self.avg()
        std = int(math.sqrt(sum((x - mean) ** 2 for x in v) / len(v)))
        return (
            f"count={len(v)} first={v[0]} curr={v[-1]} min={min(v)} max={max(v)} "
            f"avg={_g(mean)} std={std}" + tail
        )


def _g(x: float) -> str:
    """C++ ostream's default float format (6 significant digits, scientific when large)."""
    return f"{x:.6g}"


def _parse_flags(argv: list[str]) -> dict[str, str]:
    flags: dict[str, str] = {}
    for a in argv:
        if not a.startswith("--") or "=" not in a:
            print(f"ERROR: Unknown argument or invalid flag format: {a}", flush=True)
            sys.exit(1)
        k, v = a[2:].split("=", 1)
        flags[k] = v
    return flags


def _true(v: str | None) -> bool:
    return (v or "").lower() in ("1", "true")


def _delegated_nodes(interp: object) -> tuple[int, int, int]:
    """(nodes replaced by delegates, original nodes, partitions) from LiteRT's op details.

    LiteRT appends one DELEGATE node per partition; an original node belongs to a partition when it lies between
    that partition's inputs and outputs.
    """
    ops = interp._get_ops_details()  # type: ignore[attr-defined]
    originals = [o for o in ops if o["op_name"] != "DELEGATE"]
    partitions = [o for o in ops if o["op_name"] == "DELEGATE"]
    producer = {t: o["index"] for o in originals for t in o["outputs"]}
    replaced: set[int] = set()
    for part in partitions:
        stop = set(int(t) for t in part["inputs"])
        todo = [int(t) for t in part["outputs"]]
        while todo:
            t = todo.pop()
            if t in stop or t not in producer or producer[t] in replaced:
                continue
            node = producer[t]
            replaced.add(node)
            todo.extend(int(x) for x in ops[node]["inputs"] if x >= 0)
    return len(replaced), len(originals), len(partitions)


def main(argv: list[str]) -> int:
    flags = _parse_flags(argv)
    root = Path(os.environ.get("EK_FAKE_DEVICE_ROOT", "/"))
    info("STARTING!")
    info("Log parameter values verbosely: [0]")
    num_runs = int(flags.get("num_runs", 50))
    warmup_runs = int(flags.get("warmup_runs", 1))
    min_secs = float(flags.get("min_secs", 1.0))
    warmup_min_secs = float(flags.get("warmup_min_secs", 0.5))
    max_secs = float(flags.get("max_secs", 150.0))
    threads = int(flags.get("num_threads", -1))
    report_peak = _true(flags.get("report_peak_memory_footprint"))
    interval_ms = int(flags.get("memory_footprint_check_interval_ms", 50))
    if "num_runs" in flags:
        info(f"Min num runs: [{num_runs}]")
    if "min_secs" in flags:
        info(f"Min runs duration (seconds): [{_g(min_secs)}]")
    if "num_threads" in flags:
        info(f"Num threads: [{threads}]")
    if "warmup_runs" in flags:
        info(f"Min warmup runs: [{warmup_runs}]")
    if report_peak:
        info("Report the peak memory footprint: [1]")
    graph = flags.get("graph", "")
    info(f"Graph: [{graph}]")
    use_xnnpack = flags.get("use_xnnpack", "true").lower() not in ("0", "false")
    if "use_xnnpack" in flags:
        info(f"Use xnnpack: [{int(use_xnnpack)}]")
    if threads > 0:
        info(f"#threads used for CPU inference: [{threads}]")
    path = root / graph.lstrip("/")
    if not graph or not path.is_file():
        print(f"ERROR: Could not open '{graph}'.", flush=True)
        print("ERROR: Benchmarking failed.", flush=True)
        return 1

    peak_kb = [0.0]
    stop = threading.Event()

    def monitor() -> None:
        while not stop.is_set():
            peak_kb[0] = max(peak_kb[0], _rss_kb())
            stop.wait(interval_ms / 1000)

    if report_peak:
        threading.Thread(target=monitor, daemon=True).start()
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    start_kb = _rss_kb()
    t0 = time.perf_counter_ns()

    info(f"Loaded model {graph}")
    if _true(flags.get("use_gpu")):
        print("WARN: GPU acceleration is unsupported on this platform.", flush=True)
    if _true(flags.get("use_nnapi")):
        print("WARN: NNAPI acceleration is unsupported on this platform.", flush=True)
    resolver = OpResolverType.AUTO if use_xnnpack else OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES
    try:
        interp = Interpreter(
            model_path=str(path), num_threads=threads if threads > 0 else None, experimental_op_resolver_type=resolver
        )
        interp.allocate_tensors()
    except (ValueError, RuntimeError) as e:
        print(f"ERROR: Failed to construct interpreter: {e}", flush=True)
        print("ERROR: Benchmarking failed.", flush=True)
        return 1
    init_us = (time.perf_counter_ns() - t0) // 1000
    init_kb = _rss_kb() - start_kb
    replaced, total, parts = _delegated_nodes(interp)
    if parts:
        print(
            f"VERBOSE: Replacing {replaced} out of {total} node(s) with delegate (TfLiteXNNPackDelegate) node, "
            f"yielding {parts} partitions for the whole graph.",
            flush=True,
        )
    info(f"The input model file size (MB): {_g(path.stat().st_size / 1e6)}")
    info(f"Initialized session in {_g(init_us / 1e3)}ms.")
    rng = np.random.default_rng(0)
    for d in interp.get_input_details():
        dt = np.dtype(d["dtype"])
        if dt.kind in "iu":
            lo, hi = np.iinfo(dt).min, np.iinfo(dt).max
            data = rng.integers(lo, hi, size=d["shape"], endpoint=True, dtype=dt)
        else:
            data = rng.uniform(-1, 1, size=d["shape"]).astype(dt)
        interp.set_tensor(d["index"], data)

    def run(n: int, secs: float) -> Stat:
        info(
            f"Running benchmark for at least {n} iterations and at least {_g(secs)} seconds but terminate if "
            f"exceeding {_g(max_secs)} seconds."
        )
        st = Stat()
        now = time.perf_counter()
        min_end, max_end = now + secs, now + max_secs
        i = 0
        while (i < n or now < min_end) and now <= max_end:
            a = time.perf_counter_ns()
            interp.invoke()
            st.add((time.perf_counter_ns() - a) // 1000)
            now = time.perf_counter()
            i += 1
        info(st.line() + "\n")
        return st

    warm = run(warmup_runs, warmup_min_secs)
    reg = run(num_runs, min_secs)
    overall_kb = _rss_kb() - start_kb
    stop.set()
    first = warm.values[0] if warm.values else 0
    info(
        f"Inference timings in us: Init: {init_us}, First inference: {first}, Warmup (avg): {_g(warm.avg())}, "
        f"Inference (avg): {_g(reg.avg())}"
    )
    info(
        "Note: as the benchmark tool itself affects memory footprint, the following is only APPROXIMATE to the "
        "actual memory footprint of the model at runtime. Take the information at your discretion."
    )
    info(f"Memory footprint delta from the start of the tool (MB): init={_g(init_kb / 1024)} overall={_g(overall_kb / 1024)}")
    if report_peak:
        peak_mb = max(peak_kb[0], _rss_kb()) / 1024
        info(f"Overall peak memory footprint (MB) via periodic monitoring: {_g(peak_mb)}")
        rss = int(_rss_kb() / 1024)
        info("Memory status at the end of exeution:")
        info(f"- VmRSS              : {rss} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
