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
class Alias:
    """Tensor ``tensor`` shares the storage of the buffer owned by ``base`` (``offset_of`` is equal).

    ``op`` is the operator that creates the sharing and ``kind`` says how the C generator must treat it:
    ``"view"`` — RESHAPE/SQUEEZE/EXPAND_DIMS: the bytes are already in place, emit no copy;
    ``"in-place"`` — an elementwise op writes its output over ``input``, which dies at ``op``.
    ``input`` is the op input whose bytes are reused (equal to ``base`` unless that input is itself an alias).
    """

    tensor: int
    base: int
    op: int
    kind: str
    input: int


@dataclass(frozen=True)
class MemoryPlan:
    arena_bytes: int
    alignment: int
    buffers: tuple[Buffer, ...]
    strategy: str  # which heuristic produced this plan, e.g. "greedy-by-size", "in-place+best-fit"
    # tensor index -> index of the tensor whose storage it shares in place (RESHAPE etc.)
    aliases: tuple[tuple[int, int], ...] = ()
    # the same aliases with the op that creates each and its kind (additive detail for the C generator)
    alias_info: tuple[Alias, ...] = ()
    # TFLite Micro's greedy plan of the same model and scratch (its "head"), for comparison; 0 if not computed
    tflm_head_bytes: int = 0
    # no plan can be smaller than the largest sum of sizes simultaneously live (aliases merged); 0 if not computed
    lower_bound_bytes: int = 0

    def offset_of(self, tensor: int) -> int:
        for b in self.buffers:
            if b.tensor == tensor:
                return b.offset
        for t, base in self.aliases:
            if t == tensor:
                return self.offset_of(base)
        raise KeyError(f"tensor {tensor} is not in the memory plan")

    def alias_of(self, tensor: int) -> Alias | None:
        for a in self.alias_info:
            if a.tensor == tensor:
                return a
        return None

    def scratch_of(self, op: int) -> Buffer | None:
        for b in self.buffers:
            if b.tensor == -1 and b.op == op:
                return b
        return None
