"""Tiny .tflite files built with the flatbuffers builder of the schema module (no TensorFlow), for tests whose
expected figures are computed by hand."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import flatbuffers
import numpy as np
from ai_edge_litert import schema_py_generated as s


@dataclass
class T:
    name: str
    shape: tuple[int, ...]
    dtype: str = "int8"
    data: bytes | None = None
    scale: tuple[float, ...] | None = (0.1,)
    zero_point: tuple[int, ...] | None = None
    axis: int = 0
    variable: bool = False


@dataclass
class Op:
    op: str
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    options: tuple[str, Any] | None = None  # (BuiltinOptions member name, ...OptionsT object)
    custom_code: str | None = None
    intermediates: tuple[int, ...] = field(default_factory=tuple)


def build(
    tensors: list[T],
    ops: list[Op],
    inputs: tuple[int, ...],
    outputs: tuple[int, ...],
    extra_subgraphs: int = 0,
    version: int = 3,
    description: str = "edgekit test model",
    legacy_codes: bool = False,
) -> bytes:
    """A .tflite file; ``legacy_codes`` writes operator codes as pre-2.4 converters did (deprecated field only)."""
    buffers = [s.BufferT()]  # buffer 0: the empty sentinel, as the converter writes it
    sg = s.SubGraphT()
    sg.tensors, sg.inputs, sg.outputs, sg.operators, sg.name = [], list(inputs), list(outputs), [], "main"
    for t in tensors:
        tt = s.TensorT()
        tt.shape, tt.name = list(t.shape), t.name
        tt.type = getattr(s.TensorType, t.dtype.upper())
        tt.isVariable = t.variable
        if t.data is not None:
            b = s.BufferT()
            b.data = list(t.data)
            buffers.append(b)
            tt.buffer = len(buffers) - 1
        if t.scale is not None:
            q = s.QuantizationParametersT()
            q.scale = list(t.scale)
            q.zeroPoint = list(t.zero_point if t.zero_point is not None else (0,) * len(t.scale))
            q.quantizedDimension = t.axis
            tt.quantization = q
        sg.tensors.append(tt)
    codes: list[tuple[str, str | None]] = []
    for o in ops:
        key = (o.op, o.custom_code)
        if key not in codes:
            codes.append(key)
        ot = s.OperatorT()
        ot.opcodeIndex = codes.index(key)
        ot.inputs, ot.outputs = list(o.inputs), list(o.outputs)
        if o.intermediates:
            ot.intermediates = list(o.intermediates)
        if o.options is not None:
            ot.builtinOptionsType = getattr(s.BuiltinOptions, o.options[0])
            ot.builtinOptions = o.options[1]
        sg.operators.append(ot)
    m = s.ModelT()
    m.version, m.description, m.buffers = version, description, buffers
    m.subgraphs = [sg]
    for i in range(extra_subgraphs):
        extra = s.SubGraphT()
        extra.tensors, extra.inputs, extra.outputs, extra.operators, extra.name = [], [], [], [], f"extra{i}"
        m.subgraphs.append(extra)
    m.operatorCodes = []
    for name, custom in codes:
        c = s.OperatorCodeT()
        code = getattr(s.BuiltinOperator, name)
        c.builtinCode, c.deprecatedBuiltinCode = (0 if legacy_codes else code), min(code, 127)
        c.customCode, c.version = custom, 1
        m.operatorCodes.append(c)
    b = flatbuffers.Builder(1024)
    b.Finish(m.Pack(b), file_identifier=b"TFL3")
    return bytes(b.Output())


def _i8(n: int, seed: int) -> bytes:
    return np.random.default_rng(seed).integers(-127, 128, n, dtype=np.int8).tobytes()


def _i32(values: list[int]) -> bytes:
    return np.asarray(values, dtype="<i4").tobytes()


def conv_options(stride: int = 1, padding: str = "SAME", act: str = "RELU") -> tuple[str, Any]:
    o = s.Conv2DOptionsT()
    o.padding = getattr(s.Padding, padding)
    o.strideW = o.strideH = stride
    o.fusedActivationFunction = getattr(s.ActivationFunctionType, act)
    return "Conv2DOptions", o


def dw_options() -> tuple[str, Any]:
    o = s.DepthwiseConv2DOptionsT()
    o.padding, o.strideW, o.strideH, o.depthMultiplier = s.Padding.SAME, 1, 1, 1
    o.fusedActivationFunction = s.ActivationFunctionType.RELU6
    return "DepthwiseConv2DOptions", o


def tiny_cnn_tensors() -> list[T]:
    """Input 1x8x8x1 -> CONV 3x3x4 -> DEPTHWISE 3x3 -> RESHAPE 1x256 -> FC 10 -> SOFTMAX."""
    return [
        T("input", (1, 8, 8, 1)),  # 0
        T("conv/filter", (4, 3, 3, 1), data=_i8(36, 1), scale=(0.01, 0.02, 0.03, 0.04)),  # 1
        T("conv/bias", (4,), "int32", data=_i32([1, -2, 3, -4]), scale=(0.001,) * 4),  # 2
        T("conv/out", (1, 8, 8, 4)),  # 3
        T("dw/filter", (1, 3, 3, 4), data=_i8(36, 2), scale=(0.01,) * 4, axis=3),  # 4
        T("dw/bias", (4,), "int32", data=_i32([0, 0, 5, 5]), scale=(0.001,) * 4),  # 5
        T("dw/out", (1, 8, 8, 4)),  # 6
        T("reshape/shape", (2,), "int32", data=_i32([1, 256]), scale=None),  # 7
        T("flat", (1, 256)),  # 8
        T("fc/weights", (10, 256), data=_i8(2560, 3), scale=(0.005,)),  # 9
        T("fc/bias", (10,), "int32", data=_i32(list(range(10))), scale=(0.0005,)),  # 10
        T("logits", (1, 10)),  # 11
        T("probs", (1, 10), scale=(1 / 256,), zero_point=(-128,)),  # 12
    ]


def tiny_cnn_ops() -> list[Op]:
    fc = s.FullyConnectedOptionsT()
    sm = s.SoftmaxOptionsT()
    sm.beta = 1.0
    reshape = s.ReshapeOptionsT()
    reshape.newShape = [1, 256]
    return [
        Op("CONV_2D", (0, 1, 2), (3,), conv_options()),
        Op("DEPTHWISE_CONV_2D", (3, 4, 5), (6,), dw_options()),
        Op("RESHAPE", (6, 7), (8,), ("ReshapeOptions", reshape)),
        Op("FULLY_CONNECTED", (8, 9, 10), (11,), ("FullyConnectedOptions", fc)),
        Op("SOFTMAX", (11,), (12,), ("SoftmaxOptions", sm)),
    ]


def tiny_cnn() -> bytes:
    return build(tiny_cnn_tensors(), tiny_cnn_ops(), (0,), (12,))


# Figures of tiny_cnn computed by hand (see the comments in tests/analysis/test_costs.py).
TINY_MACS = 8 * 8 * 4 * (3 * 3 * 1) + 8 * 8 * 4 * (3 * 3) + 10 * 256  # 2304 + 2304 + 2560 = 7168
TINY_OTHER_OPS = 3 * 10  # softmax: three passes over 10 logits; reshape: none
TINY_PARAMS = (36 + 4) + (36 + 4) + 2 + (2560 + 10)  # 2652
TINY_WEIGHT_BYTES = (36 + 16) + (36 + 16) + 8 + (2560 + 40)  # 2712
# Arena: the largest sum live at once is during op 1 (conv/out 256 B + dw/out 256 B); reshape is a view.
TINY_ARENA = 512
