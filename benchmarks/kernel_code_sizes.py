"""Measured code size of every runtime kernel, per op and kernel variant, for `edgekit check`'s code-size table.

Each kernel file in firmware_templates/runtime/ is compiled with arm-none-eabi-gcc with the flags the packaged
firmware's Makefile uses (CPU flags of the target, OPT and the -std/-f flags of Makefile.in), then partially
linked with --gc-sections from the kernel's entry points (every global function except the *_buffer_size
twins, which the generated code does not call at run time). What survives is what a firmware links for that
entry point: its .text and .rodata bytes; an op type's figure is its largest entry point. libgcc/newlib helpers a kernel calls (memcpy, 64-bit division) are not
counted here; a real build puts them under "libc".

The runtime figure (board support + libc + padding + the model's fixed code) and the per-call figure come from
a real build of the tiny test model (tests/analysis/tinymodels.py) packaged for the target.

    .venv/bin/python benchmarks/kernel_code_sizes.py [--target mps2-an386] [--json out.json] [--toml]

--toml prints the [code_size] / [code_size_dsp] entries in the form edgekit/analysis/estimates.toml holds them;
--write-estimates rewrites those numbers (and the measurement date) in estimates.toml in place, comments kept.
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RUNTIME = REPO / "firmware_templates" / "runtime"
MAKEFILE = REPO / "firmware_templates" / "cortex_m" / "Makefile.in"
CROSS = "arm-none-eabi-"


@dataclass(frozen=True)
class KernelSize:
    file: str
    entry: str  # the kernel entry point the figure is gc'd from
    text: int
    rodata: int

    @property
    def total(self) -> int:
        return self.text + self.rodata


def makefile_cflags(makefile: Path = MAKEFILE) -> list[str]:
    """The code-generation flags of the packaged Makefile: OPT and the -std/-f flags of CFLAGS (not -I/-W/-g,
    which do not change the code, nor $(DEFS), empty in a normal build)."""
    text = makefile.read_text(encoding="utf-8").replace("\\\n", " ")
    opt = re.search(r"^OPT\s*\?=\s*(.*)$", text, re.M)
    cflags = re.search(r"^CFLAGS\s*:=\s*(.*)$", text, re.M)
    if opt is None or cflags is None:
        raise SystemExit(f"{makefile}: no OPT or CFLAGS line; this script needs updating")
    keep = [t for t in cflags.group(1).split() if t.startswith(("-std", "-f", "-O"))]
    return opt.group(1).split() + keep


def target_cflags(target: str) -> list[str]:
    from edgekit.package.cortex_m import cpu_flags
    from edgekit.package.target_info import load

    _, fw = load(target)
    if fw is None:
        raise SystemExit(f"{target} is not a Cortex-M target")
    return cpu_flags(fw).split() + makefile_cflags()


def _run(argv: list[str]) -> str:
    r = subprocess.run(argv, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{r.stderr}")
    return r.stdout


def kernel_sizes(c_file: Path, cflags: list[str], workdir: Path) -> list[KernelSize]:
    """Per entry point of one kernel file: the .text and .rodata bytes a firmware that calls only that entry
    point links (partial link with --gc-sections rooted at it)."""
    obj = workdir / (c_file.stem + ".o")
    _run([CROSS + "gcc", *cflags, "-I", str(RUNTIME), "-c", str(c_file), "-o", str(obj)])
    symbols = _run([CROSS + "nm", "--defined-only", "-g", str(obj)]).split("\n")
    entries = [parts[2] for line in symbols if len(parts := line.split()) == 3 and parts[1] == "T"
               and not parts[2].endswith("_buffer_size")]
    if not entries:
        raise SystemExit(f"{c_file.name} defines no kernel entry point")
    out = []
    for entry in entries:
        linked = workdir / f"{c_file.stem}.{entry}.o"
        _run([CROSS + "ld", "-r", "--gc-sections", "-e", entry, "-u", entry, str(obj), "-o", str(linked)])
        text = rodata = 0
        for line in _run([CROSS + "size", "-A", str(linked)]).splitlines():
            parts = line.split()
            if len(parts) < 2 or not parts[1].isdigit():
                continue
            if parts[0].startswith(".text"):
                text += int(parts[1])
            elif parts[0].startswith(".rodata"):
                rodata += int(parts[1])
            elif parts[0].startswith((".data", ".bss")) and int(parts[1]):
                raise SystemExit(f"{c_file.name} has static data ({parts[0]}); kernels must be stateless")
        out.append(KernelSize(c_file.name, entry, text, rodata))
    return out


def op_bytes(cfiles: tuple[str, ...], sizes: dict[str, list[KernelSize]]) -> int:
    """One op type's figure: the largest entry point over its kernel files. The generator picks one path per op
    (e.g. ek_softmax_s8 or ek_softmax_table_s8; the arithmetic kernel or the shared ek_table_s8), so one op type
    usually links one of them; the rest is removed by --gc-sections."""
    return max((k.total for f in cfiles for k in sizes[f]), default=0)


def op_kernel_files() -> dict[str, dict[str, tuple[str, ...]]]:
    """op -> variant ("portable" | "dsp") -> the kernel .c files the generator puts in a project for it."""
    from edgekit.converters.c_codegen.dsp import candidates
    from edgekit.converters.c_codegen.registry import emitters

    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for op, em in sorted(emitters().items()):
        out[op] = {"portable": tuple(f for f in em.runtime if f.endswith(".c"))}
        # every DSP kernel of the op (e.g. DEPTHWISE with multiplier 1 and >= 2): one is linked per configuration
        dsp_files = tuple(f for v in candidates(op) for f in v.emitter.runtime if f.endswith(".c"))
        if dsp_files:
            out[op]["dsp"] = dsp_files
    return out


def measure(target: str = "mps2-an386", ops: list[str] | None = None
            ) -> tuple[dict[str, dict[str, tuple[str, ...]]], dict[str, list[KernelSize]]]:
    """(op -> variant -> kernel files, kernel file -> per entry point sizes) for ``ops`` (default: all)."""
    cflags = target_cflags(target)
    files = op_kernel_files()
    if ops is not None:
        files = {op: files[op] for op in ops}
    sizes: dict[str, list[KernelSize]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for variants in files.values():
            for cfiles in variants.values():
                for f in cfiles:
                    if f not in sizes:
                        sizes[f] = kernel_sizes(RUNTIME / f, cflags, Path(tmp))
    return files, sizes


def measure_ops(target: str = "mps2-an386", ops: list[str] | None = None) -> dict[str, dict[str, int]]:
    """op -> variant -> code bytes (its largest entry point, see ``op_bytes``)."""
    files, sizes = measure(target, ops)
    return {op: {v: op_bytes(cfiles, sizes) for v, cfiles in variants.items()} for op, variants in files.items()}


def runtime_from_build(target: str) -> dict[str, int]:
    """Package and build the tiny test model; the fixed code around the kernels, from the linker map."""
    sys.path.insert(0, str(REPO / "tests"))
    try:
        from analysis import tinymodels as tm
    finally:
        sys.path.pop(0)
    from edgekit.build import build_project
    from edgekit.build.mapfile import category, parse_map
    from edgekit.package import package

    with tempfile.TemporaryDirectory() as tmp:
        model = Path(tmp) / "tiny.tflite"
        model.write_bytes(tm.tiny_cnn())
        out = Path(tmp) / "fw"
        package(model, target, out)
        report = build_project(out, check_budget=False)
        assert report is not None
        _, contribs = parse_map(out / "build" / "firmware.map")
    flash = {k: v["flash"] for k, v in report.breakdown.items()}
    model_code = sum(c.size for c in contribs if category(c) == "model" and c.output == ".text")
    invoke = sum(c.size for c in contribs if category(c) == "model" and c.input == ".text.ek_model_invoke")
    ops = 5  # tiny_cnn: CONV_2D, DEPTHWISE_CONV_2D, RESHAPE, FULLY_CONNECTED, SOFTMAX
    per_op_call = round(invoke / ops)
    fixed_model = model_code - per_op_call * ops
    runtime = flash.get("board", 0) + flash.get("libc", 0) + flash.get("padding", 0) + fixed_model
    return {"runtime": runtime, "per_op_call": per_op_call, "board": flash.get("board", 0),
            "libc": flash.get("libc", 0), "padding": flash.get("padding", 0), "model_code": model_code,
            "invoke": invoke, "flash_bytes": report.flash_bytes}


ESTIMATES = REPO / "edgekit" / "analysis" / "estimates.toml"


def write_estimates(per_op: dict[str, dict[str, int]], runtime: dict[str, int] | None,
                    path: Path = ESTIMATES) -> list[str]:
    """Replace the numbers of the existing entries of [code_size] / [code_size_dsp]; returns the changes."""
    values = {"code_size": {op: v["portable"] for op, v in per_op.items()},
              "code_size_dsp": {op: v["dsp"] for op, v in per_op.items() if "dsp" in v}}
    if runtime is not None:
        values["code_size"].update(runtime=runtime["runtime"], per_op_call=runtime["per_op_call"])
    section, changes, lines = None, [], []
    for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
        if m := re.match(r"^\[(\w+)\]", line):
            section = m.group(1)
        elif (m := re.match(r"^(\w+)(\s*=\s*)(\d+)", line)) and m.group(1) in values.get(section or "", {}):
            new = values[section or ""][m.group(1)]
            if new != int(m.group(3)):
                changes.append(f"[{section}] {m.group(1)}: {m.group(3)} -> {new}")
                line = f"{m.group(1)}{m.group(2)}{new}" + line[m.end():]
        elif section == "code_size" and "MEASURED on " in line:
            line = re.sub(r"MEASURED on \d{4}-\d{2}-\d{2}", f"MEASURED on {datetime.date.today()}", line)
        lines.append(line)
    path.write_text("".join(lines), encoding="utf-8")
    return changes


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--target", default="mps2-an386", help="Cortex-M target whose CPU flags are used")
    ap.add_argument("--json", type=Path, default=Path("kernel_code_sizes.json"))
    ap.add_argument("--toml", action="store_true", help="print the estimates.toml entries")
    ap.add_argument("--no-build", action="store_true", help="skip the real build (runtime/per-call figures)")
    ap.add_argument("--write-estimates", action="store_true", help="update edgekit/analysis/estimates.toml")
    args = ap.parse_args()
    for tool in ("gcc", "ld", "nm", "size"):
        if shutil.which(CROSS + tool) is None:
            raise SystemExit(f"{CROSS}{tool} not found; install gcc-arm-none-eabi")

    from rich.console import Console
    from rich.table import Table

    files, sizes = measure(args.target)
    console = Console()
    flags = " ".join(target_cflags(args.target))
    table = Table(title=f"kernel code bytes per entry point, arm-none-eabi-gcc {flags}", title_justify="left")
    for col in ("file", "entry point", ".text", ".rodata", "total"):
        table.add_column(col, justify="left" if col in ("file", "entry point") else "right")
    for f, entries in sorted(sizes.items()):
        for k in entries:
            table.add_row(f, k.entry, f"{k.text:,}", f"{k.rodata:,}", f"{k.total:,}")
    console.print(table)
    per_op = {op: {v: op_bytes(cfiles, sizes) for v, cfiles in variants.items()} for op, variants in files.items()}
    ops_table = Table(title="per op type (its largest entry point)", title_justify="left")
    for col in ("op", "portable", "dsp"):
        ops_table.add_column(col, justify="left" if col == "op" else "right")
    for op, v in per_op.items():
        ops_table.add_row(op, f"{v['portable']:,}", f"{v['dsp']:,}" if "dsp" in v else "-")
    console.print(ops_table)
    runtime = None if args.no_build else runtime_from_build(args.target)
    if runtime is not None:
        console.print(f"real build of the tiny model on {args.target}: board {runtime['board']:,} + libc "
                      f"{runtime['libc']:,} + padding {runtime['padding']:,} + model code {runtime['model_code']:,}"
                      f" (invoke {runtime['invoke']:,} for 5 ops) -> runtime {runtime['runtime']:,}, per op call "
                      f"{runtime['per_op_call']:,}")
    doc = {"target": args.target, "cflags": target_cflags(args.target),
           "kernels": {f: [asdict(k) for k in ks] for f, ks in sorted(sizes.items())}, "ops": per_op, "runtime": runtime}
    args.json.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    console.print(f"wrote {args.json}")
    if args.toml:
        print("[code_size]")
        if runtime is not None:
            print(f"runtime = {runtime['runtime']}\nper_op_call = {runtime['per_op_call']}")
        for op, v in per_op.items():
            print(f"{op} = {v['portable']}")
        print("\n[code_size_dsp]")
        for op, v in per_op.items():
            if "dsp" in v:
                print(f"{op} = {v['dsp']}")

    if args.write_estimates:
        changes = write_estimates(per_op, runtime)
        console.print(f"{ESTIMATES}: " + ("; ".join(changes) if changes else "no change"))


if __name__ == "__main__":
    main()
