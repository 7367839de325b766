"""Both kernel variants on the emulated Cortex-M4 (QEMU mps2-an386, real arm_acle.h intrinsics): outputs
byte-identical to TFLite Micro on the host, and the DSP build running in fewer instructions than the portable
one. Figures are not asserted beyond that ordering: benchmarks/mcu_variants.py measures them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import mlperf_model

pytestmark = [pytest.mark.qemu, pytest.mark.slow]


def _run(model: Path, variant: str, work: Path) -> tuple[list[int], bool, str]:
    from edgekit.bench.serial_bench import load_inputs, run_bench
    from edgekit.build import build_project
    from edgekit.flash.qemu import QemuRunner
    from edgekit.package.cortex_m import package_cortex_m
    from edgekit.package.project import load_project
    from edgekit.package.target_info import load

    out = work / variant
    package_cortex_m(model, load("mps2-an386")[1], out, variant=variant)
    build_project(out, check_budget=False)
    project = load_project(out)
    samples = [bytes(sum(s.nbytes for s in project.inputs)), *load_inputs(None, project.inputs, 2, seed=4)]
    with QemuRunner(project).do_run() as session:
        res = run_bench(project, session.url, samples, runs=1, warmup=0, timeout=120)
    return [int(r["instructions"]) for r in res.runs], res.outputs_match, (out / "model" / "model.c").read_text()


@pytest.mark.parametrize("key", ["ad", "kws"])
def test_dsp_and_portable_on_an386(key: str, tmp_path: Path) -> None:
    for tool in ("arm-none-eabi-gcc", "qemu-system-arm", "make"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} not found (make system-packages installs it)")
    model = mlperf_model(key)
    portable, ok_p, src_p = _run(model, "portable", tmp_path)
    fast, ok_d, src_d = _run(model, "dsp", tmp_path)
    assert ok_p and ok_d, "device outputs differ from TFLite Micro"
    assert "_dsp(&ek_ctx" in src_d and "_dsp(&ek_ctx" not in src_p
    # int8 inference is data independent apart from clamps: the counts barely move between inputs
    assert max(fast) < 0.4 * min(portable), (fast, portable)
