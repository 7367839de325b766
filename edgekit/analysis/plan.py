"""The memory plan: a product the C generator emits verbatim, not an estimate."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Buffer:
    """One region of the arena.

    A tensor buffer has ``tensor >= 0``; a kernel scratch buffer has ``tensor == -1`` and ``op`` set to the
    op that needs it. ``first_op``/``last_op`` are the inclusive op indices during which it must stay intact.
    """

    name: str
    tensor: int
    offset: int
    size: int
    first_op: int
    last_op: int
    op: int = -1

    @property
    def end(self) -> int:
        return self.offset + self.size


@dataclass(frozen=True)
class MemoryPlan:
    arena_bytes: int
    alignment: int
    buffers: tuple[Buffer, ...]
    strategy: str  # which heuristic produced this plan, e.g. "greedy-by-size", "in-place+best-fit"
    # tensor index -> index of the tensor whose storage it shares in place (RESHAPE etc.)
    aliases: tuple[tuple[int, int], ...] = ()

    def offset_of(self, tensor: int) -> int:
        for b in self.buffers:
            if b.tensor == tensor:
                return b.offset
        for t, base in self.aliases:
            if t == tensor:
                return self.offset_of(base)
        raise KeyError(f"tensor {tensor} is not in the memory plan")

    def scratch_of(self, op: int) -> Buffer | None:
        for b in self.buffers:
            if b.tensor == -1 and b.op == op:
                return b
        return None
