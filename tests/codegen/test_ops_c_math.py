"""ELU, LOG_SOFTMAX, L2_NORMALIZATION, ABS, RSQRT and uint8 DEQUANTIZE against TFLite Micro, byte for byte; EXP,
NEG and the variants TFLM does not run are refused.

Models come from the real TF converter, once per session (cached like the other single-op models). The converter
writes ELU and NEG in float between a DEQUANTIZE and a QUANTIZE even for full-integer models, so those sandwiches are
collapsed into the int8 op in the flatbuffer (TFLM runs the int8 ELU; it refuses an int8 NEG). Other edits set
scales the converter does not write (an ELU table where the C library's expf and a correctly rounded exp part, equal
ABS scales, RSQRT with input zero point -128, LOG_SOFTMAX input scales, an L2 output quantization TFLM ignores) or
make a single uint8 DEQUANTIZE. Each model is generated and compiled once by ``verify_model`` (24 seeded inputs plus
all -128 and all 127); the table ops are also checked on every int8 code, the row ops on many more rows, through
the generator's Python twins of the kernels.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from edgekit.errors import EnvironmentError_
from edgekit.ir import Model

from .kernel_checks import SELF_CHECK, assert_clean_and_self_checked, kernel_sources
from .op_models import assert_refused_with_verify, bench_emulated, cached_models, convert_keras
from .op_models import read as _read
from .test_ops_b_kernels import _generate_and_build

HERE = Path(__file__).resolve().parent
N_RANDOM = 24
INT8_OPS = ("ELU", "NEG")  # float ops the converter leaves between DEQUANTIZE and QUANTIZE; made int8 by _int8_ops


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[], Any]  # -> tf_keras.Model
    ops: tuple[str, ...]  # the op names the converted (and edited) model must contain
    edits: tuple[Callable[[Any, Any], None], ...] = ()  # (schema module, ModelT) -> None, applied in order
    int16: bool = False  # 16x8 conversion (refusal tests)
    float_out: bool = False  # keep a float32 output (the converter ends the graph with a DEQUANTIZE)


def _lambda(shape: tuple[int, ...], fn: Callable[[Any, Any], Any]) -> Callable[[], Any]:
    def build() -> Any:
        import tensorflow as tf
        import tf_keras as keras

        x = keras.Input(shape, batch_size=1)
        return keras.Model(x, keras.layers.Lambda(lambda t: fn(tf, t))(x))

    return build


def _elu(shape: tuple[int, ...]) -> Callable[[], Any]:
    def build() -> Any:
        import tf_keras as keras

        x = keras.Input(shape, batch_size=1)
        return keras.Model(x, keras.layers.ELU()(x))

    return build


def _mixed() -> Any:
    """FC -> ELU -> ABS -> ADD -> RSQRT -> L2_NORMALIZATION -> FC -> LOG_SOFTMAX: every new int8 op in one net."""
    import tensorflow as tf
    import tf_keras as keras

    x = keras.Input((24,), batch_size=1)
    y = keras.layers.Dense(16)(x)
    y = keras.layers.ELU()(y)
    y = keras.layers.Lambda(lambda t: tf.math.rsqrt(tf.abs(t) + 0.5))(y)
    y = keras.layers.Lambda(lambda t: tf.math.l2_normalize(t, axis=-1))(y)
    y = keras.layers.Dense(10)(y)
    return keras.Model(x, keras.layers.Lambda(lambda t: tf.nn.log_softmax(t))(y))


def _int8_ops(s: Any, m: Any) -> None:
    """Every DEQUANTIZE -> ELU/NEG (float) -> QUANTIZE becomes the int8 op reading and writing the int8 tensors."""
    sg = m.subgraphs[0]
    code = {i: c.builtinCode for i, c in enumerate(m.operatorCodes)}
    names = {v: k for k, v in vars(s.BuiltinOperator).items() if not k.startswith("_")}
    ops = list(sg.operators)
    out: list[Any] = []
    i = 0
    while i < len(ops):
        a, b, c = ops[i], ops[i + 1] if i + 1 < len(ops) else None, ops[i + 2] if i + 2 < len(ops) else None
        if (b is not None and c is not None and names.get(code[a.opcodeIndex]) == "DEQUANTIZE"
                and names.get(code[b.opcodeIndex]) in INT8_OPS and names.get(code[c.opcodeIndex]) == "QUANTIZE"):
            b.inputs, b.outputs = [a.inputs[0]], [c.outputs[0]]
            out.append(b)
            i += 3
        else:
            out.append(a)
            i += 1
    sg.operators = out


def _quant(t: Any, scale: float, zp: int) -> None:
    t.quantization.scale, t.quantization.zeroPoint = [float(scale)], [int(zp)]


def _io_quant(s_in: float | None, zp_in: int | None, s_out: float | None, zp_out: int | None,
              op: int = 0) -> Callable[[Any, Any], None]:
    """Set the quantization of op ``op``'s input and output tensors (None keeps a value)."""

    def edit(s: Any, m: Any) -> None:
        sg = m.subgraphs[0]
        for t, scale, zp in ((sg.operators[op].inputs[0], s_in, zp_in), (sg.operators[op].outputs[0], s_out, zp_out)):
            q = sg.tensors[t].quantization
            _quant(sg.tensors[t], q.scale[0] if scale is None else scale, q.zeroPoint[0] if zp is None else zp)

    return edit


