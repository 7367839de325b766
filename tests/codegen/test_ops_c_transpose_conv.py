"""TRANSPOSE_CONV (tf_keras Conv2DTranspose through the real TF converter) against TFLite Micro, byte for byte;
its int32 scratch planned in the arena exactly as TFLM plans it; `edgekit check`'s MACs and arena; refusals; one
emulated Cortex-M4F run of a small decoder.

Every model is converted once and cached (conftest._cached, keyed by this file), then each is generated,
compiled once and run on 22 inputs (20 seeded random, all -128, all 127) by ``verify_model``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from .kernel_checks import edit_flatbuffer
from .op_models import assert_refused, bench_emulated, cached_models
from .op_models import read as _read

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

REPO = Path(__file__).resolve().parents[2]
RUNTIME = REPO / "firmware_templates" / "runtime"
N_INPUTS = 20  # verify_model adds all -128 and all 127


@dataclass(frozen=True)
class TC:
    """One Conv2DTranspose layer (or a small graph around it) and how to convert it."""

    input_shape: tuple[int, ...]  # with the batch
    layers: tuple[tuple[str, dict[str, Any]], ...]  # (tf_keras layer class, kwargs), applied in order
    per_tensor: bool = False  # one filter scale instead of one per output channel
    int16: bool = False  # 16x8 conversion (refused)
    edit: Callable[[Any, Any], None] | None = None  # (schema module, ModelT) -> None, after conversion
    ops: tuple[str, ...] = ("TRANSPOSE_CONV",)


def _tc(filters: int, k: int | tuple[int, int], s: int | tuple[int, int], pad: str, **kw: Any) -> tuple:
    return ("Conv2DTranspose", {"filters": filters, "kernel_size": k, "strides": s, "padding": pad, **kw})


def _set_activation(name: str) -> Callable[[Any, Any], None]:
    def edit(s: Any, m: Any) -> None:
        for op in m.subgraphs[0].operators:
            if isinstance(op.builtinOptions, s.TransposeConvOptionsT):
                op.builtinOptions.fusedActivationFunction = getattr(s.ActivationFunctionType, name)

    return edit


def _output_zero_point(zp: int) -> Callable[[Any, Any], None]:
    def edit(s: Any, m: Any) -> None:
        sg = m.subgraphs[0]
        sg.tensors[sg.outputs[0]].quantization.zeroPoint = [zp]

    return edit


def _drop_bias_to_minus_one(s: Any, m: Any) -> None:
    """Four inputs, the bias index -1 (an optional input left out): TFLM runs it without a bias."""
    op = m.subgraphs[0].operators[0]
    op.inputs = [*list(op.inputs)[:3], -1]


def _filter_scales_on_axis(axis: int) -> Callable[[Any, Any], None]:
    def edit(s: Any, m: Any) -> None:
        sg = m.subgraphs[0]
        sg.tensors[sg.operators[0].inputs[1]].quantization.quantizedDimension = axis

    return edit


def _wrong_output_shape(s: Any, m: Any) -> None:
    sg = m.subgraphs[0]
    buf = m.buffers[sg.tensors[sg.operators[0].inputs[0]].buffer]
    shape = np.frombuffer(bytes(bytearray(buf.data)), np.int32).copy()
    shape[1] += 1
    buf.data = list(shape.tobytes())


def _non_constant_output_shape(s: Any, m: Any) -> None:
    """output_shape becomes a second graph input (a run-time shape) instead of a constant."""
    sg = m.subgraphs[0]
    t = sg.operators[0].inputs[0]
    sg.tensors[t].buffer = 0  # buffer 0 is the empty sentinel: no data
    sg.inputs = [*list(sg.inputs), t]


# Kernel sizes 2/3/4 x strides 1/2 x SAME/VALID x bias or not, per-channel weights unless said otherwise.
CASES: dict[str, TC] = {
    "k3_s2_same": TC((1, 5, 5, 3), (_tc(4, 3, 2, "same"),)),
    "k3_s1_same": TC((1, 6, 5, 3), (_tc(4, 3, 1, "same"),)),
    "k2_s2_valid": TC((1, 5, 4, 3), (_tc(6, 2, 2, "valid"),)),
    "k2_s1_same_nobias": TC((1, 5, 5, 2), (_tc(3, 2, 1, "same", use_bias=False),)),
    "k4_s2_same_nobias": TC((1, 4, 4, 5), (_tc(4, 4, 2, "same", use_bias=False),)),
    "k4_s1_valid": TC((1, 4, 5, 3), (_tc(5, 4, 1, "valid"),)),
    "k3_s2_valid_nobias": TC((1, 4, 4, 4), (_tc(3, 3, 2, "valid", use_bias=False),)),
    "k3_s1_valid": TC((1, 5, 5, 8), (_tc(8, 3, 1, "valid"),)),
    "k3x2_s2x1_same": TC((1, 4, 6, 3), (_tc(4, (3, 2), (2, 1), "same"),)),
    # output_padding 0 with SAME and stride 2: a 9x9 output, so TFLM's padding comes from an odd output size.
    "k3_s2_same_outpad0": TC((1, 5, 5, 3), (_tc(4, 3, 2, "same", output_padding=0),)),
    "k3_s2_same_batch2": TC((2, 4, 4, 3), (_tc(4, 3, 2, "same"),)),
    "k4_s2_same_per_tensor": TC((1, 4, 4, 3), (_tc(4, 4, 2, "same"),), per_tensor=True),
    "k3_s2_same_relu": TC((1, 5, 5, 3), (_tc(4, 3, 2, "same", activation="relu"),)),
    "k3_s2_same_relu6": TC((1, 5, 5, 3), (_tc(4, 3, 2, "same", activation="relu6"),)),
    # Fused activations whose clamp bites (the converter's output ranges make it a no-op otherwise).
    "relu_clamp_bites": TC((1, 5, 5, 3), (_tc(4, 3, 2, "same", activation="relu"),), edit=_output_zero_point(0)),
    "relu6_edited": TC((1, 5, 5, 3), (_tc(4, 3, 2, "same"),), edit=_set_activation("RELU6")),
    "relu_n1_to_1_edited": TC((1, 5, 5, 3), (_tc(4, 3, 2, "same"),), edit=_set_activation("RELU_N1_TO_1")),
    "bias_index_minus_one": TC((1, 5, 5, 3), (_tc(4, 3, 2, "same"),), edit=_drop_bias_to_minus_one),
    # A small decoder: Conv -> Conv2DTranspose (x2 up, fused RELU) -> Conv; the transposed conv reads an activation.
    "decoder": TC((1, 6, 6, 3), (("Conv2D", {"filters": 4, "kernel_size": 3, "padding": "same", "activation": "relu"}),
                                 _tc(5, 4, 2, "same", activation="relu"),
                                 ("Conv2D", {"filters": 2, "kernel_size": 3, "padding": "same"})),
                  ops=("CONV_2D", "TRANSPOSE_CONV", "CONV_2D")),
}

REFUSED: dict[str, tuple[TC, str]] = {
    "int16": (TC((1, 5, 5, 3), (_tc(4, 3, 2, "same"),), int16=True),
              r"op 0 \(TRANSPOSE_CONV\) has int16 activations"),
    # Dilation: TRANSPOSE_CONV has none; the converter wraps the op in SPACE_TO_BATCH_ND / BATCH_TO_SPACE_ND.
    "dilation": (TC((1, 5, 5, 3), (_tc(4, 3, 1, "same", dilation_rate=2),),
                    ops=("SPACE_TO_BATCH_ND", "TRANSPOSE_CONV", "BATCH_TO_SPACE_ND", "ADD")),
                 r"op 0 \(SPACE_TO_BATCH_ND\) (is an op edgekit has no int8 C kernel for|has paddings)"),
    "filter_scales_axis3": (TC((1, 5, 5, 3), (_tc(3, 3, 2, "same"),), edit=_filter_scales_on_axis(3)),
                            r"op 0 \(TRANSPOSE_CONV\) has 3 filter scales on axis 3; .* axis 0"),
    "output_shape_mismatch": (TC((1, 5, 5, 3), (_tc(4, 3, 2, "same"),), edit=_wrong_output_shape),
                              r"op 0 \(TRANSPOSE_CONV\) has output_shape \[1, 11, 10, 4\] but an output tensor of "
                              r"shape \[1, 10, 10, 4\]"),
    "output_shape_not_constant": (TC((1, 5, 5, 3), (_tc(4, 3, 2, "same"),), edit=_non_constant_output_shape),
                                  r"op 0 \(TRANSPOSE_CONV\) has a non-constant output_shape"),
}


def _keras_model(tc: TC, seed: int) -> Any:
    import tf_keras as keras

    inp = keras.Input(tc.input_shape[1:], batch_size=tc.input_shape[0])
    x = inp
    for cls, kw in tc.layers:
        x = getattr(keras.layers, cls)(**kw)(x)
    model = keras.Model(inp, x)
    rng = np.random.default_rng(seed)
    for layer in model.layers:  # seeded weights, non-zero biases (a zero bias is dropped by the converter)
        weights = layer.get_weights()
        if weights:
            layer.set_weights([rng.normal(0.0, 0.4, w.shape).astype(np.float32) for w in weights])
    return model


def _convert(tc: TC, seed: int) -> bytes:
    import tensorflow as tf

    model = _keras_model(tc, seed)
    conv = tf.lite.TFLiteConverter.from_keras_model(model)
    conv.optimizations = [tf.lite.Optimize.DEFAULT]
    rng = np.random.default_rng(seed)
    conv.representative_dataset = lambda: ([rng.uniform(-2, 2, tc.input_shape).astype(np.float32)] for _ in range(24))
    io_type = tf.int16 if tc.int16 else tf.int8
    conv.target_spec.supported_ops = [tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8
                                      if tc.int16 else tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    conv.inference_input_type = conv.inference_output_type = io_type
    if tc.per_tensor:
        conv._experimental_disable_per_channel = True
    data = conv.convert()
    if tc.edit is not None:
        data = edit_flatbuffer(data, tc.edit)
    return data


@pytest.fixture(scope="session")
def tconv_models() -> dict[str, Path]:
    """Every case (kernel and refusal) converted once; cached across sessions, keyed by this file."""
    every = {**CASES, **{n: tc for n, (tc, _) in REFUSED.items()}}

    def convert(name: str, k: int) -> bytes:
        pytest.importorskip("tensorflow")
        return _convert(every[name], seed=k)

    return cached_models("tconv", [Path(__file__), Path(__file__).with_name("op_models.py")], every,
                         convert)


def _tconv(model: Any) -> Any:
    (op,) = [op for op in model.operators if op.op == "TRANSPOSE_CONV"]
    return op


# ------------------------------------------------------------------------------------------------ bit-exactness


@pytest.mark.parametrize("name", sorted(CASES))
def test_transpose_conv_matches_tflm(name: str, tconv_models: dict[str, Path], tmp_path: Path) -> None:
    from edgekit.verify import verify_model

    tc, path = CASES[name], tconv_models[name]
    model = _read(path)
    assert tuple(op.op for op in model.operators) == tc.ops, "the converter wrote a different graph"
    op = _tconv(model)
    has_bias = len(op.inputs) > 3 and op.inputs[3] >= 0
    assert has_bias == (name != "bias_index_minus_one" and all(kw.get("use_bias", True) for _, kw in tc.layers))
    n_scales = len(model.tensor(op.inputs[1]).quant.scale)
    assert n_scales == (1 if tc.per_tensor else model.tensor(op.inputs[1]).shape[0])
    report = verify_model(path, N_INPUTS, seed=7, work_dir=tmp_path / "verify")
    assert report.samples == N_INPUTS + 2  # + all -128 and all 127
    assert report.identical, (f"{name}: {report.differing_elements} elements in {report.differing_samples} samples "
                              f"differ; first bad op {report.first_bad_op}")
    text = (tmp_path / "verify" / "gen" / "model.c").read_text()
    assert text.count("ek_transpose_conv_s8(&ek_ctx") == 1


def test_fused_activation_clamp_is_applied(tconv_models: dict[str, Path]) -> None:
    """The edited activations really clamp (so the bit-exact runs above test the clamp, not a no-op range)."""
    from edgekit.converters.c_codegen.quant import activation_range

    for name, want in (("relu_clamp_bites", "RELU"), ("relu6_edited", "RELU6"),
                       ("relu_n1_to_1_edited", "RELU_N1_TO_1")):
        model = _read(tconv_models[name])
        op = _tconv(model)
        assert op.options["fused_activation_function"] == want
        assert activation_range(want, model.tensor(op.outputs[0])) != (-128, 127), name


# ------------------------------------------------------------------------------------------------ scratch and arena


def _tflm_arena(path: Path) -> tuple[int, int]:
    spec = importlib.util.spec_from_file_location("arena_vs_tflm", REPO / "benchmarks" / "arena_vs_tflm.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.tflm_arena(path)


@pytest.mark.parametrize("name", ["k3_s2_same", "k4_s2_same_nobias", "k3_s2_same_batch2", "decoder"])
def test_scratch_is_planned_as_tflm_plans_it(name: str, tconv_models: dict[str, Path], tmp_path: Path) -> None:
    """The generator asks for 4 bytes per output element; the planner places it during the op only; the generated
    code points ek_ctx at it; and the TFLM-greedy plan with this scratch is TFLite Micro's measured arena head."""
    from edgekit.converters.c_codegen.generator import generate_c, scratch_requirements

    from edgekit.analysis.budget import kernel_scratch, plan_memory
    from edgekit.analysis.planner import plan_memory as planner

    path = tconv_models[name]
    model = _read(path)
    op = _tconv(model)
    want = 4 * model.tensor(op.outputs[0]).num_elements
    for dsp in (False, True):  # the DSP convs of the decoder add their own scratch; the transpose conv's is the same
        assert kernel_scratch(model, dsp)[op.index] == want
    assert scratch_requirements(model) == {op.index: want}  # portable: nothing else needs scratch
    plan = plan_memory(model)  # what `edgekit check` prints
    buf = plan.scratch_of(op.index)
    assert buf is not None and buf.size >= want and (buf.first_op, buf.last_op) == (op.index, op.index)
    gen = generate_c(model, None, tmp_path / "gen")
    assert gen.arena_bytes == plan.arena_bytes
    assert re.search(rf"#define EK_MODEL_ARENA_BYTES\s+{plan.arena_bytes}\n", (gen.out_dir / "model.h").read_text())
    code = (gen.out_dir / "model.c").read_text()
    assert f"ek_ctx.buf = ek_arena + {buf.offset}; ek_ctx.size = {buf.size};\n    EK_RUN({op.index}, " \
           "ek_transpose_conv_s8(" in code
    _, head = _tflm_arena(path)
    greedy = planner(model, scratch=scratch_requirements(model), strategy="tflm-greedy")
    assert greedy.arena_bytes == head
    assert plan.arena_bytes <= head


