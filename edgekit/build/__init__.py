"""``edgekit build DIR``: run the project's Makefile, then measure flash and RAM from the map file and
check them against the target's budget. The measured sizes go to ``DIR/build/size.json`` (schema
``edgekit-size/1``), which ``edgekit check`` prefers to its estimates when it exists."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from edgekit.build.mapfile import breakdown, parse_map
from edgekit.errors import OverBudgetError
from edgekit.fileio import write_text_atomic
from edgekit.package.project import Project, load_project
from edgekit.proc import require_tool, run

SIZE_JSON = "build/size.json"
SIZE_SCHEMA = "edgekit-size/1"


@dataclass(frozen=True)
class SizeReport:
    target: str
    model: str
    model_sha256: str
    text: int  # .text (code + const data, incl. weights)
    data: int  # .data (initial image in flash, copied to RAM)
    bss: int  # .bss + .noinit (the arena lives here)
    stack: int
    arena_bytes: int
    flash_bytes: int  # text + data
    ram_bytes: int  # data + bss + stack
    flash_budget: int | None
    ram_budget: int | None
    breakdown: dict[str, dict[str, int]] = field(default_factory=dict)  # category -> flash/ram bytes

    @property
    def over(self) -> list[str]:
        msgs = []
        if self.flash_budget is not None and self.flash_bytes > self.flash_budget:
            msgs.append(f"flash {self.flash_bytes:,} B > budget {self.flash_budget:,} B "
                        f"(over by {self.flash_bytes - self.flash_budget:,} B)")
        if self.ram_budget is not None and self.ram_bytes > self.ram_budget:
            msgs.append(f"RAM {self.ram_bytes:,} B > budget {self.ram_budget:,} B "
                        f"(over by {self.ram_bytes - self.ram_budget:,} B)")
        return msgs

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["schema"] = SIZE_SCHEMA
        d["fits"] = not self.over
        return d


def measure(project: Project) -> SizeReport:
    outputs, contribs = parse_map(project.root / "build" / "firmware.map")
    text = outputs.get(".text", 0) + outputs.get(".ARM.exidx", 0)
    data = outputs.get(".data", 0)
    bss = outputs.get(".bss", 0) + outputs.get(".noinit", 0)
    stack = outputs.get(".stack", 0)
    parts = breakdown(contribs)
    parts["stack"] = {"flash": 0, "ram": stack}
    t = project.target
    return SizeReport(t.id, project.model_name, project.model_sha256, text, data, bss, stack, project.arena_bytes,
                      text + data, data + bss + stack, t.flash_budget, t.ram_budget, parts)


def build_project(root: str | Path, *, jobs: int = 2, defines: tuple[str, ...] = (), dry_run: bool = False,
                  check_budget: bool = True) -> SizeReport | None:
    """make, then measure; raises OverBudgetError (exit 1) after writing size.json when it does not fit."""
    project = load_project(root)
    make = "make" if dry_run else require_tool("make", "install GNU make.")
    if not dry_run:
        require_tool("arm-none-eabi-gcc", "install gcc-arm-none-eabi and libnewlib-arm-none-eabi.")
    argv = [make, "-C", str(project.root), f"-j{jobs}"]
    if defines:
        argv.append("DEFS=" + " ".join(f"-D{d}" for d in defines))
    run(argv, dry_run=dry_run, what="the firmware build (make)", timeout=900)
    if dry_run:
        return None
    report = measure(project)
    write_text_atomic(project.root / SIZE_JSON, json.dumps(report.to_json(), indent=2) + "\n")
    if check_budget and report.over:
        raise OverBudgetError(f"{project.model_name} on {project.target.id} does not fit: " + "; ".join(report.over) + ".")
    return report
