"""Structure ops against TFLite Micro, byte for byte: PACK, UNPACK, GATHER, DEPTH_TO_SPACE, SPACE_TO_DEPTH,
SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND, as the TF converter writes them from tf.stack / tf.unstack, tf.gather
(constant indices, and int32 indices that are graph inputs: embeddings), tf.nn.depth_to_space / space_to_depth,
tf.space_to_batch / tf.batch_to_space and dilated pooling / convolution the converter cannot fuse.

Each case is converted once (cached under the system temp dir, keyed by this file and the TF version), generated
with ``generate_c``, compiled once for the host and run on 24 seeded random inputs plus all -128 and all 127 in one
process (int32 index inputs get random valid indices). Some cases edit the converted flatbuffer (quantization of
the output different from the input's: these ops copy bytes, as TFLM does) and the oracle runs the same edited
file. SPACE_TO_BATCH_ND with non-zero paddings is refused: TFLM pads with a field it never initialises (0 in a
fresh process, other bytes once the heap was reused), so no byte-exact reference exists. Then: ``verify_model``
on the chain and single ops, what the generator refuses (one sentence naming the op, nothing written), run-time
index errors, the offline folding on hand-computed values, the kernels' argument checks and build hygiene, and
one model chaining every op on an emulated Cortex-M4F.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from edgekit.errors import EnvironmentError_
from edgekit.ir import Model

from .kernel_checks import OUTPUT_GUARD, assert_builds_clean, edit_flatbuffer, kernel_sources, status_output
from .op_models import assert_refused, bench_emulated, cached_models
from .op_models import requant_output as _requant_output
from .op_models import set_const as _set_const
from .op_models import set_option as _set_option
from .test_ops_b_kernels import N_RANDOM, Case, _generate_and_build, _run_c, _run_tflm

HERE = Path(__file__).resolve().parent
KERNELS = ("gather", "depth_to_space", "space_to_depth", "space_to_batch", "batch_to_space")

# Cases whose last inputs are int32 index tensors: name -> (shape, exclusive upper bound) of each.
INDEX_INPUTS: dict[str, tuple[tuple[tuple[int, ...], int], ...]] = {
    "gather_embedding": (((1, 7), 10),),
    "gather_runtime_axis1": (((5,), 8),),
    "gather_runtime_batch_dims": (((2, 4), 6),),
    "gather_runtime_scalar": (((), 4),),
}

_RNG = np.random.default_rng(5)
TABLE = _RNG.normal(size=(10, 6)).astype(np.float32)
CONV_W = _RNG.normal(size=(3, 3, 3, 4)).astype(np.float32)
CHAIN_W = _RNG.normal(size=(3, 3, 4, 8)).astype(np.float32)


# ------------------------------------------------------------------------------------------------ edits


def _rank5(s: Any, m: Any) -> None:
    """Op 0's first input and its output get a leading axis of 1 (rank 5; the converter writes no such op)."""
    sg = m.subgraphs[0]
    for t in (sg.operators[0].inputs[0], sg.operators[0].outputs[0]):
        sg.tensors[t].shape = np.array([1, *sg.tensors[t].shape], np.int32)
        sg.tensors[t].shapeSignature = None


def _int64_indices(s: Any, m: Any) -> None:
    """GATHER's constant indices as int64 (TFLM's GATHER refuses them)."""
    sg = m.subgraphs[0]
    t = sg.tensors[sg.operators[0].inputs[1]]
    values = np.frombuffer(bytes(m.buffers[t.buffer].data), np.int32).astype(np.int64)
    t.type = s.TensorType.INT64
    m.buffers[t.buffer].data = values.view(np.uint8)


# ------------------------------------------------------------------------------------------------ models


def _explicit_dilated_conv(tf: Any, x: Any) -> Any:
    """A dilation-2 VALID 3x3 convolution written out as the converter cannot fuse it: an op between the conv and
    BATCH_TO_SPACE_ND (as TF's with_space_to_batch builds it, plus a scale)."""
    y = tf.space_to_batch(x, [2, 2], [[0, 0], [0, 0]])
    y = tf.nn.relu(tf.nn.conv2d(y, tf.constant(CONV_W), 1, "VALID")) * 0.5
    return tf.batch_to_space(y, [2, 2], [[0, 0], [0, 0]])


