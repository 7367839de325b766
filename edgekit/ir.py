"""The typed model IR every stage after conversion works on (read from .tflite by ``converters.tflite_reader``).

Frozen dataclasses, no TensorFlow. Tensor and operator indices are the flatbuffer's own, so messages can
point a user at ``op 12 (CONV_2D)`` or ``tensor 7 'conv1/Relu'`` exactly as other TFLite tools show them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

# flatbuffer TensorType name -> (numpy dtype, bytes per element)
DTYPES: Mapping[str, tuple[str, int]] = MappingProxyType(
    {
        "float32": ("float32", 4),
        "float16": ("float16", 2),
        "float64": ("float64", 8),
        "int32": ("int32", 4),
        "uint8": ("uint8", 1),
        "int64": ("int64", 8),
        "string": ("object", 1),
        "bool": ("bool", 1),
        "int16": ("int16", 2),
        "int8": ("int8", 1),
        "uint32": ("uint32", 4),
        "uint16": ("uint16", 2),
        "int4": ("int8", 1),
        "complex64": ("complex64", 8),
    }
)


@dataclass(frozen=True)
class Quantization:
    """Affine quantization: real = scale * (q - zero_point). Per-channel when ``len(scale) > 1``."""

    scale: tuple[float, ...]
    zero_point: tuple[int, ...]
    axis: int = 0  # flatbuffer quantized_dimension; meaningful only per channel

    @property
    def per_channel(self) -> bool:
        return len(self.scale) > 1


@dataclass(frozen=True)
class Tensor:
    index: int
    name: str
    shape: tuple[int, ...]
    dtype: str  # a key of DTYPES
    quant: Quantization | None = None
    data: bytes | None = None  # constant buffer contents, None for activations / variables
    is_variable: bool = False

    @property
    def is_constant(self) -> bool:
        return self.data is not None

    @property
    def num_elements(self) -> int:
        n = 1
        for d in self.shape:
            n *= d
        return n

    @property
    def itemsize(self) -> int:
        return DTYPES[self.dtype][1]

    @property
    def nbytes(self) -> int:
        return self.num_elements * self.itemsize

    def array(self) -> np.ndarray:
        """The constant data as a numpy array of ``shape`` (little-endian, as stored)."""
        if self.data is None:
            raise ValueError(f"tensor {self.index} '{self.name}' has no constant data")
        return np.frombuffer(self.data, dtype=np.dtype(DTYPES[self.dtype][0]).newbyteorder("<")).reshape(
            self.shape
        )


@dataclass(frozen=True)
class Operator:
    """One node. ``inputs`` keeps -1 for an omitted optional input (e.g. a conv without bias)."""

    index: int
    op: str  # builtin name as in the schema, e.g. "CONV_2D"; "CUSTOM" for custom ops
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    # snake_case schema field names; enums as their names ("SAME", "RELU6"); lists as tuples
    options: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    version: int = 1
    custom_code: str | None = None
    intermediates: tuple[int, ...] = ()

    @property
    def label(self) -> str:
        name = self.custom_code if self.op == "CUSTOM" and self.custom_code else self.op
        return f"op {self.index} ({name})"


@dataclass(frozen=True)
class Model:
    name: str  # file stem, used for generated identifiers and reports
    tensors: tuple[Tensor, ...]
    operators: tuple[Operator, ...]
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    file_size: int = 0
    description: str = ""
    sha256: str = ""
    subgraph_count: int = 1

    def tensor(self, index: int) -> Tensor:
        return self.tensors[index]

    def producers(self) -> dict[int, int]:
        """tensor index -> index of the op that writes it."""
        return {t: op.index for op in self.operators for t in op.outputs if t >= 0}

    def consumers(self) -> dict[int, list[int]]:
        """tensor index -> indices of the ops that read it, in order."""
        out: dict[int, list[int]] = {}
        for op in self.operators:
            for t in op.inputs:
                if t >= 0:
                    out.setdefault(t, []).append(op.index)
        return out

    def activation_tensors(self) -> list[int]:
        """Non-constant tensors that are read or written by the graph (what lives in the arena or I/O)."""
        used = set(self.inputs) | set(self.outputs)
        for op in self.operators:
            used.update(t for t in (*op.inputs, *op.outputs) if t >= 0)
        return sorted(t for t in used if not self.tensors[t].is_constant)
