"""The compatibility scan names each layer TF-MOT cannot handle and the fix; errors stop training."""

from __future__ import annotations

import pytest

from edgekit.errors import BadInputError, UnsupportedError

pytestmark = pytest.mark.slow


def _awkward_model():
    from edgekit.compress.tfmot_adapter import keras

    L = keras.layers
    inp = keras.Input((8, 8, 1))
    x = L.Rescaling(1 / 16.0, name="scale")(inp)
    x = L.Conv2D(8, 3, padding="same", name="conv_then_relu")(x)
    x = L.ReLU(name="lonely_relu")(x)
    x = L.DepthwiseConv2D(3, padding="same", activation="relu", name="dw")(x)
    x = L.Conv2DTranspose(4, 3, padding="same", name="deconv")(x)
    x = L.BatchNormalization(name="bn_after_deconv")(x)
    x = L.UpSampling2D(interpolation="bilinear", name="up")(x)
    x = L.GlobalAveragePooling2D()(x)
    out = L.Dense(10, activation="softmax")(x)
    return keras.Model(inp, out)


def test_every_rule_fires_with_a_fix() -> None:
    from edgekit.compress.recipe import recipe_from_flags
    from edgekit.compress.scan import scan

    report = scan(_awkward_model(), recipe_from_flags(prune=0.5, quantize="pqat"))
    by_layer = {(f.layer, f.layer_type): f for f in report.findings}
    assert by_layer[("scale", "Rescaling")].severity == "error"
    assert "input pipeline" in by_layer[("scale", "Rescaling")].fix
    relu = by_layer[("conv_then_relu", "Conv2D")]
    assert relu.severity == "warning" and "lonely_relu" in relu.problem and "activation='relu'" in relu.fix
    assert "never prunes" in by_layer[("dw", "DepthwiseConv2D")].problem
    assert by_layer[("deconv", "Conv2DTranspose")].severity == "warning"
    assert by_layer[("bn_after_deconv", "BatchNormalization")].severity == "error"
    assert "nearest" in by_layer[("up", "UpSampling2D")].fix
    assert all(f.fix for f in report.findings)


def test_without_qat_the_same_layers_only_warn() -> None:
    from edgekit.compress.recipe import recipe_from_flags
    from edgekit.compress.scan import scan

    report = scan(_awkward_model(), recipe_from_flags(prune=0.5))
    assert report.errors == ()


def test_compress_stops_before_training(digits_data) -> None:
    from edgekit.compress.api import compress
    from edgekit.compress.recipe import recipe_from_flags

    with pytest.raises(UnsupportedError, match=r"layer 'scale' \(Rescaling\).*and 1 more"):
        compress(_awkward_model(), recipe_from_flags(quantize="qat"), digits_data, progress=False)


def test_digits_model_is_clean_for_qat(float_model) -> None:
    from edgekit.compress.recipe import recipe_from_flags
    from edgekit.compress.scan import scan

    report = scan(float_model, recipe_from_flags(prune=0.6, quantize="pqat"))
    assert [(f.layer, f.severity) for f in report.findings] == [("dw2", "info")]


def test_keras3_model_refused(keras3_model_file) -> None:
    from edgekit.compress.models import load_keras_model

    with pytest.raises(BadInputError, match="saved by Keras 3.*tf_keras"):
        load_keras_model(keras3_model_file)


def test_two_four_on_a_single_channel_input_is_reported(float_model) -> None:
    from edgekit.compress.recipe import recipe_from_flags
    from edgekit.compress.scan import scan

    report = scan(float_model, recipe_from_flags(m_by_n="2:4"))
    notes = [f for f in report.findings if "groups of 4" in f.problem]
    assert [(f.layer, f.severity) for f in notes] == [("conv1", "info")]
    assert "has 1" in notes[0].problem
