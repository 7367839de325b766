"""An element-wise op fed the same tensor twice (x + x, x * x, x - x, max(x, x)): the generated C built with
-Werror (it once defined an unused dims constant for the second operand) and byte-identical to TFLite Micro."""

from __future__ import annotations

from pathlib import Path

import pytest
from ai_edge_litert import schema_py_generated as s
from analysis import tinymodels as tm
from analysis.tinymodels import Op, T

from edgekit.verify import verify_model

OPS = [("ADD", "AddOptions", s.AddOptionsT), ("MUL", "MulOptions", s.MulOptionsT),
       ("SUB", "SubOptions", s.SubOptionsT), ("MAXIMUM", None, None), ("SQUARED_DIFFERENCE", None, None)]


def _model() -> bytes:
    tensors = [T("x", (1, 4, 5, 6), scale=(0.05,), zero_point=(-3,))]
    ops = []
    for i, (op, options, make) in enumerate(OPS):
        tensors.append(T(f"y{i}", (1, 4, 5, 6), scale=(0.11 + 0.01 * i,), zero_point=(i - 2,)))
        ops.append(Op(op, (0, 0), (i + 1,), (options, make()) if options else None))
    return tm.build(tensors, ops, (0,), tuple(range(1, len(tensors))))


@pytest.mark.parametrize("variant", ["portable", "dsp"])
def test_same_tensor_on_both_inputs(variant: str, tmp_path: Path) -> None:
    path = tmp_path / "same.tflite"
    path.write_bytes(_model())
    report = verify_model(path, n_inputs=20, seed=5, variant=variant, work_dir=tmp_path / "v")
    assert report.samples == 22
    assert report.identical, f"{report.differing_elements} bytes differ; first op: {report.first_bad_op}"
