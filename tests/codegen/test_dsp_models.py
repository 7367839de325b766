"""The DSP-extension kernels (variant "dsp", run on the host through ek_acle_host.h) give TFLite Micro's bytes:
the four MLPerf Tiny models, the digits PTQ/QAT/PQAT models, the CONV/DEPTHWISE/FC single-op sweep, the
hand-built edge cases, and shapes chosen to hit every tail of the SIMD loops. The arena `edgekit check` prints
for a DSP target is the one the generated code gets, scratch included."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from analysis import tinymodels as tm
from analysis.tinymodels import Op, T
from conftest import mlperf_model
from edgekit.converters.c_codegen import generate_c
from edgekit.converters.c_codegen.dsp import DSP_VARIANTS, op_variants
from edgekit.converters.c_codegen.generator import scratch_requirements
from edgekit.converters.tflite_reader import parse_model, read_model

from edgekit.analysis.budget import plan_memory as check_plan
from edgekit.verify import verify_model

from .singleop_models import cases
from .test_handbuilt import MODELS as HANDBUILT
from .test_handbuilt import _dw_opts, _fc_opts

# TFLite Micro's arena on the M4 with CMSIS-NN (issue 7): the DSP build must not need more.
TFLM_ARENA_M4 = {"kws": 22820, "vww": 100708, "ic": 54996, "ad": 2580}
DSP_OPS = set(DSP_VARIANTS)
SWEEP = [c for c in cases() if DSP_OPS & set(c.expect_ops)]


def _assert_identical(path: Path, seed: int, work: Path | None = None) -> None:
    report = verify_model(path, n_inputs=20, seed=seed, variant="dsp", work_dir=work)
    assert report.samples == 22
    assert report.identical, f"{report.differing_elements} bytes differ; first op: {report.first_bad_op}"


@pytest.mark.slow
@pytest.mark.parametrize("key", ["kws", "vww", "ic", "ad"])
def test_mlperf_dsp_matches_tflm(key: str, tmp_path: Path) -> None:
    path = mlperf_model(key)
    model = read_model(path)
    # every CONV / DEPTHWISE / FC of these models has a DSP kernel: none silently falls back
    kinds = op_variants(model, "dsp")
    assert all(k == "dsp" for op, k in zip(model.operators, kinds, strict=True) if op.op in DSP_OPS), kinds
    _assert_identical(path, seed=1, work=tmp_path)
    src = (tmp_path / "gen" / "model.c").read_text()
    assert "_dsp(&ek_ctx" in src and "ek_conv2d_s8(&ek_ctx" not in src
    header = (tmp_path / "gen" / "model.h").read_text()
    arena = int(re.search(r"#define EK_MODEL_ARENA_BYTES\s+(\d+)", header).group(1))
    # `edgekit check` on a target with [cpu] dsp = true plans exactly this arena, scratch buffers included
    assert arena == check_plan(model, alignment=16, dsp=True).arena_bytes
    assert arena <= TFLM_ARENA_M4[key]


@pytest.mark.slow
@pytest.mark.parametrize("key", ["ptq", "qat", "pqat"])
def test_digits_dsp_matches_tflm(key: str, digits_paths: dict[str, Path]) -> None:
    _assert_identical(digits_paths[key], seed=2)


@pytest.mark.slow
@pytest.mark.parametrize("case", SWEEP, ids=[c.id for c in SWEEP])
def test_singleop_dsp_matches_tflm(case, singleop_paths: dict[str, Path]) -> None:
    _assert_identical(singleop_paths[case.id], seed=7)


@pytest.mark.parametrize("name", sorted(HANDBUILT))
def test_handbuilt_dsp_matches_tflm(name: str, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.tflite"
    path.write_bytes(HANDBUILT[name]())
    _assert_identical(path, seed=3)


def _i8(shape: tuple[int, ...], seed: int) -> bytes:
    return np.random.default_rng(seed).integers(-128, 128, int(np.prod(shape)), dtype=np.int8).tobytes()


def _i32(n: int, seed: int) -> bytes:
    return np.random.default_rng(seed).integers(-5000, 5000, n).astype("<i4").tobytes()


def _dw(shape: tuple[int, ...], k: tuple[int, int], zp_in: int, stride: int = 1, dilation: int = 1,
        padding: str = "SAME") -> bytes:
    n, h, w, c = shape
    name, o = _dw_opts(1)
    o.strideH = o.strideW = stride
    o.dilationHFactor = o.dilationWFactor = dilation
    o.padding = getattr(tm.s.Padding, padding)
    eff = [(kk - 1) * dilation + 1 for kk in k]
    oh, ow = ((h + stride - 1) // stride, (w + stride - 1) // stride) if padding == "SAME" else (
        (h - eff[0]) // stride + 1, (w - eff[1]) // stride + 1)
    return tm.build(
        [T("x", shape, scale=(0.05,), zero_point=(zp_in,)),
         T("w", (1, *k, c), data=_i8((1, *k, c), 11), scale=tuple(0.01 + 0.001 * i for i in range(c)), axis=3),
         T("b", (c,), "int32", data=_i32(c, 12), scale=(0.0005,)),
         T("y", (n, oh, ow, c), scale=(0.09,), zero_point=(-5,))],
        [Op("DEPTHWISE_CONV_2D", (0, 1, 2), (3,), (name, o))], (0,), (3,))


def _conv(shape: tuple[int, ...], k: tuple[int, int], out_c: int, zp_in: int, stride: int = 1,
          padding: str = "SAME", act: str = "NONE") -> bytes:
    n, h, w, c = shape
    oh, ow = ((h + stride - 1) // stride, (w + stride - 1) // stride) if padding == "SAME" else (
        (h - k[0]) // stride + 1, (w - k[1]) // stride + 1)
    return tm.build(
        [T("x", shape, scale=(0.05,), zero_point=(zp_in,)),
         T("w", (out_c, *k, c), data=_i8((out_c, *k, c), 21), scale=tuple(0.004 + 0.001 * i for i in range(out_c))),
         T("b", (out_c,), "int32", data=_i32(out_c, 22), scale=(0.0002,)),
         T("y", (n, oh, ow, out_c), scale=(0.2,), zero_point=(3,))],
        [Op("CONV_2D", (0, 1, 2), (3,), tm.conv_options(stride, padding, act))], (0,), (3,))


def _fc(batches: int, depth: int, units: int, zp_in: int, zp_w: int) -> bytes:
    return tm.build(
        [T("x", (batches, depth), scale=(0.05,), zero_point=(zp_in,)),
         T("w", (units, depth), data=_i8((units, depth), 31), scale=(0.01,), zero_point=(zp_w,)),
         T("b", (units,), "int32", data=_i32(units, 32), scale=(0.0005,)),
         T("y", (batches, units), scale=(0.3,), zero_point=(7,))],
        [Op("FULLY_CONNECTED", (0, 1, 2), (3,), _fc_opts())], (0,), (3,))


# Shapes that hit the SIMD loops' tails: channel counts not a multiple of 4, odd tap counts, K not a multiple of
# 4, an odd number of output pixels and channels, batches, the extreme zero points (pad value -128 and 127).
EDGE = {
    "dw_7ch_3x3_zp-128": lambda: _dw((1, 5, 6, 7), (3, 3), -128),
    "dw_5ch_5x5_s2_zp127": lambda: _dw((1, 9, 8, 5), (5, 5), 127, stride=2),
    "dw_12ch_2x3_valid": lambda: _dw((2, 6, 7, 12), (2, 3), 9, padding="VALID"),
    "dw_4ch_3x3_dil2": lambda: _dw((1, 7, 7, 4), (3, 3), -3, dilation=2),
    "dw_3ch_9x9_portable": lambda: _dw((1, 10, 10, 3), (9, 9), 1),  # 81 taps: above the DSP path's limit
    "conv_3x3_cin3_odd_out_zp-128": lambda: _conv((1, 5, 5, 3), (3, 3), 5, -128),
    "conv_1x1_direct_s2_cin6": lambda: _conv((1, 7, 7, 6), (1, 1), 4, 12, stride=2),
    "conv_3x3_cin8_s2_taps_unpacked": lambda: _conv((1, 5, 7, 8), (3, 3), 3, -128, stride=2),
    "conv_1x1_batch2_odd_pixels": lambda: _conv((2, 3, 3, 8), (1, 1), 3, 127, act="RELU"),
    "conv_5x2_valid_cin1": lambda: _conv((1, 9, 6, 1), (5, 2), 7, -1, padding="VALID", act="RELU6"),
    "fc_zp_w_batch3_odd_units": lambda: _fc(3, 37, 5, -128, 3),
    "fc_k2_zp127": lambda: _fc(1, 2, 9, 127, -2),
}


@pytest.mark.parametrize("name", sorted(EDGE))
def test_simd_tails_match_tflm(name: str, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.tflite"
    path.write_bytes(EDGE[name]())
    _assert_identical(path, seed=5)
    model = read_model(path)
    expected = "portable" if name.endswith("_portable") else "dsp"
    assert op_variants(model, "dsp") == [expected]


def test_plan_places_the_dsp_scratch(tmp_path: Path) -> None:
    """The planner reserves each DSP kernel's scratch during its op; the generated code points ek_ctx at it."""
    model = parse_model(EDGE["conv_3x3_cin3_odd_out_zp-128"](), "conv")
    scratch = scratch_requirements(model, "dsp")
    # K = 27 -> 28: 2 unpacked patches (4 * 28) + 5 channels' constants (24 each) + the int8 patch (28)
    assert scratch == {0: 5 * 28 + 24 * 5}
    assert scratch_requirements(model, "portable") == {}
    assert scratch_requirements(model, "auto", cpu_dsp=True) == scratch
    plan = check_plan(model, alignment=16, dsp=True)
    buf = plan.scratch_of(0)
    assert buf is not None and buf.size == 272 and (buf.first_op, buf.last_op) == (0, 0)
    gen = generate_c(model, plan, tmp_path / "gen", variant="dsp")
    assert f"ek_ctx.buf = ek_arena + {buf.offset}; ek_ctx.size = 272;" in (gen.out_dir / "model.c").read_text()


def test_portable_variant_is_unchanged(tmp_path: Path) -> None:
    """variant="portable" (the default) emits no DSP kernel and copies none of their files."""
    model = parse_model(EDGE["dw_7ch_3x3_zp-128"](), "dw")
    names = set(generate_c(model, None, tmp_path / "p").files)
    assert not {n for n in names if "dsp" in n or "acle" in n}
    names = set(generate_c(model, None, tmp_path / "d", variant="dsp").files)
    assert {"ek_depthwise_conv2d_s8_dsp.c", "ek_dsp_common.h", "ek_acle_host.h"} <= names
    assert "ek_depthwise_conv2d_s8.c" not in names