def test_c_buffer_size_twin_equals_generator(tconv_models: dict[str, Path], tmp_path: Path) -> None:
    """``ek_transpose_conv_s8_buffer_size`` equals the generator's figure; a short or missing scratch is
    EK_ERR_SCRATCH and a filter that does not fit EK_ERR_ARGUMENT, with nothing written; a hand-computed call."""
    from edgekit.converters.c_codegen.generator import scratch_requirements
    from edgekit.converters.c_codegen.quant import nhwc

    models = [_read(tconv_models[n]) for n in sorted(CASES)]
    lines = []
    for model in models:
        dims = ", ".join(map(str, nhwc(model.tensor(_tconv(model).outputs[0]).shape)))
        lines.append(f'    {{ ek_dims_t d = {{{dims}}}; printf("%d\\n", (int)ek_transpose_conv_s8_buffer_size(&d)); }}')
    prog = tmp_path / "sizes.c"
    prog.write_text(
        '#include <stdio.h>\n#include <string.h>\n#include "ek_transpose_conv_s8.h"\n'
        "int main(void) {\n" + "\n".join(lines) + "\n"
        "    {\n"
        "        static int32_t scratch[16];\n"
        "        ek_context_t small = {scratch, 4 * 15}, none = {NULL, 0}, ok = {scratch, 4 * 16};\n"
        "        ek_transpose_conv_params_t p = {2, 2, 0, 0, 0, 0, {-128, 127}};\n"
        "        ek_quant_t q = {1 << 30, 1}; /* real multiplier 1.0 */\n"
        "        ek_dims_t in = {1, 2, 2, 1}, f = {1, 2, 2, 1}, bad_f = {1, 2, 2, 2}, out = {1, 4, 4, 1};\n"
        "        int8_t x[4] = {1, -2, 3, 4}, w[4] = {1, 1, 1, 1}, y[16];\n"
        "        int i, untouched = 1;\n"
        "        memset(y, 0x55, sizeof y);\n"
        '        printf("%d %d %d %d\\n", (int)ek_transpose_conv_s8(&small, &p, &q, &in, x, &f, w, NULL, NULL, &out, y),\n'
        "               (int)ek_transpose_conv_s8(&none, &p, &q, &in, x, &f, w, NULL, NULL, &out, y),\n"
        "               (int)ek_transpose_conv_s8(NULL, &p, &q, &in, x, &f, w, NULL, NULL, &out, y),\n"
        "               (int)ek_transpose_conv_s8(&ok, &p, &q, &in, x, &bad_f, w, NULL, NULL, &out, y));\n"
        "        for (i = 0; i < 16; ++i) untouched &= y[i] == 0x55;\n"
        '        printf("%d %d\\n", untouched, (int)ek_transpose_conv_s8(&ok, &p, &q, &in, x, &f, w, NULL, NULL, &out, y));\n'
        '        for (i = 0; i < 16; ++i) printf("%d ", (int)y[i]);\n'
        "    }\n"
        "    return 0;\n}\n"
    )
    exe = tmp_path / "sizes"
    subprocess.run(["gcc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-I", str(RUNTIME), str(prog),
                    str(RUNTIME / "ek_transpose_conv_s8.c"), "-o", str(exe)], check=True)
    out = subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout.split()
    want = [scratch_requirements(m)[_tconv(m).index] for m in models]
    assert [int(v) for v in out[: len(models)]] == want
    assert out[len(models):len(models) + 4] == ["2", "2", "2", "1"]  # EK_ERR_SCRATCH x 3, EK_ERR_ARGUMENT
    assert out[len(models) + 4:len(models) + 6] == ["1", "0"]  # nothing written on an error; EK_OK
    # stride 2, 2x2 ones, multiplier 1.0: each input value fills its own 2x2 block of the output
    assert [int(v) for v in out[len(models) + 6:]] == [1, 1, -2, -2, 1, 1, -2, -2, 3, 3, 4, 4, 3, 3, 4, 4]


