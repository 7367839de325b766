"""Seeded inputs for verification: random samples plus the extremes (all -128, all 127)."""

from __future__ import annotations

import numpy as np

from edgekit.ir import DTYPES, Model


def _float_range(model: Model, t: int) -> tuple[float, float]:
    """The real range a float input maps to: from the QUANTIZE that consumes it, else [-1, 1]."""
    for op in model.operators:
        if op.op == "QUANTIZE" and op.inputs and op.inputs[0] == t:
            q = model.tensor(op.outputs[0]).quant
            if q is not None and q.scale:
                s, zp = float(q.scale[0]), int(q.zero_point[0])
                return s * (-128 - zp), s * (127 - zp)
    return -1.0, 1.0


def _index_range(model: Model, t: int) -> tuple[int, int] | None:
    """[0, axis size - 1] when ``t`` is the int32 indices of a GATHER (an embedding's ids): other values stop
    TFLite Micro and the generated C alike, so random codes would test nothing."""
    for op in model.operators:
        if op.op == "GATHER" and len(op.inputs) > 1 and op.inputs[1] == t:
            shape = model.tensor(op.inputs[0]).shape
            axis = int(op.options.get("axis", 0)) if op.options else 0
            return 0, shape[axis + len(shape) if axis < 0 else axis] - 1
    return None


def make_samples(model: Model, n_random: int, seed: int) -> list[list[np.ndarray]]:
    """``n_random`` seeded samples, then one at the low extreme and one at the high extreme."""
    rng = np.random.default_rng(seed)
    samples: list[list[np.ndarray]] = [[] for _ in range(n_random + 2)]
    for t in model.inputs:
        tensor = model.tensor(t)
        dtype = np.dtype(DTYPES[tensor.dtype][0])
        shape = tensor.shape
        if np.issubdtype(dtype, np.integer):
            info = np.iinfo(dtype)
            lo, hi = _index_range(model, t) or (max(int(info.min), -128), min(int(info.max), 127))
            for k in range(n_random):
                samples[k].append(rng.integers(lo, hi, size=shape, endpoint=True).astype(dtype))
        else:
            lo, hi = _float_range(model, t)
            for k in range(n_random):
                samples[k].append(rng.uniform(lo, hi, size=shape).astype(dtype))
        samples[n_random].append(np.full(shape, lo, dtype=dtype))
        samples[n_random + 1].append(np.full(shape, hi, dtype=dtype))
    return samples
