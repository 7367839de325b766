"""Targets as data: one TOML file per board or phone, with ``inherit``, read strictly.

from edgekit.targets import load_target
t = load_target("nucleo-l4r5zi")          # or a path to your own .toml (its inherit may name a builtin)
t.budget.ram_bytes, t.provenance["budget.ram_bytes"]
"""

from edgekit.targets.loader import Resolved, list_targets, load_target, resolve
from edgekit.targets.schema import (
    AndroidAbi,
    AndroidBudget,
    Benchmark,
    Board,
    Cpu,
    Emulator,
    FlashRunner,
    McuBudget,
    Memory,
    Region,
    Target,
    Uart,
)

__all__ = [
    "AndroidAbi",
    "AndroidBudget",
    "Benchmark",
    "Board",
    "Cpu",
    "Emulator",
    "FlashRunner",
    "McuBudget",
    "Memory",
    "Region",
    "Resolved",
    "Target",
    "Uart",
    "list_targets",
    "load_target",
    "resolve",
]