def _single_op(index: int) -> Callable[[Any, Any], None]:
    """Keep only operator ``index``; its input and output become the graph's."""

    def edit(s: Any, m: Any) -> None:
        sg = m.subgraphs[0]
        op = sg.operators[index]
        sg.operators, sg.inputs, sg.outputs = [op], [op.inputs[0]], [op.outputs[0]]

    return edit


def _uint8_input(zp: int) -> Callable[[Any, Any], None]:
    """The (single) op's input becomes a uint8 tensor with zero point ``zp``: a legacy uint8 DEQUANTIZE."""

    def edit(s: Any, m: Any) -> None:
        sg = m.subgraphs[0]
        t = sg.tensors[sg.inputs[0]]
        t.type = s.TensorType.UINT8
        t.quantization.zeroPoint = [zp]

    return edit


def _int16_input(s: Any, m: Any) -> None:
    sg = m.subgraphs[0]
    sg.tensors[sg.inputs[0]].type = s.TensorType.INT16
    sg.tensors[sg.inputs[0]].quantization.zeroPoint = [0]


def _activation_relu(s: Any, m: Any) -> None:
    m.subgraphs[0].operators[0].builtinOptions.fusedActivationFunction = s.ActivationFunctionType.RELU


def _rank5(s: Any, m: Any) -> None:
    sg = m.subgraphs[0]
    for t in (sg.inputs[0], sg.outputs[0]):
        sg.tensors[t].shape = [1, *sg.tensors[t].shape]
        sg.tensors[t].shapeSignature = None


def _dequantize_model() -> Any:
    """int8 -> RELU -> DEQUANTIZE (float output); _single_op(-1) keeps the DEQUANTIZE."""
    import tf_keras as keras

    x = keras.Input((6, 5, 4), batch_size=1)
    return keras.Model(x, keras.layers.ReLU()(x))


# An ELU table entry where glibc's expf (what TFLM calls) and the correctly rounded f32(exp(x)) part: x = -s_in is
# a float32 on which glibc's expf is one ulp off, and s_out puts (expf(x) - 1) / s_out at about -20.5 (-20 with
# glibc's value, -21 with the correctly rounded one). Found by enumerating float32 inputs (see elu.py).
ELU_EXPF = (9.635555e-05, 0, 4.700044428318506e-06, 0)

ELU, LOGSM, L2, ABS, RSQRT = ("ELU",), ("LOG_SOFTMAX",), ("L2_NORMALIZATION",), ("ABS",), ("RSQRT",)
def _log_softmax(shape: tuple[int, ...]) -> Callable[[], Any]:
    return _lambda(shape, lambda tf, t: tf.nn.log_softmax(t))


def _l2(shape: tuple[int, ...]) -> Callable[[], Any]:
    return _lambda(shape, lambda tf, t: tf.math.l2_normalize(t, axis=-1))


