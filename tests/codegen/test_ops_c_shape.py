"""Data-movement ops against TFLite Micro, byte for byte: TRANSPOSE, STRIDED_SLICE, SLICE, RESIZE_NEAREST_NEIGHBOR,
SPLIT and SPLIT_V, as the TF converter writes them from tf.transpose / Keras Permute, slicing / Cropping2D,
tf.slice, tf.image.resize (nearest, UpSampling2D) and tf.split.

Each case is converted once (cached under the system temp dir, keyed by this file and the TF version), generated
with ``generate_c``, compiled once for the host and run on 24 seeded random inputs plus all -128 and all 127 in one
process. Some cases edit the converted flatbuffer (output quantization different from the input's) to show that
these ops copy bytes with no requantization, as TFLM does; the oracle runs the same edited file. Then: what the
generator refuses (one sentence naming the op, nothing written), the offline index arithmetic on hand-computed
values, the kernels' argument checks, their build hygiene on both toolchains, and one small model chaining the
ops on an emulated Cortex-M4F.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from .kernel_checks import assert_builds_clean, assert_refuses_without_writing, kernel_sources, status_lines
from .op_models import assert_refused, bench_emulated, cached_models
from .op_models import requant_output as _requant_output
from .op_models import set_const as _set_const
from .op_models import set_option as _set_option
from .test_ops_b_kernels import Case, _convert, _generate_and_build, _run_c, _run_tflm, _samples

HERE = Path(__file__).resolve().parent
KERNELS = ("transpose", "strided_slice", "split", "resize_nearest")


def _int64_indices(s: Any, m: Any) -> None:
    """SLICE's begin and size as int64 tensors (TFLM accepts both; the converter writes int32)."""
    sg = m.subgraphs[0]
    for pos in (1, 2):
        t = sg.tensors[sg.operators[0].inputs[pos]]
        values = np.frombuffer(bytes(m.buffers[t.buffer].data), np.int32).astype(np.int64)
        t.type = s.TensorType.INT64
        m.buffers[t.buffer].data = values.view(np.uint8)


def _v1_resize(align_corners: bool = False, half_pixel_centers: bool = False) -> Callable[..., Any]:
    def fn(tf: Any, x: Any, size: tuple[int, int]) -> Any:
        return tf.compat.v1.image.resize_nearest_neighbor(x, size, align_corners=align_corners,
                                                          half_pixel_centers=half_pixel_centers)

    return fn


def _chain(tf: Any, x: Any) -> Any:
    """A small model using every op here: Permute, crop with a reversed axis, upsampling, split, slice."""
    t = tf.transpose(x, [0, 2, 1, 3])  # (1, 6, 4, 3)
    s = t[:, 1:5, ::-1, :]  # (1, 4, 4, 3)
    r = tf.image.resize(s, [8, 6], method="nearest")  # (1, 8, 6, 3)
    a, b = tf.split(r, 2, axis=1)  # (1, 4, 6, 3) each
    c, d = tf.split(b, [1, 2], axis=-1)
    return a, tf.slice(c, [0, 1, 0, 0], [-1, 2, 5, -1]), d


