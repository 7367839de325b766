"""The benchmark_model parser on verbatim output of the real tool (tests/android/samples, sources in its README)."""

from __future__ import annotations

from pathlib import Path

import pytest

from edgekit.android.benchmark_output import BenchmarkOutput, Delegation, RunStats, parse

SAMPLES = Path(__file__).parent / "samples"


def sample(name: str) -> BenchmarkOutput:
    return parse((SAMPLES / name).read_text())


def test_desktop_scientific_notation_and_single_run_warmup() -> None:
    p = sample("desktop_op_profiling.txt")
    assert (p.init_us, p.first_inference_us, p.warmup_avg_us, p.inference_avg_us) == (
        17187, 3512391, 3.51239e06, 2.95034e06
    )
    assert p.warmup == RunStats(count=1, first=3512391, curr=3512391, min=3512391, max=3512391, avg=3512391,
                                std=0.0, all_same=True)
    assert p.inference == RunStats(count=50, first=2990275, curr=2913402, min=2727568, max=3189954,
                                   avg=2.95034e06, std=109798)
    assert (p.mem_init_mb, p.mem_overall_mb, p.peak_memory_mb) == (4.21094, 46.0859, None)
    assert (p.model_size_mb, p.initialized_ms) == (16.9008, 17.187)
    assert p.complete and p.delegations == () and p.errors == ()


def test_percentiles_with_indented_info_prefix() -> None:
    p = sample("percentiles_delta.txt")
    assert p.warmup is not None and p.warmup.count == 1 and p.warmup.all_same
    assert (p.warmup.curr, p.warmup.p5, p.warmup.median, p.warmup.p95) == (1357602, 1357602, 1357602, 1357602)
    assert p.inference == RunStats(count=50, first=1249964, curr=1240143, min=1238588, max=1252566, avg=1.24027e06,
                                   std=2565, p5=1238753, median=1239807, p95=1247415)
    assert p.inference_avg_us == 1.24027e06 and p.warmup_avg_us == 1.3576e06
    assert (p.mem_init_mb, p.mem_overall_mb) == (6.36328, 109.832)


def test_xnnpack_replacing_and_periodic_peak() -> None:
    p = sample("xnnpack_periodic.txt")
    assert p.delegations == (Delegation(replaced=58, total=58, delegate="TfLiteXNNPackDelegate", partitions=1),)
    assert p.warmup is not None and p.warmup.count == 9 and p.warmup.avg == 58984.7
    assert p.inference is not None and p.inference.count == 1061 and p.inference.std == 982
    assert p.peak_memory_mb == 93.2383 and p.mem_overall_mb is None
    assert p.inference_avg_us == 56265.8


def test_old_peak_memory_format_and_lone_timed_stat() -> None:
    p = sample("old_peak_format.txt")
    assert (p.mem_init_mb, p.mem_overall_mb, p.peak_memory_mb) == (4.92969, 138.809, None)
    # one count line, no "Running benchmark" lines: its average is the summary's, so it is the timed runs
    assert p.warmup is None and p.inference is not None and p.inference.avg == 249684


def test_logcat_prefix() -> None:
    p = sample("logcat.txt")
    assert p.inference is not None and (p.inference.count, p.inference.median) == (25, 141253)
    assert (p.init_us, p.warmup_avg_us) == (92318, 211669)
    assert (p.mem_init_mb, p.mem_overall_mb) == (54.2852, 73.4102)


def test_peak_and_memory_status_lines() -> None:
    p = sample("peak_and_status.txt")
    assert (p.mem_init_mb, p.mem_overall_mb, p.peak_memory_mb) == (2.43359, 8.67578, 13.1797)
    assert not p.complete  # no Inference timings line


@pytest.mark.parametrize(
    "line, expected",
    [
        ("count=0", RunStats(count=0)),
        ("count=50 curr=1234(all same)", RunStats(50, 1234, 1234, 1234, 1234, 1234, 0.0, all_same=True)),
        ("curr=900 count=3 min=800 max=1000 avg=900 std=81", RunStats(3, None, 900, 800, 1000, 900, 81)),  # old TF
        ("count=5 first=1e+06 curr=9.5e5 min=9.5e+05 max=1.2E6 avg=1.01e+06 std=1e4",
         RunStats(5, 1e6, 9.5e5, 9.5e5, 1.2e6, 1.01e6, 1e4)),
    ],
)
def test_stat_line_variants(line: str, expected: RunStats) -> None:
    p = parse(f"Running benchmark for at least 1 iterations\n{line}\nRunning benchmark for at least 5 iterations\n")
    assert p.warmup == expected


def test_errors_and_partial_subgraph_delegation() -> None:
    text = (
        "INFO: Replacing 11 out of 13 node(s) with delegate (TfLiteXNNPackDelegate) node, "
        "yielding 2 partitions for subgraph 0 (main).\n"
        "ERROR: Failed to apply GPU delegate.\n"
        "ERROR: Benchmarking failed.\n"
    )
    p = parse(text)
    assert p.delegations == (Delegation(11, 13, "TfLiteXNNPackDelegate", 2),)
    assert p.errors == ("Failed to apply GPU delegate.", "Benchmarking failed.")
    assert not p.complete


def test_cut_short_after_warmup() -> None:
    text = (SAMPLES / "percentiles_delta.txt").read_text().split("INFO: count=50")[0]
    p = parse(text)
    assert p.warmup is not None and p.warmup.count == 1 and p.inference is None and not p.complete
