"""The DSP kernels for AVERAGE_POOL_2D / MAX_POOL_2D, broadcast ADD, DEPTHWISE_CONV_2D with a depth multiplier
>= 2 and grouped CONV_2D give TFLite Micro's bytes: hand-built models (no TensorFlow) whose ops aim at every path of
the kernels -- full channel quads and the C % 4 scalar tails, windows clipped by the padding, 256-tap windows at the
16-bit limit, fused activations that clamp, merged and unmerged broadcast runs (either input broadcast, a scalar,
5-D), odd and even multipliers, odd tap counts, reduction lengths not a multiple of 4, an odd number of filters per
group, the extreme input zero points, the exact requantization path -- run on the host
through ek_acle_host.h, and one combined model on the emulated Cortex-M4 with the real arm_acle.h. Configurations
the DSP kernels do not take keep the portable kernel (checked per op)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from ai_edge_litert import schema_py_generated as s
from analysis import tinymodels as tm
from analysis.tinymodels import Op, T
from edgekit.converters.c_codegen import dsp
from edgekit.converters.c_codegen.generator import scratch_requirements
from edgekit.converters.tflite_reader import parse_model, read_model

from edgekit.verify import verify_model

from .test_dsp_kernels import _run_c, _s8

RUNTIME = Path(__file__).resolve().parents[2] / "firmware_templates" / "runtime"
NEW_SOURCES = ("ek_max_pool2d_s8_dsp.c", "ek_avg_pool2d_s8_dsp.c", "ek_add_bcast_s8_dsp.c",
               "ek_depthwise_conv2d_mult_s8_dsp.c", "ek_conv2d_grouped_s8_dsp.c")
ARM = ["arm-none-eabi-gcc", "-mthumb", "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-c"]
M4 = ["-mcpu=cortex-m4", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"]


# ------------------------------------------------------------------------------------------------ model builders


def _i8(shape: tuple[int, ...], seed: int) -> bytes:
    return np.random.default_rng(seed).integers(-128, 128, int(np.prod(shape)), dtype=np.int8).tobytes()


def _i32(n: int, seed: int) -> bytes:
    return np.random.default_rng(seed).integers(-20000, 20000, n).astype("<i4").tobytes()


def _act(name: str) -> int:
    return getattr(s.ActivationFunctionType, name)


def _pool(k: tuple[int, int], stride: tuple[int, int], padding: str, act: str = "NONE") -> tuple[str, object]:
    o = s.Pool2DOptionsT()
    o.filterHeight, o.filterWidth = k
    o.strideH, o.strideW = stride
    o.padding = getattr(s.Padding, padding)
    o.fusedActivationFunction = _act(act)
    return "Pool2DOptions", o


def _out_hw(h: int, w: int, k: tuple[int, int], stride: tuple[int, int], padding: str,
            dilation: int = 1) -> tuple[int, int]:
    if padding == "SAME":
        return -(-h // stride[0]), -(-w // stride[1])
    eff = [(kk - 1) * dilation + 1 for kk in k]
    return (h - eff[0]) // stride[0] + 1, (w - eff[1]) // stride[1] + 1


# Pooling: (input, op, window, stride, padding, activation). Inputs and outputs share scale and zero point.
POOL_INPUTS = {"x8": ((2, 9, 10, 8), -3), "x7": ((1, 7, 9, 7), 5), "x4": ((1, 16, 16, 4), 0),
               "x4b": ((1, 17, 16, 4), -128), "x13": ((1, 6, 5, 13), 127)}
POOL_OPS = [
    ("x8", "MAX_POOL_2D", (2, 2), (2, 2), "VALID", "NONE"),
    ("x8", "MAX_POOL_2D", (3, 3), (2, 2), "SAME", "RELU6"),  # clamps at both ends (scale 0.05: 6.0 -> 117)
    ("x8", "MAX_POOL_2D", (3, 3), (1, 1), "SAME", "RELU"),
    ("x7", "MAX_POOL_2D", (2, 3), (1, 2), "VALID", "NONE"),
    ("x7", "MAX_POOL_2D", (3, 3), (2, 2), "SAME", "RELU_N1_TO_1"),
    ("x13", "MAX_POOL_2D", (6, 5), (1, 1), "SAME", "NONE"),  # every window clipped by the padding
    ("x8", "AVERAGE_POOL_2D", (2, 2), (2, 2), "VALID", "NONE"),
    ("x8", "AVERAGE_POOL_2D", (3, 3), (2, 2), "SAME", "RELU"),
    ("x8", "AVERAGE_POOL_2D", (5, 5), (1, 1), "SAME", "RELU6"),
    ("x7", "AVERAGE_POOL_2D", (3, 2), (2, 1), "SAME", "NONE"),
    ("x13", "AVERAGE_POOL_2D", (6, 5), (1, 1), "VALID", "NONE"),  # global: one 30-tap window
    ("x4", "AVERAGE_POOL_2D", (16, 16), (1, 1), "VALID", "NONE"),  # 256 taps: |sum| reaches 2^15 at the extremes
    ("x4", "AVERAGE_POOL_2D", (16, 16), (4, 4), "SAME", "NONE"),
    ("x4b", "AVERAGE_POOL_2D", (17, 16), (1, 1), "VALID", "NONE"),  # 272 taps: the portable kernel
]


def _pools_model() -> bytes:
    names = list(POOL_INPUTS)
    tensors = [T(n, POOL_INPUTS[n][0], scale=(0.05,), zero_point=(POOL_INPUTS[n][1],)) for n in names]
    ops = []
    for i, (src, op, k, stride, padding, act) in enumerate(POOL_OPS):
        shape, zp = POOL_INPUTS[src]
        oh, ow = _out_hw(shape[1], shape[2], k, stride, padding)
        tensors.append(T(f"y{i}", (shape[0], oh, ow, shape[3]), scale=(0.05,), zero_point=(zp,)))
        ops.append(Op(op, (names.index(src),), (len(tensors) - 1,), _pool(k, stride, padding, act)))
    outputs = tuple(range(len(names), len(tensors)))
    return tm.build(tensors, ops, tuple(range(len(names))), outputs)


# ADD: (input a, input b, output scale, activation). Shapes broadcast NumPy-style.
ADD_INPUTS = {"a": ((1, 5, 6, 12), 0.05, -4), "c": ((1, 1, 1, 12), 0.02, 10), "d": ((1, 5, 6, 1), 0.07, -128),
              "k": ((1,), 0.03, 127), "e": ((2, 1, 3, 1, 4), 0.04, 3), "f": ((1, 3, 1, 5, 1), 0.06, -7),
              "g": ((1, 5, 1, 3), 0.05, 0), "h": ((1, 1, 6, 1), 0.05, 1), "r": ((4, 7), 0.1, -20),
              "u": ((7,), 0.01, 2), "a2": ((1, 5, 6, 12), 0.03, 6)}
ADD_OPS = [
    ("a", "c", 0.08, "NONE"),  # channel broadcast: runs of 12 with both inputs contiguous
    ("c", "a", 0.06, "RELU"),  # the same, operands swapped
    ("a", "d", 0.1, "NONE"),  # input 2 broadcast along the channels: stride 0 inside the run
    ("d", "a", 0.1, "RELU6"),
    ("k", "a", 0.09, "NONE"),  # a scalar
    ("a", "k", 0.09, "RELU_N1_TO_1"),
    ("e", "f", 0.07, "NONE"),  # 5-D, both broadcast
    ("g", "h", 0.05, "RELU"),  # both broadcast, runs of 1
    ("r", "u", 0.02, "NONE"),  # rank 2
    ("a", "c", 6.0, "NONE"),  # output scale >> inputs: right shift > 21, the exact requantization path
    ("a", "a2", 0.08, "NONE"),  # same shapes: the existing same-shape kernel
]


def _adds_model() -> bytes:
    names = list(ADD_INPUTS)
    tensors = [T(n, shp, scale=(sc,), zero_point=(zp,)) for n, (shp, sc, zp) in ADD_INPUTS.items()]
    ops = []
    for i, (a, b, scale, act) in enumerate(ADD_OPS):
        out = tuple(np.broadcast_shapes(ADD_INPUTS[a][0], ADD_INPUTS[b][0]))
        tensors.append(T(f"y{i}", out, scale=(scale,), zero_point=(i - 5,)))
        o = s.AddOptionsT()
        o.fusedActivationFunction = _act(act)
        ops.append(Op("ADD", (names.index(a), names.index(b)), (len(tensors) - 1,), ("AddOptions", o)))
    return tm.build(tensors, ops, tuple(range(len(names))), tuple(range(len(names), len(tensors))))


# DEPTHWISE: (input shape, zero point, kernel, multiplier, stride, dilation, padding, activation, bias, weight scale)
DW_OPS = [
    ((1, 6, 7, 8), -128, (3, 3), 2, 1, 1, "SAME", "NONE", True, 0.01),  # two quads, 9 taps (odd)
    ((1, 9, 8, 5), 127, (5, 5), 3, 2, 1, "SAME", "RELU", True, 0.01),  # a quad and a tail channel, odd multiplier
    ((2, 7, 8, 4), -3, (2, 3), 4, 1, 2, "VALID", "RELU6", True, 0.01),  # batches, dilation, even tap count
    ((1, 5, 5, 3), 9, (3, 3), 2, 1, 1, "SAME", "NONE", False, 0.01),  # tail only, no bias (2-input form)
    ((1, 6, 6, 6), 1, (3, 3), 2, 2, 1, "SAME", "NONE", True, 10.0),  # multipliers > 1: the exact path
    ((1, 4, 4, 2), 0, (1, 1), 5, 1, 1, "VALID", "NONE", True, 0.01),  # one tap (the phantom tap only)
    ((1, 10, 10, 3), 1, (9, 9), 2, 1, 1, "SAME", "NONE", True, 0.01),  # 81 taps: the portable kernel
]


def _dw_model() -> bytes:
    tensors: list[T] = []
    ops, inputs, outputs = [], [], []
    for i, (shape, zp, k, dm, stride, dil, padding, act, has_bias, wscale) in enumerate(DW_OPS):
        n, h, w, c = shape
        oc = c * dm
        oh, ow = _out_hw(h, w, k, (stride, stride), padding, dil)
        inputs.append(len(tensors))
        tensors.append(T(f"x{i}", shape, scale=(0.05,), zero_point=(zp,)))
        tensors.append(T(f"w{i}", (1, *k, oc), data=_i8((1, *k, oc), 10 + i),
                         scale=tuple(wscale * (1 + 0.1 * j) for j in range(oc)), axis=3))
        args = [inputs[-1], len(tensors) - 1]
        if has_bias:
            tensors.append(T(f"b{i}", (oc,), "int32", data=_i32(oc, 20 + i), scale=(0.05 * wscale,)))
            args.append(len(tensors) - 1)
        outputs.append(len(tensors))
        tensors.append(T(f"y{i}", (n, oh, ow, oc), scale=(0.2,), zero_point=(-6 + i,)))
        o = s.DepthwiseConv2DOptionsT()
        o.padding = getattr(s.Padding, padding)
        o.strideH = o.strideW = stride
        o.dilationHFactor = o.dilationWFactor = dil
        o.depthMultiplier = dm
        o.fusedActivationFunction = _act(act)
        ops.append(Op("DEPTHWISE_CONV_2D", tuple(args), (outputs[-1],), ("DepthwiseConv2DOptions", o)))
    return tm.build(tensors, ops, tuple(inputs), tuple(outputs))


# CONV_2D: (input shape, zero point, kernel, filters, filter depth Cg, stride, dilation, padding, activation, bias,
# weight scale); groups = C_in / Cg.
CONV_OPS = [
    ((1, 6, 7, 8), -128, (3, 3), 6, 4, 1, 1, "SAME", "NONE", True, 0.01),  # 2 groups of 3 filters (odd: a single)
    ((1, 9, 8, 6), 127, (5, 5), 9, 2, 2, 1, "SAME", "RELU", True, 0.01),  # 3 groups, K = 50 (padded to 52)
    ((2, 7, 8, 12), -3, (2, 3), 8, 3, 1, 2, "VALID", "RELU6", True, 0.01),  # 4 groups, batches, dilation, K = 18
    ((1, 5, 5, 4), 9, (1, 1), 4, 1, 1, 1, "VALID", "NONE", False, 0.01),  # 4 groups of one channel, no bias
    ((1, 6, 6, 6), 1, (3, 3), 4, 3, 2, 1, "SAME", "NONE", True, 10.0),  # multipliers > 1: the exact path
    ((1, 6, 6, 4), 2, (3, 3), 5, 4, 1, 1, "SAME", "NONE", True, 0.01),  # one group: the existing conv kernel
]


def _conv_model() -> bytes:
    tensors: list[T] = []
    ops, inputs, outputs = [], [], []
    for i, (shape, zp, k, oc, cg, stride, dil, padding, act, has_bias, wscale) in enumerate(CONV_OPS):
        n, h, w, _ = shape
        oh, ow = _out_hw(h, w, k, (stride, stride), padding, dil)
        inputs.append(len(tensors))
        tensors.append(T(f"x{i}", shape, scale=(0.05,), zero_point=(zp,)))
        tensors.append(T(f"w{i}", (oc, *k, cg), data=_i8((oc, *k, cg), 30 + i),
                         scale=tuple(wscale * (1 + 0.1 * j) for j in range(oc)), axis=0))
        args = [inputs[-1], len(tensors) - 1]
        if has_bias:
            tensors.append(T(f"b{i}", (oc,), "int32", data=_i32(oc, 40 + i), scale=(0.05 * wscale,)))
            args.append(len(tensors) - 1)
        outputs.append(len(tensors))
        tensors.append(T(f"y{i}", (n, oh, ow, oc), scale=(0.3,), zero_point=(4 - i,)))
        o = s.Conv2DOptionsT()
        o.padding = getattr(s.Padding, padding)
        o.strideH = o.strideW = stride
        o.dilationHFactor = o.dilationWFactor = dil
        o.fusedActivationFunction = _act(act)
        ops.append(Op("CONV_2D", tuple(args), (outputs[-1],), ("Conv2DOptions", o)))
    return tm.build(tensors, ops, tuple(inputs), tuple(outputs))


def _combined_model() -> bytes:
    """grouped CONV -> MAX_POOL -> DEPTHWISE (multiplier 2) -> ADD of a per-channel constant -> AVERAGE_POOL: one of
    each new kernel (with full channel quads), for the emulated board."""
    o_dw = s.DepthwiseConv2DOptionsT()
    o_dw.padding, o_dw.strideH, o_dw.strideW, o_dw.depthMultiplier = s.Padding.SAME, 1, 1, 2
    o_dw.dilationHFactor = o_dw.dilationWFactor = 1
    o_dw.fusedActivationFunction = _act("RELU")
    return tm.build(
        [T("x", (1, 12, 12, 8), scale=(0.05,), zero_point=(-2,)),
         T("wc", (8, 3, 3, 4), data=_i8((8, 3, 3, 4), 44), scale=tuple(0.01 + 0.001 * j for j in range(8))),
         T("bc", (8,), "int32", data=_i32(8, 45), scale=(0.0005,)),
         T("c1", (1, 12, 12, 8), scale=(0.06,), zero_point=(-2,)),
         T("p", (1, 6, 6, 8), scale=(0.06,), zero_point=(-2,)),
         T("w", (1, 3, 3, 16), data=_i8((1, 3, 3, 16), 41), scale=tuple(0.01 + 0.001 * j for j in range(16)), axis=3),
         T("b", (16,), "int32", data=_i32(16, 42), scale=(0.0005,)),
         T("d", (1, 6, 6, 16), scale=(0.1,), zero_point=(-128,)),
         T("c", (1, 1, 1, 16), data=_i8((16,), 43), scale=(0.02,), zero_point=(4,)),
         T("s", (1, 6, 6, 16), scale=(0.12,), zero_point=(-9,)),
         T("y", (1, 2, 2, 16), scale=(0.12,), zero_point=(-9,))],
        [Op("CONV_2D", (0, 1, 2), (3,), tm.conv_options(1, "SAME", "NONE")),
         Op("MAX_POOL_2D", (3,), (4,), _pool((2, 2), (2, 2), "VALID")),
         Op("DEPTHWISE_CONV_2D", (4, 5, 6), (7,), ("DepthwiseConv2DOptions", o_dw)),
         Op("ADD", (7, 8), (9,), ("AddOptions", s.AddOptionsT())),
         Op("AVERAGE_POOL_2D", (9,), (10,), _pool((3, 3), (3, 3), "VALID"))],
        (0,), (10,))


MODELS: dict[str, Callable[[], bytes]] = {"pools": _pools_model, "adds": _adds_model, "depthwise": _dw_model,
                                          "convs": _conv_model, "combined": _combined_model}
# the kernel each op must get with variant "dsp" ("" = the portable kernel)
EXPECTED = {
    "pools": [("ek_avg_pool2d_s8" if op == "AVERAGE_POOL_2D" and k[0] * k[1] > 256 else
               "ek_max_pool2d_s8_dsp" if op == "MAX_POOL_2D" else "ek_avg_pool2d_s8_dsp")
              for _, op, k, *_ in POOL_OPS],
    "adds": ["ek_add_s8_dsp" if ADD_INPUTS[a][0] == ADD_INPUTS[b][0] else "ek_add_bcast_s8_dsp" for a, b, *_ in ADD_OPS],
    "depthwise": ["ek_depthwise_conv2d_s8" if k[0] * k[1] > 64 else "ek_depthwise_conv2d_mult_s8_dsp"
                  for _, _, k, *_ in DW_OPS],
    "convs": ["ek_conv2d_s8_dsp" if cg == shape[3] else "ek_conv2d_grouped_s8_dsp" for shape, _, _, _, cg, *_ in CONV_OPS],
    "combined": ["ek_conv2d_grouped_s8_dsp", "ek_max_pool2d_s8_dsp", "ek_depthwise_conv2d_mult_s8_dsp", "ek_add_bcast_s8_dsp",
                 "ek_avg_pool2d_s8_dsp"],
}


@pytest.fixture(scope="session")
def model_paths(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every model of this file, built once (flatbuffers only, milliseconds)."""
    folder = tmp_path_factory.mktemp("dsp_pool_add_dw")
    paths = {}
    for name, build in MODELS.items():
        paths[name] = folder / f"{name}.tflite"
        paths[name].write_bytes(build())
    return paths