VERIFIED = [
    Case("elu", _elu((6, 5, 4)), ELU, (_int8_ops,)),
    Case("elu_2d", _elu((90,)), ELU, (_int8_ops,)),
    Case("elu_small_in_scale", _elu((6, 5, 4)), ELU, (_int8_ops, _io_quant(0.002, -3, 0.01, -100))),
    Case("elu_expf", _elu((64,)), ELU, (_int8_ops, _io_quant(*ELU_EXPF))),
    Case("abs", _lambda((6, 5, 4), lambda tf, t: tf.abs(t)), ABS),
    Case("abs_same_scale", _lambda((6, 5, 4), lambda tf, t: tf.abs(t)), ABS, (_io_quant(0.03, 5, 0.03, -100),)),
    Case("abs_upscale", _lambda((40,), lambda tf, t: tf.abs(t)), ABS, (_io_quant(0.05, -7, 0.011, -128),)),
    Case("rsqrt_chain", _lambda((6, 5, 4), lambda tf, t: tf.math.rsqrt(tf.abs(t) + 0.1)), ("ABS", "ADD", "RSQRT")),
    Case("rsqrt_zp_min", _lambda((6, 5, 4), lambda tf, t: tf.math.rsqrt(tf.abs(t) + 0.1)), RSQRT,
         (_single_op(2), _io_quant(0.02, -128, 0.05, -128))),
    Case("rsqrt_zp_min_fine", _lambda((6, 5, 4), lambda tf, t: tf.math.rsqrt(tf.abs(t) + 0.1)), RSQRT,
         (_single_op(2), _io_quant(0.0005, -128, 0.4, -20))),
    Case("log_softmax", _log_softmax((6, 5, 4)), LOGSM),
    Case("log_softmax_rows40", _log_softmax((2, 40)), LOGSM),
    Case("log_softmax_row1000", _log_softmax((1000,)), LOGSM),
    Case("log_softmax_scale_small", _log_softmax((3, 16)), LOGSM, (_io_quant(0.004, 3, None, None),)),
    Case("log_softmax_scale_big", _log_softmax((3, 16)), LOGSM, (_io_quant(0.3, -20, None, None),)),
    Case("l2norm", _l2((6, 5, 4)), L2),
    Case("l2norm_rows64", _l2((3, 64)), L2),
    Case("l2norm_row300", _l2((300,)), L2),
    Case("l2norm_zp_out_ignored", _l2((3, 64)), L2, (_io_quant(0.01, 0, 0.05, 10),)),
    Case("l2norm_coarse", _l2((2, 8)), L2, (_io_quant(0.4, 20, None, None),)),
    Case("dequantize_u8", _dequantize_model, ("DEQUANTIZE",), (_single_op(-1), _uint8_input(128)), float_out=True),
    Case("dequantize_u8_zp37", _dequantize_model, ("DEQUANTIZE",), (_single_op(-1), _uint8_input(37)),
         float_out=True),
    Case("mixed_math", _mixed, ("FULLY_CONNECTED", "ELU", "ABS", "ADD", "RSQRT", "L2_NORMALIZATION", "FULLY_CONNECTED",
                                "LOG_SOFTMAX"), (_int8_ops,)),
]
# RSQRT with the converter's input zero point (mid-range): codes below it fail TFLM's invoke.
RSQRT_FAILS = Case("rsqrt_signed", _lambda((6, 5, 4), lambda tf, t: tf.math.rsqrt(t)), RSQRT)
REFUSED = [
    (Case("r_exp", _lambda((6, 5, 4), lambda tf, t: tf.exp(t)), ("EXP",)),
     r"op 0 \(EXP\) is an int8 EXP, which TFLite Micro itself does not run"),
    (Case("r_neg", _lambda((6, 5, 4), lambda tf, t: tf.negative(t)), ("NEG",), (_int8_ops,)),
     r"op 0 \(NEG\) is an int8 NEG, which TFLite Micro itself does not run"),
    (Case("r_neg_float", _lambda((6, 5, 4), lambda tf, t: tf.negative(t)), ("DEQUANTIZE", "NEG", "QUANTIZE")),
     r"op 1 \(NEG\) computes in float32"),
    (Case("r_log_softmax_out_scale", _log_softmax((6, 5, 4)), LOGSM, (_io_quant(None, None, 0.05, 127),)),
     r"op 0 \(LOG_SOFTMAX\) has output scale 0.05 and zero point 127; .* needs exactly 16/256 and 127"),
    (Case("r_log_softmax_in_scale", _log_softmax((6, 5, 4)), LOGSM, (_io_quant(1e-9, 0, None, None),)),
     r"op 0 \(LOG_SOFTMAX\) has an input scale 1e-09 outside \(2\^-26, 16\)"),
    (Case("r_log_softmax_row4096", _log_softmax((4096,)), LOGSM),
     r"op 0 \(LOG_SOFTMAX\) has rows of 4096 values; from 4096 on TFLM's Q12 sum"),
    (Case("r_l2norm_relu", _l2((6, 5, 4)), L2, (_activation_relu,)),
     r"op 0 \(L2_NORMALIZATION\) has fused activation RELU; TFLite Micro's L2_NORMALIZATION accepts NONE only"),
    (Case("r_l2norm_rank5", _l2((6, 5, 4)), L2, (_rank5,)),
     r"op 0 \(L2_NORMALIZATION\) has a rank-5 tensor; at most rank 4 is supported"),
    (Case("r_abs_int16", _lambda((6, 5, 4), lambda tf, t: tf.abs(t)), ABS, int16=True),
     r"op 0 \(ABS\) has int16 activations"),
    (Case("r_dequantize_int16", _dequantize_model, ("DEQUANTIZE",), (_single_op(-1), _int16_input), float_out=True),
     r"op 0 \(DEQUANTIZE\) has int16 activations"),
    (Case("r_rsqrt_scales", _lambda((6, 5, 4), lambda tf, t: tf.math.rsqrt(tf.abs(t) + 0.1)), RSQRT,
          (_single_op(2), _io_quant(0.02, -128, 3.0e6, -128))),
     r"op 0 \(RSQRT\) has input/output scales 0.02/3e\+06: its output multiplier needs a right shift of"),
]
CASES = {c.name: c for c in [*VERIFIED, RSQRT_FAILS, *(c for c, _ in REFUSED)]}


