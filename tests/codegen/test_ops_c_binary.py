"""SUB, MAXIMUM, MINIMUM and SQUARED_DIFFERENCE against TFLite Micro, byte for byte, plus what is refused.

Single-op models come from the real TF converter (same shapes, broadcasts up to 6-D, constant operands on either
side, fused RELU / RELU6); a few have their scales or shapes edited in the flatbuffer so that the oracle runs the
same file under conditions the converter does not write (MAXIMUM with mixed scales, a SUB whose float32 multipliers
differ from double ones in an output code, a SQUARED_DIFFERENCE output multiplier above 1, 6-D broadcasts of
MAXIMUM and SQUARED_DIFFERENCE, which the converter lowers to other ops). Each model is converted once
per session, generated and compiled once, and run on 24 seeded random inputs, all -128, all 127, and, for the
"pairs" cases, one input holding every (q1, q2) pair of int8 codes (65,536 outputs).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from .kernel_checks import (
    OUTPUT_GUARD,
    assert_builds_clean,
    assert_refuses_without_writing,
    kernel_sources,
    status_lines,
)
from .op_models import assert_refused, bench_emulated, cached_models
from .test_ops_b_kernels import (
    Case,
    _convert,
    _samples,
    assert_c_matches_tflm,
)

HERE = Path(__file__).resolve().parent
SOURCES = [Path(__file__), HERE / "test_ops_b_kernels.py", HERE / "kernel_checks.py"]  # what the conversions read


def _set_quant(*params: tuple[float, int]) -> Callable[[Any, Any], None]:
    """(scale, zero point) for the subgraph's inputs, then its output, in that order."""

    def edit(s: Any, m: Any) -> None:
        sg = m.subgraphs[0]
        for t, (scale, zp) in zip([*sg.inputs, *sg.outputs], params, strict=True):
            sg.tensors[t].quantization.scale = [scale]
            sg.tensors[t].quantization.zeroPoint = [zp]

    return edit


def _set_output_scale(scale: float) -> Callable[[Any, Any], None]:
    def edit(s: Any, m: Any) -> None:
        sg = m.subgraphs[0]
        sg.tensors[sg.outputs[0]].quantization.scale = [scale]

    return edit


def _set_shapes(*shapes: tuple[int, ...]) -> Callable[[Any, Any], None]:
    """Shapes for the subgraph's inputs, then its output: broadcasts the converter does not write for an op (it
    lowers them to BROADCAST_TO or SUB + SQUARE), run by the oracle on the same file."""

    def edit(s: Any, m: Any) -> None:
        sg = m.subgraphs[0]
        for t, shape in zip([*sg.inputs, *sg.outputs], shapes, strict=True):
            sg.tensors[t].shape = list(shape)
            sg.tensors[t].shapeSignature = None

    return edit


BCAST_6D = ((2, 1, 3, 1, 2, 1), (1, 4, 1, 2, 1, 3), (2, 4, 3, 2, 2, 3))
BCAST_7D = ((2, 1, 3, 1, 2, 1, 2), (1, 4, 1, 2, 1, 3, 1), (2, 4, 3, 2, 2, 3, 2))


# Found by a search over random scales (every pair of codes, float32 vs double Prepare): with these, a Prepare
# dividing in float32 (as one tflite-micro snapshot's sub_common.cc reads) and one in double (ADD's, which the
# pinned wheel uses) give multipliers that change 2 of the 65,536 output codes.
SUB_F32_SENSITIVE = ((0.006150108762085438, -69), (0.04105063155293465, 114), (0.02065279148519039, -105))

PAIRS = (((256, 1), (1, 256)), ((256, 256), (256, 256)))  # shapes whose one sample can hold every pair of codes