# --------------------------------------------------------------------------------------------- against TFLM


@pytest.mark.parametrize("name", ["pools", "adds", "depthwise", "convs"])
def test_dsp_kernels_match_tflm(name: str, model_paths: dict[str, Path], tmp_path: Path) -> None:
    """One compile per model, 40 random inputs plus both extremes, every output byte compared with TFLM."""
    report = verify_model(model_paths[name], n_inputs=40, seed=11, variant="dsp", work_dir=tmp_path)
    assert report.samples == 42
    assert report.identical, f"{report.differing_elements} bytes differ; first op: {report.first_bad_op}"
    src = (tmp_path / "gen" / "model.c").read_text()
    calls = [line.split("EK_RUN(", 1)[1].split(",", 1)[1].split("(", 1)[0].strip()
             for line in src.splitlines() if "EK_RUN(" in line and "#define" not in line]
    assert calls == EXPECTED[name]
    model = read_model(model_paths[name])
    assert dsp.op_variants(model, "dsp") == ["portable" if "_dsp" not in k else "dsp" for k in EXPECTED[name]]
    assert dsp.op_variants(model, "portable") == ["portable"] * len(EXPECTED[name])


def test_dw_mult_pack_layout() -> None:
    """The reordered filter: per input channel, per output-channel pair, per tap pair, w(t0,o0) w(t0,o1) w(t1,o0)
    w(t1,o1), zeros for the phantom tap and channel."""
    taps, c_in, dm = 3, 2, 3
    w = np.arange(1, taps * c_in * dm + 1, dtype=np.int8).reshape(taps, c_in * dm)  # w[t, o] = 1 + t * 6 + o
    packed = dsp.dw_mult_pack(w, dm)
    assert packed.size == c_in * 2 * 2 * 4

    def wt(t: int, o: int, ic: int) -> int:
        return int(w[t, o]) if t < taps and ic * dm <= o < (ic + 1) * dm else 0

    expected = []
    for ic in range(c_in):
        for j in range(2):
            o0 = ic * dm + 2 * j
            for p in range(2):
                expected += [wt(2 * p, o0, ic), wt(2 * p, o0 + 1, ic), wt(2 * p + 1, o0, ic), wt(2 * p + 1, o0 + 1, ic)]
    assert packed.tolist() == expected


