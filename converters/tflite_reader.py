"""Read a .tflite flatbuffer into the typed IR (``edgekit.ir.Model``) without TensorFlow.

The structure (model, subgraph, tensors, operators, buffers) is walked with a small bounds-checked flatbuffer
reader of our own: the ``flatbuffers`` library does not verify buffers, and on garbage it raises arbitrary
exceptions or, worse, loops over vectors whose garbage length is billions. Here every offset is checked against
the file before it is followed and every vector length against the bytes that remain, so the work done on any
input is bounded by its size. Operator options (small tables) are decoded with the generated object API of
``ai_edge_litert.schema_py_generated`` from a position we have validated; any exception it raises on garbage is
turned into a ``ModelFormatError`` at the boundary.

Only the main subgraph (subgraph 0) is read. A model with more subgraphs (control flow, signatures with separate
graphs) is still read, ``Model.subgraph_count`` says how many there were, and a warning names the ones skipped.
"""

from __future__ import annotations

import hashlib
import logging
import re
import struct
from pathlib import Path
from types import MappingProxyType
from typing import Any

from edgekit.errors import ModelFormatError
from edgekit.ir import DTYPES, Model, Operator, Quantization, Tensor

log = logging.getLogger(__name__)

FILE_IDENTIFIER = b"TFL3"
# Files users pass by mistake, recognised by their leading bytes so the error can say what the file is.
_OTHER_FORMATS: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a zip archive (a Keras .keras model is one)"),
    (b"\x89HDF\r\n\x1a\n", "an HDF5 file (a Keras .h5 model is one)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x7fELF", "an executable (ELF)"),
)
_WHAT_TO_PASS = "pass an int8 .tflite file (convert a Keras model with `edgekit convert` first)."
MAX_RANK = 16  # TFLite kernels stop at rank 6; anything far beyond is garbage, not a model
MAX_ELEMENTS = 1 << 31  # per tensor; larger than any model a microcontroller or phone could run
MAX_FILE_BYTES = 1 << 31  # flatbuffers use 32-bit offsets

_U8 = struct.Struct("<B")
_U16 = struct.Struct("<H")
_I32 = struct.Struct("<i")
_U32 = struct.Struct("<I")
_I64 = struct.Struct("<q")
_U64 = struct.Struct("<Q")

_schema: Any = None


def _s() -> Any:
    """The generated schema module, imported on first use (≈15 ms; keeps `import tflite_reader` free)."""
    global _schema
    if _schema is None:
        from ai_edge_litert import schema_py_generated

        _schema = schema_py_generated
    return _schema


def _enum_names(cls: type) -> dict[int, str]:
    return {v: k for k, v in vars(cls).items() if not k.startswith("_") and isinstance(v, int)}


_enum_cache: dict[str, dict[int, str]] = {}


def _names(enum: str) -> dict[int, str]:
    if enum not in _enum_cache:
        _enum_cache[enum] = _enum_names(getattr(_s(), enum))
    return _enum_cache[enum]


# Option fields whose values are schema enums, by their (camelCase) attribute name in the generated T classes.
_ENUM_FIELDS: dict[str, str] = {
    "padding": "Padding",
    "fusedActivationFunction": "ActivationFunctionType",
    "weightsFormat": "FullyConnectedOptionsWeightsFormat",
    "kernelType": "LSTMKernelType",
    "combiner": "CombinerType",
    "mode": "MirrorPadMode",
    "type": "LSHProjectionType",
    "reduceFunction": "ReduceWindowFunction",
    "comparisonDirection": "StablehloComparisonDirection",
    "compareType": "StablehloComparisonType",
    "algorithm": "RngAlgorithm",
    "precisionConfig": "StablehloPrecisionConfig",
    "outputType": "TensorType",
    "outType": "TensorType",
    "outDataType": "TensorType",
    "inDataType": "TensorType",
    "idxOutType": "TensorType",
    "keyDtype": "TensorType",
    "valueDtype": "TensorType",
    "quantizedBiasType": "TensorType",
}

