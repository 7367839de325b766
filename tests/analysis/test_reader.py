"""converters.tflite_reader: what it reads (checked against the schema's own object API) and what it refuses."""

from __future__ import annotations

import logging
import subprocess
import sys
from types import MappingProxyType

import numpy as np
import pytest
from ai_edge_litert import schema_py_generated as s
from conftest import MLPERF_MODELS, mlperf_model
from edgekit.converters.tflite_reader import parse_model, read_model

from edgekit.errors import ModelFormatError

from . import tinymodels as tm


def _refused(data: bytes, *fragments: str) -> str:
    with pytest.raises(ModelFormatError) as e:
        parse_model(data, name="bad")
    msg = str(e.value)
    assert "\n" not in msg and msg.endswith((".", ")")), msg
    for f in fragments:
        assert f in msg, msg
    return msg


# ---------------------------------------------------------------------------------------------------------
# what it reads


def test_tiny_model_ir() -> None:
    m = parse_model(tm.tiny_cnn(), name="tiny")
    assert m.name == "tiny" and m.inputs == (0,) and m.outputs == (12,) and m.subgraph_count == 1
    assert [op.op for op in m.operators] == [
        "CONV_2D",
        "DEPTHWISE_CONV_2D",
        "RESHAPE",
        "FULLY_CONNECTED",
        "SOFTMAX",
    ]
    conv, dw, reshape, fc, softmax = m.operators
    assert conv.inputs == (0, 1, 2) and conv.outputs == (3,)
    assert conv.options["padding"] == "SAME" and conv.options["fused_activation_function"] == "RELU"
    assert conv.options["stride_w"] == 1 and conv.options["dilation_w_factor"] == 1
    assert dw.options["depth_multiplier"] == 1 and dw.options["fused_activation_function"] == "RELU6"
    assert reshape.options["new_shape"] == (1, 256)
    assert fc.options["keep_num_dims"] is False and fc.options["weights_format"] == "DEFAULT"
    assert softmax.options["beta"] == 1.0
    assert isinstance(conv.options, MappingProxyType)
    with pytest.raises(TypeError):
        conv.options["padding"] = "VALID"  # type: ignore[index]

    filt = m.tensors[1]
    assert filt.shape == (4, 3, 3, 1) and filt.dtype == "int8" and filt.is_constant
    assert (
        filt.quant is not None
        and filt.quant.per_channel
        and filt.quant.scale == pytest.approx((0.01, 0.02, 0.03, 0.04))
    )
    assert filt.data == tm.tiny_cnn_tensors()[1].data
    assert m.tensors[2].array().tolist() == [1, -2, 3, -4]
    assert m.tensors[4].quant.axis == 3
    assert m.tensors[7].quant is None and m.tensors[7].array().tolist() == [1, 256]
    assert m.tensors[12].quant.zero_point == (-128,)
    assert not m.tensors[3].is_constant and m.tensors[3].data is None
    assert m.description == "edgekit test model" and m.file_size == len(tm.tiny_cnn()) and len(m.sha256) == 64


def test_omitted_optional_input_is_minus_one() -> None:
    tensors = tm.tiny_cnn_tensors()[:4]
    data = tm.build(tensors, [tm.Op("CONV_2D", (0, 1, -1), (3,), tm.conv_options())], (0,), (3,))
    m = parse_model(data)
    assert m.operators[0].inputs == (0, 1, -1)


def test_custom_op_and_legacy_codes() -> None:
    tensors = [tm.T("x", (1, 4)), tm.T("y", (1, 4))]
    m = parse_model(tm.build(tensors, [tm.Op("CUSTOM", (0,), (1,), custom_code="MyOp")], (0,), (1,)))
    assert m.operators[0].op == "CUSTOM" and m.operators[0].custom_code == "MyOp"
    assert m.operators[0].label == "op 0 (MyOp)"
    legacy = parse_model(tm.build(tm.tiny_cnn_tensors(), tm.tiny_cnn_ops(), (0,), (12,), legacy_codes=True))
    assert [op.op for op in legacy.operators][:2] == ["CONV_2D", "DEPTHWISE_CONV_2D"]