def test_scratch_equals_the_c_buffer_size(model_paths: dict[str, Path], tmp_path: Path) -> None:
    """The generator's scratch figure per op equals the kernels' C _buffer_size (pooling needs none)."""
    model = parse_model(model_paths["depthwise"].read_bytes(), "dw")
    scratch = scratch_requirements(model, "dsp")
    lines = []
    for i, (shape, _, k, dm, *_rest) in enumerate(DW_OPS):
        if k[0] * k[1] <= 64:
            lines.append(f'printf("{i} %d\\n", (int)ek_depthwise_conv2d_mult_s8_dsp_buffer_size('
                         f"&(ek_dims_t){{{shape[0]}, {shape[1]}, {shape[2]}, {shape[3]}}}, "
                         f"&(ek_dims_t){{1, {k[0]}, {k[1]}, {shape[3] * dm}}}));")
    for i, (_, _, k, oc, cg, *_rest) in enumerate(CONV_OPS):
        lines.append(f'printf("c{i} %d\\n", (int)ek_conv2d_grouped_s8_dsp_buffer_size('
                     f"&(ek_dims_t){{{oc}, {k[0]}, {k[1]}, {cg}}}));")
    lines.append('printf("add %d\\n", (int)ek_add_bcast_s8_dsp_buffer_size());')
    out = _run_c(tmp_path, "#include <stdio.h>\n#include \"ek_depthwise_conv2d_mult_s8_dsp.h\"\n"
                 "#include \"ek_add_bcast_s8_dsp.h\"\n#include \"ek_conv2d_grouped_s8_dsp.h\"\n"
                 "int main(void) {\n" + "\n".join(lines) + "\nreturn 0;\n}\n",
                 ("ek_depthwise_conv2d_mult_s8_dsp.c", "ek_add_bcast_s8_dsp.c", "ek_conv2d_grouped_s8_dsp.c"))
    c_sizes = dict(line.split() for line in out.splitlines())
    dw_ops = [i for i, (_, _, k, *_r) in enumerate(DW_OPS) if k[0] * k[1] <= 64]
    assert {i: scratch[i] for i in dw_ops} == {i: int(c_sizes[str(i)]) for i in dw_ops}
    assert 6 not in scratch  # the 81-tap op stays portable and needs none
    adds = parse_model(model_paths["adds"].read_bytes(), "adds")
    assert set(scratch_requirements(adds, "dsp").values()) == {int(c_sizes["add"])}
    convs = parse_model(model_paths["convs"].read_bytes(), "convs")
    conv_scratch = scratch_requirements(convs, "dsp")
    grouped = [i for i, (shape, _, _, _, cg, *_r) in enumerate(CONV_OPS) if cg < shape[3]]
    assert {i: conv_scratch[i] for i in grouped} == {i: int(c_sizes[f"c{i}"]) for i in grouped}
    assert conv_scratch[1] == 3 * 52 + 24 * 9  # K = 5 * 5 * 2 = 50 -> 52
    pools = parse_model(model_paths["pools"].read_bytes(), "pools")
    assert scratch_requirements(pools, "dsp") == {}


