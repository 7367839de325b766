"""keras_to_tflite: int8 and 16x8, int8 or float I/O, QAT without a representative set, float-op refusal."""

from __future__ import annotations

import numpy as np
import pytest
from edgekit.converters.keras_to_tflite import convert, float_ops
from edgekit.converters.tflite_reader import parse_model

from edgekit.errors import BadInputError, UnsupportedError
from edgekit.hostrun import HostModel, accuracy

pytestmark = pytest.mark.slow


def test_ptq_int8_report(ptq_tflite, digits_data) -> None:
    ir = parse_model(ptq_tflite.read_bytes(), "ptq")
    assert float_ops(ir) == []
    assert {ir.tensor(i).dtype for i in (*ir.inputs, *ir.outputs)} == {"int8"}
    host = HostModel(ptq_tflite)
    assert host.inputs[0].scale > 0 and host.inputs[0].dtype == np.int8
    assert accuracy(host, digits_data.x_val, digits_data.y_val) > 0.9


def test_float_io_keeps_int8_inside(float_model, digits_data) -> None:
    result = convert(float_model, io="float", x_train=digits_data.x_train, samples=50)
    r = result.report
    assert r.inputs[0].dtype == "float32" and r.outputs[0].dtype == "float32"
    assert r.op_counts["QUANTIZE"] == 1 and r.op_counts["DEQUANTIZE"] == 1
    assert r.representative_samples == 50 and r.size_bytes == len(result.tflite)
    ir = parse_model(result.tflite, "m")
    conv = [op for op in ir.operators if op.op == "CONV_2D"]
    assert all(ir.tensor(op.inputs[1]).dtype == "int8" for op in conv)


def test_16x8_ptq(float_model, digits_data) -> None:
    result = convert(float_model, mode="16x8", io="int8", x_train=digits_data.x_train, samples=50)
    ir = parse_model(result.tflite, "m")
    assert result.report.inputs[0].dtype == "int16"
    conv = next(op for op in ir.operators if op.op == "CONV_2D")
    assert ir.tensor(conv.inputs[0]).dtype == "int16" and ir.tensor(conv.inputs[1]).dtype == "int8"
    assert accuracy(HostModel(result.tflite), digits_data.x_val, digits_data.y_val) > 0.9


def test_16x8_refused_for_qat(float_model, digits_data) -> None:
    from edgekit.compress.recipe import QuantizeStep, TrainConfig
    from edgekit.compress.steps import quantize

    qat = quantize(float_model, QuantizeStep("qat", epochs=1), digits_data, TrainConfig(), progress=False).model
    with pytest.raises(UnsupportedError, match="16x8 conversion fails for QAT"):
        convert(qat, mode="16x8", x_train=digits_data.x_train)


def test_ptq_needs_data(float_model) -> None:
    with pytest.raises(BadInputError, match="needs representative data"):
        convert(float_model, mode="int8")


def test_float_ops_left_are_refused_and_listed() -> None:
    """A QAT model where only the conv was annotated: the Dense head stays float, so int8 is refused."""
    from edgekit.compress import tfmot_adapter as ta

    keras, q = ta.keras, ta.tfmot.quantization.keras
    inp = keras.Input((8, 8, 1))
    x = q.quantize_annotate_layer(keras.layers.Conv2D(4, 3, activation="relu"))(inp)
    x = keras.layers.Flatten()(x)
    out = keras.layers.Dense(10, name="head")(x)
    with ta.quantize_scope():
        partial = q.quantize_apply(keras.Model(inp, out))
    with pytest.raises(UnsupportedError, match=r"stay float: .*FULLY_CONNECTED"):
        convert(partial, mode="int8", io="float")