def _cases() -> list[Case]:
    c: list[Case] = []
    # SUB: same shapes, broadcasts (rank 2 to 6), constants on either side, fused activations, every code pair.
    sub_shapes = (
        ("same", ((1, 4, 4, 3), (1, 4, 4, 3)), ((-3, 3), (-1, 2))),
        ("bcast_channel", ((1, 4, 4, 3), (1, 1, 1, 3)), ((-1, 5), (-0.3, 0.2))),
        ("bcast_both", ((1, 4, 1, 3), (1, 1, 5, 1)), ((-20, 20), (-2, 1))),
        ("rank2_vec", ((2, 3), (3,)), ((-8, 2), (-8, 2))),
        ("bcast_5d", ((2, 1, 3, 1, 2), (1, 4, 1, 2, 1)), ((-1, 1), (-4, 4))),
        ("bcast_6d", ((2, 1, 3, 1, 2, 2), (1, 4, 1, 2, 1, 2)), ((-2, 1), (-1, 3))),
        ("pairs_bcast", PAIRS[0], ((-3, 3), (-0.5, 1))),
        ("pairs_same", PAIRS[1], ((-1, 1), (-6, 2))),
    )
    for tag, shapes, calib in sub_shapes:
        c.append(Case(f"sub_{tag}", lambda tf, a, b: a - b, shapes, ops=("SUB",), per_calib=calib))
    c += [
        Case("sub_relu", lambda tf, a, b: tf.nn.relu(a - b), ((1, 4, 4, 3), (1, 4, 4, 3)), ops=("SUB",)),
        Case("sub_relu6", lambda tf, a, b: tf.nn.relu6(a - b), ((2, 5, 3), (2, 1, 3)), ops=("SUB",),
             per_calib=((-4, 8), (-3, 1))),
        Case("sub_const", lambda tf, a: a - tf.constant(np.linspace(-2, 3, 12).reshape(1, 1, 12).astype("float32")),
             ((1, 5, 12),), ops=("SUB",)),
        Case("sub_const_first", lambda tf, a: tf.constant(np.linspace(-1, 1, 7).astype("float32")) - a, ((3, 7),),
             ops=("SUB",)),
        Case("sub_f32_multipliers", lambda tf, a, b: a - b, PAIRS[1], ops=("SUB",), edit=_set_quant(*SUB_F32_SENSITIVE)),
    ]
    # MAXIMUM / MINIMUM: broadcasts, constants (a clip), every code pair, and mixed scales (TFLM compares raw codes).
    c += [
        Case("max_same", lambda tf, a, b: tf.maximum(a, b), ((1, 4, 4, 3), (1, 4, 4, 3)), ops=("MAXIMUM",)),
        Case("max_bcast_channel", lambda tf, a, b: tf.maximum(a, b), ((1, 4, 4, 3), (1, 1, 1, 3)), ops=("MAXIMUM",),
             per_calib=((-3, 3), (-1, 2))),
        Case("min_bcast_both", lambda tf, a, b: tf.minimum(a, b), ((1, 4, 1, 3), (1, 1, 5, 1)), ops=("MINIMUM",)),
        Case("min_bcast_5d", lambda tf, a, b: tf.minimum(a, b), ((2, 1, 3, 1, 2), (1, 4, 1, 2, 1)), ops=("MINIMUM",)),
        Case("min_scalar_const", lambda tf, a: tf.minimum(a, 0.5), ((1, 4, 4, 3),), ops=("MINIMUM",)),
        Case("max_const_first", lambda tf, a: tf.maximum(tf.constant(np.linspace(-2, 2, 6).astype("float32")), a),
             ((2, 3, 6),), ops=("MAXIMUM",)),
        Case("clip_min_max", lambda tf, a: tf.maximum(tf.minimum(a, 1.5), -0.25), ((2, 40),), ops=("MINIMUM", "MAXIMUM")),
        Case("max_pairs", lambda tf, a, b: tf.maximum(a, b), PAIRS[0], ops=("MAXIMUM",)),
        Case("min_pairs", lambda tf, a, b: tf.minimum(a, b), PAIRS[1], ops=("MINIMUM",)),
        Case("max_bcast_6d", lambda tf, a, b: tf.maximum(a, b), ((1, 4, 4, 3), (1, 1, 1, 3)), ops=("MAXIMUM",),
             edit=_set_shapes(*BCAST_6D)),
        Case("max_mixed_quant", lambda tf, a, b: tf.maximum(a, b), PAIRS[0], ops=("MAXIMUM",),
             edit=_set_quant((0.05, 10), (0.01, -20), (0.02, 3))),
    ]
    # SQUARED_DIFFERENCE: same shapes, broadcasts up to 4-D, a constant, every code pair, multiplier above 1.
    c += [
        Case("sqd_same", lambda tf, a, b: tf.math.squared_difference(a, b), ((1, 4, 4, 3), (1, 4, 4, 3)),
             ops=("SQUARED_DIFFERENCE",), per_calib=((-3, 3), (-1, 2))),
        Case("sqd_bcast_channel", lambda tf, a, b: tf.math.squared_difference(a, b), ((1, 4, 4, 3), (1, 1, 1, 3)),
             ops=("SQUARED_DIFFERENCE",)),
        Case("sqd_bcast_both", lambda tf, a, b: tf.math.squared_difference(a, b), ((2, 4, 1, 3), (1, 1, 5, 1)),
             ops=("SQUARED_DIFFERENCE",), per_calib=((-0.5, 0.5), (-4, 1))),
        Case("sqd_const", lambda tf, a: tf.math.squared_difference(
            a, tf.constant(np.linspace(-1, 2, 8).reshape(1, 8).astype("float32"))), ((3, 8),),
             ops=("SQUARED_DIFFERENCE",)),
        Case("sqd_pairs_bcast", lambda tf, a, b: tf.math.squared_difference(a, b), PAIRS[0],
             ops=("SQUARED_DIFFERENCE",), per_calib=((-2, 2), (-7, 1))),
        Case("sqd_pairs_same", lambda tf, a, b: tf.math.squared_difference(a, b), PAIRS[1],
             ops=("SQUARED_DIFFERENCE",), per_calib=((-0.1, 0.3), (-0.2, 0.2))),
        Case("sqd_bcast_6d", lambda tf, a, b: tf.math.squared_difference(a, b), ((1, 4, 4, 3), (1, 1, 1, 3)),
             ops=("SQUARED_DIFFERENCE",), edit=_set_shapes(*BCAST_6D)),
        # Output scale 1e-3: the output multiplier exceeds 1 (shift > 0) and most outputs saturate.
        Case("sqd_multiplier_gt1", lambda tf, a, b: tf.math.squared_difference(a, b), PAIRS[0],
             ops=("SQUARED_DIFFERENCE",), edit=_set_output_scale(1e-3)),
    ]
    return c


