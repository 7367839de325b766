"""Host inference of a .tflite behind one small interface (no TensorFlow).

ai-edge-litert (LiteRT) is the backend, with its reference builtin kernels
(``BUILTIN_WITHOUT_DEFAULT_DELEGATES``: no XNNPACK, whose int8 path differs). Where only the frozen
tflite-runtime is installed (a Raspberry Pi with numpy 1, say) it is used instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from edgekit.errors import EnvironmentError_, ModelFormatError


@dataclass(frozen=True)
class TensorInfo:
    name: str
    shape: tuple[int, ...]
    dtype: np.dtype
    scale: float
    zero_point: int

    @property
    def quantized(self) -> bool:
        return self.dtype.kind in "iu" and self.scale != 0.0


def _interpreter_class() -> tuple[Any, Any, str]:
    try:
        from ai_edge_litert.interpreter import Interpreter, OpResolverType

        return Interpreter, OpResolverType, "ai-edge-litert"
    except ImportError:
        pass
    try:
        from tflite_runtime.interpreter import Interpreter, OpResolverType

        return Interpreter, OpResolverType, "tflite-runtime"
    except ImportError:
        raise EnvironmentError_("no TFLite host runtime found; pip install ai-edge-litert "
                                "(or tflite-runtime where LiteRT has no wheel).") from None


class HostModel:
    """One loaded model; ``predict`` takes float (or already-quantized) samples and returns float outputs."""

    def __init__(self, model: bytes | str | Path) -> None:
        interpreter_cls, resolver, self.backend = _interpreter_class()
        content = model if isinstance(model, bytes) else Path(model).read_bytes()
        try:
            self._interp = interpreter_cls(
                model_content=content,
                experimental_op_resolver_type=resolver.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
            self._interp.allocate_tensors()
        except (ValueError, RuntimeError) as e:
            raise ModelFormatError(f"{self.backend} cannot load the model: {str(e).splitlines()[0]}") from None
        self.inputs = tuple(_info(d) for d in self._interp.get_input_details())
        self.outputs = tuple(_info(d) for d in self._interp.get_output_details())
        self._in_index = [d["index"] for d in self._interp.get_input_details()]
        self._out_index = [d["index"] for d in self._interp.get_output_details()]

    def invoke_raw(self, sample: np.ndarray) -> np.ndarray:
        """One sample already in the input's dtype (batch axis included); the raw first output."""
        self._interp.set_tensor(self._in_index[0], sample)
        self._interp.invoke()
        return self._interp.get_tensor(self._out_index[0]).copy()

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Float samples (N, ...) -> float outputs (N, ...), quantizing and dequantizing at the boundary."""
        inp, out = self.inputs[0], self.outputs[0]
        results = []
        for row in np.asarray(x):
            sample = quantize(row[None, ...], inp) if inp.quantized else row[None, ...].astype(inp.dtype)
            raw = self.invoke_raw(sample)
            results.append(dequantize(raw, out) if out.quantized else raw.astype(np.float32))
        return np.concatenate(results, axis=0)


def quantize(x: np.ndarray, info: TensorInfo) -> np.ndarray:
    limits = np.iinfo(info.dtype)
    q = np.round(np.asarray(x, np.float64) / info.scale) + info.zero_point
    return np.clip(q, limits.min, limits.max).astype(info.dtype)


def dequantize(q: np.ndarray, info: TensorInfo) -> np.ndarray:
    return ((q.astype(np.float32) - info.zero_point) * info.scale).astype(np.float32)


def _info(d: dict[str, Any]) -> TensorInfo:
    scale, zp = d.get("quantization", (0.0, 0))
    return TensorInfo(name=d["name"], shape=tuple(int(s) for s in d["shape"]), dtype=np.dtype(d["dtype"]),
                      scale=float(scale), zero_point=int(zp))


def accuracy(model: HostModel, x: np.ndarray, y: np.ndarray) -> float:
    pred = model.predict(x)
    return float(np.mean(np.argmax(pred.reshape(len(x), -1), axis=1) == np.asarray(y)))
