"""LEAKY_RELU and PRELU against TFLite Micro, byte for byte.

Single-op Keras models (``LeakyReLU`` with several alphas, ``PReLU`` with ``shared_axes`` variants) go through the
real TF converter once per session (cached like the other single-op models), then ``edgekit.verify.verify_model``
generates, compiles and runs each on 24 seeded inputs plus all -128 and all 127 and compares with TFLM. Options
the converter never writes (an alpha zero point, scales where float32 and double multipliers part, a per-channel
alpha quantization, a 5-D PRELU) are set by editing the converted flatbuffer.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from edgekit.ir import Model

from .kernel_checks import SELF_CHECK, assert_clean_and_self_checked, kernel_sources
from .op_models import KerasCase as Case
from .op_models import assert_refused_with_verify, bench_emulated, cached_models, convert_case
from .op_models import quant as _quant
from .op_models import read as _read
from .test_ops_b_kernels import _run_tflm as _tflm

HERE = Path(__file__).resolve().parent
N_RANDOM = 24


def _single(shape: tuple[int, ...], make: Callable[[Any], Any]) -> Callable[[], Any]:
    def build() -> Any:
        import tf_keras as keras

        x = keras.Input(shape, batch_size=1)
        return keras.Model(x, make(keras)(x))

    return build


def _leaky(alpha: float, shape: tuple[int, ...] = (6, 5, 4)) -> Callable[[], Any]:
    return _single(shape, lambda keras: keras.layers.LeakyReLU(alpha=alpha))


def _prelu(shape: tuple[int, ...], shared_axes: list[int] | None, lo: float = -0.3, hi: float = 1.2) -> Callable[[], Any]:
    def make(keras: Any) -> Any:
        init = keras.initializers.RandomUniform(lo, hi, seed=len(shape) + len(shared_axes or ()))
        return keras.layers.PReLU(alpha_initializer=init, shared_axes=shared_axes)

    return _single(shape, make)


def _mixed() -> Any:
    """A small detector-like block: CONV -> LEAKY_RELU -> CONV -> PRELU (per channel) -> FC."""
    import tf_keras as keras

    x = keras.Input((8, 8, 3), batch_size=1)
    y = keras.layers.Conv2D(6, 3, padding="same")(x)
    y = keras.layers.LeakyReLU(alpha=0.1)(y)
    y = keras.layers.Conv2D(4, 3, strides=2, padding="same")(y)
    y = keras.layers.PReLU(alpha_initializer=keras.initializers.RandomUniform(0.05, 0.4, seed=3), shared_axes=[1, 2])(y)
    y = keras.layers.Flatten()(y)
    y = keras.layers.Dense(5)(y)
    return keras.Model(x, y)


def _leaky_scales(s_in: float, zp_in: int, s_out: float, zp_out: int, alpha: float) -> Callable[[Any, Any], None]:
    """Input/output quantization and alpha set to values where float32 and double multipliers give other bytes."""

    def edit(s: Any, m: Any) -> None:
        sg = m.subgraphs[0]
        _quant(s, sg.tensors[sg.inputs[0]], s_in, zp_in)
        _quant(s, sg.tensors[sg.outputs[0]], s_out, zp_out)
        sg.operators[0].builtinOptions.alpha = alpha

    return edit


def _alpha_tensor(m: Any) -> Any:
    sg = m.subgraphs[0]
    return sg.tensors[sg.operators[0].inputs[1]]


def _alpha_zero_point(zp: int) -> Callable[[Any, Any], None]:
    """A non-zero alpha zero point (the converter writes symmetric alphas, zero point 0)."""

    def edit(s: Any, m: Any) -> None:
        _alpha_tensor(m).quantization.zeroPoint = [zp]

    return edit


def _output_scale(factor: float) -> Callable[[Any, Any], None]:
    """Output scale = factor * input scale: factor < 1 makes both multipliers exceed 1 (shift > 0), saturating."""

    def edit(s: Any, m: Any) -> None:
        sg = m.subgraphs[0]
        s_in = sg.tensors[sg.inputs[0]].quantization.scale[0]
        sg.tensors[sg.outputs[0]].quantization.scale = [float(np.float32(s_in * factor))]

    return edit


def _alpha_full_shape(s: Any, m: Any) -> None:
    """Alpha [6, 5, 4] -> [1, 6, 5, 4], the input's shape: the kernel's flat (non-broadcast) loop."""
    _alpha_tensor(m).shape = [1, *_alpha_tensor(m).shape]


def _alpha_per_channel(s: Any, m: Any) -> None:
    t = _alpha_tensor(m)
    n = t.shape[-1]
    t.quantization.scale = [float(t.quantization.scale[0])] * n
    t.quantization.zeroPoint = [0] * n
    t.quantization.quantizedDimension = len(t.shape) - 1


def _rank5(s: Any, m: Any) -> None:
    sg = m.subgraphs[0]
    for t in (sg.inputs[0], sg.outputs[0]):
        sg.tensors[t].shape = [1, *sg.tensors[t].shape]
        sg.tensors[t].shapeSignature = None


def _variable_alpha(s: Any, m: Any) -> None:
    """The alpha tensor loses its data and becomes a second graph input."""
    sg = m.subgraphs[0]
    alpha = sg.operators[0].inputs[1]
    sg.tensors[alpha].buffer = 0
    sg.inputs = [*sg.inputs, alpha]


def _leaky_alpha(alpha: float) -> Callable[[Any, Any], None]:
    def edit(s: Any, m: Any) -> None:
        m.subgraphs[0].operators[0].builtinOptions.alpha = alpha

    return edit


LEAKY = ("LEAKY_RELU",)
PRELU = ("PRELU",)
# Found by search (see leaky_relu.py): the float32 ratios of the TFLM source give other bytes on these scales.
F64_ALPHA = (0.08409561216831207, 21, 0.05708308517932892, 23, 0.20000000298023224)
F64_IDENTITY = (0.09969621151685715, -106, 0.18489114940166473, -65, 0.009999999776482582)

VERIFIED = [
    Case("leaky_0p01", _leaky(0.01), LEAKY),
    Case("leaky_0p2", _leaky(0.2), LEAKY),
    Case("leaky_0p3", _leaky(0.3, (2, 60)), LEAKY),
    Case("leaky_1p5", _leaky(1.5), LEAKY),
    Case("leaky_3", _leaky(3.0, (40,)), LEAKY),
    Case("leaky_neg0p5", _leaky(-0.5), LEAKY),
    Case("leaky_f64_alpha", _leaky(0.2), LEAKY, edit=_leaky_scales(*F64_ALPHA)),
    Case("leaky_f64_identity", _leaky(0.2), LEAKY, edit=_leaky_scales(*F64_IDENTITY)),
    Case("leaky_out_scale_small", _leaky(0.3), LEAKY, edit=_output_scale(0.3)),
    # The converter writes alpha 0 as RELU; set in the file, the alpha multiplier is (0, 0).
    Case("leaky_alpha0", _leaky(0.2), LEAKY, edit=_leaky_alpha(0.0)),
    Case("prelu_per_element", _prelu((6, 5, 4), None), PRELU),
    Case("prelu_per_channel", _prelu((6, 5, 4), [1, 2]), PRELU),
    Case("prelu_shared_channels", _prelu((6, 5, 4), [3]), PRELU),
    Case("prelu_one_alpha", _prelu((6, 5, 4), [1, 2, 3]), PRELU),
    Case("prelu_2d", _prelu((9,), None), PRELU),
    Case("prelu_sequence", _prelu((12, 10), [1], 0.0, 0.5), PRELU),
    Case("prelu_same_shape", _prelu((6, 5, 4), None), PRELU, edit=_alpha_full_shape),
    Case("prelu_alpha_zp", _prelu((6, 5, 4), [1, 2]), PRELU, edit=_alpha_zero_point(-9)),
    Case("prelu_out_scale_small", _prelu((6, 5, 4), [1, 2], -1.5, 2.0), PRELU, edit=_output_scale(0.25)),
    Case("mixed_leaky_prelu", _mixed, ("CONV_2D", "LEAKY_RELU", "CONV_2D", "PRELU", "RESHAPE", "FULLY_CONNECTED")),
]
REFUSED = [
    (Case("r_leaky_int16", _leaky(0.2), LEAKY, int16=True), r"op 0 \(LEAKY_RELU\) has int16 activations"),
    (Case("r_leaky_inf", _leaky(0.2), LEAKY, edit=_leaky_alpha(float("inf"))),
     r"op 0 \(LEAKY_RELU\) has alpha inf .* not a finite value below 2\^31"),
    (Case("r_prelu_alpha_per_channel", _prelu((6, 5, 4), [1, 2]), PRELU, edit=_alpha_per_channel),
     r"op 0 \(PRELU\) has an alpha quantized per channel \(4 scales\)"),
    (Case("r_prelu_rank5", _prelu((6, 5, 4), [1, 2]), PRELU, edit=_rank5),
     r"op 0 \(PRELU\) has a rank-5 tensor; at most rank 4 is supported"),
    (Case("r_prelu_variable_alpha", _prelu((6, 5, 4), [1, 2]), PRELU, edit=_variable_alpha),
     r"op 0 \(PRELU\) has a non-constant alpha"),
]
CASES = {c.name: c for c in [*VERIFIED, *(c for c, _ in REFUSED)]}


@pytest.fixture(scope="session")
def activation_models() -> dict[str, Path]:
    """Every case converted once (real TF converter), cached across sessions by this file's hash."""
    return cached_models("activations-c", [Path(__file__), HERE / "singleop_models.py", HERE / "op_models.py"], CASES,
                         lambda name, k: convert_case(CASES[name], 100 + k, calib_shape=(1, 6, 5, 4)))


