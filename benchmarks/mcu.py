"""Per model on the emulated Cortex-M4F (mps2-an386, QEMU -icount): instructions per inference, flash
(text + data) and RAM (arena + rest of data/bss + stack), with TensorFlow Lite Micro's arena figure beside
edgekit's. Outputs are checked against TFLite Micro on the host at the same time.

    python benchmarks/mcu.py [--target mps2-an386] [--json FILE] [--digits out/digits/digits_int8.tflite]
    python benchmarks/mcu.py --variants portable,dsp [--json FILE]   (issue 7: kernel variants vs TFLM)

Instructions, not cycles: QEMU does not model pipeline timing; SysTick under -icount counts instructions.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MLPERF = REPO.parent / "shared" / "models" / "mlperf-tiny"
MODELS = {"kws": "kws_ref_model.tflite", "vww": "vww_96_int8.tflite", "ic": "pretrainedResnet_quant.tflite",
          "ad": "ad01_int8.tflite"}


def measure(name: str, model: Path, target: str, work: Path) -> dict:
    from edgekit.bench.serial_bench import load_inputs, run_bench
    from edgekit.build import build_project
    from edgekit.flash.qemu import QemuRunner
    from edgekit.package import package
    from edgekit.package.project import load_project

    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from arena_vs_tflm import tflm_arena
    finally:
        sys.path.pop(0)

    out = work / name
    package(model, target, out)
    size = build_project(out, check_budget=False)
    project = load_project(out)
    inputs = load_inputs(None, project.inputs, 2, seed=0)
    with QemuRunner(project).do_run() as session:
        result = run_bench(project, session.url, inputs, runs=2, warmup=0, timeout=120)
    counts = result.summary(result.units) or {}
    tflm_total, tflm_head = tflm_arena(model)
    return {
        "model": name,
        "file": str(model),
        "target": target,
        "units": result.units,
        "per_inference": counts.get("median"),
        "per_inference_min": counts.get("min"),
        "per_inference_max": counts.get("max"),
        "flash_bytes": size.flash_bytes,
        "weights_bytes": size.breakdown.get("weights", {}).get("flash", 0),
        "ram_bytes": size.ram_bytes,
        "arena_bytes": size.arena_bytes,
        "stack_bytes": size.stack,
        "data_bss_other_bytes": size.data + size.bss - size.arena_bytes,
        "tflm_arena_total_bytes": tflm_total,
        "tflm_arena_head_bytes": tflm_head,
        "outputs_match_tflm": result.outputs_match,
    }


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--variants" in argv or any(a.startswith("--variants=") for a in argv):
        # issue 7's comparison: portable and DSP kernels per MLPerf model beside TFLM's published figures
        sys.path.insert(0, str(REPO / "benchmarks"))
        from mcu_variants import main as variants_main

        return variants_main(argv)
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--target", default="mps2-an386")
    ap.add_argument("--json", type=Path, help="write the rows as JSON")
    ap.add_argument("--digits", type=Path, default=REPO / "out" / "digits" / "digits_int8.tflite",
                    help="the digits example's int8 model (from `make demo`), included when present")
    args = ap.parse_args(argv)

    from rich.console import Console
    from rich.table import Table

    models = {k: MLPERF / f for k, f in MODELS.items() if (MLPERF / f).is_file()}
    notes = [] if models else [f"MLPerf Tiny models not found in {MLPERF}"]
    if args.digits.is_file():
        models = {"digits": args.digits, **models}
    else:
        notes.append(f"digits skipped: {args.digits} not found (run `make demo` first)")
    rows = []
    with tempfile.TemporaryDirectory(prefix="edgekit-mcu-") as d:
        for name, path in models.items():
            rows.append(measure(name, path, args.target, Path(d)))
            print(f"measured {name}", file=sys.stderr)

    table = Table(title=f"edgekit firmware on {args.target} (QEMU -icount; instructions, not cycles)")
    for col in ("model", "instr/inference", "flash B", "  weights", "RAM B", "  arena", "  stack",
                "  other data+bss", "TFLM arena total", "TFLM head", "= TFLM"):
        table.add_column(col, justify="left" if col in ("model", "= TFLM") else "right")
    for r in rows:
        table.add_row(r["model"], f"{r['per_inference']:,.0f}", f"{r['flash_bytes']:,}", f"{r['weights_bytes']:,}",
                      f"{r['ram_bytes']:,}", f"{r['arena_bytes']:,}", f"{r['stack_bytes']:,}",
                      f"{r['data_bss_other_bytes']:,}", f"{r['tflm_arena_total_bytes']:,}",
                      f"{r['tflm_arena_head_bytes']:,}", "bytes equal" if r["outputs_match_tflm"] else "DIFFER")
    Console(width=200).print(table)
    for n in notes:
        print(n)
    if args.json:
        args.json.write_text(json.dumps({"target": args.target, "rows": rows, "notes": notes}, indent=2) + "\n")
    return 0 if all(r["outputs_match_tflm"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