def _chain(tf: Any, x: Any) -> Any:
    """Every op here in one single-input model (the QEMU case): dilated conv through SPACE_TO_BATCH_ND / CONV /
    BATCH_TO_SPACE_ND, a pixel shuffle and its inverse, unstack, stack and a constant gather."""
    y = tf.space_to_batch(x, [2, 2], [[0, 0], [0, 0]])  # (4, 5, 5, 4)
    y = tf.nn.relu(tf.nn.conv2d(y, tf.constant(CHAIN_W), 1, "VALID")) * 0.25  # (4, 3, 3, 8)
    y = tf.batch_to_space(y, [2, 2], [[0, 1], [1, 0]])  # (1, 5, 5, 8)
    d = tf.nn.depth_to_space(y, 2)  # (1, 10, 10, 2)
    s = tf.nn.space_to_depth(d[:, :9, :9, :], 3)  # (1, 3, 3, 18)
    rows = tf.unstack(s, axis=1)  # 3 x (1, 3, 18)
    p = tf.stack([rows[2], rows[0], rows[1]], axis=-1)  # (1, 3, 18, 3); an unused row would stay float
    return tf.gather(p, [3, 3, 0, 17, 5], axis=2), d


def _cases() -> list[Case]:
    c: list[Case] = []
    # PACK (tf.stack): axes, input counts, negative axis, a constant input, output quantization edited.
    c += [
        Case("pack_axis1", lambda tf, a, b: tf.stack([a, b], axis=1), ((2, 3), (2, 3)), ops=("PACK",)),
        Case("pack_axis0_3in", lambda tf, a, b, d: tf.stack([a, b, d], axis=0), ((2, 3, 4),) * 3, ops=("PACK",)),
        Case("pack_neg_axis", lambda tf, a, b: tf.stack([a, b], axis=-1), ((1, 4, 5), (1, 4, 5)), ops=("PACK",)),
        Case("pack_const", lambda tf, a: tf.stack([a, tf.constant(np.linspace(-2, 2, 12).reshape(3, 4)
                                                                   .astype("float32"))], axis=1),
             ((3, 4),), ops=("PACK",)),
        Case("pack_requant", lambda tf, a, b: tf.stack([a, b], axis=2), ((2, 3, 2), (2, 3, 2)), ops=("PACK",),
             edit=_requant_output(3.0, 11)),
    ]
    # UNPACK (tf.unstack): several outputs, every one a graph output.
    for i, (shape, axis) in enumerate((((2, 3, 4), 1), ((3, 5), 0), ((2, 3, 4), -1), ((1, 2, 3, 4), 2))):
        c.append(Case(f"unpack_{i}", lambda tf, x, a=axis: tuple(tf.unstack(x, axis=a)), (shape,), ops=("UNPACK",)))
    c.append(Case("unpack_requant", lambda tf, x: tuple(tf.unstack(x, axis=0)), ((2, 3, 4),), ops=("UNPACK",),
                  edit=_requant_output(0.5, -20)))
    # GATHER with constant indices: axes, a 2-D index, batch_dims, a scalar index (the axis disappears).
    c += [
        Case("gather_axis0", lambda tf, x: tf.gather(x, [4, 0, 2, 2, 1]), ((5, 4),), ops=("GATHER",)),
        Case("gather_axis1", lambda tf, x: tf.gather(x, [2, 0, 1, 1], axis=1), ((2, 3, 4),), ops=("GATHER",)),
        Case("gather_2d_index_last_axis", lambda tf, x: tf.gather(x, [[0, 4], [3, 3], [1, 2]], axis=-1),
             ((2, 3, 5),), ops=("GATHER",)),
        Case("gather_batch_dims", lambda tf, x: tf.gather(x, [[1, 0, 4], [2, 2, 3]], axis=1, batch_dims=1),
             ((2, 5, 3),), ops=("GATHER",)),
        Case("gather_scalar", lambda tf, x: tf.gather(x, 2, axis=1), ((3, 4, 2),), ops=("GATHER",)),
        Case("gather_requant", lambda tf, x: tf.gather(x, [1, 1, 0], axis=0), ((2, 6),), ops=("GATHER",),
             edit=_requant_output(2.0, 7)),
    ]
    # GATHER with int32 indices that are graph inputs (the last input of each case; see INDEX_INPUTS).
    c += [
        Case("gather_embedding", lambda tf, ids: tf.gather(tf.constant(TABLE), ids), (), ops=("GATHER",)),
        Case("gather_runtime_axis1", lambda tf, x, ids: tf.gather(x, ids, axis=1), ((3, 8, 4),), ops=("GATHER",)),
        Case("gather_runtime_batch_dims", lambda tf, x, ids: tf.gather(x, ids, axis=1, batch_dims=1), ((2, 6, 3),),
             ops=("GATHER",)),
        Case("gather_runtime_scalar", lambda tf, x, ids: tf.gather(x, ids, axis=0), ((4, 5),), ops=("GATHER",)),
    ]
    # DEPTH_TO_SPACE / SPACE_TO_DEPTH: block sizes 2 and 3, batches, output quantization edited.
    for i, (shape, bs) in enumerate((((1, 3, 3, 8), 2), ((2, 2, 3, 18), 3), ((1, 4, 5, 4), 2), ((1, 2, 2, 9), 3))):
        c.append(Case(f"depth_to_space_{i}", lambda tf, x, b=bs: tf.nn.depth_to_space(x, b), (shape,),
                      ops=("DEPTH_TO_SPACE",)))
    c.append(Case("depth_to_space_requant", lambda tf, x: tf.nn.depth_to_space(x, 2), ((1, 2, 2, 8),),
                  ops=("DEPTH_TO_SPACE",), edit=_requant_output(4.0, -3)))
    for i, (shape, bs) in enumerate((((1, 4, 6, 3), 2), ((2, 6, 3, 2), 3), ((1, 2, 2, 1), 2), ((1, 8, 4, 5), 4))):
        c.append(Case(f"space_to_depth_{i}", lambda tf, x, b=bs: tf.nn.space_to_depth(x, b), (shape,),
                      ops=("SPACE_TO_DEPTH",)))
    # SPACE_TO_BATCH_ND: 4-D and 3-D, block shapes, zero points away from 0 (paddings must be zero: see refusals).
    for i, (shape, block, calib) in enumerate((
        ((1, 6, 6, 3), [2, 2], (-3.0, 3.0)),
        ((2, 4, 6, 2), [2, 3], (-3.0, 3.0)),
        ((1, 6, 4, 3), [3, 1], (-1.0, 5.0)),  # input zero point far from 0
        ((1, 6, 3), [2], (-3.0, 3.0)),
        ((2, 6, 3), [3], (-0.5, 4.0)),
    )):
        pads = [[0, 0]] * len(block)
        c.append(Case(f"space_to_batch_{i}", lambda tf, x, b=block, p=pads: tf.space_to_batch(x, b, p), (shape,),
                      calib, ops=("SPACE_TO_BATCH_ND",)))
    c.append(Case("space_to_batch_requant", lambda tf, x: tf.space_to_batch(x, [2, 1], [[0, 0], [0, 0]]),
                  ((1, 4, 4, 2),), ops=("SPACE_TO_BATCH_ND",), edit=_requant_output(1.5, -40)))
    # BATCH_TO_SPACE_ND: 4-D and 3-D, with and without crops.
    for i, (shape, block, crops) in enumerate((
        ((4, 3, 3, 2), [2, 2], [[1, 0], [0, 1]]),
        ((6, 2, 3, 2), [3, 2], [[0, 2], [1, 1]]),
        ((8, 2, 2, 3), [2, 2], [[0, 0], [0, 0]]),
        ((4, 3, 2), [2], [[1, 0]]),
        ((6, 2, 3), [3], [[0, 0]]),
    )):
        c.append(Case(f"batch_to_space_{i}", lambda tf, x, b=block, cr=crops: tf.batch_to_space(x, b, cr), (shape,),
                      ops=("BATCH_TO_SPACE_ND",)))
    c.append(Case("batch_to_space_requant", lambda tf, x: tf.batch_to_space(x, [2, 2], [[0, 1], [1, 0]]),
                  ((4, 2, 2, 3),), ops=("BATCH_TO_SPACE_ND",), edit=_requant_output(0.25, 100)))
    # Dilated ops the converter leaves as SPACE_TO_BATCH_ND -> op -> BATCH_TO_SPACE_ND.
    c += [
        Case("dilated_avg_pool", lambda tf, x: tf.nn.pool(x, [3, 3], "AVG", padding="VALID", dilations=[2, 2]),
             ((1, 10, 10, 3),), ops=("SPACE_TO_BATCH_ND", "AVERAGE_POOL_2D", "BATCH_TO_SPACE_ND")),
        Case("dilated_max_pool", lambda tf, x: tf.nn.pool(x, [2, 3], "MAX", padding="VALID", dilations=[3, 2]),
             ((2, 12, 10, 2),), (-1.0, 4.0), ops=("SPACE_TO_BATCH_ND", "MAX_POOL_2D", "BATCH_TO_SPACE_ND")),
        Case("dilated_conv_unfused", _explicit_dilated_conv, ((1, 8, 8, 3),), (-1.0, 3.0),
             ops=("SPACE_TO_BATCH_ND", "CONV_2D", "MUL", "BATCH_TO_SPACE_ND")),
        Case("chain", _chain, ((1, 10, 10, 4),),
             ops=("SPACE_TO_BATCH_ND", "CONV_2D", "MUL", "BATCH_TO_SPACE_ND", "DEPTH_TO_SPACE", "STRIDED_SLICE",
                  "SPACE_TO_DEPTH", "UNPACK", "PACK", "GATHER")),
    ]
    return c


