"""Thousands of truncated and corrupted .tflite files: each is read or refused with ModelFormatError, none hangs.

The reader's work is bounded by construction (every vector length is checked against the bytes that remain
before it is walked), so a hang would be a bug; SIGALRM turns one into a failure instead of a stuck suite.
The inputs are seeded, so a failure names a reproducible case.
"""

from __future__ import annotations

import random
import signal
from collections import Counter
from collections.abc import Iterator

import pytest
from conftest import MLPERF, MLPERF_MODELS
from edgekit.converters.tflite_reader import parse_model

from edgekit.analysis.costs import model_cost
from edgekit.errors import ModelFormatError
from edgekit.ir import Model

from . import tinymodels as tm

EXTREMES = (0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF)


def _mutants(data: bytes, seed: int, count: int) -> Iterator[tuple[str, bytes]]:
    rng = random.Random(seed)
    n = len(data)
    # the flatbuffer's tables, vtables and offsets sit mostly outside the large weight buffers: aim there often
    hot = max(n // 4, 64)
    for i in range(count):
        kind = i % 4
        b = bytearray(data)
        if kind == 0:
            cut = rng.randrange(n)
            yield f"truncate@{cut}", bytes(b[:cut])
            continue
        if kind == 1:
            k = rng.randint(1, 8)
            for _ in range(k):
                p = rng.randrange(n)
                b[p] ^= 1 << rng.randrange(8)
            yield f"bitflip x{k}", bytes(b)
            continue
        if kind == 2:
            for _ in range(rng.randint(1, 4)):
                p = rng.randrange(8, min(hot, n - 4)) & ~3
                b[p : p + 4] = rng.choice(EXTREMES).to_bytes(4, "little")
            yield "word", bytes(b)
            continue
        p = rng.randrange(8, min(hot, n))
        b[p] = rng.randrange(256)
        yield f"byte@{p}", bytes(b)


def _run(data: bytes, seed: int, count: int) -> Counter:
    outcome: Counter = Counter()
    for label, mutant in _mutants(data, seed, count):
        try:
            m = parse_model(mutant, name="fuzz")
        except ModelFormatError as e:
            msg = str(e)
            assert msg and "\n" not in msg, (label, msg)
            outcome["refused"] += 1
        else:
            assert isinstance(m, Model), label
            # whatever was read must be usable downstream without surprises
            cost = model_cost(m)
            assert cost.macs >= 0 and all(len(t.data or b"") <= len(mutant) for t in m.tensors)
            outcome["read"] += 1
    return outcome


@pytest.fixture
def alarm():
    def boom(signum, frame):
        raise TimeoutError("the reader hung on a fuzzed file")

    old = signal.signal(signal.SIGALRM, boom)
    signal.alarm(120)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def test_fuzz_tiny_model(alarm) -> None:
    outcome = _run(tm.tiny_cnn(), seed=20261129, count=4000)
    assert outcome["read"] + outcome["refused"] == 4000
    assert outcome["refused"] > 1000 and outcome["read"] > 100  # both paths exercised


def test_fuzz_mlperf_kws(alarm) -> None:
    path = MLPERF / MLPERF_MODELS["kws"]
    if not path.is_file():
        pytest.skip(f"reference model {path} not found (needs ../shared/models beside the checkout)")
    outcome = _run(path.read_bytes(), seed=7, count=1500)
    assert outcome["read"] + outcome["refused"] == 1500 and outcome["refused"] > 300