@pytest.mark.parametrize("name", [c.name for c in VERIFIED])
def test_verify_model_is_bit_exact(name: str, activation_models: dict[str, Path], tmp_path: Path) -> None:
    from edgekit.verify import verify_model

    path = activation_models[name]
    assert tuple(op.op for op in _read(path).operators) == CASES[name].ops, "the converter wrote a different graph"
    report = verify_model(path, n_inputs=N_RANDOM, seed=7, work_dir=tmp_path / "verify")
    assert report.samples == N_RANDOM + 2  # plus all -128 and all 127
    assert report.identical, f"{name}: {report.differing_elements} elements differ, first at {report.first_bad_op}"


def _all_code_samples(model: Model) -> list[list[np.ndarray]]:
    """Samples that together hold every int8 code (each rotated, so every code meets several positions)."""
    from edgekit.verify.inputs import make_samples

    (t,) = model.inputs
    shape, n = model.tensor(t).shape, model.tensor(t).num_elements
    codes = np.arange(-128, 128, dtype=np.int8)
    extra = [[np.resize(np.roll(codes, -start), n).reshape(shape)] for start in range(0, 256, max(n // 2, 1))]
    return make_samples(model, 8, seed=3) + extra


LEAKY_CASES = [c.name for c in VERIFIED if c.ops == LEAKY]
PRELU_CASES = [c.name for c in VERIFIED if c.ops == PRELU]


@pytest.mark.parametrize("name", LEAKY_CASES)
def test_leaky_relu_arithmetic_kernel_and_table_match_tflm_on_every_code(
    name: str, activation_models: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """verify_model runs the default (a table); here the arithmetic kernel ek_leaky_relu_s8 in C, and the
    generator's Python table without C, each against TFLM on every int8 code."""
    from edgekit.converters.c_codegen.generator import generate_c
    from edgekit.converters.c_codegen.ops import leaky_relu
    from edgekit.converters.c_codegen.table import unary_qparams

    from edgekit.verify.harness import build_host, run_host

    path = activation_models[name]
    model = _read(path)
    samples = _all_code_samples(model)
    want = _tflm(path, model, samples)

    op = model.operators[0]
    table = np.array(leaky_relu.leaky_relu_table(leaky_relu.leaky_relu_params(*unary_qparams(model, op),
                                                                              op.options["alpha"])), np.int8)
    assert [table[s[0].astype(np.int32).reshape(-1) + 128].tobytes() for s in samples] == want

    monkeypatch.setattr(leaky_relu, "USE_TABLE", False)
    gen = generate_c(model, None, tmp_path / "gen", force=True)
    assert "ek_leaky_relu_s8(" in (gen.out_dir / "model.c").read_text()
    exe = build_host(gen.out_dir, tmp_path / "build")
    blob = run_host(exe, [s[0].tobytes() for s in samples], tmp_path)
    per = model.tensor(model.outputs[0]).nbytes
    assert [blob[k * per : (k + 1) * per] for k in range(len(samples))] == want


def test_float32_multipliers_would_differ_from_tflm(activation_models: dict[str, Path]) -> None:
    """The two edited models are sensitive: the TFLM source's float32 ratios give other bytes than TFLM does."""
    from edgekit.converters.c_codegen.ops.leaky_relu import leaky_relu_table
    from edgekit.converters.c_codegen.quant import quantize_multiplier

    f = np.float32
    for name, (s_in, zp_in, s_out, zp_out, alpha) in (("leaky_f64_alpha", F64_ALPHA),
                                                       ("leaky_f64_identity", F64_IDENTITY)):
        path = activation_models[name]
        model = _read(path)
        samples = _all_code_samples(model)
        got = {}
        for x, y in zip(samples, _tflm(path, model, samples), strict=True):
            got.update(zip(x[0].reshape(-1).tolist(), np.frombuffer(y, np.int8).tolist(), strict=True))
        tflm = [got[c] for c in range(-128, 128)]
        mi, ei = quantize_multiplier(float(f(f(s_in) / f(s_out))))
        ma, ea = quantize_multiplier(float(f(f(f(s_in) * f(alpha)) / f(s_out))))
        float32 = leaky_relu_table({"input_zero_point": zp_in, "output_zero_point": zp_out,
                                    "identity": {"multiplier": mi, "shift": ei},
                                    "alpha": {"multiplier": ma, "shift": ea}})
        assert float32 != tflm, name


@pytest.mark.parametrize("name", PRELU_CASES)
def test_prelu_python_reference_matches_tflm(name: str, activation_models: dict[str, Path]) -> None:
    """prelu.prelu_value (the C kernel's rule, element by element, with NumPy broadcasting) against TFLM on
    inputs holding every code: the emitter's documented arithmetic is the one TFLM runs."""
    from edgekit.converters.c_codegen.ops.prelu import prelu_quant, prelu_value
    from edgekit.converters.c_codegen.quant import qparams

    path = activation_models[name]
    model = _read(path)
    op = model.operators[0]
    (s_in, z_in), (s_a, z_a), (s_out, z_out) = (qparams(model, t) for t in (*op.inputs, op.outputs[0]))
    quant = prelu_quant(s_in[0], s_a[0], s_out[0])
    alpha_t = model.tensor(op.inputs[1])
    alpha = np.frombuffer(alpha_t.data, np.int8).reshape(alpha_t.shape).astype(np.int32)
    samples = _all_code_samples(model)
    out_shape = model.tensor(op.outputs[0]).shape
    for sample, want in zip(samples, _tflm(path, model, samples), strict=True):
        x, a = np.broadcast_arrays(sample[0].astype(np.int32), alpha)
        got = [prelu_value(int(q), int(v), int(z_in[0]), int(z_a[0]), int(z_out[0]), quant)
               for q, v in zip(x.reshape(-1), a.reshape(-1), strict=True)]
        assert np.array(got, np.int8).reshape(out_shape).tobytes() == want


@pytest.mark.parametrize("case,pattern", REFUSED, ids=[c.name for c, _ in REFUSED])
def test_unsupported_variants_are_refused_and_nothing_is_written(
    case: Case, pattern: str, activation_models: dict[str, Path], tmp_path: Path
) -> None:
    model = _read(activation_models[case.name])
    assert tuple(op.op for op in model.operators) == case.ops
    assert_refused_with_verify(model, activation_models[case.name], pattern, tmp_path)


def test_params_by_hand() -> None:
    from edgekit.converters.c_codegen.ops.leaky_relu import leaky_relu_params
    from edgekit.converters.c_codegen.ops.prelu import prelu_quant

    # s_in / s_out = 2 -> (2^30, 2); alpha 0.25 -> 0.5 -> (2^30, 0); alpha -0.25 -> (-2^30, 0); alpha 0 -> (0, 0).
    p = leaky_relu_params(0.5, 3, 0.25, -4, 0.25)
    assert p == {"input_zero_point": 3, "output_zero_point": -4, "identity": {"multiplier": 1 << 30, "shift": 2},
                 "alpha": {"multiplier": 1 << 30, "shift": 0}}
    assert leaky_relu_params(0.5, 0, 0.25, 0, -0.25)["alpha"] == {"multiplier": -(1 << 30), "shift": 0}
    assert leaky_relu_params(0.5, 0, 0.25, 0, 0.0)["alpha"] == {"multiplier": 0, "shift": 0}
    # s_in / s_out = 1/4 -> (2^30, -1); s_in * s_alpha / s_out = 1/4 * 1/8 -> (2^30, -4).
    assert prelu_quant(0.25, 0.125, 1.0) == {"identity": {"multiplier": 1 << 30, "shift": -1},
                                             "alpha": {"multiplier": 1 << 30, "shift": -4}}


STATUS_PROGRAM = r"""
#include <stdio.h>
#include <string.h>
#include "ek_leaky_relu_s8.h"
#include "ek_prelu_s8.h"

static int8_t in[8] = {-128, -5, -1, 0, 1, 5, 100, 127}, al[8] = {2, 2, 2, 2, 2, 2, 2, 2}, out[8];
""" + SELF_CHECK + r"""
int main(void)
{
    const ek_context_t ctx = {0, 0};
    const ek_dims_t d8 = {1, 1, 2, 4}, d4 = {1, 1, 1, 4};
    ek_leaky_relu_params_t lp = {0, 0, {1 << 30, 1}, {1 << 30, -2}};
    ek_prelu_params_t pp = {0, 0, 0, 1, {8, 1, 1, 1}, {1, 0, 0, 0}, {1, 0, 0, 0}, 0};
    const ek_prelu_quant_t pq = {{1 << 30, 1}, {1 << 30, -1}};
    memset(out, 0x55, sizeof out);
    check("leaky ok", ek_leaky_relu_s8(&ctx, &lp, &d8, in, &d8, out), EK_OK);
    check("leaky count", ek_leaky_relu_s8(&ctx, &lp, &d8, in, &d4, out), EK_ERR_ARGUMENT);
    lp.alpha.shift = 32;
    check("leaky shift", ek_leaky_relu_s8(&ctx, &lp, &d8, in, &d8, out), EK_ERR_ARGUMENT);
    check("prelu ok", ek_prelu_s8(&ctx, &pp, &pq, &d8, in, &d8, al, &d8, out), EK_OK);
    check("prelu alpha count", ek_prelu_s8(&ctx, &pp, &pq, &d8, in, &d4, al, &d8, out), EK_ERR_ARGUMENT);
    check("prelu out count", ek_prelu_s8(&ctx, &pp, &pq, &d8, in, &d8, al, &d4, out), EK_ERR_ARGUMENT);
    pp.rank = 5;
    check("prelu rank 5", ek_prelu_s8(&ctx, &pp, &pq, &d8, in, &d8, al, &d8, out), EK_ERR_ARGUMENT);
    pp.rank = 0;
    check("prelu rank 0", ek_prelu_s8(&ctx, &pp, &pq, &d8, in, &d8, al, &d8, out), EK_ERR_ARGUMENT);
    return fails;
}
"""


def test_kernels_check_arguments_build_warning_free_and_never_allocate(tmp_path: Path) -> None:
    """Both kernels build with -pedantic -Werror on the host and for Cortex-M4, need nothing from the C library,
    return EK_ERR_ARGUMENT (writing nothing) on inconsistent arguments and EK_OK otherwise."""
    srcs = kernel_sources(("leaky_relu", "prelu"))
    assert_clean_and_self_checked(STATUS_PROGRAM, srcs, tmp_path)


def test_mixed_model_with_dsp_kernels(activation_models: dict[str, Path], tmp_path: Path) -> None:
    """On a DSP target the CONV and FC around LEAKY_RELU / PRELU take the DSP kernels; still TFLM's bytes."""
    from edgekit.verify import verify_model

    report = verify_model(activation_models["mixed_leaky_prelu"], n_inputs=20, seed=2, work_dir=tmp_path / "v",
                          variant="dsp")
    assert report.identical and report.samples == 22
    assert "_dsp(" in (tmp_path / "v" / "gen" / "model.c").read_text()


@pytest.mark.qemu
def test_leaky_relu_and_prelu_on_emulated_cortex_m4(activation_models: dict[str, Path], tmp_path: Path) -> None:
    """The mixed model (CONV, LEAKY_RELU, PRELU, FC), cross-compiled and run in QEMU mps2-an386 through
    ``edgekit bench --emulate``, gives TFLM's bytes on every input, the extremes included."""
    from edgekit.verify.inputs import make_samples

    path = activation_models["mixed_leaky_prelu"]
    samples = make_samples(_read(path), 6, seed=5)
    bench_emulated(path, np.stack([s[0] for s in samples]), tmp_path)
