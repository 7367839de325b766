"""Byte-identical outputs vs TFLite Micro for single-op models sweeping the core kernels' options."""

from __future__ import annotations

from pathlib import Path

import pytest
from edgekit.converters.tflite_reader import read_model

from edgekit.verify import verify_model

from .singleop_models import cases

CASES = cases()


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_singleop_matches_tflm(case, singleop_paths: dict[str, Path]) -> None:
    path = singleop_paths[case.id]
    ops = [op.op for op in read_model(path).operators]
    assert set(case.expect_ops) <= set(ops), f"converter produced {ops}, the case meant {case.expect_ops}"
    report = verify_model(path, n_inputs=20, seed=7)
    assert report.samples == 22
    assert report.identical, f"{report.differing_elements} bytes differ; first op: {report.first_bad_op}"


def test_sweep_covers_the_options(singleop_paths: dict[str, Path]) -> None:
    """The converted sweep really holds the option combinations the issue asks for."""
    seen: set[tuple[str, str, object]] = set()
    for path in singleop_paths.values():
        m = read_model(path)
        for op in m.operators:
            o = dict(op.options)
            for key in ("padding", "stride_h", "dilation_h_factor", "depth_multiplier", "fused_activation_function",
                        "keep_num_dims"):
                if key in o:
                    seen.add((op.op, key, o[key]))
            if len(op.inputs) > 1 and op.inputs[1] >= 0 and m.tensor(op.inputs[1]).quant is not None:
                per = "per-channel" if m.tensor(op.inputs[1]).quant.per_channel else "per-tensor"
                seen.add((op.op, "weights", per))
            if op.op == "ADD" and m.tensor(op.inputs[0]).shape != m.tensor(op.inputs[1]).shape:
                seen.add(("ADD", "broadcast", True))
    for expected in [
        ("CONV_2D", "padding", "SAME"), ("CONV_2D", "padding", "VALID"), ("CONV_2D", "stride_h", 2),
        ("CONV_2D", "dilation_h_factor", 2), ("CONV_2D", "weights", "per-tensor"), ("CONV_2D", "weights", "per-channel"),
        ("CONV_2D", "fused_activation_function", "RELU6"), ("DEPTHWISE_CONV_2D", "depth_multiplier", 3),
        ("DEPTHWISE_CONV_2D", "stride_h", 2), ("DEPTHWISE_CONV_2D", "dilation_h_factor", 2),
        ("FULLY_CONNECTED", "weights", "per-tensor"), ("FULLY_CONNECTED", "weights", "per-channel"),
        ("FULLY_CONNECTED", "keep_num_dims", True), ("AVERAGE_POOL_2D", "padding", "SAME"),
        ("MAX_POOL_2D", "padding", "VALID"), ("ADD", "broadcast", True), ("ADD", "fused_activation_function", "RELU"),
    ]:
        assert expected in seen, expected
