"""A small CNN for 8x8 digits with every layer kind the pipeline must handle.

Conv -> BN -> ReLU and DepthwiseConv -> BN -> ReLU (patterns TF-MOT fuses), a pointwise Conv with a fused
ReLU, max and average pooling, and a Dense softmax head. ~3.5 k parameters.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
import tf_keras as keras  # noqa: E402

layers = keras.layers


def build_model(seed: int = 0) -> keras.Model:
    keras.utils.set_random_seed(seed)
    inp = keras.Input((8, 8, 1), name="image")
    x = layers.Conv2D(16, 3, padding="same", use_bias=False, name="conv1")(inp)
    x = layers.BatchNormalization(name="bn1")(x)
    x = layers.ReLU(name="relu1")(x)
    x = layers.DepthwiseConv2D(3, padding="same", use_bias=False, name="dw2")(x)
    x = layers.BatchNormalization(name="bn2")(x)
    x = layers.ReLU(name="relu2")(x)
    x = layers.Conv2D(32, 1, activation="relu", name="pw2")(x)
    x = layers.MaxPooling2D(2, name="pool2")(x)  # 4x4
    x = layers.Conv2D(32, 3, padding="same", activation="relu", name="conv3")(x)
    x = layers.AveragePooling2D(2, name="pool3")(x)  # 2x2
    x = layers.Flatten(name="flatten")(x)
    out = layers.Dense(10, activation="softmax", name="classes")(x)
    return keras.Model(inp, out, name="digits_cnn")


def build_student(seed: int = 1) -> keras.Model:
    """A smaller student for distillation: one conv, pooling, a Dense head (~1.5 k parameters)."""
    keras.utils.set_random_seed(seed)
    inp = keras.Input((8, 8, 1), name="image")
    x = layers.Conv2D(8, 3, padding="same", activation="relu", name="conv1")(inp)
    x = layers.MaxPooling2D(2, name="pool1")(x)
    x = layers.Flatten(name="flatten")(x)
    out = layers.Dense(10, activation="softmax", name="classes")(x)
    return keras.Model(inp, out, name="digits_student")