CASES = {c.name: c for c in _cases()}


def _convert_case(tf: Any, case: Case) -> bytes:
    """Full-integer int8 conversion of ``case`` (as ``test_ops_b_kernels._convert``), with int32 inputs for the
    graph-input indices of INDEX_INPUTS (valid ids in the calibration data). Autograph is off: these functions
    have no Python control flow, and a long session's autograph cache once handed one case's lambda another's
    arguments."""
    ids = INDEX_INPUTS.get(case.name, ())
    specs = [tf.TensorSpec(list(s), tf.float32) for s in case.shapes] + [tf.TensorSpec(list(s), tf.int32)
                                                                         for s, _ in ids]
    fn = tf.function(lambda *xs: case.fn(tf, *xs), input_signature=specs, autograph=False)
    conv = tf.lite.TFLiteConverter.from_concrete_functions([fn.get_concrete_function()], fn)
    conv.optimizations = [tf.lite.Optimize.DEFAULT]
    rng = np.random.default_rng(1)

    def representative():
        for _ in range(40):
            yield ([rng.uniform(*case.calib, size=s).astype(np.float32) for s in case.shapes]
                   + [rng.integers(0, hi, size=s).astype(np.int32) for s, hi in ids])

    conv.representative_dataset = representative
    conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    conv.inference_input_type = tf.int8
    conv.inference_output_type = tf.int8
    data = conv.convert()
    return data if case.edit is None else edit_flatbuffer(data, case.edit)