# -------------------------------------------------------------------------------------------- C-level checks


def test_acle_byte_ops_have_arm_semantics(tmp_path: Path) -> None:
    """Host SSUB8 (byte differences, GE = a_i >= b_i signed), SEL (bytes of a where GE) and SXTAB16 (halfword-wise
    a + SXTB16(b), no carry between the halves) as the Arm ARM defines them."""
    rng = np.random.default_rng(5)
    words = [int(w) for w in rng.integers(0, 2**32, 400, dtype=np.uint64)]
    words += [0, 0xFFFFFFFF, 0x80808080, 0x7F7F7F7F, 0x807F0080, 0x0000FFFF, 0xFFFF0000, 0x7FFF7FFF]
    pairs = list(zip(words[0::2], words[1::2], strict=True))
    rows = ",".join(f"{{{a}u,{b}u}}" for a, b in pairs)
    out = _run_c(tmp_path, f"""#include <stdio.h>
#include "ek_dsp_common.h"
static const uint32_t t[][2] = {{{rows}}};
int main(void) {{
    for (unsigned i = 0; i < sizeof t / sizeof t[0]; ++i) {{
        int32_t a = (int32_t)t[i][0], b = (int32_t)t[i][1];
        uint32_t d = (uint32_t)__ssub8(a, b);
        uint32_t sel = __sel((uint32_t)a, (uint32_t)b);
        printf("%u %u %u\\n", d, sel, (unsigned)__sxtab16(a, b));
    }}
    return 0;
}}
""")
    for (a, b), line in zip(pairs, out.splitlines(), strict=True):
        d, sel, sxtab = (int(v) for v in line.split())
        ab = [(_s8(a >> (8 * i)), _s8(b >> (8 * i))) for i in range(4)]
        assert d == sum(((x - y) & 0xFF) << (8 * i) for i, (x, y) in enumerate(ab))
        assert sel == sum(((x if x >= y else y) & 0xFF) << (8 * i) for i, (x, y) in enumerate(ab))  # the max
        lo = ((a & 0xFFFF) + _s8(b)) & 0xFFFF
        hi = ((a >> 16) + _s8(b >> 16)) & 0xFFFF
        assert sxtab == lo | (hi << 16)


