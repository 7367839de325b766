"""Keras -> TFLite: full-integer int8 (PTQ or from a QAT model), or post-training 16x8.

The result is read back from the flatbuffer (``tflite_reader``, no TensorFlow) to prove what was asked for:
an int8 request that leaves float ops behind is refused with the list of those ops.
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from edgekit.converters.tflite_reader import parse_model

from edgekit.errors import BadInputError, UnsupportedError
from edgekit.ir import Model

MODES = ("int8", "16x8")
IO_TYPES = ("int8", "float")
FLOAT_DTYPES = ("float32", "float16", "float64")
# Ops whose whole job is moving between float I/O and the quantized graph.
BOUNDARY_OPS = ("QUANTIZE", "DEQUANTIZE")


@dataclass(frozen=True)
class IOQuant:
    name: str
    shape: tuple[int, ...]
    dtype: str
    scale: float | None
    zero_point: int | None


@dataclass(frozen=True)
class ConversionReport:
    mode: str
    io: str
    from_qat: bool
    size_bytes: int
    op_counts: dict[str, int]
    inputs: tuple[IOQuant, ...]
    outputs: tuple[IOQuant, ...]
    representative_samples: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Conversion:
    tflite: bytes
    report: ConversionReport


def representative_data(x: np.ndarray, samples: int = 200, seed: int = 0) -> Callable[[], Iterator[list]]:
    """A seeded sample of the training inputs, one example per batch, as the converter expects."""
    rng = np.random.default_rng(seed)
    idx = rng.choice(len(x), size=min(samples, len(x)), replace=False)
    picked = x[np.sort(idx)].astype(np.float32)

    def gen() -> Iterator[list]:
        for row in picked:
            yield [row[None, ...]]

    return gen


def convert(model: Any, *, mode: str = "int8", io: str = "int8", x_train: np.ndarray | None = None,
            samples: int = 200, seed: int = 0) -> Conversion:
    """Convert a tf_keras model. A QAT/PQAT/CQAT model needs no representative data; a float model does."""
    if mode not in MODES:
        raise BadInputError(f"conversion mode '{mode}' is unknown; use one of {', '.join(MODES)}.")
    if io not in IO_TYPES:
        raise BadInputError(f"model I/O type '{io}' is unknown; use one of {', '.join(IO_TYPES)}.")
    from edgekit.tfenv import import_tensorflow

    tf = import_tensorflow()

    from edgekit.compress import tfmot_adapter as tfmot

    from_qat = tfmot.is_quantized_model(model)
    if from_qat and mode == "16x8":
        raise UnsupportedError("16x8 conversion fails for QAT/PQAT/CQAT models; convert the float model "
                               "with --mode 16x8, or use int8 for this one.")
    if not from_qat and x_train is None:
        raise BadInputError(f"post-training {mode} quantization needs representative data; pass --data.")

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    if x_train is not None and not from_qat:
        converter.representative_dataset = representative_data(x_train, samples, seed)
    if mode == "int8":
        # A QAT model carries its ranges; restricting it to INT8 ops would make the converter demand a
        # representative set. Either way float_ops() below proves the result is integer-only.
        if not from_qat:
            converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        io_type = tf.int8
    else:
        converter.target_spec.supported_ops = [
            tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
        io_type = tf.int16
    if io != "float":
        converter.inference_input_type = io_type
        converter.inference_output_type = io_type
    try:
        with warnings.catch_warnings():
            # QAT models: "statistics for quantized inputs were expected" — the fake-quant ranges are them
            warnings.simplefilter("ignore", UserWarning)
            data = bytes(converter.convert())
    except Exception as e:  # the converter raises ConverterError/RuntimeError with MLIR dumps
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise UnsupportedError(f"the TFLite converter failed: {first}") from None

    ir = parse_model(data, "converted")
    if mode == "int8":
        leftover = float_ops(ir)
        if leftover:
            raise UnsupportedError(f"int8 was asked but {len(leftover)} op(s) stay float: "
                                   f"{', '.join(leftover)}; make those layers quantizable or convert "
                                   "with --mode 16x8.")
    report = ConversionReport(
        mode=mode, io=io, from_qat=from_qat, size_bytes=len(data), op_counts=op_counts(ir),
        inputs=tuple(_io(ir, t) for t in ir.inputs), outputs=tuple(_io(ir, t) for t in ir.outputs),
        representative_samples=0 if from_qat else min(samples, len(x_train) if x_train is not None else 0))
    return Conversion(data, report)


def op_counts(ir: Model) -> dict[str, int]:
    return dict(sorted(Counter(op.op for op in ir.operators).items()))


def float_ops(ir: Model) -> list[str]:
    """Ops computing in float: any float non-constant input or output, except the I/O boundary converts."""
    found = []
    for op in ir.operators:
        if op.op in BOUNDARY_OPS:
            continue
        tensors = [ir.tensor(t) for t in (*op.inputs, *op.outputs) if t >= 0]
        if any(t.dtype in FLOAT_DTYPES and not t.is_constant for t in tensors) or \
                any(t.dtype in FLOAT_DTYPES and t.is_constant for t in tensors[1:2]):
            name = ir.tensor(op.outputs[0]).name if op.outputs else ""
            found.append(f"op {op.index} ({op.op}) '{name}'")
    return found


def _io(ir: Model, index: int) -> IOQuant:
    t = ir.tensor(index)
    q = t.quant
    scale = float(q.scale[0]) if q is not None and q.scale else None
    zp = int(q.zero_point[0]) if q is not None and q.zero_point else None
    return IOQuant(name=t.name, shape=tuple(t.shape), dtype=t.dtype, scale=scale, zero_point=zp)