CASES = {c.name: c for c in _cases()}


@pytest.fixture(scope="session")
def binary_models() -> dict[str, Path]:
    """Every case converted once (and cached across sessions while these files and TensorFlow stay the same)."""
    tf = pytest.importorskip("tensorflow")
    return cached_models("binary-c", SOURCES, CASES, lambda name, k: _convert(tf, CASES[name]))


def _all_pairs(model: Any) -> list[np.ndarray]:
    """One sample holding every (q1, q2) pair of int8 codes, for (256, 1) x (1, 256) or two (256, 256) inputs."""
    codes = np.arange(-128, 128, dtype=np.int8)
    a, b = (model.tensor(t).shape for t in model.inputs)
    if a == (256, 1):
        return [codes.reshape(256, 1), codes.reshape(1, 256)]
    q1, q2 = np.meshgrid(codes, codes, indexing="ij")
    return [q1, q2]


def _inputs(model: Any, case: Case) -> list[list[np.ndarray]]:
    samples = _samples(model, case)
    if tuple(case.shapes) in PAIRS:
        samples.append(_all_pairs(model))
    return samples


@pytest.mark.parametrize("name", sorted(CASES))
def test_op_matches_tflm(name: str, binary_models: dict[str, Path], tmp_path: Path) -> None:
    from edgekit.converters.tflite_reader import read_model

    case = CASES[name]
    path = binary_models[name]
    model = read_model(path)
    assert tuple(op.op for op in model.operators) == case.ops, "the converter wrote a different graph"
    samples = _inputs(model, case)
    assert len(samples) >= 26
    assert_c_matches_tflm(name, path, model, samples, tmp_path)


# ------------------------------------------------------------------------------------------ a small model, end to end

def _chain(tf: Any, x: Any) -> Any:
    """All four ops in one single-input model: a normalisation-like difference, a clip, a squared error."""
    d = x - tf.constant(np.linspace(-1, 1, 6).astype("float32"))
    clipped = tf.minimum(tf.maximum(d, -0.5), 1.25)
    return tf.math.squared_difference(clipped, tf.constant(np.linspace(0.5, -0.5, 6).astype("float32")))


CHAIN = Case("chain", _chain, ((1, 5, 6),), ops=("SUB", "MAXIMUM", "MINIMUM", "SQUARED_DIFFERENCE"))


@pytest.fixture(scope="module")
def chain_model() -> Path:
    tf = pytest.importorskip("tensorflow")
    return cached_models("binary-c-chain", SOURCES, ["chain"], lambda name, k: _convert(tf, CHAIN))["chain"]


def test_chain_verifies_on_20_inputs(chain_model: Path, tmp_path: Path) -> None:
    """The public path (edgekit.verify.verify_model: generate, compile, run, compare with TFLM) on 20 inputs."""
    from edgekit.converters.tflite_reader import read_model

    from edgekit.verify import verify_model

    assert tuple(op.op for op in read_model(chain_model).operators) == CHAIN.ops
    report = verify_model(chain_model, 20, seed=3, work_dir=tmp_path / "verify")
    assert report.samples >= 20  # 20 seeded random inputs (verify adds all -128 / all 127)
    assert report.identical and report.differing_samples == 0 and report.max_abs_diff == 0