@pytest.fixture(scope="session")
def struct_models() -> dict[str, Path]:
    """Every case converted once (and cached across sessions while this file and TensorFlow stay the same)."""
    tf = pytest.importorskip("tensorflow")
    return cached_models("struct-ops", [Path(__file__), HERE / "op_models.py", HERE / "kernel_checks.py"], CASES,
                         lambda name, k: _convert_case(tf, CASES[name]))


def _samples(model: Model, name: str) -> list[list[np.ndarray]]:
    """24 random samples plus all -128 / all 127 for int8 inputs; int32 index inputs get random valid indices
    (the two extreme samples use index 0 and the last index)."""
    rng = np.random.default_rng(sum(name.encode()))
    bounds = dict(zip([t for t in model.inputs if model.tensor(t).dtype == "int32"],
                      [hi for _, hi in INDEX_INPUTS.get(name, ())], strict=True))
    samples: list[list[np.ndarray]] = [[] for _ in range(N_RANDOM + 2)]
    for t in model.inputs:
        tensor = model.tensor(t)
        if tensor.dtype == "int32":
            lo, hi = 0, bounds[t] - 1
            dtype: Any = np.int32
        else:
            assert tensor.dtype == "int8"
            lo, hi, dtype = -128, 127, np.int8
        for k in range(N_RANDOM):
            samples[k].append(rng.integers(lo, hi, size=tensor.shape, endpoint=True).astype(dtype))
        samples[N_RANDOM].append(np.full(tensor.shape, lo, dtype))
        samples[N_RANDOM + 1].append(np.full(tensor.shape, hi, dtype))
    return samples


def _graph_ops(model: Model) -> tuple[str, ...]:
    return tuple(sorted(op.op for op in model.operators))


@pytest.mark.parametrize("name", sorted(CASES))
def test_op_matches_tflm(name: str, struct_models: dict[str, Path], tmp_path: Path) -> None:
    from edgekit.converters.tflite_reader import read_model

    case = CASES[name]
    path = struct_models[name]
    model = read_model(path)
    assert _graph_ops(model) == tuple(sorted(case.ops)), "the converter wrote a different graph"
    if name in INDEX_INPUTS:
        assert [model.tensor(t).dtype for t in model.inputs][-1] == "int32"
        (op,) = model.operators
        assert op.inputs[1] == model.inputs[-1], "the indices must be a graph input"
    samples = _samples(model, name)
    assert len(samples) >= 20
    exe = _generate_and_build(model, tmp_path)
    got = _run_c(model, exe, samples, tmp_path)
    want = _run_tflm(path, model, samples)
    bad = [k for k, (g, w) in enumerate(zip(got, want, strict=True)) if g != w]
    assert not bad, f"{name}: {len(bad)} of {len(samples)} samples differ from TFLite Micro (first: sample {bad[0]})"
    if all(op.op in ("PACK", "UNPACK", "GATHER", "DEPTH_TO_SPACE", "SPACE_TO_DEPTH", "BATCH_TO_SPACE_ND")
           for op in model.operators) and name not in INDEX_INPUTS and name != "pack_const":
        # A pure data-movement op only moves bytes: every output byte is an input byte of the same sample.
        for sample, out in zip(samples, got, strict=True):
            assert set(out) <= set(b"".join(x.tobytes() for x in sample))


def test_verify_model_on_the_chain(struct_models: dict[str, Path], tmp_path: Path) -> None:
    """The public path: ``verify_model`` (generate, compile, run 24 seeded inputs, compare with TFLM)."""
    from edgekit.verify import verify_model

    report = verify_model(struct_models["chain"], n_inputs=24, seed=3, work_dir=tmp_path / "verify")
    assert report.samples >= 24 and report.identical, report
    assert report.output_elements == 3 * 5 * 3 + 10 * 10 * 2


@pytest.mark.parametrize("name", ["dilated_conv_unfused", "dilated_avg_pool", "gather_batch_dims", "pack_requant",
                                  "gather_embedding", "gather_runtime_batch_dims"])
