"""``edgekit verify``: generated C, compiled for the host, against TFLite Micro, byte for byte.

``verify_model`` is the library call; the CLI (``edgekit/cli/verify.py``) only prints its report.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from edgekit.errors import BadInputError, UnsupportedError
from edgekit.ir import DTYPES, Model


@dataclass(frozen=True)
class OpDiff:
    op_index: int
    op_name: str
    tensor: int
    tensor_name: str
    differing: int  # elements that differ
    total: int
    max_abs: float


@dataclass(frozen=True)
class VerifyReport:
    model: str
    samples: int
    output_elements: int  # per sample, all outputs
    differing_elements: int  # over all samples and outputs
    differing_samples: int
    max_abs_diff: float  # generated C vs TFLM
    first_bad_op: OpDiff | None  # on a mismatch, the first op whose output differs (first differing sample)
    litert_max_diff: float | None  # LiteRT builtin vs TFLM, information only
    arena_bytes: int
    build_dir: Path | None

    @property
    def identical(self) -> bool:
        return self.differing_elements == 0


Progress = Callable[[str], None]


def _np_dtype(model: Model, t: int) -> np.dtype:
    return np.dtype(DTYPES[model.tensor(t).dtype][0])


def _split(model: Model, blob: bytes, tensors: list[int]) -> list[np.ndarray]:
    arrays, pos = [], 0
    for t in tensors:
        n = model.tensor(t).nbytes
        arrays.append(np.frombuffer(blob[pos : pos + n], dtype=_np_dtype(model, t)).reshape(model.tensor(t).shape))
        pos += n
    return arrays


def verify_model(
    path: str | Path,
    n_inputs: int = 20,
    seed: int = 0,
    *,
    work_dir: Path | None = None,
    progress: Progress | None = None,
    variant: str = "portable",
) -> VerifyReport:
    """Generate, compile and run ``path`` on seeded inputs; compare every output byte with TFLM.

    ``variant`` picks the kernels ("portable" | "dsp"; see ``converters/c_codegen/dsp.py``): the DSP kernels
    run on the host through ``ek_acle_host.h``."""
    from edgekit.converters.tflite_reader import read_model
    from edgekit.verify.reference import tflm_known_crash

    step = progress or (lambda _msg: None)
    if n_inputs < 0:
        raise BadInputError(f"--inputs must be >= 0, got {n_inputs}.")
    path = Path(path)
    model = read_model(path)
    model_bytes = path.read_bytes()
    crash = tflm_known_crash(model)
    if crash:
        raise UnsupportedError(f"Cannot verify {model.name}: {crash}, so there is no reference to compare with.")
    from edgekit.converters.c_codegen.support import check_model

    check_model(model)  # refuse an unsupported model before creating the --keep folder, so nothing is left behind
    keep = work_dir is not None
    base = Path(work_dir) if work_dir is not None else Path(tempfile.mkdtemp(prefix="edgekit-verify-"))
    base.mkdir(parents=True, exist_ok=True)
    try:
        return _verify(model, model_bytes, base, n_inputs, seed, variant, step, keep)
    finally:
        if not keep:
            shutil.rmtree(base, ignore_errors=True)


def _differing(a: np.ndarray, b: np.ndarray) -> int:
    """Elements whose bytes differ (bytes, not values: -0.0 vs 0.0 or NaN payloads count as differences)."""
    b = np.ascontiguousarray(b.reshape(a.shape).astype(a.dtype))
    ra = np.ascontiguousarray(a).view(np.uint8).reshape(a.size, a.itemsize)
    rb = b.view(np.uint8).reshape(b.size, b.itemsize)
    return int(np.count_nonzero((ra != rb).any(axis=1)))


def _verify(
    model: Model, model_bytes: bytes, base: Path, n_inputs: int, seed: int, variant: str, step: Progress, keep: bool
) -> VerifyReport:
    from edgekit.converters.c_codegen.generator import generate_c, plan_for, scratch_requirements
    from edgekit.verify.harness import build_host, run_host
    from edgekit.verify.inputs import make_samples
    from edgekit.verify.reference import litert_known_crash, litert_max_diff, tflm_run

    step("generating C")
    plan = plan_for(model, scratch_requirements(model, variant))
    gen = generate_c(model, plan, base / "gen", force=True, variant=variant)
    step("compiling for the host (gcc -std=c99 -O2 -Wall -Wextra -Werror)")
    exe = build_host(gen.out_dir, base / "build")

    samples = make_samples(model, n_inputs, seed)
    step(f"running the generated C on {len(samples)} inputs")
    host_blob = run_host(exe, [b"".join(x.tobytes() for x in s) for s in samples], base)
    out_bytes = sum(model.tensor(t).nbytes for t in model.outputs)
    host = [_split(model, host_blob[k * out_bytes : (k + 1) * out_bytes], list(model.outputs)) for k in range(len(samples))]

    step("running TFLite Micro")
    try:
        ref = tflm_run(model_bytes, samples, len(model.outputs))
    except RuntimeError as e:  # the model does not load or run in TFLM: no reference exists
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise UnsupportedError(f"TFLite Micro cannot run {model.name} ({first}), so there is no reference.") from e

    differing, bad_samples, worst, first_bad = 0, [], 0.0, None
    for k, (h, r) in enumerate(zip(host, ref, strict=True)):
        n_diff = 0
        for a, b in zip(h, r, strict=True):
            d = _differing(a, b)
            if d:
                n_diff += d
                delta = np.abs(a.astype(np.float64) - b.reshape(a.shape).astype(np.float64))
                worst = max(worst, float(np.nanmax(delta, initial=0.0)))
        if n_diff:
            differing += n_diff
            bad_samples.append(k)

    if bad_samples:
        step("locating the first op whose output differs")
        first_bad = _first_bad_op(model, model_bytes, exe, samples[bad_samples[0]], gen.op_outputs, base)

    step("LiteRT builtin kernels, for information")
    lite = None if litert_known_crash(model) else litert_max_diff(model_bytes, samples, ref)
    return VerifyReport(
        model=model.name,
        samples=len(samples),
        output_elements=sum(model.tensor(t).num_elements for t in model.outputs),
        differing_elements=differing,
        differing_samples=len(bad_samples),
        max_abs_diff=worst,
        first_bad_op=first_bad,
        litert_max_diff=lite,
        arena_bytes=gen.arena_bytes,
        build_dir=base if keep else None,
    )


def _first_bad_op(
    model: Model,
    model_bytes: bytes,
    exe: Path,
    sample: list[np.ndarray],
    op_outputs: tuple[int, ...],
    base: Path,
) -> OpDiff | None:
    """Run one failing input with every op's output dumped, beside TFLM's kPreserveAllTensors tensors."""
    from edgekit.verify.harness import run_host
    from edgekit.verify.reference import tflm_intermediates

    blob = run_host(exe, [b"".join(x.tobytes() for x in sample)], base, dump=True)
    ref = tflm_intermediates(model_bytes, sample, sorted(set(op_outputs)))
    pos = 0
    for op, t in zip(model.operators, op_outputs, strict=True):
        n = model.tensor(t).nbytes
        mine = np.frombuffer(blob[pos : pos + n], dtype=_np_dtype(model, t))
        pos += n
        theirs = np.frombuffer(ref[t][:n], dtype=_np_dtype(model, t))
        count = _differing(mine, theirs)
        if count:
            diff = np.abs(mine.astype(np.float64) - theirs.astype(np.float64))
            return OpDiff(op.index, op.op, t, model.tensor(t).name, count, mine.size, float(np.nanmax(diff)))
    return None