def test_kernels_refuse_bad_calls(tmp_path: Path) -> None:
    """Status codes: windows above the 16-bit limit, too many taps, a multiplier that does not match the shapes,
    a filter depth that does not divide the input's or groups that do not divide the filters, too little scratch;
    nothing is written on an error."""
    out = _run_c(tmp_path, r"""#include <stdio.h>
#include <string.h>
#include "ek_avg_pool2d_s8_dsp.h"
#include "ek_max_pool2d_s8_dsp.h"
#include "ek_add_bcast_s8_dsp.h"
#include "ek_depthwise_conv2d_mult_s8_dsp.h"
#include "ek_conv2d_grouped_s8_dsp.h"
static int8_t in[17 * 16 * 4], out[512];
static int32_t scratch[1024], bias[64];
static ek_quant_t q[64];
int main(void) {
    const ek_context_t ctx = {scratch, sizeof scratch}, small = {scratch, 100}, none = {NULL, 0};
    ek_pool_params_t pp = {1, 1, 17, 16, 0, 0, {-128, 127}};
    const ek_dims_t pin = {1, 17, 16, 4}, pout = {1, 1, 1, 4}, pbad = {1, 1, 1, 3};
    ek_dw_conv_params_t dp = {1, 1, 1, 1, 0, 0, 2, 0, 0, {-128, 127}};
    const ek_dims_t din = {1, 3, 3, 4}, dout = {1, 3, 3, 8}, dbig = {1, 9, 9, 8}, dbad = {1, 3, 3, 7};
    const ek_dims_t dw3 = {1, 3, 3, 8}, dw9 = {1, 9, 9, 8};
    ek_add_params_t ap = {0, 0, 0, 20, {-128, 127}, 2, {2, 4, 1, 1, 1, 1}, {0, 1, 0, 0, 0, 0},
                          {4, 1, 0, 0, 0, 0}, 1};
    const ek_add_quant_t aq = {{1 << 30, -1}, {1 << 30, -1}, {1 << 30, -19}};
    const ek_dims_t a4 = {1, 1, 1, 4}, a8 = {1, 1, 1, 8}, a9 = {1, 1, 1, 9};
    int i;
    for (i = 0; i < 64; ++i) { q[i].multiplier = 1 << 30; q[i].shift = -8; }
    memset(out, 0x55, sizeof out);
    printf("%d ", (int)ek_avg_pool2d_s8_dsp(&ctx, &pp, &pin, in, &pout, out));
    pp.filter_h = 16;
    printf("%d ", (int)ek_avg_pool2d_s8_dsp(&ctx, &pp, &pin, in, &pbad, out));
    printf("%d ", (int)ek_max_pool2d_s8_dsp(&ctx, &pp, &pin, in, &pbad, out));
    pp.stride_h = 0;
    printf("%d ", (int)ek_max_pool2d_s8_dsp(&ctx, &pp, &pin, in, &pout, out));
    printf("%d ", (int)ek_depthwise_conv2d_mult_s8_dsp(&ctx, &dp, q, &din, in, &dw9, in, NULL, bias, &dout, out));
    printf("%d ", (int)ek_depthwise_conv2d_mult_s8_dsp(&ctx, &dp, q, &din, in, &dw3, in, NULL, bias, &dbad, out));
    printf("%d ", (int)ek_depthwise_conv2d_mult_s8_dsp(&ctx, &dp, q, &din, in, &dw3, in, NULL, NULL, &dout, out));
    printf("%d ", (int)ek_depthwise_conv2d_mult_s8_dsp(&small, &dp, q, &din, in, &dw3, in, NULL, bias, &dout, out));
    dp.depth_multiplier = 3;
    printf("%d ", (int)ek_depthwise_conv2d_mult_s8_dsp(&ctx, &dp, q, &din, in, &dw3, in, NULL, bias, &dout, out));
    printf("%d ", (int)ek_add_bcast_s8_dsp(&none, &ap, &aq, &a8, in, &a4, in, &a8, out));
    printf("%d ", (int)ek_add_bcast_s8_dsp(&ctx, &ap, &aq, &a8, in, &a4, in, &a9, out));
    ap.rank = 7;
    printf("%d ", (int)ek_add_bcast_s8_dsp(&ctx, &ap, &aq, &a8, in, &a4, in, &a8, out));
    {
        const ek_conv_params_t cp = {1, 1, 1, 1, 0, 0, 0, 0, {-128, 127}};
        const ek_dims_t cin = {1, 3, 3, 6}, cf = {4, 3, 3, 4}, cf2 = {3, 3, 3, 3}, co = {1, 3, 3, 4}, co3 = {1, 3, 3, 3};
        const ek_dims_t cg = {6, 3, 3, 2}, co6 = {1, 3, 3, 6};
        printf("%d ", (int)ek_conv2d_grouped_s8_dsp(&ctx, &cp, q, &cin, in, &cf, in, NULL, bias, &co, out));
        printf("%d ", (int)ek_conv2d_grouped_s8_dsp(&ctx, &cp, q, &cin, in, &cf2, in, NULL, bias, &co3, out));
        printf("%d ", (int)ek_conv2d_grouped_s8_dsp(&small, &cp, q, &cin, in, &cg, in, NULL, bias, &co6, out));
        printf("%d ", (int)ek_conv2d_grouped_s8_dsp(&ctx, &cp, q, &cin, in, &cg, in, NULL, NULL, &co6, out));
    }
    for (i = 0; i < (int)sizeof out; ++i) { if (out[i] != 0x55) { printf("written"); return 0; } }
    (void)dbig;
    printf("clean\n");
    return 0;
}
""", NEW_SOURCES)
    u, a, s_, m = "3", "1", "2", "1"
    assert out.split() == [u, a, a, m, u, a, a, s_, a, s_, a, a, a, a, s_, a, "clean"]