def test_verify_model_on_single_ops(name: str, struct_models: dict[str, Path], tmp_path: Path) -> None:
    """``verify_model`` draws int32 GATHER index inputs (embedding ids) within the axis, so those verify too."""
    from edgekit.verify import verify_model

    report = verify_model(struct_models[name], n_inputs=22, seed=1, work_dir=tmp_path / "verify")
    assert report.samples >= 20 and report.identical, report


# --------------------------------------------------------------------------------------- run-time indices


@pytest.mark.parametrize("bad_index", [-1, 8, 1 << 30])
def test_runtime_index_out_of_range_stops_like_tflm(bad_index: int, struct_models: dict[str, Path],
                                                    tmp_path: Path) -> None:
    """An index outside the axis makes TFLM's GATHER fail; the generated C returns EK_ERR_ARGUMENT (status 1)."""
    from edgekit.converters.tflite_reader import read_model

    path = struct_models["gather_runtime_axis1"]
    model = read_model(path)
    x = np.arange(96, dtype=np.int8).reshape(3, 8, 4)
    ids = np.array([0, 7, bad_index, 1, 2], np.int32)
    exe = _generate_and_build(model, tmp_path)
    with pytest.raises(EnvironmentError_, match="status 1"):
        _run_c(model, exe, [[x, ids]], tmp_path)
    with pytest.raises(RuntimeError):
        _run_tflm(path, model, [[x, ids]])
    # The same executable still runs a valid sample afterwards, equal to TFLM.
    ok = [[x, np.array([0, 7, 3, 1, 2], np.int32)]]
    assert _run_c(model, exe, ok, tmp_path) == _run_tflm(path, model, ok)


def test_model_api_describes_the_int32_index_input(struct_models: dict[str, Path], tmp_path: Path) -> None:
    """An embedding model's input is an int32 tensor: model.c says so (EK_DTYPE_INT32, 4 bytes an element)."""
    from edgekit.converters.c_codegen.generator import generate_c
    from edgekit.converters.tflite_reader import read_model

    model = read_model(struct_models["gather_embedding"])
    generate_c(model, None, tmp_path / "gen")
    text = (tmp_path / "gen" / "model.c").read_text()
    info = next(ln for ln in text.splitlines() if "EK_DTYPE_INT32" in ln)
    assert "EK_DTYPE_INT32, 2, {1, 7, 0, 0, 0, 0}, 28," in info


# ----------------------------------------------------------------------------------------------- refusals