def _cases() -> list[Case]:
    c: list[Case] = []
    # TRANSPOSE: Keras Permute((2, 1, 3)), NHWC <-> NCHW, 2-D to 5-D.
    for i, (shape, perm) in enumerate((
        ((1, 3, 4, 5), [0, 2, 1, 3]),
        ((1, 4, 5, 3), [0, 3, 1, 2]),
        ((2, 3, 4, 5), [3, 1, 0, 2]),
        ((6, 7), [1, 0]),
        ((2, 3, 4), [2, 0, 1]),
        ((2, 3, 2, 2, 3), [4, 2, 0, 1, 3]),
    )):
        c.append(Case(f"transpose_{i}", lambda tf, x, p=perm: tf.transpose(x, p), (shape,), ops=("TRANSPOSE",)))
    c.append(Case("transpose_keras_permute", lambda tf, x: tf.keras.layers.Permute((2, 1, 3))(x), ((1, 3, 4, 5),),
                  ops=("TRANSPOSE",)))
    c.append(Case("transpose_requant", lambda tf, x: tf.transpose(x, [0, 2, 1, 3]), ((1, 3, 4, 5),),
                  ops=("TRANSPOSE",), edit=_requant_output(3.0, 17)))
    # STRIDED_SLICE: Cropping2D, negative indices and strides, shrink axes, clamped ranges, canonicalised ellipsis.
    for i, (shape, fn) in enumerate((
        ((1, 6, 7, 3), lambda tf, x: x[:, 1:-2, 2:, :]),  # Cropping2D(((1, 2), (2, 0)))
        ((1, 6, 7), lambda tf, x: x[:, ::-1, ::2]),
        ((1, 6, 7), lambda tf, x: x[:, 5:0:-2, 1]),  # negative stride and a shrunk axis
        ((1, 6, 7), lambda tf, x: x[:, -1, :]),  # shrink with a negative index
        ((1, 7, 8, 4), lambda tf, x: x[:, 1:6:2, ::3, 1:]),
        ((1, 6, 7), lambda tf, x: x[:, -10:10, 3:1:-1]),  # begin / end beyond the axis: clamped
        ((2, 6, 7), lambda tf, x: x[..., 1:3]),  # the converter rewrites the ellipsis into masks
        ((5, 6), lambda tf, x: x[::-1, ::-2]),
        ((3, 4, 5, 6), lambda tf, x: x[1:, :-1:2, ::-3, 4:1:-1]),
        ((8,), lambda tf, x: x[6:1:-2]),
        ((2, 6, 7), lambda tf, x: x[:, 4:-10:-1, 9:-9:-3]),  # backwards past the start: end clamped to -1
    )):
        c.append(Case(f"strided_slice_{i}", fn, (shape,), ops=("STRIDED_SLICE",)))
    c.append(Case("strided_slice_keras_cropping2d", lambda tf, x: tf.keras.layers.Cropping2D(((1, 2), (2, 0)))(x),
                  ((1, 6, 7, 3),), ops=("STRIDED_SLICE",)))
    c.append(Case("strided_slice_requant", lambda tf, x: x[:, 1:, ::-1], ((1, 6, 7),), ops=("STRIDED_SLICE",),
                  edit=_requant_output(0.25, -100)))
    # SLICE: size -1, 2-D to 5-D.
    for i, (shape, begin, size) in enumerate((
        ((2, 6, 7), [0, 1, 2], [-1, 3, 2]),
        ((1, 5, 6, 4), [0, 1, 1, 0], [1, 2, 3, -1]),
        ((4, 9), [1, 0], [2, 9]),
        ((2, 4, 3, 2, 3), [0, 1, 0, 1, 0], [-1, 2, 1, 1, 2]),
    )):
        c.append(Case(f"slice_{i}", lambda tf, x, b=begin, s=size: tf.slice(x, b, s), (shape,), ops=("SLICE",)))
    c.append(Case("slice_int64", lambda tf, x: tf.slice(x, [1, 0, 2], [2, -1, 3]), ((3, 4, 6),), ops=("SLICE",),
                  edit=_int64_indices))
    # RESIZE_NEAREST_NEIGHBOR: UpSampling2D (tf.image.resize: half-pixel centers), align_corners, neither, down.
    c += [
        Case("resize_upsampling2d", lambda tf, x: tf.keras.layers.UpSampling2D((2, 3))(x), ((1, 4, 3, 2),),
             ops=("RESIZE_NEAREST_NEIGHBOR",)),
        Case("resize_half_pixel_odd", lambda tf, x: tf.image.resize(x, [7, 9], method="nearest"), ((1, 4, 3, 2),),
             ops=("RESIZE_NEAREST_NEIGHBOR",)),
        Case("resize_align_corners", lambda tf, x: _v1_resize(align_corners=True)(tf, x, [7, 9]), ((1, 4, 3, 2),),
             ops=("RESIZE_NEAREST_NEIGHBOR",)),
        Case("resize_plain", lambda tf, x: _v1_resize()(tf, x, [7, 9]), ((2, 4, 3, 2),),
             ops=("RESIZE_NEAREST_NEIGHBOR",)),
        Case("resize_down_plain", lambda tf, x: _v1_resize()(tf, x, [4, 3]), ((1, 9, 10, 3),),
             ops=("RESIZE_NEAREST_NEIGHBOR",)),
        Case("resize_down_half_pixel", lambda tf, x: tf.image.resize(x, [4, 3], method="nearest"), ((1, 9, 10, 3),),
             ops=("RESIZE_NEAREST_NEIGHBOR",)),
        Case("resize_down_align_corners", lambda tf, x: _v1_resize(align_corners=True)(tf, x, [4, 3]),
             ((1, 9, 10, 3),), ops=("RESIZE_NEAREST_NEIGHBOR",)),
        Case("resize_to_1x1_align_corners", lambda tf, x: _v1_resize(align_corners=True)(tf, x, [1, 1]),
             ((1, 5, 4, 3),), ops=("RESIZE_NEAREST_NEIGHBOR",)),
        Case("resize_13x11_to_31x17", lambda tf, x: tf.image.resize(x, [31, 17], method="nearest"), ((1, 13, 11, 1),),
             ops=("RESIZE_NEAREST_NEIGHBOR",)),
        Case("resize_requant", lambda tf, x: tf.image.resize(x, [6, 6], method="nearest"), ((1, 3, 3, 2),),
             ops=("RESIZE_NEAREST_NEIGHBOR",), edit=_requant_output(2.0, 5)),
    ]
    # SPLIT / SPLIT_V: several outputs, every one a graph output.
    for i, (shape, n_or_sizes, axis) in enumerate((
        ((2, 6, 7), 3, 1),
        ((1, 4, 4, 6), 2, -1),
        ((4, 3), 2, 0),
        ((2, 6, 7), [2, 1, 4], -1),
        ((1, 5, 4, 3), [1, 3, 1], 1),
        ((3, 8), [5, 3], 1),
    )):
        op = "SPLIT" if isinstance(n_or_sizes, int) else "SPLIT_V"
        c.append(Case(f"{op.lower()}_{i}", lambda tf, x, n=n_or_sizes, a=axis: tuple(tf.split(x, n, axis=a)), (shape,),
                      ops=(op,)))
    c.append(Case("chain", _chain, ((1, 4, 6, 3),),
                  ops=("TRANSPOSE", "STRIDED_SLICE", "RESIZE_NEAREST_NEIGHBOR", "SPLIT", "SPLIT_V", "SLICE")))
    return c