def test_builtin_code_above_127_uses_the_new_field() -> None:
    # codes >= 127 exist only in builtin_code (deprecated_builtin_code holds the placeholder 127)
    code = s.BuiltinOperator.GELU
    assert code > 127
    tensors = [tm.T("x", (1, 4)), tm.T("y", (1, 4))]
    m = parse_model(tm.build(tensors, [tm.Op("GELU", (0,), (1,))], (0,), (1,)))
    assert m.operators[0].op == "GELU"


def test_extra_subgraphs_read_main_only_and_say_so(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        m = parse_model(
            tm.build(tm.tiny_cnn_tensors(), tm.tiny_cnn_ops(), (0,), (12,), extra_subgraphs=2), "multi"
        )
    assert m.subgraph_count == 3 and len(m.operators) == 5
    assert "reading only the main one (subgraph 0)" in caplog.text


def test_read_model_uses_the_file_stem(tmp_path) -> None:
    p = tmp_path / "my_net.tflite"
    p.write_bytes(tm.tiny_cnn())
    assert read_model(p).name == "my_net"


@pytest.mark.parametrize("key", sorted(MLPERF_MODELS))
def test_mlperf_models_match_the_schema_object_api(key: str) -> None:
    path = mlperf_model(key)
    data = path.read_bytes()
    m = read_model(path)
    ref = s.ModelT.InitFromPackedBuf(bytearray(data), 0)
    sg = ref.subgraphs[0]
    assert len(m.tensors) == len(sg.tensors) and len(m.operators) == len(sg.operators)
    assert m.inputs == tuple(sg.inputs) and m.outputs == tuple(sg.outputs)
    for t, rt in zip(m.tensors, sg.tensors, strict=True):
        assert t.shape == tuple(rt.shape) and t.name == rt.name.decode()
        assert t.dtype == next(k for k, v in vars(s.TensorType).items() if v == rt.type).lower()
        buf = ref.buffers[rt.buffer].data
        if buf is not None and len(buf):
            assert t.data == np.asarray(buf, dtype=np.uint8).tobytes()
        else:
            assert t.data is None
        if rt.quantization is not None and rt.quantization.scale is not None:
            assert t.quant.scale == pytest.approx(tuple(rt.quantization.scale))
            assert t.quant.zero_point == tuple(int(z) for z in rt.quantization.zeroPoint)
    names = {v: k for k, v in vars(s.BuiltinOperator).items() if not k.startswith("_")}
    for op, rop in zip(m.operators, sg.operators, strict=True):
        code = ref.operatorCodes[rop.opcodeIndex]
        assert op.op == names[max(code.builtinCode, code.deprecatedBuiltinCode)]
        assert op.inputs == tuple(rop.inputs) and op.outputs == tuple(rop.outputs)
        if op.op == "CONV_2D":
            assert op.options["stride_w"] == rop.builtinOptions.strideW
            assert op.options["padding"] == ("SAME", "VALID")[rop.builtinOptions.padding]


def test_reader_imports_no_tensorflow() -> None:
    code = (
        "import sys; from edgekit.converters.tflite_reader import parse_model; "
        "from edgekit.analysis.costs import model_cost; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'tf_keras', 'keras')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


# ---------------------------------------------------------------------------------------------------------
# what it refuses, each with one sentence


def test_wrong_identifier() -> None:
    data = bytearray(tm.tiny_cnn())
    data[4:8] = b"TFL2"
    _refused(bytes(data), "identifier", "not a .tflite model")


def test_too_short_and_truncated() -> None:
    _refused(b"\x10\x00\x00\x00TFL", "too short")
    data = tm.tiny_cnn()
    for cut in (8, 12, 40, len(data) // 2, len(data) - 3):
        _refused(data[:cut])


def test_schema_version() -> None:
    _refused(
        tm.build(tm.tiny_cnn_tensors(), tm.tiny_cnn_ops(), (0,), (12,), version=2), "schema version is 2"
    )


def test_no_subgraph() -> None:
    m = s.ModelT()
    m.version, m.subgraphs, m.buffers, m.operatorCodes = 3, [], [s.BufferT()], []
    import flatbuffers

    b = flatbuffers.Builder(64)
    b.Finish(m.Pack(b), file_identifier=b"TFL3")
    _refused(bytes(b.Output()), "no subgraph")


def test_op_input_index_out_of_range() -> None:
    ops = tm.tiny_cnn_ops()
    ops[0].inputs = (0, 1, 99)
    _refused(tm.build(tm.tiny_cnn_tensors(), ops, (0,), (12,)), "op 0 (CONV_2D)", "tensor 99", "13 tensors")


def test_op_output_index_negative() -> None:
    ops = tm.tiny_cnn_ops()
    ops[4].outputs = (-1,)
    _refused(tm.build(tm.tiny_cnn_tensors(), ops, (0,), (12,)), "op 4 (SOFTMAX) output names tensor -1")


def test_graph_input_out_of_range() -> None:
    _refused(
        tm.build(tm.tiny_cnn_tensors(), tm.tiny_cnn_ops(), (13,), (12,)), "subgraph input names tensor 13"
    )


def test_negative_and_absurd_shapes() -> None:
    tensors = tm.tiny_cnn_tensors()
    tensors[3].shape = (1, -8, 8, 4)
    _refused(tm.build(tensors, tm.tiny_cnn_ops(), (0,), (12,)), "tensor 3 'conv/out'", "negative dimension")
    tensors = tm.tiny_cnn_tensors()
    tensors[3].shape = (1 << 20, 1 << 20, 4)
    _refused(tm.build(tensors, tm.tiny_cnn_ops(), (0,), (12,)), "tensor 3 'conv/out'", "elements")
    tensors = tm.tiny_cnn_tensors()
    tensors[3].shape = (1,) * 40
    _refused(tm.build(tensors, tm.tiny_cnn_ops(), (0,), (12,)), "rank 40")


def test_buffer_shorter_than_tensor() -> None:
    tensors = tm.tiny_cnn_tensors()
    tensors[9].data = tensors[9].data[:100]
    _refused(
        tm.build(tensors, tm.tiny_cnn_ops(), (0,), (12,)),
        "tensor 9 'fc/weights'",
        "needs 2560 bytes",
        "holds 100",
    )


def test_per_channel_scales_must_match_the_axis() -> None:
    tensors = tm.tiny_cnn_tensors()
    tensors[1].scale = (0.1, 0.2, 0.3)
    _refused(tm.build(tensors, tm.tiny_cnn_ops(), (0,), (12,)), "3 per-channel scales on axis 0")


def test_read_before_write() -> None:
    ops = tm.tiny_cnn_ops()
    ops[0], ops[1] = ops[1], ops[0]
    _refused(
        tm.build(tm.tiny_cnn_tensors(), ops, (0,), (12,)), "op 0 (DEPTHWISE_CONV_2D) reads tensor 3", "before"
    )


def test_op_writes_a_constant_or_a_tensor_twice() -> None:
    ops = tm.tiny_cnn_ops()
    ops[4].outputs = (9,)
    _refused(
        tm.build(tm.tiny_cnn_tensors(), ops, (0,), (9,)),
        "op 4 (SOFTMAX) writes tensor 9 'fc/weights'",
        "constant",
    )
    ops = tm.tiny_cnn_ops()
    ops[4].outputs = (11,)
    _refused(
        tm.build(tm.tiny_cnn_tensors(), ops, (0,), (11,)),
        "op 4 (SOFTMAX) writes tensor 11",
        "already written",
    )


def test_output_never_written() -> None:
    _refused(
        tm.build(tm.tiny_cnn_tensors(), tm.tiny_cnn_ops()[:4], (0,), (12,)),
        "output tensor 12",
        "never written",
    )


def test_unreadable_paths(tmp_path) -> None:
    with pytest.raises(ModelFormatError, match="does not exist"):
        read_model(tmp_path / "missing.tflite")
    with pytest.raises(ModelFormatError, match="is a directory"):
        read_model(tmp_path)
    p = tmp_path / "x.tflite"
    p.write_bytes(b"not a model at all")
    with pytest.raises(ModelFormatError, match=r"^x.tflite: .*identifier"):
        read_model(p)
