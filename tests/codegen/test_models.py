"""Byte-identical outputs vs TFLite Micro for the MLPerf Tiny models and the digits PTQ/QAT/PQAT models, and the
arena in model.h equal to the planner's figure that `edgekit check` prints."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import mlperf_model
from edgekit.converters.c_codegen import generate_c
from edgekit.converters.tflite_reader import read_model

from edgekit.analysis.budget import plan_memory as check_plan
from edgekit.verify import verify_model

# TFLite Micro's own planned activations ("head") for these models, from shared/models/README.md.
TFLM_HEAD = {"kws": 16000, "vww": 73728, "ic": 49152, "ad": 768}


@pytest.mark.slow
@pytest.mark.parametrize("key", ["kws", "vww", "ic", "ad"])
def test_mlperf_matches_tflm(key: str, tmp_path: Path) -> None:
    path = mlperf_model(key)
    report = verify_model(path, n_inputs=20, seed=1, work_dir=tmp_path)
    assert report.samples == 22
    assert report.identical, f"{report.differing_elements} bytes differ; first op: {report.first_bad_op}"
    header = (tmp_path / "gen" / "model.h").read_text()
    arena = int(re.search(r"#define EK_MODEL_ARENA_BYTES\s+(\d+)", header).group(1))
    assert arena == check_plan(read_model(path), alignment=16).arena_bytes == report.arena_bytes
    assert arena <= TFLM_HEAD[key]


@pytest.mark.slow
@pytest.mark.parametrize("key", ["ptq", "qat", "pqat"])
def test_digits_matches_tflm(key: str, digits_paths: dict[str, Path]) -> None:
    report = verify_model(digits_paths[key], n_inputs=20, seed=2)
    assert report.identical, f"{report.differing_elements} bytes differ; first op: {report.first_bad_op}"


def test_arena_matches_check_for_every_alignment(tmp_path: Path) -> None:
    path = mlperf_model("kws")
    m = read_model(path)
    for alignment in (4, 16, 32):
        plan = check_plan(m, alignment=alignment)
        gen = generate_c(m, plan, tmp_path / f"a{alignment}")
        text = (gen.out_dir / "model.h").read_text()
        assert f"#define EK_MODEL_ARENA_BYTES   {plan.arena_bytes}\n" in text
        assert f"ek_arena[{plan.arena_bytes}] EK_ALIGNED({alignment})" in (gen.out_dir / "model.c").read_text()


@pytest.mark.parametrize("target", ["nucleo-l4r5zi", "mps2-an386"])
def test_generate_target_arena_equals_check_json(target: str, tmp_path: Path) -> None:
    """The figure a user sees in `edgekit check --target T --json` is EK_MODEL_ARENA_BYTES of `generate --target T`."""
    import json
    import subprocess
    import sys

    path = mlperf_model("vww")
    check = subprocess.run([sys.executable, "-m", "edgekit", "check", str(path), "--target", target, "--json", "-"],
                           capture_output=True, text=True, timeout=300)
    assert check.returncode in (0, 1), check.stderr  # 1 = over budget, still a report
    arena = json.loads(check.stdout)["plan"]["arena_bytes"]
    gen = subprocess.run([sys.executable, "-m", "edgekit", "generate", str(path), "-o", str(tmp_path / "g"),
                          "--target", target], capture_output=True, text=True, timeout=300)
    assert gen.returncode == 0, gen.stderr
    header = (tmp_path / "g" / "model.h").read_text()
    assert f"#define EK_MODEL_ARENA_BYTES   {arena}\n" in header
