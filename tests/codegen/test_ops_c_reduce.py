"""ARG_MAX, ARG_MIN, SUM, REDUCE_MAX, REDUCE_MIN byte for byte; standalone RELU_N1_TO_1 / RELU_0_TO_1 refused.

Single-op Keras models (``tf.argmax`` / ``tf.reduce_*`` / ``tf.clip_by_value`` in a Lambda) go through the real TF
converter once per session (cached like the other single-op models). ``edgekit.verify.verify_model`` generates,
compiles and runs each reduction on 24 seeded inputs plus all -128 and all 127 and compares with TFLite Micro; tie-
heavy inputs (a few distinct codes) check that ties take the first index and that max/min start where TFLM's do.
Options the converter never writes (duplicate axes, an output scale below the input's for SUM, an int64 axis, a variable axes tensor, mismatched
quantization, RELU_0_TO_1) are set by editing the converted flatbuffer.

TFLite Micro has no RELU_N1_TO_1 / RELU_0_TO_1 kernel (such a model does not load there): with no reference to be
bit-exact with, edgekit refuses both, and the tests check the refusal and that TFLM indeed cannot run them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from edgekit.errors import UnsupportedError
from edgekit.ir import Model

from .kernel_checks import (
    assert_builds_clean,
    assert_refuses_without_writing,
    kernel_sources,
    status_lines,
    status_output,
)
from .op_models import KerasCase as Case
from .op_models import bench_emulated, cached_models, convert_case
from .op_models import quant as _quant
from .op_models import read as _read
from .test_ops_b_kernels import _generate_and_build
from .test_ops_b_kernels import _run_c as _run_exe
from .test_ops_b_kernels import _run_tflm as _tflm

HERE = Path(__file__).resolve().parent
N_RANDOM = 24


def _lambda(shape: tuple[int, ...], fn: Callable[[Any, Any], Any]) -> Callable[[], Any]:
    """A one-op model: ``fn(tf, x)`` on an input of ``shape`` (batch 1)."""

    def build() -> Any:
        import tensorflow as tf
        import tf_keras as keras

        x = keras.Input(shape, batch_size=1)
        return keras.Model(x, keras.layers.Lambda(lambda t: fn(tf, t))(x))

    return build


def _arg(kind: str, shape: tuple[int, ...], axis: int, int64: bool = False) -> Callable[[], Any]:
    return _lambda(shape, lambda tf, t: getattr(tf.math, kind)(t, axis=axis,
                                                                output_type=tf.int64 if int64 else tf.int32))


def _reduce(kind: str, shape: tuple[int, ...], axes: list[int] | int, keep: bool = False) -> Callable[[], Any]:
    return _lambda(shape, lambda tf, t: getattr(tf.math, kind)(t, axis=axes, keepdims=keep))


def _clip(lo: float, hi: float, shape: tuple[int, ...] = (4, 5, 6)) -> Callable[[], Any]:
    return _lambda(shape, lambda tf, t: tf.clip_by_value(t, lo, hi))


def _mixed() -> Any:
    """A small classifier: CONV -> REDUCE_MAX (global max pool) -> FC -> ARG_MAX (int32 class index)."""
    import tensorflow as tf
    import tf_keras as keras

    x = keras.Input((10, 10, 3), batch_size=1)
    y = keras.layers.Conv2D(8, 3, padding="same", activation="relu")(x)
    y = keras.layers.Lambda(lambda t: tf.reduce_max(t, axis=[1, 2]))(y)
    y = keras.layers.Dense(6)(y)
    y = keras.layers.Lambda(lambda t: tf.argmax(t, axis=-1, output_type=tf.int32))(y)
    return keras.Model(x, y)


# ---------------------------------------------------------------------------------------------- flatbuffer edits


def _io_quant(s_in: float, zp_in: int, s_out: float, zp_out: int) -> Callable[[Any, Any], None]:
    def edit(s: Any, m: Any) -> None:
        sg = m.subgraphs[0]
        _quant(s, sg.tensors[sg.inputs[0]], s_in, zp_in)
        _quant(s, sg.tensors[sg.outputs[0]], s_out, zp_out)

    return edit


def _output_quant(scale_factor: float = 1.0, zp_delta: int = 0) -> Callable[[Any, Any], None]:
    """Output scale = factor * input scale (as float32), output zero point moved by ``zp_delta``."""

    def edit(s: Any, m: Any) -> None:
        sg = m.subgraphs[0]
        qi = sg.tensors[sg.inputs[0]].quantization
        _quant(s, sg.tensors[sg.outputs[0]], float(np.float32(qi.scale[0] * scale_factor)),
               int(qi.zeroPoint[0]) + zp_delta)

    return edit


def _int64_axis(s: Any, m: Any) -> None:
    """The ARG_MAX axis tensor rewritten as int64 (TFLite allows it; TFLM's kernel does not)."""
    sg = m.subgraphs[0]
    t = sg.tensors[sg.operators[0].inputs[1]]
    buf = m.buffers[t.buffer]
    value = int(np.frombuffer(bytes(buf.data), np.int32)[0])
    buf.data = np.frombuffer(np.array([value], np.int64).tobytes(), np.uint8)
    t.type = s.TensorType.INT64


def _axes(values: list[int], out_shape: list[int]) -> Callable[[Any, Any], None]:
    """The constant axes rewritten with negative and duplicate entries (which TF refuses), and the output shape
    they give."""

    def edit(s: Any, m: Any) -> None:
        sg = m.subgraphs[0]
        t = sg.tensors[sg.operators[0].inputs[1]]
        m.buffers[t.buffer].data = np.frombuffer(np.array(values, np.int32).tobytes(), np.uint8)
        t.shape = [len(values)]
        out = sg.tensors[sg.outputs[0]]
        out.shape, out.shapeSignature = out_shape, None

    return edit


def _variable_axes(s: Any, m: Any) -> None:
    """The axes tensor loses its data and becomes a second graph input."""
    sg = m.subgraphs[0]
    axes = sg.operators[0].inputs[1]
    sg.tensors[axes].buffer = 0
    sg.inputs = [*sg.inputs, axes]


def _opcode(name: str) -> Callable[[Any, Any], None]:
    """The model's only op code replaced (RELU_N1_TO_1 -> RELU_0_TO_1, which the converter never writes)."""

    def edit(s: Any, m: Any) -> None:
        code = getattr(s.BuiltinOperator, name)
        m.operatorCodes[0].builtinCode = code
        m.operatorCodes[0].deprecatedBuiltinCode = min(code, s.BuiltinOperator.PLACEHOLDER_FOR_GREATER_OP_CODES)

    return edit


AM, AN, SUM, RMAX, RMIN = ("ARG_MAX",), ("ARG_MIN",), ("SUM",), ("REDUCE_MAX",), ("REDUCE_MIN",)
N1, Z1 = ("RELU_N1_TO_1",), ("RELU_0_TO_1",)

VERIFIED = [
    Case("argmax_head", _arg("argmax", (10,), -1), AM),
    Case("argmax_last_3d", _arg("argmax", (5, 7), -1), AM),
    Case("argmax_axis1_4d", _arg("argmax", (4, 5, 6), 1), AM),
    Case("argmax_axis2_4d", _arg("argmax", (4, 5, 6), 2), AM),
    Case("argmax_batch_axis", _arg("argmax", (3, 4), 0), AM),  # an axis of size 1: every index is 0
    Case("argmin_last", _arg("argmin", (12,), -1), AN),
    Case("argmin_axis1_4d", _arg("argmin", (4, 5, 6), 1), AN),
    Case("argmin_5d", _arg("argmin", (2, 3, 4, 5), -2), AN),
    Case("sum_hw", _reduce("reduce_sum", (4, 5, 6), [1, 2]), SUM),
    Case("sum_hw_keep", _reduce("reduce_sum", (4, 5, 6), [1, 2], keep=True), SUM),
    Case("sum_last", _reduce("reduce_sum", (4, 5, 6), -1), SUM),
    Case("sum_neg_axes_keep", _reduce("reduce_sum", (4, 5, 6), [-3, -1], keep=True), SUM),
    Case("sum_5d", _reduce("reduce_sum", (2, 3, 4, 5), [1, 3]), SUM),
    Case("sum_dup_axes", _reduce("reduce_sum", (4, 5, 6), [1, 2, 3]), SUM, edit=_axes([2, -2, 1], [1, 6])),
    Case("sum_all", _reduce("reduce_sum", (3, 4, 5), [0, 1, 2, 3], keep=True), SUM),
    # Output scale below the input's: the multiplier exceeds 1 (shift > 0) and the outputs saturate.
    Case("sum_ratio_gt1", _reduce("reduce_sum", (3, 4), -1), SUM, edit=_output_quant(0.4, 3)),
    Case("rmax_hw", _reduce("reduce_max", (6, 7, 5), [1, 2]), RMAX),
    Case("rmax_hw_keep", _reduce("reduce_max", (6, 7, 5), [1, 2], keep=True), RMAX),
    Case("rmax_last_keep", _reduce("reduce_max", (6, 7, 5), -1, keep=True), RMAX),
    Case("rmax_5d", _reduce("reduce_max", (2, 3, 4, 5), [0, 1, 3]), RMAX),
    Case("rmax_neg_axis", _reduce("reduce_max", (6, 7, 5), -2), RMAX),
    Case("rmax_dup_axes", _reduce("reduce_max", (6, 7, 5), [1, 2]), RMAX, edit=_axes([-2, 2, -2], [1, 6, 5])),
    Case("rmin_hw", _reduce("reduce_min", (6, 7, 5), [1, 2]), RMIN),
    Case("rmin_last_keep", _reduce("reduce_min", (6, 7, 5), -1, keep=True), RMIN),
    Case("rmin_5d", _reduce("reduce_min", (2, 3, 4, 5), [-1, 2]), RMIN),
    Case("mixed_conv_rmax_fc_argmax", _mixed, ("CONV_2D", "REDUCE_MAX", "FULLY_CONNECTED", "ARG_MAX")),
]
CLIPS = [Case("clip_n1_1", _clip(-1.0, 1.0), N1), Case("clip_0_1", _clip(-1.0, 1.0), Z1, edit=_opcode("RELU_0_TO_1"))]
REFUSED = [
    (Case("r_argmax_int64", _arg("argmax", (5, 7), -1, int64=True), AM),
     r"op 0 \(ARG_MAX\) has an int64 output; TFLite Micro's kernel produces int32 indices only .*output_type=tf\.int32"),
    (Case("r_argmin_int64", _arg("argmin", (5, 7), 0, int64=True), AN),
     r"op 0 \(ARG_MIN\) has an int64 output; .*tf\.math\.argmin\(\.\.\., output_type=tf\.int32\)"),
    (Case("r_argmax_int64_axis", _arg("argmax", (5, 7), -1), AM, edit=_int64_axis),
     r"op 0 \(ARG_MAX\) has an int64 axis tensor; TFLite Micro's kernel reads an int32 axis only"),
    (Case("r_rmax_scale", _reduce("reduce_max", (6, 7, 5), [1, 2]), RMAX, edit=_output_quant(2.0)),
     r"op 0 \(REDUCE_MAX\) has different input and output quantization; TFLite Micro's int8 kernel requires"),
    (Case("r_rmin_zero_point", _reduce("reduce_min", (6, 7, 5), -1), RMIN, edit=_output_quant(1.0, 1)),
     r"op 0 \(REDUCE_MIN\) has different input and output quantization"),
    (Case("r_sum_variable_axes", _reduce("reduce_sum", (4, 5, 6), -1), SUM, edit=_variable_axes),
     r"op 0 \(SUM\) has a non-constant axes; edgekit needs it constant"),
    (Case("r_rmax_int16", _reduce("reduce_max", (4, 5, 6), -1), RMAX, int16=True),
     r"op 0 \(REDUCE_MAX\) has int16 activations"),
]
CASES = {c.name: c for c in [*VERIFIED, *CLIPS, *(c for c, _ in REFUSED)]}


@pytest.fixture(scope="session")
def reduce_models() -> dict[str, Path]:
    """Every case converted once (real TF converter), cached across sessions by this file's hash."""
    return cached_models("reduce-c", [Path(__file__), HERE / "singleop_models.py", HERE / "op_models.py"], CASES,
                         lambda name, k: convert_case(CASES[name], 300 + k))


def _ops(path: Path) -> tuple[str, ...]:
    return tuple(op.op for op in _read(path).operators)


def _run_c(model: Model, samples: list[list[np.ndarray]], tmp_path: Path) -> list[bytes]:
    """The generated C compiled for the host, one output blob per sample."""
    return _run_exe(model, _generate_and_build(model, tmp_path), samples, tmp_path)


# ---------------------------------------------------------------------------------------------- TFLM ops


@pytest.mark.parametrize("name", [c.name for c in VERIFIED])
def test_verify_model_is_bit_exact(name: str, reduce_models: dict[str, Path], tmp_path: Path) -> None:
    from edgekit.verify import verify_model

    path = reduce_models[name]
    assert _ops(path) == CASES[name].ops, "the converter wrote a different graph"
    report = verify_model(path, n_inputs=N_RANDOM, seed=11, work_dir=tmp_path / "verify")
    assert report.samples == N_RANDOM + 2  # plus all -128 and all 127
    assert report.identical, f"{name}: {report.differing_elements} elements differ, first at {report.first_bad_op}"


TIE_CASES = [c.name for c in VERIFIED if c.ops in (AM, AN, RMAX, RMIN)]


@pytest.mark.parametrize("name", TIE_CASES)
def test_ties_and_extremes_match_tflm(name: str, reduce_models: dict[str, Path], tmp_path: Path) -> None:
    """Inputs made of two or three distinct codes (many equal maxima / minima, -128 and 127 among them): the first
    index wins in ARG_MAX / ARG_MIN, and REDUCE_MAX / REDUCE_MIN of all -128 (all 127) stay there."""
    path = reduce_models[name]
    model = _read(path)
    (t,) = model.inputs
    shape = model.tensor(t).shape
    rng = np.random.default_rng(5)
    palettes = ([-128, 127], [-128, -127], [126, 127], [0, 1, 2], [-5, -5, 9], [-128], [127], [3])
    samples = [[rng.choice(np.array(p, np.int8), size=shape)] for p in palettes for _ in range(3)]
    want = _tflm(path, model, samples)
    got = _run_c(model, samples, tmp_path)
    assert got == want
    if CASES[name].ops in (AM, AN):  # the all-equal samples: every index is the first, 0
        for k in range(15, 24):
            assert not np.frombuffer(got[k], np.int32).any()


def test_arg_max_indices_vary_and_have_the_output_shape(reduce_models: dict[str, Path], tmp_path: Path) -> None:
    """The classification-head case really picks different classes (the int32 output is not all zeros)."""
    from edgekit.verify.inputs import make_samples

    path = reduce_models["argmax_head"]
    model = _read(path)
    assert model.tensor(model.outputs[0]).dtype == "int32" and model.tensor(model.outputs[0]).shape == (1,)
    samples = make_samples(model, 12, seed=2)
    got = [int(np.frombuffer(b, np.int32)[0]) for b in _run_c(model, samples, tmp_path)]
    assert got == [int(np.argmax(s[0].reshape(-1))) for s in samples]
    assert len(set(got)) > 3


def test_sum_uses_the_unfolded_multiplier(reduce_models: dict[str, Path], tmp_path: Path) -> None:
    """SUM's parameters are QuantizeMultiplier(s_in / s_out) itself (no 1/N folded in as MEAN does)."""
    from edgekit.converters.c_codegen.generator import generate_c
    from edgekit.converters.c_codegen.ops.mean import mean_quant
    from edgekit.converters.c_codegen.quant import qparams, quantize_multiplier

    model = _read(reduce_models["sum_ratio_gt1"])
    op = model.operators[0]
    (s_in,), _ = qparams(model, op.inputs[0])
    (s_out,), _ = qparams(model, op.outputs[0])
    m, e = quantize_multiplier(float(s_in) / float(s_out))
    assert e > 0  # the edit made the ratio exceed 1
    assert (m, e) != mean_quant(s_in, s_out, 4)
    text = (generate_c(model, None, tmp_path / "gen", force=True).out_dir / "model.c").read_text()
    assert f"{{.multiplier = {m}, .shift = {e}}}" in text and "ek_mean_s8(" in text


def test_reduce_params_collapse_the_shape(reduce_models: dict[str, Path]) -> None:
    """REDUCE_MAX over H and W of [1, 6, 7, 5] is one reduced run of 42 then 5 kept channels."""
    from edgekit.converters.c_codegen.ops.arg_min_max import arg_params
    from edgekit.converters.c_codegen.ops.reduce import reduce_params

    model = _read(reduce_models["rmax_hw"])
    p = reduce_params(model, model.operators[0])
    assert (p["rank"], p["shape"][:2], p["reduced"][:2], p["is_max"]) == (2, [42, 5], [1, 0], 1)
    model = _read(reduce_models["argmin_5d"])
    assert arg_params(model, model.operators[0]) == {"outer": 6, "axis_size": 4, "inner": 5, "is_max": 0}


# ---------------------------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(("name", "message"), [(c.name, msg) for c, msg in REFUSED])
def test_unsupported_variants_are_refused(name: str, message: str, reduce_models: dict[str, Path]) -> None:
    from edgekit.converters.c_codegen.support import check_model

    path = reduce_models[name]
    assert _ops(path) == CASES[name].ops
    with pytest.raises(UnsupportedError, match=message):
        check_model(_read(path))


@pytest.mark.parametrize("name", ["r_argmax_int64", "r_argmax_int64_axis", "r_rmax_scale", "r_rmin_zero_point"])
def test_refused_variants_do_not_run_in_tflm_either(name: str, reduce_models: dict[str, Path]) -> None:
    """The refusals above mirror TFLite Micro: its invoke fails on each of these models."""
    from edgekit.verify.inputs import make_samples
    from edgekit.verify.reference import tflm_run

    path = reduce_models[name]
    model = _read(path)
    with pytest.raises(Exception):  # noqa: B017  (the tflite_micro wrapper raises a bare RuntimeError)
        tflm_run(path.read_bytes(), make_samples(model, 1, seed=0), len(model.outputs))


# ---------------------------------------------------------------------------------------------- RELU_N1_TO_1 / RELU_0_TO_1


@pytest.mark.parametrize("name", [c.name for c in CLIPS])
def test_standalone_relu_clip_is_refused_as_tflm_cannot_run_it(name: str, reduce_models: dict[str, Path]) -> None:
    """TFLite Micro has no kernel for either op (the model does not load there): no reference, so refused."""
    from edgekit.converters.c_codegen.support import check_model

    from edgekit.verify.inputs import make_samples
    from edgekit.verify.reference import tflm_run

    path = reduce_models[name]
    op = CASES[name].ops[0]
    assert _ops(path) == (op,)
    with pytest.raises(UnsupportedError, match=rf"op 0 \({op}\) is a standalone int8 {op}, which TFLite Micro itself "
                                               "does not run"):
        check_model(_read(path))
    model = _read(path)
    with pytest.raises(Exception):  # noqa: B017  (the tflite_micro wrapper raises a bare RuntimeError)
        tflm_run(path.read_bytes(), make_samples(model, 1, seed=0), len(model.outputs))


# ---------------------------------------------------------------------------------------------- kernels in C


KERNELS = ("arg_min_max", "reduce")


def test_kernels_compute_hand_checked_results(tmp_path: Path) -> None:
    """ARG_MAX over rows and ARG_MIN over columns of a [2, 3] input with ties, REDUCE_MAX / REDUCE_MIN likewise."""
    out = status_output(r"""
#include <stdio.h>
#include "ek_arg_min_max_s8.h"
#include "ek_reduce_s8.h"
int main(void) {
    const int8_t x[6] = {3, 7, 7, -2, -2, 5};             /* [2, 3] */
    const ek_dims_t d6 = {1, 1, 1, 6}, d2 = {1, 1, 1, 2}, d3 = {1, 1, 1, 3};
    const ek_arg_min_max_params_t rows_max = {2, 3, 1, 1}, cols_min = {1, 2, 3, 0};
    const ek_reduce_params_t rows = {2, {2, 3, 1, 1, 1, 1}, {0, 1, 0, 0, 0, 0}, 1};
    const ek_reduce_params_t cols = {2, {2, 3, 1, 1, 1, 1}, {1, 0, 0, 0, 0, 0}, 0};
    int32_t idx[3];
    int8_t r[3];
    int s = ek_arg_min_max_s8(NULL, &rows_max, &d6, x, &d2, idx);
    printf("%d %d %d\n", s, (int)idx[0], (int)idx[1]);
    s = ek_arg_min_max_s8(NULL, &cols_min, &d6, x, &d3, idx);
    printf("%d %d %d %d\n", s, (int)idx[0], (int)idx[1], (int)idx[2]);
    s = ek_reduce_s8(NULL, &rows, &d6, x, &d2, r);
    printf("%d %d %d\n", s, r[0], r[1]);
    s = ek_reduce_s8(NULL, &cols, &d6, x, &d3, r);
    printf("%d %d %d %d\n", s, r[0], r[1], r[2]);
    return 0;
}
""", kernel_sources(KERNELS), tmp_path).splitlines()
    # rows [3 7 7] -> 1 (the first of two 7s), [-2 -2 5] -> 2; columns (3,-2) (7,-2) (7,5): the minimum is row 1
    assert out == ["0 1 2", "0 1 1 1", "0 7 5", "0 -2 -2 5"]


STATUS_PROGRAM = r"""
#include <stdio.h>
#include <string.h>
#include "ek_arg_min_max_s8.h"
#include "ek_reduce_s8.h"

static int8_t in[24], out[24];
static int32_t idx[24];

static int untouched(void)
{
    int i;
    for (i = 0; i < 24; ++i) {
        if (out[i] != 0x55 || idx[i] != 0x55555555) return 0;
    }
    return 1;
}

#define CHECK(name, expr)                                                      \
    do {                                                                       \
        ek_status_t s_;                                                        \
        memset(out, 0x55, sizeof out);                                         \
        memset(idx, 0x55, sizeof idx);                                         \
        s_ = (expr);                                                           \
        printf("%s %d %d\n", name, (int)s_, s_ == EK_OK ? 1 : untouched());    \
    } while (0)

int main(void)
{
    ek_dims_t n24 = {1, 2, 3, 4}, n8 = {1, 1, 2, 4}, n6 = {1, 1, 2, 3}, n4 = {1, 1, 1, 4};
    ek_arg_min_max_params_t ap = {2, 3, 4, 1}, ap_zero = {2, 0, 4, 1};
    ek_reduce_params_t rp = {3, {2, 3, 4, 1, 1, 1}, {0, 1, 0, 0, 0, 0}, 0};
    ek_reduce_params_t rp_rank = rp, rp_dim = rp;
    rp_rank.rank = 7;
    rp_dim.shape[1] = 0;

    CHECK("arg_ok", ek_arg_min_max_s8(NULL, &ap, &n24, in, &n8, idx));
    CHECK("arg_bad_input_count", ek_arg_min_max_s8(NULL, &ap, &n8, in, &n8, idx));
    CHECK("arg_bad_output_count", ek_arg_min_max_s8(NULL, &ap, &n24, in, &n6, idx));
    CHECK("arg_empty_axis", ek_arg_min_max_s8(NULL, &ap_zero, &n24, in, &n8, idx));
    CHECK("reduce_ok", ek_reduce_s8(NULL, &rp, &n24, in, &n8, out));
    CHECK("reduce_bad_rank", ek_reduce_s8(NULL, &rp_rank, &n24, in, &n8, out));
    CHECK("reduce_zero_dim", ek_reduce_s8(NULL, &rp_dim, &n24, in, &n8, out));
    CHECK("reduce_bad_output_count", ek_reduce_s8(NULL, &rp, &n24, in, &n4, out));
    return 0;
}
"""


def test_kernels_return_status_and_leave_output_alone(tmp_path: Path) -> None:
    assert_refuses_without_writing(status_lines(STATUS_PROGRAM, kernel_sources(KERNELS), tmp_path), 8)


@pytest.mark.parametrize("toolchain", ["host", "arm"])
def test_kernels_build_warning_free_and_never_allocate(toolchain: str, tmp_path: Path) -> None:
    # gcc turns REDUCE's fill of the output with its start value into a memset call.
    assert_builds_clean(toolchain, kernel_sources(KERNELS), tmp_path, allowed=frozenset({"memset"}))


# ---------------------------------------------------------------------------------------------- QEMU


@pytest.mark.qemu
def test_classifier_on_emulated_cortex_m4(reduce_models: dict[str, Path], tmp_path: Path) -> None:
    """CONV -> REDUCE_MAX -> FC -> ARG_MAX cross-compiled for mps2-an386 under QEMU: the int32 class index
    comes back over the serial protocol equal to TFLite Micro's."""
    from edgekit.verify.inputs import make_samples

    path = reduce_models["mixed_conv_rmax_fc_argmax"]
    model = _read(path)
    # Near-uniform "colours" (one code per channel plus noise) make the untrained head pick several classes;
    # uniform noise always picks the same one. Then all -128 and all 127.
    rng = np.random.default_rng(0)
    colours = [[np.clip(rng.integers(-128, 128, size=3) + rng.integers(-4, 5, size=(1, 10, 10, 3)), -128, 127)
                .astype(np.int8)] for _ in range(8)]
    samples = colours + make_samples(model, 0, seed=0)
    data = bench_emulated(path, np.stack([s[0] for s in samples]), tmp_path)
    want = [b.hex() for b in _tflm(path, model, samples)]
    assert [o[0] for o in data["outputs"]] == want
    assert len(set(want)) > 1, "the samples should pick more than one class"


def test_bench_on_a_model_tflm_cannot_run_is_refused_before_building(reduce_models: dict[str, Path],
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """bench refuses a standalone RELU_N1_TO_1 in one sentence before it builds or starts the emulator."""
    from edgekit.cli import main

    with pytest.raises(SystemExit) as e:
        main(["bench", "--emulate", "-t", "mps2-an386", str(reduce_models["clip_n1_1"]), "--samples", "1", "--runs",
              "1", "--warmup", "0"])
    err = capsys.readouterr().err
    assert e.value.code == 2, err
    assert "op 0 (RELU_N1_TO_1) is a standalone int8 RELU_N1_TO_1, which TFLite Micro itself does not run" in err
    assert "Traceback" not in err