@pytest.mark.qemu
def test_chain_on_emulated_cortex_m4(chain_model: Path, tmp_path: Path) -> None:
    """The generated C cross-compiled with arm-none-eabi-gcc on QEMU mps2-an386 gives TFLM's bytes (as
    test_ops_b_qemu does): seeded random inputs plus all -128 and all 127."""
    from edgekit.converters.tflite_reader import read_model

    model = read_model(chain_model)
    samples = _samples(model, CHAIN)[-8:]  # 6 random, then all -128 and all 127
    bench_emulated(chain_model, np.stack([s[0] for s in samples]), tmp_path)


# ----------------------------------------------------------------------------------------------- what is refused

REFUSED = {
    "sub_output_multiplier_ge1": (
        Case("r0", lambda tf, a, b: a - b, ((1, 4, 3), (1, 4, 3)), edit=_set_output_scale(1e-8)),
        r"op 0 \(SUB\) has output scale 1e-08, below 2 max\(input scales\) / 2\^20; .* aborts on this model",
    ),
    "sqd_broadcast_7d": (
        Case("r1", lambda tf, a, b: tf.math.squared_difference(a, b), ((1, 4, 4, 3), (1, 1, 1, 3)),
             edit=_set_shapes(*BCAST_7D)),
        r"op 0 \(SQUARED_DIFFERENCE\) has a rank-7 tensor; at most rank 6 is supported",
    ),
    "min_broadcast_7d": (
        Case("r2", lambda tf, a, b: tf.minimum(a, b), ((1, 4, 4, 3), (1, 1, 1, 3)), edit=_set_shapes(*BCAST_7D)),
        r"op 0 \(MINIMUM\) has a rank-7 tensor; at most rank 6 is supported",
    ),
    "sub_broadcast_7d": (
        Case("r3", lambda tf, a, b: a - b, ((1, 4, 4, 3), (1, 1, 1, 3)), edit=_set_shapes(*BCAST_7D)),
        r"op 0 \(SUB\) has a rank-7 tensor; at most rank 6 is supported",
    ),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_unsupported_variants_are_refused_and_nothing_is_written(name: str, tmp_path: Path) -> None:
    tf = pytest.importorskip("tensorflow")
    case, pattern = REFUSED[name]
    assert_refused(_convert(tf, case), name, pattern, tmp_path)


@pytest.mark.parametrize("fn, op", [(lambda tf, a, b: a - b, "SUB"),
                                    (lambda tf, a, b: tf.math.squared_difference(a, b), "SQUARED_DIFFERENCE")])
def test_int16_models_are_refused(fn: Callable[..., Any], op: str, tmp_path: Path) -> None:
    """16x8 models: the int16 activations are named, with the op and its index."""
    tf = pytest.importorskip("tensorflow")
    from edgekit.converters.tflite_reader import parse_model

    specs = [tf.TensorSpec([1, 4, 3], tf.float32)] * 2
    f = tf.function(lambda a, b: fn(tf, a, b), input_signature=specs, autograph=False)
    conv = tf.lite.TFLiteConverter.from_concrete_functions([f.get_concrete_function()], f)
    conv.optimizations = [tf.lite.Optimize.DEFAULT]
    rng = np.random.default_rng(0)
    conv.representative_dataset = lambda: ([rng.uniform(-3, 3, (1, 4, 3)).astype(np.float32) for _ in range(2)]
                                           for _ in range(10))
    conv.target_spec.supported_ops = [tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
    conv.inference_input_type = tf.int16
    conv.inference_output_type = tf.int16
    model = parse_model(conv.convert(), f"{op.lower()}16")
    assert [o.op for o in model.operators] == [op]
    assert_refused(model, f"{op.lower()}16", rf"op 0 \({op}\) has int16 activations", tmp_path)


# --------------------------------------------------------------------------------- parameters and kernel hygiene

def test_params_by_hand() -> None:
    from edgekit.converters.c_codegen.ops.squared_difference import squared_difference_quant
    from edgekit.converters.c_codegen.ops.sub import sub_quant

    # s1 = s2 = 1/2, s_out = 1: twice_max = 1; inputs 0.5 -> (2^30, 0); output 2^-20 = 0.5 * 2^-19 -> (2^30, -19).
    assert sub_quant(0.5, 0.5, 1.0) == {"input1": {"multiplier": 1 << 30, "shift": 0},
                                        "input2": {"multiplier": 1 << 30, "shift": 0},
                                        "output": {"multiplier": 1 << 30, "shift": -19}}
    # s1 = 1/4, s2 = 1/8: input2 0.25 -> (2^30, -1).
    assert sub_quant(0.25, 0.125, 1.0)["input2"] == {"multiplier": 1 << 30, "shift": -1}
    with pytest.raises(ValueError):
        sub_quant(1.0, 1.0, 2.0**-21)  # output multiplier 2 / 2^20 / 2^-21 = 4: TFLM's CHECK would abort
    # twice_max = 1/8, output (1/64) / (2^14 * 2^-20) = 1 = 0.5 * 2^1 -> (2^30, 1): a left shift.
    assert squared_difference_quant(1 / 16, 1 / 16, 2.0**-20)["output"] == {"multiplier": 1 << 30, "shift": 1}


STATUS_PROGRAM = r"""
#include <stdio.h>
#include <string.h>
#include "ek_sub_s8.h"
#include "ek_maximum_minimum_s8.h"
#include "ek_squared_difference_s8.h"

static int8_t a[8], b[8], out[8];
""" + OUTPUT_GUARD + r"""
int main(void)
{
    ek_dims_t n8 = {1, 1, 1, 8}, n4 = {1, 1, 1, 4};
    ek_sub_params_t sp = {0, 0, 0, 20, {-128, 127}, 1, {8, 1, 1, 1, 1, 1}, {1, 0, 0, 0, 0, 0}, {1, 0, 0, 0, 0, 0}, 0};
    ek_sub_quant_t sq = {{1 << 30, 0}, {1 << 30, 0}, {1 << 30, -19}};
    ek_sub_quant_t sq_left = {{1 << 30, 0}, {1 << 30, 0}, {1 << 30, 1}};
    ek_maxmin_params_t mp = {1, {8, 1, 1, 1, 1, 1}, {1, 0, 0, 0, 0, 0}, {1, 0, 0, 0, 0, 0}, 0};
    ek_maxmin_params_t mp_rank = mp;
    ek_squared_difference_params_t dp = {0, 0, 0, 7, 1, {8, 1, 1, 1, 1, 1}, {1, 0, 0, 0, 0, 0}, {1, 0, 0, 0, 0, 0}, 0};
    ek_squared_difference_params_t dp_shift = dp;
    ek_squared_difference_quant_t dq = {{1 << 30, 0}, {1 << 30, 0}, {1 << 30, 3}};
    mp_rank.rank = 0;
    dp_shift.left_shift = 8;

    CHECK("sub_ok", ek_sub_s8(NULL, &sp, &sq, &n8, a, &n8, b, &n8, out));
    CHECK("sub_bad_input_count", ek_sub_s8(NULL, &sp, &sq, &n4, a, &n8, b, &n8, out));
    CHECK("sub_output_left_shift", ek_sub_s8(NULL, &sp, &sq_left, &n8, a, &n8, b, &n8, out));
    CHECK("max_ok", ek_maximum_s8(NULL, &mp, &n8, a, &n8, b, &n8, out));
    CHECK("min_ok", ek_minimum_s8(NULL, &mp, &n8, a, &n8, b, &n8, out));
    CHECK("max_bad_rank", ek_maximum_s8(NULL, &mp_rank, &n8, a, &n8, b, &n8, out));
    CHECK("min_bad_output_count", ek_minimum_s8(NULL, &mp, &n8, a, &n8, b, &n4, out));
    CHECK("sqd_ok", ek_squared_difference_s8(NULL, &dp, &dq, &n8, a, &n8, b, &n8, out));
    CHECK("sqd_left_shift_overflows", ek_squared_difference_s8(NULL, &dp_shift, &dq, &n8, a, &n8, b, &n8, out));
    return 0;
}
"""

KERNELS = ("sub", "maximum_minimum", "squared_difference")


def test_kernels_return_status_and_leave_output_alone(tmp_path: Path) -> None:
    assert_refuses_without_writing(status_lines(STATUS_PROGRAM, kernel_sources(KERNELS), tmp_path), 9)


@pytest.mark.parametrize("toolchain", ["host", "arm"])
def test_kernels_build_warning_free_and_never_allocate(toolchain: str, tmp_path: Path) -> None:
    assert_builds_clean(toolchain, kernel_sources(KERNELS), tmp_path)
