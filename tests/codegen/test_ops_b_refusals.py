"""Kernels B: what the generator refuses (one sentence naming the op, nothing written), the offline parameter
arithmetic on hand-computed values, and the kernels' build hygiene on both toolchains."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from edgekit.errors import UnsupportedError

from .kernel_checks import assert_builds_clean, kernel_sources
from .test_ops_b_kernels import Case, _convert, _set_output_zero_point

B_KERNELS = ("softmax", "logistic", "tanh", "quantize", "dequantize", "mean", "pad", "concatenation", "mul",
             "hard_swish", "relu")


def _edit_tensor_scale(which: str, scale: float) -> Callable[[Any, Any], None]:
    def edit(s: Any, m: Any) -> None:
        sg = m.subgraphs[0]
        t = sg.outputs[0] if which == "output" else sg.inputs[0]
        sg.tensors[t].quantization.scale = [scale]

    return edit


REFUSED = {
    "softmax_out_scale": (
        Case("r0", lambda tf, x: tf.nn.softmax(x), ((1, 10),), edit=_edit_tensor_scale("output", 1 / 255)),
        r"op 0 \(SOFTMAX\) has output scale .* needs exactly 1/256 and -128",
    ),
    "logistic_out_zp": (
        Case("r1", lambda tf, x: tf.math.sigmoid(x), ((1, 10),), edit=_set_output_zero_point(0)),
        r"op 0 \(LOGISTIC\) has output zero point 0; TFLite Micro's int8 LOGISTIC needs -128",
    ),
    "concat_mixed_quant": (
        Case("r2", lambda tf, a, b: tf.concat([a, b], axis=1), ((1, 4), (1, 4)), edit=_edit_tensor_scale("input", 0.5)),
        r"op 0 \(CONCATENATION\) has input tensor 0 .* quantized differently from the output",
    ),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_unsupported_options_are_refused_and_nothing_is_written(name: str, tmp_path: Path) -> None:
    tf = pytest.importorskip("tensorflow")
    from edgekit.converters.c_codegen import generate_c
    from edgekit.converters.tflite_reader import parse_model

    case, pattern = REFUSED[name]
    model = parse_model(_convert(tf, case), name)
    out = tmp_path / "gen"
    with pytest.raises(UnsupportedError, match=pattern):
        generate_c(model, None, out)
    assert not out.exists()


def test_int16_softmax_is_refused(tmp_path: Path) -> None:
    """A 16x8 model: int16 activations are named, the op and tensor included."""
    tf = pytest.importorskip("tensorflow")
    from edgekit.converters.c_codegen import generate_c
    from edgekit.converters.tflite_reader import parse_model

    fn = tf.function(lambda x: tf.nn.softmax(x), input_signature=[tf.TensorSpec([1, 10], tf.float32)])
    conv = tf.lite.TFLiteConverter.from_concrete_functions([fn.get_concrete_function()], fn)
    conv.optimizations = [tf.lite.Optimize.DEFAULT]
    rng = np.random.default_rng(0)
    conv.representative_dataset = lambda: ([rng.uniform(-3, 3, (1, 10)).astype(np.float32)] for _ in range(10))
    conv.target_spec.supported_ops = [tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
    conv.inference_input_type = tf.int16
    conv.inference_output_type = tf.int16
    model = parse_model(conv.convert(), "softmax16")
    with pytest.raises(UnsupportedError, match=r"op 0 \(SOFTMAX\) has int16 activations"):
        generate_c(model, None, tmp_path / "gen")
    assert not (tmp_path / "gen").exists()


def test_softmax_params_by_hand() -> None:
    from edgekit.converters.c_codegen.ops.softmax import softmax_params

    # beta * s_in * 2^26 = 2^22 -> M = 2^30, shift 23; radius = floor(31 * 2^26 / 2^23) = 248.
    assert softmax_params(1.0, 1 / 16) == {"input_multiplier": 1 << 30, "input_left_shift": 23, "diff_min": -248}
    with pytest.raises(ValueError):
        softmax_params(1.0, 2.0**-27)  # beta * s_in * 2^26 = 0.5 <= 1: TFLM's CHECK would abort


def test_q4_and_mean_params_by_hand() -> None:
    from edgekit.converters.c_codegen.ops.logistic import q4_input_params
    from edgekit.converters.c_codegen.ops.mean import mean_quant

    # s_in = 1/16: s_in * 2^27 = 2^23 = 0.5 * 2^24 -> M = 2^30, shift 24, radius floor(15 * 2^27 / 2^24) = 120.
    assert q4_input_params(1 / 16, 3) == {"input_zero_point": 3, "input_multiplier": 1 << 30,
                                          "input_left_shift": 24, "input_range_radius": 120}
    # s_in / s_out = 1: (2^30, 1); N = 4 -> k = 2, M' = 2^32 / 4 = 2^30, e' = -1.
    assert mean_quant(0.5, 0.5, 4) == (1 << 30, -1)
    # s_in / s_out = 2^-24 -> e = -23, k = min(12, 32, 8) = 8 for N = 4096 (the clamp), M' = (2^30 << 8) / 4096.
    assert mean_quant(2.0**-24, 1.0, 4096) == ((1 << 38) // 4096, -31)


def test_hard_swish_params_by_hand() -> None:
    from edgekit.converters.c_codegen.ops.hard_swish import downscale_to_int16, hard_swish_params

    assert downscale_to_int16(2**31 - 1) == 32767  # saturates
    assert downscale_to_int16(1 << 30) == 1 << 14
    p = hard_swish_params(1 / 16, 0, 1 / 16, 0)
    # hires = s/128; hires / s_out = 2^-7 -> (2^30, -6) -> int16 2^14; reluish = (s/128) / (3/32768).
    assert (p["output_multiplier_int16"], p["output_multiplier_exponent"]) == (1 << 14, -6)


@pytest.mark.parametrize("toolchain", ["host", "arm"])
def test_b_kernels_build_warning_free_and_never_allocate(toolchain: str, tmp_path: Path) -> None:
    # Only memcpy/memset (PAD, CONCATENATION) may come from the C library: no allocator, no libm.
    assert_builds_clean(toolchain, kernel_sources(B_KERNELS), tmp_path, allowed=frozenset({"memcpy", "memset"}))
