"""A tiny int8 model built with the schema module's flatbuffer object API (no TensorFlow): one FULLY_CONNECTED.

Tensor names are what the TFLite converter writes (``serving_default_...:0``, ``StatefulPartitionedCall:0``), so
the generated Kotlin has to sanitize them.
"""

from __future__ import annotations

import numpy as np
from ai_edge_litert import schema_py_generated as s
from analysis.tinymodels import Op, T, build  # tests/analysis: the one flatbuffer test-model builder

IN_NAME, OUT_NAME = "serving_default_input_1:0", "StatefulPartitionedCall:0"
IN_SCALE, IN_ZP = 0.0392156862745098, -128  # float input in [0, 10]
OUT_SCALE, OUT_ZP = 0.17, 5


def tiny_fc(units: int = 3, features: int = 4) -> bytes:
    rng = np.random.default_rng(7)
    weights = rng.integers(-127, 128, (units, features), dtype=np.int8)
    bias = rng.integers(-300, 300, units).astype("<i4")
    tensors = [
        T(IN_NAME, (1, features), "int8", scale=(IN_SCALE,), zero_point=(IN_ZP,)),
        T("dense/MatMul", (units, features), "int8", weights.tobytes(), scale=(0.02,), zero_point=(0,)),
        T("dense/BiasAdd/bias", (units,), "int32", bias.tobytes(), scale=(IN_SCALE * 0.02,), zero_point=(0,)),
        T(OUT_NAME, (1, units), "int8", scale=(OUT_SCALE,), zero_point=(OUT_ZP,)),
    ]
    return build(tensors, [_fc()], (0,), (3,), description="edgekit android test")


def float_fc(units: int = 2, features: int = 3) -> bytes:
    """A float32 FULLY_CONNECTED: inputs and outputs without quantization (the wrapper passes floats through)."""
    rng = np.random.default_rng(3)
    tensors = [
        T("x", (1, features), "float32", scale=None),
        T("w", (units, features), "float32", rng.standard_normal((units, features)).astype("<f4").tobytes(),
          scale=None),
        T("b", (units,), "float32", np.zeros(units, "<f4").tobytes(), scale=None),
        T("Identity", (1, units), "float32", scale=None),
    ]
    return build(tensors, [_fc()], (0,), (3,), description="float")


def quant_op_model(op: str, scale: float, zero_point: int, n: int) -> bytes:
    """One QUANTIZE (float32 -> int8) or DEQUANTIZE (int8 -> float32) op over ``n`` values."""
    real = T("real", (n,), "float32", scale=None)
    q = T("q", (n,), "int8", scale=(scale,), zero_point=(zero_point,))
    return build([real, q] if op == "QUANTIZE" else [q, real], [Op(op, (0,), (1,))], (0,), (1,), description=op)


def _fc() -> Op:
    return Op("FULLY_CONNECTED", (0, 1, 2), (3,), ("FullyConnectedOptions", s.FullyConnectedOptionsT()))