CASES = {c.name: c for c in _cases()}


@pytest.fixture(scope="session")
def shape_models() -> dict[str, Path]:
    """Every case converted once (and cached across sessions while this file and TensorFlow stay the same)."""
    tf = pytest.importorskip("tensorflow")
    return cached_models("shape-ops", [Path(__file__), HERE / "test_ops_b_kernels.py", HERE / "op_models.py"], CASES,
                         lambda name, k: _convert(tf, CASES[name]))


def _graph_ops(model: Any) -> tuple[str, ...]:
    return tuple(sorted({op.op for op in model.operators}))


@pytest.mark.parametrize("name", sorted(CASES))
def test_shape_op_matches_tflm(name: str, shape_models: dict[str, Path], tmp_path: Path) -> None:
    from edgekit.converters.tflite_reader import read_model

    case = CASES[name]
    path = shape_models[name]
    model = read_model(path)
    assert _graph_ops(model) == tuple(sorted(case.ops)), "the converter wrote a different graph"
    if case.edit is _int64_indices:
        assert {model.tensor(t).dtype for t in model.operators[0].inputs[1:]} == {"int64"}
    samples = _samples(model, case)
    assert len(samples) >= 20
    exe = _generate_and_build(model, tmp_path)
    got = _run_c(model, exe, samples, tmp_path)
    want = _run_tflm(path, model, samples)
    bad = [k for k, (g, w) in enumerate(zip(got, want, strict=True)) if g != w]
    assert not bad, f"{name}: {len(bad)} of {len(samples)} samples differ from TFLite Micro (first: sample {bad[0]})"
    # A data-movement op only moves bytes: every output byte is an input byte of the same sample.
    for sample, out in zip(samples, got, strict=True):
        assert set(out) <= set(b"".join(x.tobytes() for x in sample))


def test_verify_model_on_the_chain(shape_models: dict[str, Path], tmp_path: Path) -> None:
    """The public path: ``verify_model`` (generate, compile, run 24 seeded inputs, compare with TFLM)."""
    from edgekit.verify import verify_model

    report = verify_model(shape_models["chain"], n_inputs=24, seed=3, work_dir=tmp_path / "verify")
    assert report.samples >= 24 and report.identical, report
    assert report.output_elements == 4 * 6 * 3 + 2 * 5 * 1 + 4 * 6 * 2