@pytest.mark.skipif(shutil.which("arm-none-eabi-gcc") is None, reason="arm-none-eabi-gcc not installed")
@pytest.mark.parametrize("cpu", ["cortex-m4", "cortex-m3"])
def test_kernels_build_for_cortex_m(cpu: str, tmp_path: Path) -> None:
    """Warning-free for the M4 with the real arm_acle.h (and the byte-wise SIMD instructions are there) and for the
    M3, which has no DSP extension and takes ek_acle_host.h."""
    flags = M4 if cpu == "cortex-m4" else ["-mcpu=cortex-m3", "-mfloat-abi=soft"]
    want = {"ek_max_pool2d_s8_dsp.c": ("ssub8", "sel"), "ek_avg_pool2d_s8_dsp.c": ("sxtab16",),
            "ek_add_bcast_s8_dsp.c": ("smmulr",), "ek_depthwise_conv2d_mult_s8_dsp.c": ("smlad", "pkhbt", "sxtb16"),
            "ek_conv2d_grouped_s8_dsp.c": ("smlad", "sxtb16")}
    for src in NEW_SOURCES:
        obj = tmp_path / (src + ".o")
        subprocess.run([*ARM, *flags, "-I", str(RUNTIME), str(RUNTIME / src), "-o", str(obj)], check=True,
                       capture_output=True, text=True)
        asm = subprocess.run(["arm-none-eabi-objdump", "-d", str(obj)], check=True, capture_output=True,
                             text=True).stdout
        for insn in want[src]:
            assert (f"\t{insn}" in asm) == (cpu == "cortex-m4"), (src, insn)