REFUSED = {
    "gather_int64_indices": (
        Case("r0", lambda tf, x: tf.gather(x, [2, 0, 1], axis=1), ((2, 3, 4),), edit=_int64_indices),
        r"op 0 \(GATHER\) has int64 indices; TFLite Micro's GATHER \(and edgekit's\) accepts int32 indices only",
    ),
    "gather_index_out_of_range": (
        Case("r1", lambda tf, x: tf.gather(x, [2, 0, 1], axis=1), ((2, 3, 4),), edit=_set_const(1, [2, 3, 1])),
        r"op 0 \(GATHER\) has constant index 3 outside \[0, 3\); TFLite Micro's GATHER fails on it at run time",
    ),
    "gather_negative_index": (
        Case("r2", lambda tf, x: tf.gather(x, [2, 0, 1], axis=1), ((2, 3, 4),), edit=_set_const(1, [2, -1, 1])),
        r"op 0 \(GATHER\) has constant index -1 outside \[0, 3\).*negative indices are not wrapped",
    ),
    "gather_batch_dims_beyond_axis": (
        Case("r3", lambda tf, x: tf.gather(x, [[1, 0], [2, 2]], axis=1, batch_dims=1), ((2, 3, 4),),
             edit=_set_option("GatherOptionsT", batchDims=2)),
        r"op 0 \(GATHER\) has batch_dims 2 for rank-3 params, rank-2 indices and axis 1",
    ),
    "depth_to_space_block_zero": (
        Case("r4", lambda tf, x: tf.nn.depth_to_space(x, 2), ((1, 2, 2, 8),),
             edit=_set_option("DepthToSpaceOptionsT", blockSize=0)),
        r"op 0 \(DEPTH_TO_SPACE\) has block_size 0; it must be at least 1",
    ),
    "space_to_depth_not_divisible": (
        Case("r5", lambda tf, x: tf.nn.space_to_depth(x, 2), ((1, 4, 6, 3),),
             edit=_set_option("SpaceToDepthOptionsT", blockSize=4)),
        r"op 0 \(SPACE_TO_DEPTH\) has height 4 and width 6, not both multiples of block_size 4",
    ),
    "space_to_batch_5d": (
        Case("r6", lambda tf, x: tf.space_to_batch(x, [2, 2], [[0, 0], [0, 0]]), ((1, 4, 4, 2),), edit=_rank5),
        r"op 0 \(SPACE_TO_BATCH_ND\) has a rank-5 input and a rank-5 output; TFLite Micro covers 3-D NHC and 4-D",
    ),
    "batch_to_space_5d": (
        Case("r7", lambda tf, x: tf.batch_to_space(x, [2, 2], [[0, 0], [0, 0]]), ((4, 2, 2, 2),), edit=_rank5),
        r"op 0 \(BATCH_TO_SPACE_ND\) has a rank-5 input and a rank-5 output",
    ),
    "space_to_batch_wrong_paddings": (
        Case("r8", lambda tf, x: tf.space_to_batch(x, [2, 2], [[0, 0], [0, 0]]), ((1, 6, 6, 3),),
             edit=_set_const(2, [0, 0, 0, 2])),
        r"op 0 \(SPACE_TO_BATCH_ND\) has output shape \[4, 3, 3, 3\], not \[4, 3, 4, 3\]",
    ),
    "space_to_batch_paddings": (
        Case("r11", lambda tf, x: tf.space_to_batch(x, [2, 2], [[1, 1], [2, 0]]), ((1, 6, 6, 3),)),
        r"op 0 \(SPACE_TO_BATCH_ND\) has paddings \[\[1, 1\], \[2, 0\]\]; TFLite Micro pads with a value its kernel "
        r"never initialises \(SpaceToBatchParams.output_offset\), so its padded bytes are undefined",
    ),
    "space_to_batch_3d_paddings": (
        Case("r12", lambda tf, x: tf.space_to_batch(x, [2], [[1, 1]]), ((1, 6, 3),)),
        r"op 0 \(SPACE_TO_BATCH_ND\) has paddings \[\[1, 1\]\]; TFLite Micro pads",
    ),
    "dilated_same_pool": (
        Case("r13", lambda tf, x: tf.nn.pool(x, [3, 3], "AVG", padding="VALID", dilations=[2, 2]), ((1, 9, 9, 3),)),
        r"op 0 \(SPACE_TO_BATCH_ND\) has paddings \[\[0, 1\], \[0, 1\]\]",
    ),
    "pack_values_count": (
        Case("r9", lambda tf, a, b: tf.stack([a, b], axis=1), ((2, 3), (2, 3)),
             edit=_set_option("PackOptionsT", valuesCount=3)),
        r"op 0 \(PACK\) has values_count 3 but 2 inputs",
    ),
    "unpack_num": (
        Case("r10", lambda tf, x: tuple(tf.unstack(x, axis=1)), ((2, 3, 4),), edit=_set_option("UnpackOptionsT", num=2)),
        r"op 0 \(UNPACK\) has num 2 and 3 outputs for an axis of size 3",
    ),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_unsupported_variants_are_refused_and_nothing_is_written(name: str, tmp_path: Path) -> None:
    tf = pytest.importorskip("tensorflow")
    case, pattern = REFUSED[name]
    assert_refused(_convert_case(tf, case), name, pattern, tmp_path)


# ---------------------------------------------------------------------------------------- offline folding


class _T:
    def __init__(self, shape: tuple[int, ...], values: list[Any] | None = None, dtype: str = "int32") -> None:
        self.shape, self.dtype, self._values = shape, dtype, values
        self.num_elements = int(np.prod(shape)) if shape else 1

    def array(self) -> np.ndarray:
        return np.array(self._values, np.int32)


def _model(*tensors: _T) -> Any:
    from types import SimpleNamespace

    return SimpleNamespace(tensor=lambda t: tensors[t])


def test_gather_params_by_hand() -> None:
    from types import SimpleNamespace

    from edgekit.converters.c_codegen.ops.gather import gather_params

    # params (2, 5, 3, 4), indices (2, 6), axis 2, batch_dims 1: batch 2, outer 5, axis 3, coords 6, inner 4.
    model = _model(_T((2, 5, 3, 4)), _T((2, 6)))
    op = SimpleNamespace(inputs=(0, 1), options={"axis": -2, "batch_dims": -1})
    assert gather_params(model, op) == {"batch": 2, "outer": 5, "axis_size": 3, "coords": 6, "inner": 4}
    # A scalar index on axis 0: one coordinate, everything after the axis is inner.
    op = SimpleNamespace(inputs=(0, 1), options={"axis": 0, "batch_dims": 0})
    assert gather_params(_model(_T((7, 2, 3)), _T(())), op) == {"batch": 1, "outer": 1, "axis_size": 7,
                                                                 "coords": 1, "inner": 6}


def test_space_batch_params_by_hand() -> None:
    from types import SimpleNamespace

    from edgekit.converters.c_codegen.ops.space_to_batch_nd import check_nd, nd_params

    # 3-D (2, 5, 3) with block [3] and paddings [[0, 1]]: read as (2, 5, 1, 3), block 3 x 1, output (6, 2, 3).
    model = _model(_T((2, 5, 3)), _T((1,), [3]), _T((1, 2), [[0, 1]]), _T((6, 2, 3)))
    op = SimpleNamespace(inputs=(0, 1, 2), outputs=(3,))
    assert nd_params(model, op, "pad") == {"in_n": 2, "in_h": 5, "in_w": 1, "out_n": 6, "out_h": 2, "out_w": 1,
                                           "channels": 3, "block_h": 3, "block_w": 1, "pad_top": 0, "pad_left": 0}
    assert check_nd(model, op, "space_to_batch") is None
    # BATCH_TO_SPACE_ND (6, 2, 3, 2), block [3, 2], crops [[0, 2], [1, 1]]: output (1, 4, 4, 2).
    model = _model(_T((6, 2, 3, 2)), _T((2,), [3, 2]), _T((2, 2), [[0, 2], [1, 1]]), _T((1, 4, 4, 2)))
    assert check_nd(model, op, "batch_to_space") is None
    assert nd_params(model, op, "crop")["crop_left"] == 1
    model = _model(_T((6, 2, 3, 2)), _T((2,), [3, 2]), _T((2, 2), [[0, 2], [1, 1]]), _T((1, 4, 5, 2)))
    assert check_nd(model, op, "batch_to_space") == "has output shape [1, 4, 5, 2], not [1, 4, 4, 2]"


# --------------------------------------------------------------------------------------------- C kernels

STATUS_PROGRAM = r"""
#include <stdio.h>
#include <string.h>
#include "ek_gather_s8.h"
#include "ek_depth_to_space_s8.h"
#include "ek_space_to_depth_s8.h"
#include "ek_space_to_batch_s8.h"
#include "ek_batch_to_space_s8.h"

static int8_t in[256], out[256];
""" + OUTPUT_GUARD + r"""
int main(void)
{
    int i;
    ek_dims_t g_in = {1, 2, 3, 4}, g_idx = {1, 1, 1, 5}, g_out = {1, 2, 5, 4}, g_out_bad = {1, 2, 4, 4};
    static const int32_t idx[5] = {2, 0, 1, 1, 2}, idx_neg[5] = {2, 0, -1, 1, 2}, idx_big[5] = {2, 0, 1, 3, 2};
    ek_gather_params_t gp = {1, 2, 3, 5, 4};
    ek_dims_t d_in = {1, 2, 3, 8}, d_out = {1, 4, 6, 2}, d_out_bad = {1, 4, 6, 3};
    ek_depth_to_space_params_t dp = {2}, dp_zero = {0};
    ek_space_to_depth_params_t sp = {2}, sp_three = {3};
    ek_dims_t b_in = {1, 6, 6, 3}, b_out = {4, 4, 4, 3}, b_out_bad = {4, 4, 4, 2};
    ek_space_to_batch_params_t s2b = {1, 6, 6, 4, 4, 4, 3, 2, 2, 1, 2, 0};
    ek_space_to_batch_params_t s2b_pad_value = {1, 6, 6, 4, 4, 4, 3, 2, 2, 1, 2, 200};
    ek_space_to_batch_params_t s2b_batch = {1, 6, 6, 2, 4, 4, 3, 2, 2, 1, 2, 0};
    ek_batch_to_space_params_t b2s = {4, 4, 4, 1, 6, 6, 3, 2, 2, 1, 2};
    ek_batch_to_space_params_t b2s_neg = {4, 4, 4, 1, 6, 6, 3, 2, 2, -1, 2};
    for (i = 0; i < 256; ++i) in[i] = (int8_t)i;
    CHECK("gather_ok", ek_gather_s8(NULL, &gp, &g_in, in, &g_idx, idx, &g_out, out));
    CHECK("gather_negative_index", ek_gather_s8(NULL, &gp, &g_in, in, &g_idx, idx_neg, &g_out, out));
    CHECK("gather_index_past_axis", ek_gather_s8(NULL, &gp, &g_in, in, &g_idx, idx_big, &g_out, out));
    CHECK("gather_bad_out", ek_gather_s8(NULL, &gp, &g_in, in, &g_idx, idx, &g_out_bad, out));
    CHECK("depth_to_space_ok", ek_depth_to_space_s8(NULL, &dp, &d_in, in, &d_out, out));
    CHECK("depth_to_space_block_zero", ek_depth_to_space_s8(NULL, &dp_zero, &d_in, in, &d_out, out));
    CHECK("depth_to_space_bad_out", ek_depth_to_space_s8(NULL, &dp, &d_in, in, &d_out_bad, out));
    CHECK("space_to_depth_ok", ek_space_to_depth_s8(NULL, &sp, &d_out, in, &d_in, out));
    CHECK("space_to_depth_not_divisible", ek_space_to_depth_s8(NULL, &sp_three, &d_out, in, &d_in, out));
    CHECK("space_to_batch_ok", ek_space_to_batch_s8(NULL, &s2b, &b_in, in, &b_out, out));
    CHECK("space_to_batch_pad_value", ek_space_to_batch_s8(NULL, &s2b_pad_value, &b_in, in, &b_out, out));
    CHECK("space_to_batch_batch", ek_space_to_batch_s8(NULL, &s2b_batch, &b_in, in, &b_out, out));
    CHECK("space_to_batch_bad_out", ek_space_to_batch_s8(NULL, &s2b, &b_in, in, &b_out_bad, out));
    CHECK("batch_to_space_ok", ek_batch_to_space_s8(NULL, &b2s, &b_out, in, &b_in, out));
    CHECK("batch_to_space_negative_crop", ek_batch_to_space_s8(NULL, &b2s_neg, &b_out, in, &b_in, out));
    CHECK("batch_to_space_bad_in", ek_batch_to_space_s8(NULL, &b2s, &b_out_bad, in, &b_in, out));
    {
        /* By hand: 2x2 image {1, 2, 3, 4} padded by one pixel on every side (pad value -5), block 2x2: batch
           (dy, dx) takes padded[2 oy + dy][2 ox + dx]. BATCH_TO_SPACE_ND with crops 1 undoes it; DEPTH_TO_SPACE of
           one pixel with channels {1, 2, 3, 4} is the 2x2 image. */
        static const int8_t img[4] = {1, 2, 3, 4};
        int8_t s2b_out[16], back[4], d2s_out[4];
        ek_dims_t img_dims = {1, 2, 2, 1}, s2b_dims = {4, 2, 2, 1}, px = {1, 1, 1, 4};
        ek_space_to_batch_params_t hp = {1, 2, 2, 4, 2, 2, 1, 2, 2, 1, 1, -5};
        ek_batch_to_space_params_t hb = {4, 2, 2, 1, 2, 2, 1, 2, 2, 1, 1};
        ek_depth_to_space_params_t hd = {2};
        int ok = ek_space_to_batch_s8(NULL, &hp, &img_dims, img, &s2b_dims, s2b_out) == EK_OK &&
                 ek_batch_to_space_s8(NULL, &hb, &s2b_dims, s2b_out, &img_dims, back) == EK_OK &&
                 ek_depth_to_space_s8(NULL, &hd, &px, img, &img_dims, d2s_out) == EK_OK;
        printf("hand %d 1\n", ok ? 0 : 1);
        printf("bytes");
        for (i = 0; i < 16; ++i) printf(" %d", s2b_out[i]);
        for (i = 0; i < 4; ++i) printf(" %d", back[i]);
        for (i = 0; i < 4; ++i) printf(" %d", d2s_out[i]);
        printf("\n");
    }
    return 0;
}
"""


def test_kernels_check_arguments_and_never_write_on_error(tmp_path: Path) -> None:
    lines = dict((ln.split()[0], ln.split()[1:])
                 for ln in status_output(STATUS_PROGRAM, kernel_sources(KERNELS), tmp_path).splitlines())
    hand = [int(v) for v in lines.pop("bytes")]
    for name, (status, clean) in lines.items():
        want = "0" if name.endswith("_ok") or name == "hand" else "1"
        assert status == want, f"{name}: status {status}"
        assert clean == "1", f"{name} wrote its output before failing"
    assert len(lines) == 17
    p = -5
    assert hand[:16] == [p, p, p, 4, p, p, 3, p, p, 2, p, p, 1, p, p, p]
    assert hand[16:20] == [1, 2, 3, 4] and hand[20:] == [1, 2, 3, 4]


@pytest.mark.parametrize("toolchain", ["host", "arm"])
def test_struct_kernels_build_warning_free_and_never_allocate(toolchain: str, tmp_path: Path) -> None:
    assert_builds_clean(toolchain, kernel_sources(KERNELS), tmp_path, allowed=frozenset({"memcpy", "memset"}))


# ------------------------------------------------------------------------------------------------ QEMU


@pytest.mark.qemu
@pytest.mark.parametrize("name", ["chain", "gather_embedding"])
def test_on_emulated_cortex_m4(name: str, struct_models: dict[str, Path], tmp_path: Path) -> None:
    """Cross-compiled and run on QEMU mps2-an386: the model chaining every op (dilated conv through
    SPACE_TO_BATCH_ND / BATCH_TO_SPACE_ND, pixel shuffle, unstack, stack, gather; two outputs), and the embedding
    whose input is int32 ids (sent to the device as their raw little-endian bytes)."""
    from edgekit.converters.tflite_reader import read_model

    path = struct_models[name]
    model = read_model(path)
    samples = _samples(model, name)[-6:]
    data = bench_emulated(path, np.stack([s[0] for s in samples]), tmp_path)
    n_out = len(model.outputs)
    assert n_out == (2 if name == "chain" else 1)
    assert len(data["outputs"]) == len(samples) and all(len(o) == n_out for o in data["outputs"])