# The schema's names are snake_case; flatc camel-cases them (dilation_w_factor -> dilationWFactor), so an
# underscore before every capital inverts that exactly.
_CAMEL = re.compile(r"([A-Z])")


def _snake(name: str) -> str:
    return _CAMEL.sub(r"_\1", name).lower()


class _Buf:
    """Bounds-checked reads of flatbuffer primitives; every failure is a ModelFormatError naming ``what``."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.n = len(data)

    def _need(self, pos: int, size: int, what: str) -> None:
        if pos < 0 or pos + size > self.n:
            raise ModelFormatError(
                f"{what} points outside the file ({f'byte {pos} of {self.n}' if pos >= 0 else 'before its start'});"
                " the file is truncated or corrupt."
            )

    def u8(self, pos: int, what: str) -> int:
        self._need(pos, 1, what)
        return _U8.unpack_from(self.data, pos)[0]

    def u16(self, pos: int, what: str) -> int:
        self._need(pos, 2, what)
        return _U16.unpack_from(self.data, pos)[0]

    def i32(self, pos: int, what: str) -> int:
        self._need(pos, 4, what)
        return _I32.unpack_from(self.data, pos)[0]

    def u32(self, pos: int, what: str) -> int:
        self._need(pos, 4, what)
        return _U32.unpack_from(self.data, pos)[0]

    def u64(self, pos: int, what: str) -> int:
        self._need(pos, 8, what)
        return _U64.unpack_from(self.data, pos)[0]

    def i64(self, pos: int, what: str) -> int:
        self._need(pos, 8, what)
        return _I64.unpack_from(self.data, pos)[0]


class _Table:
    """One flatbuffer table at a validated position."""

    def __init__(self, buf: _Buf, pos: int, what: str) -> None:
        self.buf, self.pos, self.what = buf, pos, what
        buf._need(pos, 4, what)
        vt = pos - buf.i32(pos, what)
        self.vt = vt
        self.vt_len = buf.u16(vt, f"{what} vtable")
        obj_len = buf.u16(vt + 2, f"{what} vtable")
        if self.vt_len < 4 or self.vt_len % 2:
            raise ModelFormatError(f"{what} has a malformed vtable; the file is corrupt.")
        buf._need(vt, self.vt_len, f"{what} vtable")
        buf._need(pos, max(obj_len, 4), what)

    def field(self, slot: int) -> int:
        """Absolute position of field ``slot`` (the generated code's vtable offset), or 0 when absent."""
        if slot >= self.vt_len:
            return 0
        off = self.buf.u16(self.vt + slot, self.what)
        return self.pos + off if off else 0

    def scalar(self, slot: int, kind: str, default: int, what: str) -> int:
        p = self.field(slot)
        if not p:
            return default
        return getattr(self.buf, kind)(p, f"{self.what} {what}")

    def ref(self, slot: int, what: str) -> int:
        """Position of a referenced table/vector/string, or 0 when the field is absent."""
        p = self.field(slot)
        if not p:
            return 0
        return p + self.buf.u32(p, f"{self.what} {what}")

    def vector(self, slot: int, elem: int, what: str) -> tuple[int, int]:
        """(start of elements, count); count 0 when absent. The whole vector is checked to lie in the file."""
        p = self.ref(slot, what)
        if not p:
            return 0, 0
        count = self.buf.u32(p, f"{self.what} {what}")
        start = p + 4
        if count * elem > self.buf.n - start:
            raise ModelFormatError(
                f"{self.what} {what} claims {count} elements, more than the file holds; the file is truncated "
                "or corrupt."
            )
        return start, count

    def ints(self, slot: int, what: str) -> tuple[int, ...]:
        start, count = self.vector(slot, 4, what)
        return struct.unpack_from(f"<{count}i", self.buf.data, start) if count else ()

    def tables(self, slot: int, what: str) -> list[_Table]:
        start, count = self.vector(slot, 4, what)
        out = []
        for i in range(count):
            p = start + 4 * i
            out.append(_Table(self.buf, p + self.buf.u32(p, f"{what}[{i}]"), f"{what}[{i}]"))
        return out

    def string(self, slot: int, what: str) -> str:
        start, count = self.vector(slot, 1, what)
        if not count:
            return ""
        return self.buf.data[start : start + count].decode("utf-8", errors="replace")


def read_model(path: str | Path) -> Model:
    """Read a .tflite file; ModelFormatError (one sentence) when it is missing or not a readable model."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise ModelFormatError(f"{p} does not exist; pass the path of a .tflite file.") from None
    except IsADirectoryError:
        raise ModelFormatError(f"{p} is a directory; pass the path of a .tflite file.") from None
    except OSError as e:
        raise ModelFormatError(f"{p} cannot be read ({e.strerror}).") from None
    try:
        return parse_model(data, name=p.stem)
    except ModelFormatError as e:
        raise ModelFormatError(f"{p.name}: {e}") from None


def parse_model(data: bytes, name: str = "model") -> Model:
    """Parse .tflite bytes into a Model. Any defect is a ModelFormatError; nothing else escapes."""
    data = bytes(data)
    if len(data) < 8:
        raise ModelFormatError(f"the file is {len(data)} bytes long, too short to be a .tflite model.")
    if len(data) >= MAX_FILE_BYTES:
        raise ModelFormatError("the file is larger than 2 GiB, which a .tflite flatbuffer cannot address.")
    ident = data[4:8]
    if ident != FILE_IDENTIFIER:
        kind = next((k for magic, k in _OTHER_FORMATS if data.startswith(magic)), None)
        if kind is not None:
            raise ModelFormatError(f"this is {kind}, not a .tflite model; {_WHAT_TO_PASS}")
        raise ModelFormatError(
            f"the file identifier is {ident!r}, not {FILE_IDENTIFIER!r}, so this is not a .tflite model; "
            f"{_WHAT_TO_PASS}"
        )
    try:
        return _parse(_Buf(data), name)
    except ModelFormatError:
        raise
    except RecursionError:
        raise ModelFormatError("the file nests tables too deeply; it is corrupt.") from None
    except Exception as e:  # the generated option decoders raise anything on garbage; one error type out
        raise ModelFormatError(f"the file is corrupt ({type(e).__name__} while decoding it).") from None


def _parse(buf: _Buf, name: str) -> Model:
    root = _Table(buf, buf.u32(0, "the root table offset"), "the model")
    schema_version = root.scalar(4, "u32", 0, "version")
    if schema_version != 3:
        raise ModelFormatError(f"the schema version is {schema_version}; edgekit reads version 3 models.")
    codes = [_op_code(t, i) for i, t in enumerate(root.tables(6, "operator_codes"))]
    subgraphs = root.tables(8, "subgraphs")
    if not subgraphs:
        raise ModelFormatError("the model has no subgraph.")
    if len(subgraphs) > 1:
        log.warning(
            "%s has %d subgraphs; reading only the main one (subgraph 0), subgraphs 1..%d are ignored",
            name,
            len(subgraphs),
            len(subgraphs) - 1,
        )
    description = root.string(10, "description")
    buffers = root.tables(12, "buffers")
    sg = subgraphs[0]
    tensors = tuple(_tensor(buf, t, i, buffers) for i, t in enumerate(sg.tables(4, "tensors")))
    inputs = sg.ints(6, "subgraph inputs")
    outputs = sg.ints(8, "subgraph outputs")
    for kind, idx in (("input", inputs), ("output", outputs)):
        for t in idx:
            if not 0 <= t < len(tensors):
                raise ModelFormatError(
                    f"the subgraph {kind} names tensor {t}, but there are {len(tensors)} tensors."
                )
    operators = tuple(
        _operator(buf, t, i, codes, len(tensors)) for i, t in enumerate(sg.tables(10, "operators"))
    )
    for op in operators:
        for pos in _RANK4_INPUTS.get(op.op, ()):
            shape = tensors[op.inputs[pos]].shape
            if len(shape) != 4:
                raise ModelFormatError(f"op {op.index} ({op.op}) input {pos} has shape {list(shape)}, but the op "
                                       "needs a 4-D tensor; the file is corrupt.")
    model = Model(
        name=name,
        tensors=tensors,
        operators=operators,
        inputs=tuple(inputs),
        outputs=tuple(outputs),
        file_size=buf.n,
        description=description,
        sha256=hashlib.sha256(buf.data).hexdigest(),
        subgraph_count=len(subgraphs),
    )
    _check_graph(model)
    return model


def _op_code(t: _Table, i: int) -> tuple[str, str | None, int]:
    names = _names("BuiltinOperator")
    deprecated = t.scalar(4, "u8", 0, "deprecated_builtin_code")
    deprecated = deprecated - 256 if deprecated > 127 else deprecated  # int8 in the schema
    custom = t.string(6, "custom_code") if t.field(6) else None
    version = t.scalar(8, "i32", 1, "version")
    builtin = t.scalar(10, "i32", 0, "builtin_code")
    # Old files fill only deprecated_builtin_code (< 127); new ones put 127 there and the real code here.
    code = max(deprecated, builtin)
    if code not in names:
        raise ModelFormatError(f"operator code {i} has builtin code {code}, which is not a TFLite operator.")
    return names[code], custom, version


def _tensor(buf: _Buf, t: _Table, i: int, buffers: list[_Table]) -> Tensor:
    what = f"tensor {i}"
    tname = t.string(10, "name")
    label = f"tensor {i} '{tname}'" if tname else what
    shape = t.ints(4, "shape")
    if len(shape) > MAX_RANK:
        raise ModelFormatError(f"{label} has rank {len(shape)}; more than {MAX_RANK} is not a real model.")
    n = 1
    for d in shape:
        if d < 0:
            raise ModelFormatError(f"{label} has a negative dimension in shape {list(shape)}.")
        n *= d
        if n > MAX_ELEMENTS:
            raise ModelFormatError(f"{label} has shape {list(shape)}, beyond {MAX_ELEMENTS} elements.")
    type_code = t.scalar(6, "u8", 0, "type")  # TensorType is a byte enum
    type_name = _names("TensorType").get(type_code)
    if type_name is None:
        raise ModelFormatError(f"{label} has tensor type {type_code}, which is not a TFLite type.")
    dtype = type_name.lower()
    if dtype not in DTYPES:
        raise ModelFormatError(f"{label} has type {type_name}, which edgekit does not read.")
    if t.field(16):
        raise ModelFormatError(f"{label} is a sparse tensor; edgekit reads dense models only.")
    buffer_index = t.scalar(8, "u32", 0, "buffer")
    if buffer_index >= max(len(buffers), 1):
        raise ModelFormatError(
            f"{label} uses buffer {buffer_index}, but the model has {len(buffers)} buffers."
        )
    data = _buffer_data(buf, buffers[buffer_index], buffer_index) if buffer_index and buffers else None
    if data is not None:
        # int4 constants are packed two to a byte; strings have variable length (no check possible)
        need = (n + 1) // 2 if dtype == "int4" else n * DTYPES[dtype][1]
        # exact: a longer buffer is as corrupt as a shorter one (a flipped buffer index points at another
        # tensor's data, and the C generator would emit an array that does not match the shape)
        # int4 is packed two to a byte by current converters; older ones wrote a byte per value
        fits = len(data) in (need, n) if dtype == "int4" else len(data) == need
        if dtype != "string" and not fits:
            raise ModelFormatError(
                f"{label} of shape {list(shape)} and type {dtype} needs {need} bytes, but its buffer "
                f"{buffer_index} holds {len(data)}."
            )
    q_pos = t.ref(12, "quantization")
    quant = _quantization(_Table(buf, q_pos, f"{label} quantization"), label, shape) if q_pos else None
    is_variable = bool(t.scalar(14, "u8", 0, "is_variable"))
    return Tensor(
        index=i, name=tname, shape=tuple(shape), dtype=dtype, quant=quant, data=data, is_variable=is_variable
    )


def _buffer_data(buf: _Buf, b: _Table, index: int) -> bytes | None:
    """The buffer's bytes, inline or (for >2 GB-style files) at an offset after the flatbuffer; None if empty."""
    start, count = b.vector(4, 1, "data")
    if count:
        return buf.data[start : start + count]
    offset = b.scalar(6, "u64", 0, "offset")
    size = b.scalar(8, "u64", 0, "size")
    if offset > 1:  # 1 is the converter's placeholder for "not stored"
        if offset + size > buf.n:
            raise ModelFormatError(
                f"buffer {index} lies at bytes {offset}..{offset + size}, past the end of the {buf.n}-byte file."
            )
        return buf.data[offset : offset + size] if size else None
    return None


def _quantization(q: _Table, label: str, shape: tuple[int, ...]) -> Quantization | None:
    s_start, s_count = q.vector(8, 4, "scale")
    z_start, z_count = q.vector(10, 8, "zero_point")
    if not s_count and not z_count:
        return None  # min/max only (float calibration data): not quantized
    scale = struct.unpack_from(f"<{s_count}f", q.buf.data, s_start) if s_count else ()
    zero = struct.unpack_from(f"<{z_count}q", q.buf.data, z_start) if z_count else ()
    if not zero:
        zero = (0,) * len(scale)
    if len(scale) != len(zero):
        raise ModelFormatError(f"{label} has {len(scale)} quantization scales but {len(zero)} zero points.")
    axis = q.scalar(16, "i32", 0, "quantized_dimension")
    if len(scale) > 1 and not (0 <= axis < len(shape) and shape[axis] == len(scale)):
        raise ModelFormatError(
            f"{label} has {len(scale)} per-channel scales on axis {axis}, which does not match shape {list(shape)}."
        )
    return Quantization(
        scale=tuple(float(x) for x in scale), zero_point=tuple(int(z) for z in zero), axis=axis
    )


# Inputs every TFLite kernel of these ops needs (TFLite's own Prepare refuses fewer): a corrupt file that drops
# one must fail here, not as an IndexError in the cost model or the generator. Later inputs may be -1 (optional).
_REQUIRED_INPUTS: dict[str, int] = {
    "CONV_2D": 2, "DEPTHWISE_CONV_2D": 2, "FULLY_CONNECTED": 2, "TRANSPOSE_CONV": 3, "ADD": 2, "SUB": 2, "MUL": 2,
    "AVERAGE_POOL_2D": 1, "MAX_POOL_2D": 1, "SOFTMAX": 1, "RESHAPE": 1, "QUANTIZE": 1, "DEQUANTIZE": 1,
    "LOGISTIC": 1, "TANH": 1, "RELU": 1, "RELU6": 1, "MEAN": 2, "PAD": 2, "CONCATENATION": 1,
}


# Inputs TFLite's kernels require to be 4-D (NHWC activations, OHWI / 1HWC filters); later code indexes them so.
_RANK4_INPUTS: dict[str, tuple[int, ...]] = {
    "CONV_2D": (0, 1), "DEPTHWISE_CONV_2D": (0, 1), "AVERAGE_POOL_2D": (0,), "MAX_POOL_2D": (0,),
}


def _operator(
    buf: _Buf, t: _Table, i: int, codes: list[tuple[str, str | None, int]], n_tensors: int
) -> Operator:
    code_index = t.scalar(4, "u32", 0, "opcode_index")
    if code_index >= len(codes):
        raise ModelFormatError(f"op {i} uses operator code {code_index}, but the model has {len(codes)}.")
    op_name, custom, version = codes[code_index]
    inputs = t.ints(6, "inputs")
    outputs = t.ints(8, "outputs")
    intermediates = t.ints(20, "intermediates")
    for kind, idx, optional in (
        ("input", inputs, True),
        ("output", outputs, False),
        ("intermediate", intermediates, False),
    ):
        for x in idx:
            if not (0 <= x < n_tensors or (optional and x == -1)):
                raise ModelFormatError(
                    f"op {i} ({op_name}) {kind} names tensor {x}, but there are {n_tensors} tensors."
                )
    required = _REQUIRED_INPUTS.get(op_name)
    if required is not None:
        missing = [k for k in range(required) if k >= len(inputs) or inputs[k] < 0]
        if missing or not outputs:
            what = f"input {missing[0]}" if missing else "an output"
            raise ModelFormatError(f"op {i} ({op_name}) has no {what}, which the op requires; the file is corrupt.")
    options: dict[str, Any] = {}
    opt_type = t.scalar(10, "u8", 0, "builtin_options_type")
    if opt_type:
        options.update(_options(buf, t, 12, opt_type, "BuiltinOptions", i, op_name))
    opt2_type = t.scalar(26, "u8", 0, "builtin_options_2_type")
    if opt2_type:
        options.update(_options(buf, t, 28, opt2_type, "BuiltinOptions2", i, op_name))
    if op_name == "CUSTOM":
        start, count = t.vector(14, 1, "custom_options")
        if count:
            options["custom_options"] = buf.data[start : start + count]
    return Operator(
        index=i,
        op=op_name,
        inputs=tuple(inputs),
        outputs=tuple(outputs),
        options=MappingProxyType(options),
        version=version,
        custom_code=custom if op_name == "CUSTOM" else None,
        intermediates=tuple(intermediates),
    )


def _options(
    buf: _Buf, t: _Table, slot: int, type_code: int, union: str, i: int, op_name: str
) -> dict[str, Any]:
    names = _names(union)
    if type_code not in names:
        raise ModelFormatError(
            f"op {i} ({op_name}) has options type {type_code}, which the schema does not define."
        )
    pos = t.ref(slot, "options")
    if not pos:
        return {}
    _Table(buf, pos, f"op {i} ({op_name}) options")  # validates the table header before the decoder reads it
    from flatbuffers.table import Table

    creator = getattr(_s(), f"{union}Creator")
    obj = creator(type_code, Table(buf.data, pos))
    return _plain(obj) if obj is not None else {}


def _plain(obj: Any) -> dict[str, Any]:
    """A generated ``...T`` object as a dict: snake_case keys, enum names, tuples for vectors."""
    out: dict[str, Any] = {}
    for key, value in vars(obj).items():
        enum = _ENUM_FIELDS.get(key)
        out[_snake(key)] = _value(value, enum)
    return out


def _value(value: Any, enum: str | None) -> Any:
    if value is None or isinstance(value, (bool, str, bytes)):
        return value
    if isinstance(value, (int, float)):
        if enum is not None:
            return _names(enum).get(int(value), int(value))
        return value
    if hasattr(value, "tolist"):  # numpy vectors from the generated *AsNumpy readers
        value = value.tolist()
    if isinstance(value, list):
        return tuple(_value(v, enum) for v in value)
    if hasattr(value, "__dict__"):
        return MappingProxyType(_plain(value))
    return value


def _check_graph(model: Model) -> None:
    """Every op input must be a constant, a graph input, a variable, or written by an earlier op; every tensor
    an op writes must be an activation no one else writes (the memory planner relies on one producer)."""
    ready = set(model.inputs)
    for t in model.tensors:
        if t.is_constant or t.is_variable:
            ready.add(t.index)
    for op in model.operators:
        for x in op.inputs:
            if x >= 0 and x not in ready:
                t = model.tensors[x]
                raise ModelFormatError(
                    f"{op.label} reads tensor {x} '{t.name}' before any op writes it; the graph is not in "
                    "execution order or is corrupt."
                )
        for x in op.outputs:
            t = model.tensors[x]
            if t.is_constant or x in ready and not t.is_variable:
                what = (
                    "a constant"
                    if t.is_constant
                    else "a graph input"
                    if x in model.inputs
                    else "already written"
                )
                raise ModelFormatError(
                    f"{op.label} writes tensor {x} '{t.name}', which is {what}; the graph is corrupt."
                )
            ready.add(x)
    for x in model.outputs:
        if x not in ready:
            raise ModelFormatError(f"the model output tensor {x} '{model.tensors[x].name}' is never written.")