def test_check_reports_macs_and_the_arena_the_firmware_gets(tconv_models: dict[str, Path], tmp_path: Path) -> None:
    """`edgekit check` on the decoder: the TRANSPOSE_CONV's MACs are input elements x KH x KW x C_out, and the
    arena printed (DSP target: the convs' DSP scratch included) is the one the generated code declares."""
    from edgekit.converters.c_codegen.generator import generate_c

    path = tconv_models["decoder"]
    model = _read(path)
    r = subprocess.run([sys.executable, "-m", "edgekit", "check", str(path), "--target", "mps2-an386", "--json", "-",
                        "--quiet"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    doc, _ = json.JSONDecoder().raw_decode(r.stdout)
    op = _tconv(model)
    x, w = model.tensor(op.inputs[2]), model.tensor(op.inputs[1])
    assert x.shape == (1, 6, 6, 4) and w.shape == (5, 4, 4, 4)
    layer = doc["layers"][op.index]
    assert layer["op"] == "TRANSPOSE_CONV" and layer["macs"] == 6 * 6 * 4 * 4 * 4 * 5
    conv_macs = sum(model.tensor(o.outputs[0]).num_elements * int(np.prod(model.tensor(o.inputs[1]).shape[1:]))
                    for o in model.operators if o.op == "CONV_2D")
    assert doc["totals"]["macs"] == layer["macs"] + conv_macs
    assert doc["verdict"]["supported"] is True
    scratch = [b for b in doc["plan"]["buffers"] if b["name"] == f"scratch:op{op.index}"]
    assert len(scratch) == 1 and scratch[0]["size"] >= 4 * 12 * 12 * 5
    gen = generate_c(model, None, tmp_path / "gen", variant="auto", cpu_dsp=True)  # mps2-an386: [cpu] dsp = true
    assert doc["totals"]["arena_bytes"] == doc["plan"]["arena_bytes"] == gen.arena_bytes


# ------------------------------------------------------------------------------------------------ refusals


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_unsupported_variants_are_refused_and_nothing_is_written(name: str, tconv_models: dict[str, Path],
                                                                 tmp_path: Path) -> None:
    tc, pattern = REFUSED[name]
    model = _read(tconv_models[name])
    assert tuple(op.op for op in model.operators) == tc.ops, "the converter wrote a different graph"
    assert_refused(model, name, pattern, tmp_path)
    if name == "int16":  # `edgekit check` plans no int8 scratch for a kernel that will not run
        from edgekit.converters.c_codegen.generator import scratch_requirements

        assert scratch_requirements(model) == {}


# ------------------------------------------------------------------------------------------------ emulated device


@pytest.mark.qemu
def test_decoder_on_emulated_cortex_m4(tconv_models: dict[str, Path], tmp_path: Path) -> None:
    """The decoder cross-compiled for mps2-an386 and run under QEMU gives TFLite Micro's bytes (edgekit bench
    compares every output with TFLM): random inputs plus all -128 and all 127."""
    path = tconv_models["decoder"]
    shape = _read(path).tensor(_read(path).inputs[0]).shape
    rng = np.random.default_rng(11)
    batch = np.stack([*(rng.integers(-128, 127, size=shape, endpoint=True).astype(np.int8) for _ in range(4)),
                      np.full(shape, -128, np.int8), np.full(shape, 127, np.int8)])
    bench_emulated(path, batch, tmp_path)


def test_code_size_estimate_is_measured(tmp_path: Path) -> None:
    """estimates.toml's TRANSPOSE_CONV code size is within 10 % of the kernel's fresh Thumb-2 measurement."""
    if shutil.which("arm-none-eabi-gcc") is None:
        pytest.skip("arm-none-eabi-gcc is not installed (make system-packages installs it)")
    from edgekit.analysis.budget import estimates

    spec = importlib.util.spec_from_file_location("kernel_code_sizes", REPO / "benchmarks" / "kernel_code_sizes.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # its dataclasses look their module up there
    spec.loader.exec_module(mod)
    measured = mod.measure_ops("mps2-an386", ["TRANSPOSE_CONV"])["TRANSPOSE_CONV"]["portable"]
    assert abs(estimates()["code_size"]["TRANSPOSE_CONV"] - measured) <= 0.10 * measured
