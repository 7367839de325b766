"""The serial branch of `edgekit bench`: get firmware running (a flashed board, or package + build + QEMU),
run the bench with a progress bar, print the summary table, exit 1 when outputs differ."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from pathlib import Path

from edgekit.errors import BadInputError, MismatchError
from edgekit.package.target_info import FirmwareTarget


def prepare_project(model: Path, fw: FirmwareTarget, project_dir: Path | None, work: Path,
                    variant: str = "auto") -> Path:
    """An existing built project for this model, or a fresh one packaged and built under ``work``."""
    from edgekit.build import build_project
    from edgekit.package.cortex_m import package_cortex_m
    from edgekit.package.project import load_project

    if project_dir is not None:
        project = load_project(project_dir)
        if not project.elf.is_file():
            build_project(project_dir, check_budget=False)
        return project_dir
    out = work / "firmware"
    package_cortex_m(model, fw, out, variant=variant)
    build_project(out, check_budget=False)
    return out


def bench_serial_cli(model: Path, fw: FirmwareTarget, *, port: str | None, emulate: bool, project_dir: Path | None,
                     inputs_path: Path | None, samples: int, runs: int, warmup: int, seed: int, timeout: float,
                     json_out: Path | None, csv_out: Path | None, profile: bool = False,
                     variant: str = "auto") -> None:
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

    from edgekit.bench.serial_bench import load_inputs, run_bench
    from edgekit.package.project import load_project

    console = Console(highlight=False)
    work = Path(tempfile.mkdtemp(prefix="edgekit-bench-"))
    try:
        with contextlib.ExitStack() as stack:
            if emulate:
                if not fw.qemu_machine:
                    raise BadInputError(f"target {fw.id} has no [emulator] section; use --port with a real board.")
                with console.status("packaging and building the firmware"):
                    root = prepare_project(model, fw, project_dir, work, variant)
                project = load_project(root)
                from edgekit.flash.qemu import QemuRunner

                session = stack.enter_context(QemuRunner(project).do_run())
                url = session.url
            else:
                if project_dir is None:
                    # the host reference needs the model's tensor specs; a throwaway project carries them
                    from edgekit.package.cortex_m import package_cortex_m

                    package_cortex_m(model, fw, work / "firmware")
                    project_dir = work / "firmware"
                project = load_project(project_dir)
                url = str(port)
            data = load_inputs(inputs_path, project.inputs, samples, seed)
            with Progress(console=console, transient=True) as bar:
                task = bar.add_task(f"{project.model_name} on {fw.id}", total=len(data))
                result = run_bench(project, url, data, runs=runs, warmup=warmup, timeout=timeout,
                                   json_path=json_out, csv_path=csv_out,
                                   progress=lambda n: bar.update(task, completed=n))
        op_rows = None
        if profile and data:  # after the headline run: the hook's own instructions must not be in it
            from edgekit.bench.profile import profile_on_link, profile_on_qemu

            with console.status("per-op profile (a -DEK_PROFILE_OPS build)"):
                op_rows = (profile_on_qemu(model, fw, data[0], work, variant, timeout) if emulate else
                           profile_on_link(model, str(port), data[0], fw.uart_baud, timeout))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    table = Table(title=f"{result.model} on {result.target} ({len(result.runs)} inferences, {len(data)} inputs)")
    table.add_column("")
    for col in ("median", "p90", "min", "max"):
        table.add_column(col, justify="right")
    for key, fmt in ((result.units, "{:,.0f}"), ("latency_us", "{:,.1f}")):
        s = result.summary(key)
        if s:
            label = key if key != "latency_us" else f"µs at {fw.clock_hz / 1e6:g} MHz" + (
                " (1 instr/cycle)" if result.units == "instructions" else "")
            table.add_row(label, *(fmt.format(s[c]) for c in ("median", "p90", "min", "max")))
    console.print(table)
    dev = result.device
    console.print(f"arena {dev.get('arena_bytes', '?')} B; resets survived {result.resets}; "
                  f"garbage lines skipped {result.garbage_lines}")
    if not result.outputs_match:
        bad = result.to_json()["mismatched_inputs"]
        raise MismatchError(f"device outputs differ from TFLite Micro for inputs {bad[:10]}"
                            + (f"; details in {json_out}" if json_out else "") + ".")
    if op_rows is not None:
        from edgekit.bench.profile import profile_table

        console.print(profile_table(f"{result.model} on {result.target}: per-op profile (input 0; the op hook's own "
                                    "instructions included)", op_rows, result.units))
    console.print("outputs match TFLite Micro byte for byte")
