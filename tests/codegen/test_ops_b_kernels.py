"""Kernels B against TFLite Micro, byte for byte: single-op models built with the TF converter.

Each case is converted once per session (cached in a tmp dir), generated with ``generate_c``, compiled once with
``gcc -std=c99 -O2 -Wall -Wextra -Werror`` (edgekit.verify's host harness) and run on all its inputs in one
process: 24 seeded random inputs, all -128, all 127, plus the case's own edge inputs (every int8 code for
LOGISTIC/TANH/HARD_SWISH/RELU, half-way points and NaN/inf for QUANTIZE). Some options the converter never
writes (softmax beta, an int8 -> int8 QUANTIZE, a TANH output zero point) are set by editing the converted
flatbuffer, so the oracle still loads and runs the same file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from edgekit.errors import EnvironmentError_
from edgekit.ir import DTYPES, Model

from .kernel_checks import edit_flatbuffer

N_RANDOM = 24


@dataclass(frozen=True)
class Case:
    name: str
    fn: Callable[..., Any]  # the TF function (tf is passed as the first argument)
    shapes: tuple[tuple[int, ...], ...]
    calib: tuple[float, float] = (-3.0, 3.0)  # representative data range (sets the input scale / zero point)
    float_io: bool = False
    edit: Callable[[Any, Any], None] | None = None  # (schema module, ModelT) -> None
    ops: tuple[str, ...] = ()  # the op names the converted (and edited) model must contain
    all_codes: bool = False  # add samples that together hold every int8 code
    float_edges: bool = False  # add half-way points and NaN / inf to float inputs
    extremes: bool = True  # all -128 / all 127 samples (False where TFLM itself would abort)
    per_calib: tuple[tuple[float, float], ...] = field(default=())  # per-input calibration ranges
    uint8_io: bool = False  # convert with uint8 inputs/outputs (QUANTIZE uint8 <-> int8 at the edges)


def _set_softmax_beta(beta: float) -> Callable[[Any, Any], None]:
    def edit(s: Any, m: Any) -> None:
        for op in m.subgraphs[0].operators:
            if isinstance(op.builtinOptions, s.SoftmaxOptionsT):
                op.builtinOptions.beta = beta

    return edit


def _set_output_zero_point(zp: int) -> Callable[[Any, Any], None]:
    def edit(s: Any, m: Any) -> None:
        sg = m.subgraphs[0]
        sg.tensors[sg.outputs[0]].quantization.zeroPoint = [zp]

    return edit


def _int8_input(scale: float, zp: int, dtype: str = "INT8") -> Callable[[Any, Any], None]:
    """Make the input of a QUANTIZE-first model an int8 (or uint8) tensor with this scale and zero point: the
    QUANTIZE becomes a requantization."""

    def edit(s: Any, m: Any) -> None:
        sg = m.subgraphs[0]
        t = sg.tensors[sg.inputs[0]]
        t.type = getattr(s.TensorType, dtype)
        q = s.QuantizationParametersT()
        q.scale, q.zeroPoint = [scale], [zp]
        t.quantization = q

    return edit


def _scale_output(factor: float) -> Callable[[Any, Any], None]:
    """Output scale = factor * input scale (e.g. MEAN's k clamp at s_in / s_out = 1e-7)."""

    def edit(s: Any, m: Any) -> None:
        sg = m.subgraphs[0]
        s_in = sg.tensors[sg.inputs[0]].quantization.scale[0]
        sg.tensors[sg.outputs[0]].quantization.scale = [float(np.float32(s_in * factor))]

    return edit


def _same_quant_io(s: Any, m: Any) -> None:
    """Output quantization = input quantization (a MEAN that only averages, no rescale)."""
    sg = m.subgraphs[0]
    src = sg.tensors[sg.inputs[0]].quantization
    dst = sg.tensors[sg.outputs[0]].quantization
    dst.scale, dst.zeroPoint = list(src.scale), list(src.zeroPoint)


def _cases() -> list[Case]:
    c: list[Case] = []
    # SOFTMAX: input scales through the calibration range, rows of 1..600, beta edited.
    c += [
        Case("softmax_10", lambda tf, x: tf.nn.softmax(x), ((1, 10),), (-5, 5), ops=("SOFTMAX",)),
        Case("softmax_3d", lambda tf, x: tf.nn.softmax(x), ((2, 3, 16),), (-20, 3), ops=("SOFTMAX",)),
        Case("softmax_4d_wide", lambda tf, x: tf.nn.softmax(x), ((1, 2, 2, 40),), (-0.5, 0.5), ops=("SOFTMAX",)),
        Case("softmax_beta_half", lambda tf, x: tf.nn.softmax(x), ((3, 12),), (-6, 6), edit=_set_softmax_beta(0.5),
             ops=("SOFTMAX",)),
        Case("softmax_beta_3", lambda tf, x: tf.nn.softmax(x), ((3, 12),), (-2, 9), edit=_set_softmax_beta(3.0),
             ops=("SOFTMAX",)),
        # Large input scale: diff_min is only -31, most of each row is skipped (output -128, no sum term).
        Case("softmax_wide_scale", lambda tf, x: tf.nn.softmax(x), ((4, 32),), (-100, 100), ops=("SOFTMAX",)),
        # beta * s_in * 2^26 above 2^31 - 1: TFLM clamps the real multiplier.
        Case("softmax_beta_clamped", lambda tf, x: tf.nn.softmax(x), ((2, 20),), (-5, 5),
             edit=_set_softmax_beta(5000.0), ops=("SOFTMAX",)),
        Case("softmax_600", lambda tf, x: tf.nn.softmax(x), ((1, 600),), (-10, 10), ops=("SOFTMAX",),
             extremes=False),
    ]
    # LOGISTIC / TANH: every int8 code under several input scales and zero points.
    for lo, hi in ((-8, 8), (-1, 3), (-30, 30), (-0.2, 0.1), (-300, 280)):
        tag = f"{lo}_{hi}".replace("-", "m").replace(".", "p")
        c.append(Case(f"logistic_{tag}", lambda tf, x: tf.math.sigmoid(x), ((2, 128),), (lo, hi), ops=("LOGISTIC",),
                      all_codes=True))
        c.append(Case(f"tanh_{tag}", lambda tf, x: tf.math.tanh(x), ((2, 128),), (lo, hi), ops=("TANH",),
                      all_codes=True))
    c.append(Case("tanh_outzp10", lambda tf, x: tf.math.tanh(x), ((2, 128),), (-4, 4), ops=("TANH",), all_codes=True,
                  edit=_set_output_zero_point(10)))
    # HARD_SWISH, RELU, RELU6: every code, several scales.
    for lo, hi in ((-6, 6), (-1, 10), (-40, 25), (-0.5, 0.5), (-0.05, 0.03)):
        tag = f"{lo}_{hi}".replace("-", "m").replace(".", "p")
        c.append(Case(f"hard_swish_{tag}", lambda tf, x: x * tf.nn.relu6(x + 3.0) / 6.0, ((1, 4, 8, 8),), (lo, hi),
                      ops=("HARD_SWISH",), all_codes=True))
    for lo, hi in ((-3, 3), (-1, 9)):
        tag = f"{lo}_{hi}".replace("-", "m")
        c.append(Case(f"relu_{tag}", lambda tf, x: tf.nn.relu(x), ((2, 128),), (lo, hi), ops=("RELU",), all_codes=True))
        c.append(Case(f"relu6_{tag}", lambda tf, x: tf.nn.relu6(x), ((2, 128),), (lo, hi), ops=("RELU6",),
                      all_codes=True))
    # QUANTIZE float -> int8 and DEQUANTIZE int8 -> float: float I/O models around MEAN.
    c += [
        Case("quant_mean_dequant", lambda tf, x: tf.reduce_mean(x, axis=[1, 2], keepdims=True), ((1, 5, 4, 3),),
             (-3, 2), float_io=True, ops=("QUANTIZE", "MEAN", "DEQUANTIZE"), float_edges=True),
        Case("quant_pad_dequant", lambda tf, x: tf.pad(x, [[0, 0], [1, 1]]), ((3, 40),), (-1, 4), float_io=True,
             ops=("QUANTIZE", "PAD", "DEQUANTIZE"), float_edges=True),
        Case("quant_softmax_dequant", lambda tf, x: tf.nn.softmax(x), ((4, 10),), (-7, 7), float_io=True,
             ops=("QUANTIZE", "SOFTMAX", "DEQUANTIZE"), float_edges=True),
    ]
    # uint8 I/O (QUANTIZE uint8 -> int8 in, int8 -> uint8 out); the second with a rescaling uint8 input.
    c.append(Case("u8_softmax", lambda tf, x: tf.nn.softmax(x), ((2, 128),), (-4, 3), uint8_io=True,
                  ops=("QUANTIZE", "SOFTMAX", "QUANTIZE"), all_codes=True))
    c.append(Case("u8_pad_rescaled", lambda tf, x: tf.pad(x, [[0, 0], [1, 0]]), ((2, 128),), (-2, 2), uint8_io=True,
                  ops=("QUANTIZE", "PAD", "QUANTIZE"), all_codes=True, edit=_int8_input(0.0123, 200, "UINT8")))
    # QUANTIZE int8 -> int8 (Requantize): ratios < 0.5, with ties, and > 2.
    for i, (scale, zp) in enumerate(((0.004, -3), (0.0625, 5), (0.5, 0), (0.0117647, -128))):
        # PAD copies bytes, so every requantized value reaches the output unchanged.
        c.append(Case(f"requantize_{i}", lambda tf, x: tf.pad(x, [[0, 0], [0, 1], [0, 0]]), ((1, 6, 40),),
                      (-3, 3), float_io=True, edit=_int8_input(scale, zp), ops=("QUANTIZE", "PAD", "DEQUANTIZE")))
    # MEAN: axes sets, keep_dims, ranks.
    for i, (shape, axes, keep) in enumerate((
        ((1, 4, 4, 3), [1, 2], True),
        ((1, 4, 4, 3), [1, 2], False),
        ((1, 4, 5, 3), [-1], True),
        ((2, 3, 4, 5), [1, 3], False),
        ((1, 64, 64, 1), [1, 2], True),  # N = 4096
        ((3, 7), [1], False),
        ((2, 3, 4), [0, 2], True),
        ((1, 4, 1, 3), [2], False),  # only a size-1 axis: N = 1
        ((2, 3, 4), [0, 1, 2], False),  # every axis: a rank-0 output
        ((1, 7, 7, 16), [-2, -3], True),  # global average pool, negative axes
    )):
        c.append(Case(f"mean_{i}", lambda tf, x, a=axes, k=keep: tf.reduce_mean(x, axis=a, keepdims=k), (shape,),
                      (-3 + i, 2 + i), ops=("MEAN",)))
    c.append(Case("mean_k_clamp", lambda tf, x: tf.reduce_mean(x, axis=[1, 2], keepdims=True), ((1, 64, 64, 1),),
                  ops=("MEAN",), edit=_scale_output(1e7)))
    c.append(Case("mean_ratio_gt1", lambda tf, x: tf.reduce_mean(x, axis=[1], keepdims=False), ((2, 9, 3),),
                  ops=("MEAN",), edit=_scale_output(0.37)))
    c.append(Case("mean_same_quant", lambda tf, x: tf.reduce_mean(x, axis=[1, 2], keepdims=True), ((1, 6, 5, 4),),
                  ops=("MEAN",), edit=_same_quant_io))
    # PAD / PADV2: amounts on every axis, 2-D to 4-D.
    for i, (shape, pads, value) in enumerate((
        ((1, 4, 4, 3), [[0, 0], [1, 2], [0, 1], [0, 0]], 0.0),
        ((1, 3, 5, 2), [[0, 0], [2, 2], [3, 1], [1, 2]], 0.0),
        ((3, 5), [[1, 0], [0, 3]], 0.0),
        ((2, 3, 4), [[1, 1], [0, 2], [2, 0]], 0.0),
        ((1, 4, 4, 3), [[0, 0], [1, 1], [1, 1], [0, 0]], 0.5),  # PADV2
        ((2, 6), [[0, 1], [2, 0]], -1.25),  # PADV2
    )):
        c.append(Case(f"pad_{i}", lambda tf, x, p=pads, v=value: tf.pad(x, p, constant_values=v), (shape,),
                      (-2 - i, 3), ops=("PADV2",) if value else ("PAD",)))
    c.append(Case("pad_5d", lambda tf, x: tf.pad(x, [[0, 1], [1, 0], [0, 2], [1, 1], [2, 1]]), ((2, 2, 3, 2, 3),),
                  ops=("PAD",)))
    # CONCATENATION: any axis, 2 and 3 inputs.
    for i, (shapes, axis) in enumerate((
        (((1, 4, 3), (1, 2, 3)), 1),
        (((1, 4, 4, 3), (1, 4, 4, 5)), -1),
        (((1, 2, 4, 3), (1, 2, 1, 3), (1, 2, 2, 3)), 2),
        (((2, 3), (5, 3)), 0),
    )):
        c.append(Case(f"concat_{i}", lambda tf, *xs, a=axis: tf.concat(list(xs), axis=a), shapes, ops=("CONCATENATION",)))
    c.append(Case("concat_const", lambda tf, x: tf.concat([x, tf.constant(np.linspace(-3, 3, 8).reshape(1, 2, 4)
                                                                           .astype("float32"))], axis=1),
                  ((1, 3, 4),), ops=("CONCATENATION",)))
    # MUL: broadcast shapes, scales, fused RELU, a constant operand.
    for i, (shapes, calib) in enumerate((
        (((1, 4, 4, 3), (1, 4, 4, 3)), ((-3, 3), (-3, 3))),
        (((1, 4, 4, 3), (1, 1, 1, 3)), ((-1, 5), (-0.3, 0.2))),
        (((1, 4, 1, 3), (1, 1, 5, 1)), ((-20, 20), (-2, 1))),
        (((2, 3), (3,)), ((-8, 2), (-8, 2))),
        (((2, 1, 3, 1, 2), (1, 4, 1, 2, 1)), ((-1, 1), (-4, 4))),
    )):
        c.append(Case(f"mul_{i}", lambda tf, a, b: a * b, shapes, ops=("MUL",), per_calib=calib))
    c.append(Case("mul_relu6", lambda tf, a, b: tf.nn.relu6(a * b), ((2, 5, 3), (2, 5, 3)), ops=("MUL",),
                  per_calib=((-4, 4), (-3, 1))))
    # Output scale = 0.01 * s1: the real multiplier s1 * s2 / s_out exceeds 1 (e > 0), saturating outputs.
    c.append(Case("mul_multiplier_gt1", lambda tf, a, b: a * b, ((1, 4, 6), (1, 4, 6)), ops=("MUL",),
                  edit=_scale_output(0.01)))
    c.append(Case("mul_scalar", lambda tf, a: a * tf.constant(-2.5), ((1, 3, 7),), ops=("MUL",)))
    c.append(Case("mul_relu", lambda tf, a, b: tf.nn.relu(a * b), ((1, 4, 4, 3), (1, 4, 4, 3)), ops=("MUL",)))
    c.append(Case("mul_const", lambda tf, a: a * tf.constant(np.linspace(-2, 3, 12).reshape(1, 1, 12).astype("float32")),
                  ((1, 5, 12),), ops=("MUL",)))
    return c


CASES = {c.name: c for c in _cases()}


def _convert(tf: Any, case: Case) -> bytes:
    specs = [tf.TensorSpec(list(s), tf.float32) for s in case.shapes]
    # no autograph: the case functions have no Python control flow, and autograph's cache once handed one case's
    # lambda to another case in a long session
    fn = tf.function(lambda *xs: case.fn(tf, *xs), input_signature=specs, autograph=False)
    conv = tf.lite.TFLiteConverter.from_concrete_functions([fn.get_concrete_function()], fn)
    conv.optimizations = [tf.lite.Optimize.DEFAULT]
    rng = np.random.default_rng(1)
    ranges = case.per_calib or (case.calib,) * len(case.shapes)

    def representative():
        for _ in range(40):
            yield [rng.uniform(lo, hi, size=s).astype(np.float32) for s, (lo, hi) in zip(case.shapes, ranges, strict=True)]

    conv.representative_dataset = representative
    conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    if not case.float_io:
        conv.inference_input_type = tf.uint8 if case.uint8_io else tf.int8
        conv.inference_output_type = tf.uint8 if case.uint8_io else tf.int8
    data = conv.convert()
    if case.edit is not None:
        data = edit_flatbuffer(data, case.edit)
    return data


@pytest.fixture(scope="session")
def ops_b_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every case converted once per session."""
    tf = pytest.importorskip("tensorflow")
    out = tmp_path_factory.mktemp("ops_b_models")
    paths = {}
    for name, case in CASES.items():
        p = out / f"{name}.tflite"
        p.write_bytes(_convert(tf, case))
        paths[name] = p
    return paths


def _samples(model: Model, case: Case) -> list[list[np.ndarray]]:
    rng = np.random.default_rng(abs(hash(case.name)) % (2**32))
    n_extra = 2 if case.extremes else 0
    samples: list[list[np.ndarray]] = [[] for _ in range(N_RANDOM + n_extra)]
    extra: list[list[np.ndarray]] = []
    for t in model.inputs:
        tensor = model.tensor(t)
        dtype = np.dtype(DTYPES[tensor.dtype][0])
        shape = tensor.shape
        if dtype in (np.int8, np.uint8):
            lo, hi = (-128, 127) if dtype == np.int8 else (0, 255)
            for k in range(N_RANDOM):
                samples[k].append(rng.integers(lo, hi, size=shape, endpoint=True).astype(dtype))
            if case.extremes:
                samples[N_RANDOM].append(np.full(shape, lo, dtype))
                samples[N_RANDOM + 1].append(np.full(shape, hi, dtype))
        else:
            lo, hi = case.calib
            for k in range(N_RANDOM):
                samples[k].append(rng.uniform(1.5 * lo, 1.5 * hi, size=shape).astype(np.float32))
            if case.extremes:
                samples[N_RANDOM].append(np.full(shape, 2 * lo, np.float32))
                samples[N_RANDOM + 1].append(np.full(shape, 2 * hi, np.float32))
    if case.all_codes:
        (t,) = model.inputs
        n = model.tensor(t).num_elements
        codes = np.arange(256, dtype=np.uint8).view(np.dtype(DTYPES[model.tensor(t).dtype][0]))
        for start in range(0, 256, n):
            chunk = np.resize(np.roll(codes, -start), n)
            extra.append([chunk.reshape(model.tensor(t).shape)])
    if case.float_edges:
        (t,) = model.inputs
        tensor = model.tensor(t)
        q = next(model.tensor(op.outputs[0]).quant for op in model.operators if op.op == "QUANTIZE")
        s, n = np.float32(q.scale[0]), tensor.num_elements
        k = rng.integers(-140, 140, size=n).astype(np.float32)
        # Half-way points in float32 (where float vs double division and the rounding rule show), then specials.
        extra.append([((k + np.float32(0.5)) * s).astype(np.float32).reshape(tensor.shape)])
        extra.append([((k - np.float32(0.5)) * s).astype(np.float32).reshape(tensor.shape)])
        special = np.resize(np.array([np.nan, np.inf, -np.inf, 3e9, -3e9, 0.0, -0.0, 1e-30], np.float32), n)
        extra.append([special.reshape(tensor.shape)])
    return samples + extra


def _generate_and_build(model: Model, work: Path) -> Path:
    from edgekit.converters.c_codegen.generator import generate_c

    from edgekit.verify.harness import build_host

    gen = generate_c(model, None, work / "gen", force=True)
    return build_host(gen.out_dir, work / "build")


def _run_c(model: Model, exe: Path, samples: list[list[np.ndarray]], work: Path) -> list[bytes]:
    from edgekit.verify.harness import run_host

    blob = run_host(exe, [b"".join(x.tobytes() for x in s) for s in samples], work)
    per = sum(model.tensor(t).nbytes for t in model.outputs)
    assert len(blob) == per * len(samples)
    return [blob[k * per : (k + 1) * per] for k in range(len(samples))]


def _run_tflm(path: Path, model: Model, samples: list[list[np.ndarray]]) -> list[bytes]:
    from edgekit.verify.reference import tflm_run

    ref = tflm_run(path.read_bytes(), samples, len(model.outputs))
    return [b"".join(np.ascontiguousarray(o).tobytes() for o in outs) for outs in ref]


def assert_c_matches_tflm(name: str, path: Path, model: Model, samples: list[list[np.ndarray]],
                          tmp_path: Path) -> None:
    """The generated C, built once and run on every sample, gives TFLite Micro's bytes; else the first difference."""
    exe = _generate_and_build(model, tmp_path)
    got = _run_c(model, exe, samples, tmp_path)
    want = _run_tflm(path, model, samples)
    bad = [k for k, (g, w) in enumerate(zip(got, want, strict=True)) if g != w]
    if bad:
        k = bad[0]
        dt = np.dtype(DTYPES[model.tensor(model.outputs[0]).dtype][0])
        g, w = np.frombuffer(got[k], dt), np.frombuffer(want[k], dt)
        idx = np.flatnonzero(g.view(np.uint8 if dt.itemsize == 1 else np.uint32) !=
                             w.view(np.uint8 if dt.itemsize == 1 else np.uint32))
        pytest.fail(
            f"{name}: {len(bad)} of {len(samples)} samples differ; sample {k}: {idx.size} elements, first at {idx[0]}: "
            f"C {g[idx[0]]} vs TFLM {w[idx[0]]}"
        )


@pytest.mark.parametrize("name", sorted(CASES))
def test_op_matches_tflm(name: str, ops_b_models: dict[str, Path], tmp_path: Path) -> None:
    from edgekit.converters.tflite_reader import read_model

    case = CASES[name]
    path = ops_b_models[name]
    model = read_model(path)
    assert tuple(op.op for op in model.operators) == case.ops, "the converter wrote a different graph"
    samples = _samples(model, case)
    assert len(samples) >= 20
    assert_c_matches_tflm(name, path, model, samples, tmp_path)


Q4_CASES = sorted(n for n in CASES if n.startswith(("logistic_", "tanh_")))
TABLE_CASES = sorted(n for n in CASES if n.startswith(("logistic_", "tanh_", "hard_swish_", "relu_", "requantize_")))


@pytest.mark.parametrize("name", TABLE_CASES)
def test_fixed_point_reference_kernels_match_tflm(name: str, ops_b_models: dict[str, Path], tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """LOGISTIC/TANH/HARD_SWISH/RELU/int8 QUANTIZE are emitted as tables by default; the arithmetic kernels must
    agree as well."""
    from edgekit.converters.c_codegen.ops import hard_swish, logistic, quantize, relu
    from edgekit.converters.tflite_reader import read_model

    for module in (logistic, hard_swish, relu, quantize):
        monkeypatch.setattr(module, "USE_TABLE", False)
    path = ops_b_models[name]
    model = read_model(path)
    samples = _samples(model, CASES[name])
    exe = _generate_and_build(model, tmp_path)
    assert "_table_s8(" not in (tmp_path / "gen" / "model.c").read_text()
    assert _run_c(model, exe, samples, tmp_path) == _run_tflm(path, model, samples)
    monkeypatch.undo()  # the default (tables) is what test_op_matches_tflm runs; check it is a table there
    from edgekit.converters.c_codegen.generator import generate_c

    generate_c(model, None, tmp_path / "table", force=True)
    assert "_table_s8(" in (tmp_path / "table" / "model.c").read_text()


SOFTMAX_CASES = sorted(n for n in CASES if "softmax" in n)


@pytest.mark.parametrize("name", SOFTMAX_CASES)
def test_softmax_other_kernel_matches_tflm(name: str, ops_b_models: dict[str, Path], tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Each softmax case through the kernel the default does not pick (test_op_matches_tflm runs the default):
    the exp table for small tensors (threshold 0), the fixed point for large ones (threshold huge)."""
    from edgekit.converters.c_codegen.ops import softmax
    from edgekit.converters.tflite_reader import read_model

    path = ops_b_models[name]
    model = read_model(path)
    default_is_table = model.tensor(model.inputs[0]).num_elements >= softmax.TABLE_MIN_ELEMENTS
    threshold = 1 << 30 if default_is_table else 0
    monkeypatch.setattr(softmax, "TABLE_MIN_ELEMENTS", threshold)
    samples = _samples(model, CASES[name])
    exe = _generate_and_build(model, tmp_path)
    assert ("ek_softmax_table_s8(" in (tmp_path / "gen" / "model.c").read_text()) == (threshold == 0)
    assert _run_c(model, exe, samples, tmp_path) == _run_tflm(path, model, samples)


@pytest.mark.parametrize("name", Q4_CASES)
def test_python_tables_equal_tflm_on_every_code(name: str, ops_b_models: dict[str, Path]) -> None:
    """The generator's own fixed-point port (fixedpoint.py) against TFLM, all 256 codes, no C involved."""
    from edgekit.converters.c_codegen.ops.logistic import q4_input_params, q4_table
    from edgekit.converters.tflite_reader import read_model

    path = ops_b_models[name]
    model = read_model(path)
    x = model.tensor(model.inputs[0])
    params = q4_input_params(x.quant.scale[0], x.quant.zero_point[0])
    table = q4_table(params, "ek_logistic" if name.startswith("logistic") else "ek_tanh")
    codes = np.resize(np.arange(-128, 128, dtype=np.int8), x.num_elements).reshape(x.shape)
    (want,) = _run_tflm(path, model, [[codes]])
    got = np.array(table, np.int8)[codes.astype(np.int32).reshape(-1) + 128].tobytes()
    assert got == want


@pytest.mark.parametrize("threshold", [0, 1 << 30])
def test_softmax_row_sum_512_is_a_numeric_error(threshold: int, ops_b_models: dict[str, Path], tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A row of 600 equal values sums to 600 >= 512, where TFLM aborts; the generated C returns EK_ERR_NUMERIC
    (both kernels: exp table and fixed point)."""
    from edgekit.converters.c_codegen.ops import softmax
    from edgekit.converters.tflite_reader import read_model

    monkeypatch.setattr(softmax, "TABLE_MIN_ELEMENTS", threshold)

    model = read_model(ops_b_models["softmax_600"])
    exe = _generate_and_build(model, tmp_path)
    with pytest.raises(EnvironmentError_, match="status 4"):
        _run_c(model, exe, [[np.full((1, 600), 5, np.int8)]], tmp_path)
    # 511 equal maxima and the rest far below still run (TFLM runs this too).
    row = np.full((1, 600), -128, np.int8)
    row[0, :511] = 127
    out = _run_c(model, exe, [[row]], tmp_path)[0]
    assert out == _run_tflm(ops_b_models["softmax_600"], model, [[row]])[0]