# ----------------------------------------------------------------------------------------------- refusals


def _reshape_output(k: int, shape: list[int]) -> Callable[[Any, Any], None]:
    def edit(s: Any, m: Any) -> None:
        sg = m.subgraphs[0]
        t = sg.tensors[sg.operators[0].outputs[k]]
        t.shape = np.array(shape, np.int32)
        t.shapeSignature = None

    return edit


REFUSED = {
    "ellipsis_mask": (
        Case("r0", lambda tf, x: x[:, 1:3], ((2, 6, 7),), edit=_set_option("StridedSliceOptionsT", ellipsisMask=1)),
        r"op 0 \(STRIDED_SLICE\) has ellipsis_mask = 1; TFLite Micro ignores it",
    ),
    "new_axis_mask": (
        Case("r1", lambda tf, x: x[:, 1:3], ((2, 6, 7),), edit=_set_option("StridedSliceOptionsT", newAxisMask=2)),
        r"op 0 \(STRIDED_SLICE\) has new_axis_mask = 2",
    ),
    "offset": (
        Case("r2", lambda tf, x: x[:, 1:3], ((2, 6, 7),), edit=_set_option("StridedSliceOptionsT", offset=True)),
        r"op 0 \(STRIDED_SLICE\) has offset = true",
    ),
    "strided_slice_5d": (
        Case("r3", lambda tf, x: x[:, ::2, 1:, :, ::-1], ((2, 4, 3, 2, 3),)),
        r"op 0 \(STRIDED_SLICE\) has a rank-5 input; TFLite Micro's STRIDED_SLICE .* covers ranks 1 to 4",
    ),
    "strided_slice_zero_stride": (
        Case("r4", lambda tf, x: x[:, 1:5:2], ((2, 6, 7),), edit=_set_const(3, [1, 0, 1])),
        r"op 0 \(STRIDED_SLICE\) has a zero stride \[1, 0, 1\]",
    ),
    "strided_slice_wrong_count": (
        Case("r5", lambda tf, x: x[:, 1:5], ((2, 6, 7),), edit=_set_const(2, [0, 3, 0])),
        r"op 0 \(STRIDED_SLICE\) selects 28 elements but its output has 56",
    ),
    "transpose_6d": (
        Case("r6", lambda tf, x: tf.transpose(x, [5, 4, 3, 2, 1, 0]), ((1, 2, 1, 2, 3, 2),)),
        r"op 0 \(TRANSPOSE\) has a rank-6 input; TFLite Micro's TRANSPOSE .* covers ranks 1 to 5",
    ),
    "slice_out_of_range": (
        Case("r7", lambda tf, x: tf.slice(x, [0, 1, 2], [-1, 3, 2]), ((2, 6, 7),), edit=_set_const(1, [0, 5, 2])),
        r"op 0 \(SLICE\) has size 3 on axis 1 \(begin 5, axis size 6\)",
    ),
    "resize_size_mismatch": (
        Case("r8", lambda tf, x: tf.image.resize(x, [6, 6], method="nearest"), ((1, 3, 3, 2),),
             edit=_set_const(1, [6, 5])),
        r"op 0 \(RESIZE_NEAREST_NEIGHBOR\) has output shape \[1, 6, 6, 2\], not \[1, 6, 5, 2\]",
    ),
    "split_unequal": (
        Case("r9", lambda tf, x: tuple(tf.split(x, 2, axis=1)), ((2, 6, 7),), edit=_reshape_output(1, [2, 2, 7])),
        r"op 0 \(SPLIT\) has outputs of different sizes; TFLite Micro's SPLIT gives every output the size of output 0",
    ),
    "split_v_not_tiling": (
        Case("r10", lambda tf, x: tuple(tf.split(x, [2, 4], axis=-1)), ((2, 6, 6),),
             edit=_reshape_output(1, [2, 6, 3])),
        r"op 0 \(SPLIT_V\) has outputs of sizes \[2, 3\] along axis 2, which do not add up to the input's 6",
    ),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_unsupported_variants_are_refused_and_nothing_is_written(name: str, tmp_path: Path) -> None:
    tf = pytest.importorskip("tensorflow")
    case, pattern = REFUSED[name]
    assert_refused(_convert(tf, case), name, pattern, tmp_path)


# ---------------------------------------------------------------------------------------- offline arithmetic


def test_strided_slice_indices_by_hand() -> None:
    from edgekit.converters.c_codegen.ops.strided_slice import resolve

    # x[5:0:-2] on 8: 5, 3, 1. Leading axes are padded with begin 0, stride 1, count 1.
    assert resolve([8], [5], [0], [-2], 0, 0, 0) == ([0, 0, 0, 0, 5], [1, 1, 1, 1, -2], [1, 1, 1, 1, 3])
    # x[::-1] with begin/end masks: from the last element down to index 0.
    assert resolve([6], [0], [0], [-1], 1, 1, 0)[0][4] == 5 and resolve([6], [0], [0], [-1], 1, 1, 0)[2][4] == 6
    # x[-10:10] clamps to the whole axis; x[-1] (shrink) reads index 5 once.
    assert resolve([6], [-10], [10], [1], 0, 0, 0)[2][4] == 6
    assert resolve([6], [-1], [0], [1], 0, 0, 1)[0][4] == 5 and resolve([6], [-1], [0], [1], 0, 0, 1)[2][4] == 1
    # An empty range (begin past end for a positive stride) selects nothing.
    assert resolve([6], [4], [2], [1], 0, 0, 0)[2][4] == 0


def test_resize_source_indices_by_hand() -> None:
    from edgekit.converters.c_codegen.ops.resize_nearest import source_indices

    # Plain: floor(i * 4/7) for 7 outputs from 4.
    assert source_indices(4, 7, False, False) == [0, 0, 1, 1, 2, 2, 3]
    # Half-pixel centres: floor((i + 0.5) * 4/7).
    assert source_indices(4, 7, False, True) == [0, 0, 1, 2, 2, 3, 3]
    # Align corners: roundf(i * 3/6) = roundf(0, .5, 1, 1.5, 2, 2.5, 3): halves away from zero.
    assert source_indices(4, 7, True, False) == [0, 1, 1, 2, 2, 3, 3]
    # Align corners to one output: the plain scale in / out is used (out_size > 1 is false).
    assert source_indices(5, 1, True, False) == [0]
    # Upsampling by 2 with half-pixel centres repeats each source twice.
    assert source_indices(3, 6, False, True) == [0, 0, 1, 1, 2, 2]


def test_transpose_params_right_align_the_permutation() -> None:
    from types import SimpleNamespace

    from edgekit.converters.c_codegen.ops.transpose import transpose_params

    tensors = {0: SimpleNamespace(shape=(2, 3, 4)), 1: SimpleNamespace(array=lambda: np.array([2, 0, 1]))}
    model = SimpleNamespace(tensor=lambda t: tensors[t])
    op = SimpleNamespace(inputs=(0, 1))
    assert transpose_params(model, op) == {"input_shape": [1, 1, 2, 3, 4], "perm": [0, 1, 4, 2, 3]}


# --------------------------------------------------------------------------------------------- C kernels

STATUS_PROGRAM = r"""
#include <stdio.h>
#include <string.h>
#include "ek_transpose_s8.h"
#include "ek_strided_slice_s8.h"
#include "ek_split_s8.h"
#include "ek_resize_nearest_s8.h"

static int8_t in[64], out[64], out2[64];

static int untouched(void)
{
    int i;
    for (i = 0; i < 64; ++i) {
        if (out[i] != 0x55 || out2[i] != 0x55) return 0;
    }
    return 1;
}

#define CHECK(name, expr)                                                  \
    do {                                                                   \
        ek_status_t s_;                                                    \
        memset(out, 0x55, sizeof out);                                     \
        memset(out2, 0x55, sizeof out2);                                   \
        s_ = (expr);                                                       \
        printf("%s %d %d\n", name, (int)s_, s_ == EK_OK ? 1 : untouched()); \
    } while (0)

int main(void)
{
    int i;
    ek_dims_t x = {1, 2, 3, 4}, y = {1, 3, 2, 4}, y_bad = {1, 3, 2, 5}, h = {1, 2, 1, 4}, h3 = {1, 2, 1, 3};
    ek_transpose_params_t tp = {{1, 1, 2, 3, 4}, {0, 1, 3, 2, 4}};
    ek_transpose_params_t tp_dup = {{1, 1, 2, 3, 4}, {0, 1, 3, 3, 4}};
    ek_strided_slice_params_t sp = {{1, 1, 2, 3, 4}, {0, 0, 0, 2, 3}, {1, 1, 1, -1, -1}, {1, 1, 2, 3, 4}};
    ek_strided_slice_params_t sp_over = {{1, 1, 2, 3, 4}, {0, 0, 0, 1, 0}, {1, 1, 1, 1, 1}, {1, 1, 2, 3, 4}};
    ek_strided_slice_params_t sp_zero = {{1, 1, 2, 3, 4}, {0, 0, 0, 0, 0}, {1, 1, 1, 0, 1}, {1, 1, 2, 3, 4}};
    static const int32_t sizes[2] = {1, 2}, sizes_bad[2] = {1, 3};
    ek_split_params_t xp = {2, 4, 2, sizes};
    ek_split_params_t xp_bad = {2, 4, 2, sizes_bad};
    ek_dims_t s1 = {1, 2, 1, 4}, s2 = {1, 2, 2, 4};
    const ek_dims_t *sd[2] = {&s1, &s2};
    int8_t *so[2] = {out, out2};
    static const int32_t ry[3] = {0, 1, 1}, rx[2] = {0, 2}, rx_bad[2] = {0, 3};
    ek_resize_nearest_params_t rp = {ry, rx}, rp_bad = {ry, rx_bad};
    ek_dims_t ro = {1, 3, 2, 4}, ro_c = {1, 3, 2, 3};
    for (i = 0; i < 64; ++i) in[i] = (int8_t)i;
    CHECK("transpose_ok", ek_transpose_s8(NULL, &tp, &x, in, &y, out));
    CHECK("transpose_dup_perm", ek_transpose_s8(NULL, &tp_dup, &x, in, &y, out));
    CHECK("transpose_bad_dims", ek_transpose_s8(NULL, &tp, &x, in, &y_bad, out));
    CHECK("slice_ok", ek_strided_slice_s8(NULL, &sp, &x, in, &x, out));
    CHECK("slice_reads_past_end", ek_strided_slice_s8(NULL, &sp_over, &x, in, &x, out));
    CHECK("slice_zero_stride", ek_strided_slice_s8(NULL, &sp_zero, &x, in, &x, out));
    CHECK("slice_bad_out", ek_strided_slice_s8(NULL, &sp, &x, in, &h, out));
    CHECK("split_ok", ek_split_s8(NULL, &xp, &y, in, sd, so));
    CHECK("split_bad_sizes", ek_split_s8(NULL, &xp_bad, &y, in, sd, so));
    CHECK("resize_ok", ek_resize_nearest_s8(NULL, &rp, &x, in, &ro, out));
    CHECK("resize_index_out_of_range", ek_resize_nearest_s8(NULL, &rp_bad, &x, in, &ro, out));
    CHECK("resize_channels_differ", ek_resize_nearest_s8(NULL, &rp, &x, in, &ro_c, out));
    (void)h3;
    return 0;
}
"""


def test_kernels_check_arguments_and_never_write_on_error(tmp_path: Path) -> None:
    assert_refuses_without_writing(status_lines(STATUS_PROGRAM, kernel_sources(KERNELS), tmp_path), 12)


@pytest.mark.parametrize("toolchain", ["host", "arm"])
def test_shape_kernels_build_warning_free_and_never_allocate(toolchain: str, tmp_path: Path) -> None:
    assert_builds_clean(toolchain, kernel_sources(KERNELS), tmp_path, allowed=frozenset({"memcpy"}))


# ------------------------------------------------------------------------------------------------ QEMU


@pytest.mark.qemu
def test_chain_on_emulated_cortex_m4(shape_models: dict[str, Path], tmp_path: Path) -> None:
    """The model chaining all six ops (three outputs), cross-compiled and run on QEMU mps2-an386."""
    from edgekit.converters.tflite_reader import read_model

    path = shape_models["chain"]
    model = read_model(path)
    samples = _samples(model, CASES["chain"])[-6:]
    data = bench_emulated(path, np.stack([s[0] for s in samples]), tmp_path)
    assert len(data["outputs"]) == len(samples) and all(len(o) == 3 for o in data["outputs"])
