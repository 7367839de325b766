"""Per-op profile of a model on a device: the firmware built with ``-DEK_PROFILE_OPS`` times every op through
MODEL_API's op hook and answers ``ek-ops%`` with one ``ek-op-<k>-<name>-<count>`` line per op (counts in the
target's units: instructions under QEMU -icount, cycles with the DWT). `edgekit bench --profile` prints them as a
per-layer table with each op's share and its MACs per instruction (or cycle).

The hook's own instructions are inside each op's count (a few dozen per op), so a profile build is for finding
hot ops; the headline latency comes from the normal build.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from edgekit.errors import DeviceError


@dataclass(frozen=True)
class OpProfile:
    index: int
    op: str
    count: int  # instructions or cycles (the target's units)
    macs: int


def parse_ops(lines: Sequence[str]) -> list[tuple[int, str, int]]:
    """``ek-op-<k>-<name>-<count>`` lines -> (k, name, count); a device error line raises DeviceError."""
    out = []
    for line in lines:
        if line.startswith("e-"):
            raise DeviceError(f"the device refused the per-op profile: {line}")
        if not line.startswith("ek-op-"):
            continue
        head, _, count = line.rpartition("-")
        _, _, rest = head.partition("ek-op-")
        k, _, name = rest.partition("-")
        out.append((int(k), name, int(count)))
    return out


def profile_rows(model_path: Path, ops: Sequence[tuple[int, str, int]]) -> list[OpProfile]:
    from edgekit.analysis.costs import model_cost
    from edgekit.converters.tflite_reader import read_model

    model = read_model(model_path)
    layers = model_cost(model).layers
    if len(ops) != len(layers) or any(name != layer.op for (_, name, _), layer in zip(ops, layers, strict=False)):
        raise DeviceError(f"the device profiled {len(ops)} ops, the model {model.name} has {len(layers)}: "
                          "is the firmware built from this model?")
    return [OpProfile(k, name, count, layer.macs) for (k, name, count), layer in zip(ops, layers, strict=True)]


def profile_table(title: str, rows: Sequence[OpProfile], units: str) -> object:
    from rich.table import Table

    total = sum(r.count for r in rows) or 1
    table = Table(title=title)
    for col, just in (("op", "right"), ("type", "left"), (units, "right"), ("share", "right"), ("MACs", "right"),
                      (f"MACs per {units[:-1] if units.endswith('s') else units}", "right")):
        table.add_column(col, justify=just)
    for r in rows:
        table.add_row(str(r.index), r.op, f"{r.count:,}", f"{100 * r.count / total:.1f} %", f"{r.macs:,}",
                      f"{r.macs / r.count:.2f}" if r.macs and r.count else "")
    macs = sum(r.macs for r in rows)
    table.add_row("", "total", f"{total:,}", "100 %", f"{macs:,}", f"{macs / total:.2f}" if macs else "")
    return table


def profile_on_qemu(model: Path, fw: object, sample: bytes, work: Path, variant: str = "auto",
                    timeout: float = 120.0) -> list[OpProfile]:
    """Package and build a profile firmware (-DEK_PROFILE_OPS), run one inference on QEMU, read ``ek-ops``."""
    from edgekit.build import build_project
    from edgekit.flash.qemu import QemuRunner
    from edgekit.package.cortex_m import package_cortex_m
    from edgekit.package.project import load_project

    out = work / "profile-firmware"
    package_cortex_m(model, fw, out, force=True, variant=variant)
    build_project(out, defines=("EK_PROFILE_OPS",), check_budget=False)
    project = load_project(out)
    with QemuRunner(project).do_run() as session:
        return profile_on_link(model, session.url, sample, project.target.uart_baud, timeout)


def profile_on_link(model: Path, url: str, sample: bytes, baudrate: int, timeout: float) -> list[OpProfile]:
    """One inference on ``sample`` on a running profile firmware at ``url``, then its per-op counts."""
    from edgekit.bench.link import DeviceLink

    with DeviceLink(url, baudrate=baudrate, timeout=timeout) as link:
        link.sync()
        link.upload(sample)
        link.command("infer 1 0")
        return profile_rows(model, parse_ops(link.command("ek-ops")))
