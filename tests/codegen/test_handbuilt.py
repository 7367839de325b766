"""Edge cases the TF converter never writes, built with the flatbuffers builder, checked byte for byte vs TFLM:
DEPTHWISE and CONV without bias, FC with a filter zero point (TFLM applies it per-tensor), a multiplier > 1
(shift > 0), and a 5-D broadcast ADD."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from ai_edge_litert import schema_py_generated as s
from analysis import tinymodels as tm
from analysis.tinymodels import Op, T

from edgekit.verify import verify_model


def _i8(shape: tuple[int, ...], seed: int) -> bytes:
    return np.random.default_rng(seed).integers(-127, 128, int(np.prod(shape)), dtype=np.int8).tobytes()


def _i32(values: list[int]) -> bytes:
    return np.asarray(values, dtype="<i4").tobytes()


def _dw_opts(dm: int) -> tuple[str, object]:
    o = s.DepthwiseConv2DOptionsT()
    o.padding, o.strideW, o.strideH, o.depthMultiplier = s.Padding.SAME, 1, 1, dm
    o.dilationWFactor = o.dilationHFactor = 1
    o.fusedActivationFunction = s.ActivationFunctionType.NONE
    return "DepthwiseConv2DOptions", o


def _fc_opts() -> tuple[str, object]:
    return "FullyConnectedOptions", s.FullyConnectedOptionsT()


def _add_opts() -> tuple[str, object]:
    o = s.AddOptionsT()
    o.fusedActivationFunction = s.ActivationFunctionType.RELU
    return "AddOptions", o


def _reshape_opts(shape: list[int]) -> object:
    o = s.ReshapeOptionsT()
    o.newShape = shape
    return o


def _squeeze_opts(dims: list[int]) -> object:
    o = s.SqueezeOptionsT()
    o.squeezeDims = dims
    return o


MODELS = {
    # DEPTHWISE with 2 inputs (no bias): TFLM runs it; edgekit emits an explicit zero bias.
    "dw_2_inputs": lambda: tm.build(
        [T("x", (1, 6, 6, 3), zero_point=(5,)), T("w", (1, 3, 3, 6), data=_i8((1, 3, 3, 6), 1), scale=(0.02,) * 6,
                                                   axis=3), T("y", (1, 6, 6, 6), scale=(0.05,), zero_point=(-3,))],
        [Op("DEPTHWISE_CONV_2D", (0, 1), (2,), _dw_opts(2))], (0,), (2,)),
    # CONV with a bias index of -1.
    "conv_bias_minus1": lambda: tm.build(
        [T("x", (1, 5, 5, 2), zero_point=(-7,)), T("w", (4, 3, 3, 2), data=_i8((4, 3, 3, 2), 2),
                                                    scale=(0.01, 0.02, 0.03, 0.04)),
         T("y", (1, 5, 5, 4), scale=(0.03,), zero_point=(2,))],
        [Op("CONV_2D", (0, 1, -1), (2,), tm.conv_options(1, "SAME", "NONE"))], (0,), (2,)),
    # FC per-tensor with a filter zero point of 3: TFLM applies it (ARITHMETIC.md 3.3).
    "fc_filter_zp": lambda: tm.build(
        [T("x", (2, 20), zero_point=(4,)), T("w", (6, 20), data=_i8((6, 20), 3), scale=(0.01,), zero_point=(3,)),
         T("b", (6,), "int32", data=_i32([100, -50, 7, 0, 3000, -3000]), scale=(0.001,)),
         T("y", (2, 6), scale=(0.07,), zero_point=(-1,))],
        [Op("FULLY_CONNECTED", (0, 1, 2), (3,), _fc_opts())], (0,), (3,)),
    # A real multiplier > 1 (s_in * s_w / s_out = 2.5): positive shift, the left-shift path of MBQM.
    "fc_multiplier_gt1": lambda: tm.build(
        [T("x", (1, 8), scale=(0.5,)), T("w", (3, 8), data=_i8((3, 8), 4), scale=(0.05,)),
         T("y", (1, 3), scale=(0.01,))],
        [Op("FULLY_CONNECTED", (0, 1, -1), (2,), _fc_opts())], (0,), (2,)),
    # Tensor names that would break naive C: comment ends, quotes, trigraph marks, newlines, non-ASCII.
    "weird_names": lambda: tm.build(
        [T('in */ "x" ??= \\', (1, 8), scale=(0.5,)), T("w/* é\n", (3, 8), data=_i8((3, 8), 5), scale=(0.05,)),
         T("out\t*/", (1, 3), scale=(0.1,))],
        [Op("FULLY_CONNECTED", (0, 1, -1), (2,), _fc_opts())], (0,), (2,)),
    # RESHAPE from the graph input straight to the graph output: the planner cannot alias them, so a copy.
    "reshape_io_copy": lambda: tm.build(
        [T("x", (1, 4, 6), scale=(0.1,)), T("shape", (2,), "int32", data=_i32([1, 24]), scale=None),
         T("y", (1, 24), scale=(0.1,))],
        [Op("RESHAPE", (0, 1), (2,), ("ReshapeOptions", _reshape_opts([1, 24])))], (0,), (2,)),
    # EXPAND_DIMS and SQUEEZE between two FCs: views, no code.
    "expand_squeeze_views": lambda: tm.build(
        [T("x", (1, 8), scale=(0.1,)), T("w1", (5, 8), data=_i8((5, 8), 6), scale=(0.02,)),
         T("h", (1, 5), scale=(0.08,)), T("axis", (1,), "int32", data=_i32([1]), scale=None),
         T("h3", (1, 1, 5), scale=(0.08,)), T("h2", (1, 5), scale=(0.08,)),
         T("w2", (3, 5), data=_i8((3, 5), 7), scale=(0.03,)), T("y", (1, 3), scale=(0.05,))],
        [Op("FULLY_CONNECTED", (0, 1, -1), (2,), _fc_opts()),
         Op("EXPAND_DIMS", (2, 3), (4,), ("ExpandDimsOptions", s.ExpandDimsOptionsT())),
         Op("SQUEEZE", (4,), (5,), ("SqueezeOptions", _squeeze_opts([1]))),
         Op("FULLY_CONNECTED", (5, 6, -1), (7,), _fc_opts())], (0,), (7,)),
    # 5-D broadcast ADD with a fused ReLU.
    "add_5d_broadcast": lambda: tm.build(
        [T("a", (2, 1, 3, 1, 4), scale=(0.02,), zero_point=(3,)), T("b", (1, 2, 1, 5, 1), scale=(0.05,),
                                                                     zero_point=(-9,)),
         T("y", (2, 2, 3, 5, 4), scale=(0.06,), zero_point=(-20,))],
        [Op("ADD", (0, 1), (2,), _add_opts())], (0, 1), (2,)),
}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_handbuilt_matches_tflm(name: str, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.tflite"
    path.write_bytes(MODELS[name]())
    report = verify_model(path, n_inputs=20, seed=3)
    assert report.identical, f"{report.differing_elements} bytes differ; first op: {report.first_bad_op}"


def test_views_are_free_unless_the_plan_cannot_alias(tmp_path: Path) -> None:
    from edgekit.converters.c_codegen import generate_c
    from edgekit.converters.tflite_reader import parse_model

    views = generate_c(parse_model(MODELS["expand_squeeze_views"](), "v"), None, tmp_path / "v")
    src = (views.out_dir / "model.c").read_text()
    assert "EK_RUN(1, EK_OK);" in src and "EK_RUN(2, EK_OK);" in src and "ek_copy_bytes" not in src
    copy = generate_c(parse_model(MODELS["reshape_io_copy"](), "c"), None, tmp_path / "c")
    assert "EK_RUN(0, ek_copy_bytes(" in (copy.out_dir / "model.c").read_text()


def test_dw_without_bias_gets_explicit_zero_bias(tmp_path: Path) -> None:
    from edgekit.converters.c_codegen import generate_c
    from edgekit.converters.tflite_reader import parse_model

    gen = generate_c(parse_model(MODELS["dw_2_inputs"](), "dw"), None, tmp_path / "gen")
    src = (gen.out_dir / "model.c").read_text()
    assert "static const int32_t ek_op0_zero_bias[6] = {\n    0, 0, 0, 0, 0, 0\n};" in src