@pytest.fixture(scope="session")
def math_models() -> dict[str, Path]:
    """Every case converted once (real TF converter), cached across sessions by this file's hash."""
    return cached_models("math-c", [Path(__file__), HERE / "singleop_models.py", HERE / "op_models.py"], CASES,
                         lambda name, k: convert_keras(CASES[name].build, 200 + k, int16=CASES[name].int16,
                                                       float_out=CASES[name].float_out, edits=CASES[name].edits))


def _ops(model: Model) -> tuple[str, ...]:
    return tuple(op.op for op in model.operators)


@pytest.mark.parametrize("name", [c.name for c in VERIFIED])
def test_verify_model_is_bit_exact(name: str, math_models: dict[str, Path], tmp_path: Path) -> None:
    from edgekit.verify import verify_model

    path = math_models[name]
    assert _ops(_read(path)) == CASES[name].ops, "the converter (or the edit) wrote a different graph"
    report = verify_model(path, n_inputs=N_RANDOM, seed=7, work_dir=tmp_path / "verify")
    assert report.samples == N_RANDOM + 2  # plus all -128 and all 127 (0 and 127 for a uint8 input)
    assert report.identical, f"{name}: {report.differing_elements} elements differ, first at {report.first_bad_op}"


def _code_samples(model: Model, codes: np.ndarray) -> list[np.ndarray]:
    """Inputs that together hold every code of ``codes``, each code at several positions."""
    (t,) = model.inputs
    shape, n = model.tensor(t).shape, model.tensor(t).num_elements
    return [np.resize(np.roll(codes, -start), n).reshape(shape) for start in range(0, len(codes), max(n // 3, 1))]


def _tflm(path: Path, samples: list[np.ndarray]) -> list[np.ndarray]:
    from edgekit.verify.reference import tflm_run

    return [outs[0] for outs in tflm_run(path.read_bytes(), [[x] for x in samples], 1)]


def _table(name: str, model: Model) -> np.ndarray:
    from edgekit.converters.c_codegen.ops import elementwise_math as em
    from edgekit.converters.c_codegen.ops.elu import elu_table
    from edgekit.converters.c_codegen.table import unary_qparams

    op = model.operators[0]
    q = unary_qparams(model, op)
    if op.op == "ELU":
        return np.array(elu_table(*q), np.int8)
    if op.op == "ABS":
        return np.array(em.abs_table(em.abs_params(*q)), np.int8)
    return np.array(em.rsqrt_table(em.rsqrt_params(*q)), np.int8)


TABLE_CASES = [c.name for c in VERIFIED if c.ops in (ELU, ABS, RSQRT)] + [RSQRT_FAILS.name]


@pytest.mark.parametrize("name", TABLE_CASES)
def test_tables_match_tflm_on_every_code(name: str, math_models: dict[str, Path]) -> None:
    """The 256-byte table the generator emits (ELU, ABS, RSQRT) against TFLM on every int8 code TFLM accepts
    (RSQRT: every code from the input zero point up)."""
    path = math_models[name]
    model = _read(path)
    table = _table(name, model)
    lo = int(model.tensor(model.inputs[0]).quant.zero_point[0]) if model.operators[0].op == "RSQRT" else -128
    codes = np.arange(lo, 128, dtype=np.int8)
    samples = _code_samples(model, codes)
    for x, want in zip(samples, _tflm(path, samples), strict=True):
        assert table[x.astype(np.int32) + 128].tobytes() == want.tobytes()


def test_elu_table_follows_the_c_library_expf(math_models: dict[str, Path]) -> None:
    """The elu_expf model is sensitive: a table built with a correctly rounded exp gives another byte for code -1
    than TFLM does; the generator's table (the C library's expf, as TFLM calls it) gives TFLM's."""
    from edgekit.converters.c_codegen.ops import elu

    path = math_models["elu_expf"]
    model = _read(path)
    (x,) = _code_samples(model, np.array([-1], np.int8))[:1]
    want = int(_tflm(path, [x])[0].reshape(-1)[0])
    assert elu.elu_table(*ELU_EXPF)[127] == want == -20
    f32 = np.float32
    inverse_scale = f32(1) / f32(ELU_EXPF[2])
    correctly_rounded = f32(f32(math.exp(float(f32(-ELU_EXPF[0])))) - f32(1))
    assert round(float(f32(correctly_rounded * inverse_scale))) == -21


ROW_CASES = [c.name for c in VERIFIED if c.ops in (LOGSM, L2)]


@pytest.mark.parametrize("name", ROW_CASES)
def test_row_kernels_python_twins_match_tflm(name: str, math_models: dict[str, Path]) -> None:
    """log_softmax_row / l2norm_row (the C kernels' arithmetic, line by line) on 150 rows of random codes per
    model plus rows of every code, constant rows and one-hot rows: the documented arithmetic is TFLM's."""
    from edgekit.converters.c_codegen.ops.l2norm import l2norm_row
    from edgekit.converters.c_codegen.ops.log_softmax import log_softmax_params, log_softmax_row

    path = math_models[name]
    model = _read(path)
    t = model.tensor(model.inputs[0])
    rng = np.random.default_rng(11)
    rows_per_sample = t.num_elements // t.shape[-1]
    samples = [rng.integers(-128, 128, size=t.shape).astype(np.int8) for _ in range(max(1, 150 // rows_per_sample))]
    samples += _code_samples(model, np.arange(-128, 128, dtype=np.int8))
    samples += [np.full(t.shape, v, np.int8) for v in (-128, -5, 0, 127)]
    onehot = np.full(t.shape, -128, np.int8)
    onehot[..., 0] = 127
    samples.append(onehot)
    if model.operators[0].op == "LOG_SOFTMAX":
        p = log_softmax_params(t.quant.scale[0])
        fn: Callable[[list[int]], list[int]] = lambda row: log_softmax_row(row, p)  # noqa: E731
    else:
        zp = int(t.quant.zero_point[0])
        fn = lambda row: l2norm_row(row, zp)  # noqa: E731
    for x, want in zip(samples, _tflm(path, samples), strict=True):
        rows = x.reshape(-1, t.shape[-1]).astype(np.int32).tolist()
        got = np.array([fn(r) for r in rows], np.int8).reshape(t.shape)
        assert got.tobytes() == want.tobytes()


def test_rsqrt_below_the_zero_point_fails_as_tflm_does(math_models: dict[str, Path], tmp_path: Path) -> None:
    """RSQRT whose input zero point is mid-range: inputs from the zero point up give TFLM's bytes through
    ek_rsqrt_s8; one code below it makes TFLM's invoke fail and the generated C return EK_ERR_NUMERIC."""
    from edgekit.verify.harness import run_host

    path = math_models[RSQRT_FAILS.name]
    model = _read(path)
    zp = int(model.tensor(model.inputs[0]).quant.zero_point[0])
    assert zp > -128
    exe = _generate_and_build(model, tmp_path)
    assert "ek_rsqrt_s8(" in (tmp_path / "gen" / "model.c").read_text()
    good = _code_samples(model, np.arange(zp, 128, dtype=np.int8))
    blob = run_host(exe, [x.tobytes() for x in good], tmp_path)
    assert blob == b"".join(y.tobytes() for y in _tflm(path, good))
    bad = good[0].copy()
    bad.reshape(-1)[7] = zp - 1
    with pytest.raises(RuntimeError):
        _tflm(path, [bad])
    with pytest.raises(EnvironmentError_, match="status 4"):
        run_host(exe, [bad.tobytes()], tmp_path)


@pytest.mark.parametrize("name", ["dequantize_u8", "dequantize_u8_zp37"])
def test_uint8_dequantize_every_code(name: str, math_models: dict[str, Path], tmp_path: Path) -> None:
    """verify_model feeds uint8 inputs 0..127 only: here all 256 codes, float32 bits equal to TFLM's."""
    from edgekit.verify.harness import run_host

    path = math_models[name]
    model = _read(path)
    codes = np.arange(0, 256, dtype=np.uint8)
    samples = _code_samples(model, codes)
    exe = _generate_and_build(model, tmp_path)
    assert "ek_dequantize_u8_f32(" in (tmp_path / "gen" / "model.c").read_text()
    blob = run_host(exe, [x.tobytes() for x in samples], tmp_path)
    want = _tflm(path, samples)
    assert want[0].dtype == np.float32
    assert blob == b"".join(y.tobytes() for y in want)


@pytest.mark.parametrize("case,pattern", REFUSED, ids=[c.name for c, _ in REFUSED])
def test_unsupported_variants_are_refused_and_nothing_is_written(
    case: Case, pattern: str, math_models: dict[str, Path], tmp_path: Path
) -> None:
    model = _read(math_models[case.name])
    assert _ops(model) == case.ops
    assert_refused_with_verify(model, math_models[case.name], pattern, tmp_path)


def test_tflm_really_has_no_int8_exp_or_neg(math_models: dict[str, Path]) -> None:
    """The refusal reasons are facts about the pinned wheel: it does not run the int8 EXP / NEG models."""
    for name in ("r_exp", "r_neg"):
        model = _read(math_models[name])
        x = np.zeros(model.tensor(model.inputs[0]).shape, np.int8)
        with pytest.raises(RuntimeError):
            _tflm(math_models[name], [x])


def test_params_by_hand() -> None:
    from edgekit.converters.c_codegen import fixedpoint as fp
    from edgekit.converters.c_codegen.ops import elementwise_math as em
    from edgekit.converters.c_codegen.ops.l2norm import inv_sqrt_multiplier_exp
    from edgekit.converters.c_codegen.ops.log_softmax import log_softmax_params, log_x_q5

    # 1/sqrt(x) for x = 0, 1 is "1.0"; x = 4 gives 0.5 and x = 16 gives 0.25 (within a few Q31 steps).
    assert inv_sqrt_multiplier_exp(0) == inv_sqrt_multiplier_exp(1) == (fp.INT32_MAX, 0)
    for x in (4, 16, 255, 1 << 20, 1 << 30):
        m, s = inv_sqrt_multiplier_exp(x)
        assert s <= 0 and abs(m * 2.0 ** (s - 31) - x ** -0.5) < 1e-6
    # log(1) = 0 and log(e^3) = 3 in Q5 (input Q12).
    assert abs(log_x_q5(1 << 19)) <= 2
    assert abs(log_x_q5(round(math.exp(3) * 2**19)) * 2.0**-26 - 3.0) < 1e-6
    # s_in = 1/16: 2^22 -> (2^30, 23), divisor 2^8 / 2^30 -> (2^30, -21), radius floor(31 * 2^26 / 2^23).
    assert log_softmax_params(1 / 16) == {"input_multiplier": 1 << 30, "input_left_shift": 23,
                                          "reverse_scaling_divisor": 1 << 30, "reverse_scaling_right_shift": 21,
                                          "diff_min": -248}
    # ABS with equal scales needs no multiplier; |q - zp| + zp_out, clamped.
    p = em.abs_params(0.5, 3, 0.5, -120)
    assert p["needs_rescale"] is False and em.abs_table(p)[0] == 131 - 120 and em.abs_table(p)[3 + 128] == -120
    # RSQRT of the zero point is 127 whatever the output zero point; s_in = 1/4, s_out = 1/2: code -127 is
    # 0.25 -> 2 -> code 4 - 128, code -124 is 1.0 -> 1 -> code 2 - 128.
    t = em.rsqrt_table(em.rsqrt_params(0.25, -128, 0.5, -128))
    assert (t[0], t[1], t[4]) == (127, 4 - 128, 2 - 128)
    with pytest.raises(ValueError):
        em.rsqrt_params(0.02, -128, 3.0e6, -128)


STATUS_PROGRAM = r"""
#include <stdio.h>
#include <string.h>
#include "ek_dequantize_s8.h"
#include "ek_l2norm_s8.h"
#include "ek_log_softmax_s8.h"
#include "ek_rsqrt_s8.h"

static int8_t in[8] = {-128, -5, -1, 0, 1, 5, 100, 127}, out[8], table[256];
static uint8_t uin[8] = {0, 1, 2, 3, 200, 254, 255, 128};
static float fout[8];
""" + SELF_CHECK + r"""
int main(void)
{
    const ek_context_t ctx = {0, 0};
    const ek_dims_t d8 = {1, 1, 2, 4}, d4 = {1, 1, 1, 4}, d8w = {1, 1, 1, 8};
    ek_log_softmax_params_t lp = {1 << 30, 23, 1 << 30, 21, -248};
    ek_l2norm_params_t np = {3};
    const ek_dequantize_params_t dp = {0.5f, 128};
    int i;
    for (i = 0; i < 256; ++i) table[i] = (int8_t)(i - 128);
    memset(out, 0x55, sizeof out);
    check("log_softmax ok", ek_log_softmax_s8(&ctx, &lp, &d8, in, &d8, out), EK_OK);
    check("log_softmax rows", ek_log_softmax_s8(&ctx, &lp, &d8, in, &d8w, out), EK_ERR_ARGUMENT);
    lp.diff_min = 1;
    check("log_softmax diff_min", ek_log_softmax_s8(&ctx, &lp, &d8, in, &d8, out), EK_ERR_ARGUMENT);
    check("l2norm ok", ek_l2norm_s8(&ctx, &np, &d8, in, &d8, out), EK_OK);
    check("l2norm count", ek_l2norm_s8(&ctx, &np, &d8, in, &d4, out), EK_ERR_ARGUMENT);
    np.input_zero_point = 128;
    check("l2norm zp", ek_l2norm_s8(&ctx, &np, &d8, in, &d8, out), EK_ERR_ARGUMENT);
    check("rsqrt ok", ek_rsqrt_s8(&ctx, -128, table, &d8, in, &d8, out), EK_OK);
    check("rsqrt below zp", ek_rsqrt_s8(&ctx, -1, table, &d8, in, &d8, out), EK_ERR_NUMERIC);
    check("rsqrt count", ek_rsqrt_s8(&ctx, -128, table, &d8, in, &d4, out), EK_ERR_ARGUMENT);
    if (ek_dequantize_u8_f32(&ctx, &dp, &d8, uin, &d8, fout) != EK_OK || fout[0] != -64.0f || fout[6] != 63.5f) {
        printf("FAIL dequantize u8\n");
        ++fails;
    }
    if (ek_dequantize_u8_f32(&ctx, &dp, &d8, uin, &d4, fout) != EK_ERR_ARGUMENT) {
        printf("FAIL dequantize u8 count\n");
        ++fails;
    }
    return fails;
}
"""


def test_kernels_check_arguments_build_warning_free_and_never_allocate(tmp_path: Path) -> None:
    """The new kernels build with -pedantic -Werror on the host and for Cortex-M4, need nothing from the C
    library, return EK_ERR_ARGUMENT (writing nothing) on inconsistent arguments, EK_ERR_NUMERIC for an RSQRT input
    below the zero point, and EK_OK otherwise."""
    srcs = kernel_sources(("log_softmax", "l2norm", "rsqrt", "dequantize"))
    assert_clean_and_self_checked(STATUS_PROGRAM, srcs, tmp_path)


@pytest.mark.qemu
def test_math_ops_on_emulated_cortex_m4(math_models: dict[str, Path], tmp_path: Path) -> None:
    """The mixed model (FC, ELU, ABS, ADD, RSQRT, L2_NORMALIZATION, FC, LOG_SOFTMAX), cross-compiled and run in QEMU
    mps2-an386 through ``edgekit bench --emulate``, gives TFLM's bytes on every input, the extremes included."""
    from edgekit.verify.inputs import make_samples

    path = math_models["mixed_math"]
    samples = make_samples(_read(path), 6, seed=5)
    bench_emulated(path, np.stack([s[0] for s in samples]), tmp_path)
