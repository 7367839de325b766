"""A tiny int8 model built with the schema module's flatbuffer object API (no TensorFlow): one FULLY_CONNECTED.

Tensor names are what the TFLite converter writes (``serving_default_...:0``, ``StatefulPartitionedCall:0``), so
the generated Kotlin has to sanitize them.
"""

from __future__ import annotations

import flatbuffers
import numpy as np
from ai_edge_litert import schema_py_generated as s

IN_NAME, OUT_NAME = "serving_default_input_1:0", "StatefulPartitionedCall:0"
IN_SCALE, IN_ZP = 0.0392156862745098, -128  # float input in [0, 10]
OUT_SCALE, OUT_ZP = 0.17, 5


def _tensor(name: str, shape: list[int], ttype: int, buffer: int, scale: list[float], zp: list[int]) -> s.TensorT:
    t = s.TensorT()
    t.name, t.shape, t.type, t.buffer = name, shape, ttype, buffer
    q = s.QuantizationParametersT()
    q.scale, q.zeroPoint = scale, zp
    t.quantization = q
    return t


def tiny_fc(units: int = 3, features: int = 4) -> bytes:
    rng = np.random.default_rng(7)
    weights = rng.integers(-127, 128, (units, features), dtype=np.int8)
    bias = rng.integers(-300, 300, units).astype("<i4")
    buffers = [s.BufferT() for _ in range(5)]
    buffers[2].data = list(weights.tobytes())
    buffers[3].data = list(bias.tobytes())
    sg = s.SubGraphT()
    sg.name = "main"
    sg.tensors = [
        _tensor(IN_NAME, [1, features], s.TensorType.INT8, 1, [IN_SCALE], [IN_ZP]),
        _tensor("dense/MatMul", [units, features], s.TensorType.INT8, 2, [0.02], [0]),
        _tensor("dense/BiasAdd/bias", [units], s.TensorType.INT32, 3, [IN_SCALE * 0.02], [0]),
        _tensor(OUT_NAME, [1, units], s.TensorType.INT8, 4, [OUT_SCALE], [OUT_ZP]),
    ]
    op = s.OperatorT()
    op.opcodeIndex, op.inputs, op.outputs = 0, [0, 1, 2], [3]
    op.builtinOptionsType = s.BuiltinOptions.FullyConnectedOptions
    op.builtinOptions = s.FullyConnectedOptionsT()
    sg.operators, sg.inputs, sg.outputs = [op], [0], [3]
    code = s.OperatorCodeT()
    code.builtinCode = code.deprecatedBuiltinCode = s.BuiltinOperator.FULLY_CONNECTED
    code.version = 1
    m = s.ModelT()
    m.version, m.description, m.buffers, m.subgraphs, m.operatorCodes = 3, "edgekit android test", buffers, [sg], [code]
    b = flatbuffers.Builder(1024)
    b.Finish(m.Pack(b), file_identifier=b"TFL3")
    return bytes(b.Output())


def float_fc(units: int = 2, features: int = 3) -> bytes:
    """A float32 FULLY_CONNECTED: inputs and outputs without quantization (the wrapper passes floats through)."""
    rng = np.random.default_rng(3)
    buffers = [s.BufferT() for _ in range(5)]
    buffers[2].data = list(rng.standard_normal((units, features)).astype("<f4").tobytes())
    buffers[3].data = list(np.zeros(units, "<f4").tobytes())
    sg = s.SubGraphT()
    sg.name = "main"
    sg.tensors = []
    for name, shape, buf in (("x", [1, features], 1), ("w", [units, features], 2), ("b", [units], 3),
                             ("Identity", [1, units], 4)):
        t = s.TensorT()
        t.name, t.shape, t.type, t.buffer = name, shape, s.TensorType.FLOAT32, buf
        sg.tensors.append(t)
    op = s.OperatorT()
    op.opcodeIndex, op.inputs, op.outputs = 0, [0, 1, 2], [3]
    op.builtinOptionsType = s.BuiltinOptions.FullyConnectedOptions
    op.builtinOptions = s.FullyConnectedOptionsT()
    sg.operators, sg.inputs, sg.outputs = [op], [0], [3]
    code = s.OperatorCodeT()
    code.builtinCode = code.deprecatedBuiltinCode = s.BuiltinOperator.FULLY_CONNECTED
    code.version = 1
    m = s.ModelT()
    m.version, m.description, m.buffers, m.subgraphs, m.operatorCodes = 3, "float", buffers, [sg], [code]
    b = flatbuffers.Builder(1024)
    b.Finish(m.Pack(b), file_identifier=b"TFL3")
    return bytes(b.Output())


def quant_op_model(op: str, scale: float, zero_point: int, n: int) -> bytes:
    """One QUANTIZE (float32 -> int8) or DEQUANTIZE (int8 -> float32) op over ``n`` values."""
    buffers = [s.BufferT() for _ in range(3)]
    real = s.TensorT()
    real.name, real.shape, real.type, real.buffer = "real", [n], s.TensorType.FLOAT32, 1
    q = s.TensorT()
    q.name, q.shape, q.type, q.buffer = "q", [n], s.TensorType.INT8, 2
    q.quantization = s.QuantizationParametersT()
    q.quantization.scale, q.quantization.zeroPoint = [scale], [zero_point]
    sg = s.SubGraphT()
    sg.name = "main"
    sg.tensors = [real, q] if op == "QUANTIZE" else [q, real]
    o = s.OperatorT()
    o.opcodeIndex, o.inputs, o.outputs = 0, [0], [1]
    sg.operators, sg.inputs, sg.outputs = [o], [0], [1]
    code = s.OperatorCodeT()
    code.builtinCode = code.deprecatedBuiltinCode = getattr(s.BuiltinOperator, op)
    code.version = 1
    m = s.ModelT()
    m.version, m.description, m.buffers, m.subgraphs, m.operatorCodes = 3, op, buffers, [sg], [code]
    b = flatbuffers.Builder(1024)
    b.Finish(m.Pack(b), file_identifier=b"TFL3")
    return bytes(b.Output())
