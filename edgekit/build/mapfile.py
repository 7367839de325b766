"""Sizes from a GNU ld map file: every input section, attributed to the object that contributed it.

The map is the only place that says, after --gc-sections, how many bytes each object really put in each
output section; ``arm-none-eabi-size`` only gives totals.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from edgekit.errors import BadInputError

_OUT = re.compile(r"^(\.[\w.]+)\s+0x([0-9a-fA-F]+)\s+0x([0-9a-fA-F]+)")
_IN_FULL = re.compile(r"^ (\S+)\s+0x([0-9a-fA-F]+)\s+0x([0-9a-fA-F]+)\s+(\S.*)$")
_IN_NAME = re.compile(r"^ (\S+)\s*$")
_IN_REST = re.compile(r"^\s+0x([0-9a-fA-F]+)\s+0x([0-9a-fA-F]+)\s+(\S.*)$")
_FILL = re.compile(r"^ \*fill\*\s+0x([0-9a-fA-F]+)\s+0x([0-9a-fA-F]+)")

FLASH_SECTIONS = (".text", ".ARM.exidx", ".data")  # .data's initial image lives in flash too
RAM_SECTIONS = (".data", ".bss", ".noinit", ".stack")


@dataclass(frozen=True)
class Contribution:
    output: str  # output section: .text, .data, .bss, ...
    input: str  # input section name: .rodata.ek_w_3
    size: int
    source: str  # object file (or archive(member))


def parse_map(path: str | Path) -> tuple[dict[str, int], list[Contribution]]:
    """Output section sizes and every input section contribution (with fill as source '*fill*')."""
    p = Path(path)
    if not p.is_file():
        raise BadInputError(f"{p} does not exist; build the project first (make, or edgekit build).")
    text = p.read_text(encoding="utf-8", errors="replace")
    start = text.find("Linker script and memory map")
    if start < 0:
        raise BadInputError(f"{p} is not a GNU ld map file (no memory map section).")
    outputs: dict[str, int] = {}
    contribs: list[Contribution] = []
    current: str | None = None
    pending: str | None = None
    for line in text[start:].splitlines():
        if m := _OUT.match(line):
            current = m.group(1)
            outputs[current] = int(m.group(3), 16)
            pending = None
            continue
        if line and not line[0].isspace():
            current = None if not line.startswith(".") else line.split()[0]
            pending = None
            continue
        if current is None:
            continue
        if m := _FILL.match(line):
            contribs.append(Contribution(current, "*fill*", int(m.group(2), 16), "*fill*"))
            continue
        if pending is not None and (m := _IN_REST.match(line)):
            contribs.append(Contribution(current, pending, int(m.group(2), 16), m.group(3).strip()))
            pending = None
            continue
        if m := _IN_FULL.match(line):
            contribs.append(Contribution(current, m.group(1), int(m.group(3), 16), m.group(4).strip()))
            pending = None
            continue
        if m := _IN_NAME.match(line):
            pending = m.group(1)
    return outputs, contribs


def category(c: Contribution) -> str:
    """weights | model | kernels | board | libc | stack | padding."""
    src = c.source.replace("\\", "/")
    if c.output == ".stack" or c.source == "*fill*" and c.output == ".stack":
        return "stack"
    if c.source == "*fill*":
        return "padding"
    if src.endswith("model/model.o"):
        return "weights" if c.input.startswith(".rodata") else "model"
    if "/model/" in src or src.startswith("model/"):
        return "kernels"
    if "/board/" in src or src.startswith("board/"):
        return "board"
    return "libc"


def breakdown(contribs: list[Contribution]) -> dict[str, dict[str, int]]:
    """category -> {"flash": bytes, "ram": bytes}."""
    out: dict[str, dict[str, int]] = defaultdict(lambda: {"flash": 0, "ram": 0})
    for c in contribs:
        cat = category(c)
        if c.output in FLASH_SECTIONS:
            out[cat]["flash"] += c.size
        if c.output in RAM_SECTIONS:
            out[cat]["ram"] += c.size
    return dict(out)
