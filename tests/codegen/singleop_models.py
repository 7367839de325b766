"""Single-op int8 models built with the real TF converter, sweeping the option space of the core kernels.

``build_all(out_dir)`` writes one .tflite per case and returns {case id: path}; the session fixture in
``conftest.py`` calls it once. Each case is (id, builder) where builder returns a tf_keras model; the
converter runs full-integer int8 with int8 I/O and a seeded representative dataset.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@dataclass(frozen=True)
class Case:
    id: str
    build: Callable[[], object]  # -> tf_keras.Model
    per_tensor: bool = False  # disable per-channel weights (conv and dense)
    expect_ops: tuple[str, ...] = ()  # ops the converted model must contain (guards the sweep's intent)


def _seq(input_shape: tuple[int, ...], *layers: object) -> Callable[[], object]:
    def build() -> object:
        import tf_keras as keras

        inp = keras.Input(input_shape, batch_size=1)
        x = inp
        for layer in layers:
            x = layer()(x) if callable(layer) and not hasattr(layer, "built") else layer(x)
        return keras.Model(inp, x)

    return build


def _conv(**kw: object) -> Callable[[], object]:
    def make() -> object:
        import tf_keras as keras

        return keras.layers.Conv2D(**kw)

    return make


def _dw(**kw: object) -> Callable[[], object]:
    def make() -> object:
        import tf_keras as keras

        return keras.layers.DepthwiseConv2D(**kw)

    return make


def _layer(name: str, **kw: object) -> Callable[[], object]:
    def make() -> object:
        import tf_keras as keras

        return getattr(keras.layers, name)(**kw)

    return make


def _two_input_add(a: tuple[int, ...], b: tuple[int, ...], relu: bool = False) -> Callable[[], object]:
    def build() -> object:
        import tf_keras as keras

        x1 = keras.Input(a[1:], batch_size=a[0])
        x2 = keras.Input(b[1:], batch_size=b[0])
        y = keras.layers.Lambda(lambda t: t[0] + t[1])([x1, x2])
        if relu:
            y = keras.layers.ReLU()(y)
        return keras.Model([x1, x2], y)

    return build


def _const_add(shape: tuple[int, ...], const_shape: tuple[int, ...]) -> Callable[[], object]:
    def build() -> object:
        import numpy as np
        import tensorflow as tf
        import tf_keras as keras

        c = tf.constant(np.random.default_rng(3).normal(size=const_shape).astype("float32"))
        x = keras.Input(shape[1:], batch_size=shape[0])
        y = keras.layers.Lambda(lambda t: t + c)(x)
        return keras.Model(x, y)

    return build


def _residual() -> object:
    import tf_keras as keras

    x = keras.Input((8, 8, 4), batch_size=1)
    a = keras.layers.Conv2D(4, 3, padding="same", activation="relu")(x)
    b = keras.layers.Conv2D(4, 1)(x)
    y = keras.layers.Add()([a, b])
    y = keras.layers.Activation("relu")(y)
    y = keras.layers.Reshape((256,))(y)
    y = keras.layers.Dense(5)(y)
    return keras.Model(x, y)


def _dense3d() -> object:
    import tf_keras as keras

    x = keras.Input((3, 7), batch_size=1)
    return keras.Model(x, keras.layers.Dense(4, activation="relu")(x))


def cases() -> list[Case]:
    c: list[Case] = []
    # CONV_2D: kernel sizes, strides, padding, dilation, activations, bias, per-tensor / per-channel, groups.
    for k in (1, 3, 5, (3, 1)):
        for s in (1, 2):
            for pad in ("same", "valid"):
                kid = f"{k[0]}x{k[1]}" if isinstance(k, tuple) else f"{k}x{k}"
                c.append(Case(f"conv_{kid}_s{s}_{pad}", _seq((9, 11, 3), _conv(filters=5, kernel_size=k,
                                                                                 strides=s, padding=pad)),
                              expect_ops=("CONV_2D",)))
    c += [
        Case("conv_dil2_same_relu", _seq((10, 10, 2), _conv(filters=4, kernel_size=3, dilation_rate=2,
                                                            padding="same", activation="relu")), expect_ops=("CONV_2D",)),
        Case("conv_dil3_valid", _seq((12, 12, 2), _conv(filters=3, kernel_size=3, dilation_rate=(3, 2),
                                                        padding="valid")), expect_ops=("CONV_2D",)),
        Case("conv_relu6_nobias", _seq((8, 8, 3), _conv(filters=6, kernel_size=3, padding="same",
                                                        use_bias=False, activation="relu6")), expect_ops=("CONV_2D",)),
        Case("conv_per_tensor_s2", _seq((9, 9, 4), _conv(filters=8, kernel_size=3, strides=2, padding="same")),
             per_tensor=True, expect_ops=("CONV_2D",)),
        Case("conv_grouped", _seq((6, 6, 4), _conv(filters=6, kernel_size=3, padding="same", groups=2)),
             expect_ops=("CONV_2D",)),
        Case("conv_s2x1_valid", _seq((10, 9, 3), _conv(filters=4, kernel_size=(2, 3), strides=(2, 1),
                                                       padding="valid")), expect_ops=("CONV_2D",)),
    ]
    # DEPTHWISE_CONV_2D: multipliers, strides, dilation, padding, activations, no bias.
    for dm in (1, 2, 3):
        for s in (1, 2):
            c.append(Case(f"dw_m{dm}_s{s}_same", _seq((9, 9, 3), _dw(kernel_size=3, strides=s, padding="same",
                                                                    depth_multiplier=dm, activation="relu")),
                          expect_ops=("DEPTHWISE_CONV_2D",)))
    c += [
        Case("dw_5x5_valid_relu6", _seq((11, 10, 8), _dw(kernel_size=5, padding="valid", activation="relu6")),
             expect_ops=("DEPTHWISE_CONV_2D",)),
        Case("dw_dil2", _seq((10, 10, 4), _dw(kernel_size=3, dilation_rate=2, padding="same")),
             expect_ops=("DEPTHWISE_CONV_2D",)),
        Case("dw_nobias_m2", _seq((7, 7, 4), _dw(kernel_size=3, padding="same", depth_multiplier=2,
                                                 use_bias=False)), expect_ops=("DEPTHWISE_CONV_2D",)),
        Case("dw_per_tensor", _seq((8, 8, 6), _dw(kernel_size=3, padding="same")), per_tensor=True,
             expect_ops=("DEPTHWISE_CONV_2D",)),
    ]
    # FULLY_CONNECTED: per-channel and per-tensor, activations, no bias, 3-D input (keep_num_dims).
    c += [
        Case("fc_per_channel_relu", _seq((40,), _layer("Dense", units=12, activation="relu")),
             expect_ops=("FULLY_CONNECTED",)),
        Case("fc_per_tensor", _seq((40,), _layer("Dense", units=12)), per_tensor=True,
             expect_ops=("FULLY_CONNECTED",)),
        Case("fc_nobias_relu6", _seq((33,), _layer("Dense", units=7, use_bias=False, activation="relu6")),
             expect_ops=("FULLY_CONNECTED",)),
        Case("fc_3d_keep_dims", _dense3d, expect_ops=("FULLY_CONNECTED",)),
    ]
    # Pooling: windows, strides, padding.
    for kind, op in (("AveragePooling2D", "AVERAGE_POOL_2D"), ("MaxPooling2D", "MAX_POOL_2D")):
        for pool, s, pad in ((2, 2, "valid"), (3, 2, "same"), (3, 1, "same"), ((2, 3), (1, 2), "valid")):
            pid = f"{pool[0]}x{pool[1]}" if isinstance(pool, tuple) else f"{pool}x{pool}"
            sid = f"{s[0]}x{s[1]}" if isinstance(s, tuple) else f"{s}"
            c.append(Case(f"{op.lower()}_{pid}_s{sid}_{pad}",
                          _seq((9, 10, 3), _layer(kind, pool_size=pool, strides=s, padding=pad)),
                          expect_ops=(op,)))
    # ADD: same shapes, broadcasts (rank 4 and 3), constant operand, fused ReLU; RESHAPE in a residual net.
    c += [
        Case("add_same", _two_input_add((1, 5, 6, 3), (1, 5, 6, 3)), expect_ops=("ADD",)),
        Case("add_bcast_channel", _two_input_add((1, 5, 6, 3), (1, 1, 1, 3)), expect_ops=("ADD",)),
        Case("add_bcast_both", _two_input_add((1, 5, 1, 3), (1, 1, 6, 1)), expect_ops=("ADD",)),
        Case("add_bcast_rank3_relu", _two_input_add((1, 4, 7), (1, 1, 7), relu=True), expect_ops=("ADD",)),
        Case("add_const_bcast", _const_add((1, 4, 4, 5), (5,)), expect_ops=("ADD",)),
        Case("residual_add_reshape_fc", _residual, expect_ops=("ADD", "RESHAPE", "FULLY_CONNECTED")),
    ]
    return c


def convert(model: object, per_tensor: bool, seed: int = 0) -> bytes:
    import numpy as np
    import tensorflow as tf

    inputs = model.inputs  # type: ignore[attr-defined]
    rng = np.random.default_rng(seed)

    def rep():
        for _ in range(32):
            yield [rng.normal(0, 1.0, size=tuple(t.shape)).astype("float32") for t in inputs]

    conv = tf.lite.TFLiteConverter.from_keras_model(model)
    conv.optimizations = [tf.lite.Optimize.DEFAULT]
    conv.representative_dataset = rep
    conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    conv.inference_input_type = tf.int8
    conv.inference_output_type = tf.int8
    if per_tensor:
        conv._experimental_disable_per_channel = True
        conv._experimental_disable_per_channel_quantization_for_dense_layers = True
    return conv.convert()


def build_all(out_dir: Path, only: list[str] | None = None) -> dict[str, Path]:
    """Convert every case missing from ``out_dir``; TensorFlow is imported only if something is missing."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for i, case in enumerate(cases()):
        if only is not None and case.id not in only:
            continue
        p = out_dir / f"{case.id}.tflite"
        if not p.exists():
            import tf_keras as keras

            keras.utils.set_random_seed(i)
            p.write_bytes(convert(case.build(), case.per_tensor, seed=i))
        paths[case.id] = p
    return paths
