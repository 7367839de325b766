"""edgekit's portable and DSP kernels on the emulated Cortex-M4 (QEMU mps2-an386), beside TFLite Micro (issue 7).

For each MLPerf Tiny model and kernel variant: package the firmware (`edgekit package` with the variant forced),
build it (`edgekit build`: sizes from the map file), boot it in QEMU with `-icount shift=0` and time one inference
on an all-zeros input over the serial protocol (SysTick counts instructions; interrupts masked in the timed
region), exactly as issue 7 measured TFLM. The device's outputs are compared with TFLite Micro on the host.

    .venv/bin/python benchmarks/mcu_variants.py [--models kws,vww,ic,ad] [--json FILE] [--profile]

The TFLM figures are constants copied from issue 7 (same machine, same QEMU, GCC 12.2 -O2); they are labelled
as such. "code" is the firmware's flash minus the model's read-only data in model.o (weights, biases,
per-channel multipliers) -- edgekit's counterpart of TFLM's "library + rest".
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MODELS_DIR = REPO.parent / "shared" / "models" / "mlperf-tiny"
MODELS = {"ic": "pretrainedResnet_quant.tflite", "kws": "kws_ref_model.tflite", "vww": "vww_96_int8.tflite",
          "ad": "ad01_int8.tflite"}
TARGET = "mps2-an386"
ISSUE = "issue 7 (TFLM on QEMU mps2-an386, -icount shift=0, GCC 12.2 -O2)"
# model: (TFLM reference kernels instr., TFLM + CMSIS-NN instr., CMSIS-NN firmware text, model array,
#         TFLM library, rest, TFLM arena on M4) -- all from issue 7
TFLM = {
    "ic": (107_273_400, 29_858_920, 179_312, 98_500, 71_081, 9_731, 54_996),
    "kws": (43_021_880, 7_697_320, 139_972, 53_940, 76_319, 9_713, 22_820),
    "vww": (100_176_800, 24_101_920, 419_324, 333_292, 76_319, 9_713, 100_708),
    "ad": (1_952_160, 582_920, 310_644, 276_980, 26_537, 7_127, 2_580),
}


@dataclass(frozen=True)
class Row:
    model: str
    variant: str
    instructions: int
    flash_code_bytes: int
    flash_total_bytes: int
    arena_bytes: int
    outputs_match: bool
    weights_bytes: int
    kernels_bytes: int
    check_estimate: int  # `edgekit check`'s latency estimate for this variant (cycles = instructions assumed)


def measure(key: str, variant: str, work: Path, profile: bool) -> tuple[Row, list[tuple[str, int]]]:
    from edgekit.bench.link import DeviceLink
    from edgekit.bench.serial_bench import run_bench
    from edgekit.build import build_project
    from edgekit.flash.qemu import QemuRunner
    from edgekit.package.cortex_m import package_cortex_m
    from edgekit.package.project import load_project
    from edgekit.package.target_info import load

    model = MODELS_DIR / MODELS[key]
    _, fw = load(TARGET)
    out = work / f"{key}-{variant}"
    package_cortex_m(model, fw, out, force=True, variant=variant)
    size = build_project(out, check_budget=False)
    project = load_project(out)
    zeros = [bytes(sum(s.nbytes for s in project.inputs))]
    with QemuRunner(project).do_run() as session:
        res = run_bench(project, session.url, zeros, runs=1, warmup=0, timeout=300)
    weights = size.breakdown.get("weights", {}).get("flash", 0)
    estimate = check_estimate(model, variant)
    row = Row(key, variant, int(res.runs[0]["instructions"]), size.flash_bytes - weights, size.flash_bytes,
              size.arena_bytes, res.outputs_match, weights, size.breakdown.get("kernels", {}).get("flash", 0),
              estimate)
    ops: list[tuple[str, int]] = []
    if profile:  # a second build with the op hook: per-op instruction counts (the hook's own cost included)
        pout = work / f"{key}-{variant}-profile"
        package_cortex_m(model, fw, pout, force=True, variant=variant)
        build_project(pout, defines=("EK_PROFILE_OPS",), check_budget=False)
        pproject = load_project(pout)
        with QemuRunner(pproject).do_run() as session, DeviceLink(session.url, timeout=300) as link:
            link.sync()
            link.upload(zeros[0])
            link.command("infer 1 0")
            for line in link.command("ek-ops"):
                if line.startswith("ek-op-"):
                    parts = line.split("-")
                    ops.append((parts[3], int(parts[-1])))
    return row, ops


def check_estimate(model: Path, variant: str) -> int:
    """What `edgekit check` estimates on this target for the variant (its calibrated per-op costs)."""
    from dataclasses import replace

    from edgekit.converters.tflite_reader import read_model
    from edgekit.targets.loader import load_target

    from edgekit.analysis.budget import latency, target_facts
    from edgekit.analysis.costs import model_cost

    facts = replace(target_facts(load_target(TARGET)), dsp=variant == "dsp")
    return latency(model_cost(read_model(model)), facts).cycles


def geomean(xs: list[float]) -> float:
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else float("nan")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", default="ic,kws,vww,ad")
    ap.add_argument("--variants", default="portable,dsp")
    ap.add_argument("--json", dest="json_path", type=Path, help="write one object per model and variant")
    ap.add_argument("--profile", action="store_true", help="also print per-op instruction counts (DSP variant)")
    ap.add_argument("--work", type=Path, help="keep the projects here (default: a temporary folder)")
    args = ap.parse_args(argv)
    keys = [k.strip() for k in args.models.split(",") if k.strip()]
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    bad = [k for k in keys if k not in MODELS]
    if bad or not MODELS_DIR.is_dir():
        print(f"unknown model(s) {bad} or no reference models in {MODELS_DIR}", file=sys.stderr)
        return 2

    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False, width=200)
    work = args.work or Path(tempfile.mkdtemp(prefix="edgekit-mcu-"))
    rows: list[Row] = []
    profiles: dict[tuple[str, str], list[tuple[str, int]]] = {}
    with console.status("") as status:
        for key in keys:
            for variant in variants:
                status.update(f"{key} / {variant}: package, build, run on QEMU {TARGET}")
                row, ops = measure(key, variant, work, args.profile and variant == "dsp")
                rows.append(row)
                if ops:
                    profiles[(key, variant)] = ops

    t = Table(title=f"Instructions per inference on QEMU {TARGET} (all-zeros input); TFLM figures from {ISSUE}")
    for col in ("model", "variant", "edgekit instr.", "TFLM ref", "TFLM+CMSIS-NN", "vs CMSIS-NN", "outputs = TFLM",
                "code B", "TFLM lib+rest B", "code ratio", "flash B", "TFLM flash B", "flash ratio", "arena B",
                "TFLM arena B", "check est.", "est./meas."):
        t.add_column(col, justify="left" if col in ("model", "variant") else "right")
    ratios: dict[str, list[float]] = {v: [] for v in variants}
    flash_ratios: dict[str, list[float]] = {v: [] for v in variants}
    for r in rows:
        ref, cmsis, text, _arr, lib, rest, arena = TFLM[r.model]
        ratio, code_ratio, flash_ratio = r.instructions / cmsis, r.flash_code_bytes / (lib + rest), r.flash_total_bytes / text
        ratios[r.variant].append(ratio)
        flash_ratios[r.variant].append(flash_ratio)
        t.add_row(r.model, r.variant, f"{r.instructions:,}", f"{ref:,}", f"{cmsis:,}", f"{ratio:.3f}x",
                  "yes" if r.outputs_match else "NO", f"{r.flash_code_bytes:,}", f"{lib + rest:,}",
                  f"{code_ratio:.3f}x", f"{r.flash_total_bytes:,}", f"{text:,}", f"{flash_ratio:.3f}x",
                  f"{r.arena_bytes:,}", f"{arena:,}", f"{r.check_estimate:,}",
                  f"{r.check_estimate / r.instructions:.3f}")
    console.print(t)
    for v in variants:
        console.print(f"{v}: geometric mean vs TFLM+CMSIS-NN instructions {geomean(ratios[v]):.3f}x "
                      f"(goal for dsp: <= 0.8x, and <= 1x on every model); total flash {geomean(flash_ratios[v]):.3f}x "
                      "(goal <= 0.6x)")
    for (key, variant), ops in profiles.items():
        pt = Table(title=f"{key} / {variant}: per-op instructions (profile build; the hook adds a few per op)")
        for col in ("op", "type", "instructions", "share"):
            pt.add_column(col, justify="left" if col == "type" else "right")
        total = sum(n for _, n in ops) or 1
        for i, (name, n) in enumerate(ops):
            pt.add_row(str(i), name, f"{n:,}", f"{100 * n / total:.1f} %")
        console.print(pt)
    if args.json_path:
        doc = [{k: v for k, v in asdict(r).items()} | {"tflm_source": ISSUE} for r in rows]
        args.json_path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    return 0 if all(r.outputs_match for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