# ----------------------------------------------------------------------------------------------------- QEMU


@pytest.mark.qemu
@pytest.mark.slow
def test_combined_model_on_an386(model_paths: dict[str, Path], tmp_path: Path) -> None:
    """The four new kernels on the emulated Cortex-M4 (real SSUB8/SEL/SXTAB16/SMLAD): outputs equal TFLM's on
    the host for three inputs (zeros and two random)."""
    for tool in ("arm-none-eabi-gcc", "qemu-system-arm", "make"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} not found (make system-packages installs it)")
    from edgekit.bench.serial_bench import load_inputs, run_bench
    from edgekit.build import build_project
    from edgekit.flash.qemu import QemuRunner
    from edgekit.package.cortex_m import package_cortex_m
    from edgekit.package.project import load_project
    from edgekit.package.target_info import load

    out = tmp_path / "fw"
    package_cortex_m(model_paths["combined"], load("mps2-an386")[1], out, variant="dsp")
    src = (out / "model" / "model.c").read_text()
    for kernel in EXPECTED["combined"]:
        assert f"{kernel}(&ek_ctx" in src
    build_project(out, check_budget=False)
    project = load_project(out)
    samples = [bytes(sum(x.nbytes for x in project.inputs)), *load_inputs(None, project.inputs, 2, seed=9)]
    with QemuRunner(project).do_run() as session:
        res = run_bench(project, session.url, samples, runs=1, warmup=0, timeout=120)
    assert res.outputs_match, "device outputs differ from TFLite Micro"
