"""Offline memory planner: one arena, an offset for every activation tensor and kernel scratch buffer.

The plan is what the C generator emits verbatim, so ``plan_memory`` proves it valid (``validate_plan``,
an invariant check in the spirit of Arm Vela's) before returning it.

Three steps:

1. **Lifetimes** over the op order, as TFLite Micro marks them (``micro_allocation_info.cc``): graph inputs
   live from op 0, every other tensor from the op that writes it to the last op that reads it, graph outputs
   until the last op; a scratch buffer lives only during its op. Variable tensors live through the whole
   graph, so no other buffer ever shares their bytes and their state survives between invokes.
2. **Storage groups** (in-place reuse). Tensors that may share bytes are merged into one group, placed as one
   buffer whose lifetime is the union of its members'. The rules, and why they are safe:

   * ``RESHAPE``/``SQUEEZE``/``EXPAND_DIMS`` ("view"): the output is the input's bytes under another shape.
     Sharing is always safe while nothing writes either tensor after the view is made — which the in-place
     rule below guarantees by requiring the whole group to be dead after an overwrite — so the input need
     not die at the view. Not aliased: constant or variable inputs (flash / persistent state; the generator
     must copy them) and sizes that differ.
   * elementwise ops (``INPLACE_OPS``): the output may be written over one non-constant input whose whole
     group dies at this op and whose element count and element size equal the output's, so element ``i`` of
     the output replaces element ``i`` of that input after it is read (a broadcast operand is never the one
     overwritten). Graph inputs may be overwritten — TFLite Micro reuses them too and MODEL_API.md asks for
     inputs to be written before every invoke — but a group holding a graph output never is.
   * A graph output never shares bytes with a graph input: ``ek_model_input``/``ek_model_output`` stay
     distinct, so firmware may stream the last output while writing the next input. It costs nothing on
     real models.
3. **Placement** of the groups: TFLite Micro's ``GreedyMemoryPlanner`` ("tflm-greedy": buffers by size,
   largest first, equal sizes in reverse order of addition — scratch buffers, then tensors from the highest
   index down, because TFLM fills its sort array from the tail — each at the first gap in offset order among
   the buffers live at the same time) is the baseline; ``"best"`` tries several orderings
   (size, lifetime, first use, area, breadth) with first fit and best fit, with and without in-place groups,
   and keeps the smallest arena (ties: the first candidate, in-place first). The greedy plan is one of the
   candidates, so ``best`` is never larger than ``tflm-greedy``.

Sizes are rounded up to ``alignment`` (as TFLM does with 16), so every offset is aligned.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from edgekit.analysis.plan import Alias, Buffer, MemoryPlan
from edgekit.errors import BadInputError, EdgekitError
from edgekit.ir import Model

VIEW_OPS = frozenset({"RESHAPE", "SQUEEZE", "EXPAND_DIMS"})
# Ops whose kernels compute output[i] from input[i] (plus a broadcast or constant operand) in one pass, so
# the output may overwrite an input that dies there. Kernels must keep that property (read before write).
INPLACE_OPS = frozenset(
    {
        "ADD",
        "SUB",
        "MUL",
        "QUANTIZE",  # only int8->int8 / int16->int16 qualify: element sizes must match
        "LOGISTIC",
        "TANH",
        "HARD_SWISH",
        "RELU",
        "RELU6",
        "RELU_N1_TO_1",
        "RELU_0_TO_1",
        "LEAKY_RELU",
        "ABS",
        "NEG",
        "MAXIMUM",
        "MINIMUM",
        "PRELU",  # alpha is the broadcast operand, never the one overwritten
        "SQUARED_DIFFERENCE",
    }
)


class PlanError(EdgekitError):
    """A memory plan broke an invariant (overlap, misalignment, missing tensor): a bug in the planner."""


@dataclass(frozen=True)
class _Item:
    """One thing to place: a storage group (tensors sharing bytes) or a scratch buffer."""

    key: int  # order in which TFLM would add it: tensor groups by root index, then scratch by op
    root: int  # tensor owning the storage, -1 for scratch
    op: int  # scratch owner op, -1 for tensors
    size: int  # aligned bytes
    first: int
    last: int
    name: str


# ---------------------------------------------------------------------------------------------------------
# lifetimes


def _align_up(n: int, alignment: int) -> int:
    return (n + alignment - 1) // alignment * alignment


def tensor_lifetimes(model: Model) -> dict[int, tuple[int, int]]:
    """Tensor index -> (first op, last op), inclusive, for every non-constant, non-empty tensor the graph uses."""
    n_ops = len(model.operators)
    end = max(n_ops - 1, 0)
    producers = model.producers()
    consumers = model.consumers()
    inputs, outputs = set(model.inputs), set(model.outputs)
    used = set(model.activation_tensors())
    for op in model.operators:  # TFLM refuses non-empty intermediates; if one appears it lives during its op
        used.update(t for t in op.intermediates if t >= 0 and not model.tensors[t].is_constant)
    lifetimes: dict[int, tuple[int, int]] = {}
    for t in sorted(used):
        tensor = model.tensors[t]
        if tensor.nbytes == 0:
            continue
        if tensor.is_variable:
            lifetimes[t] = (0, end)
            continue
        if t in inputs or t not in producers:
            # a tensor read but never written (not a graph input) cannot come from a valid model; keeping it
            # alive from op 0 is the safe reading
            first = 0 if t in inputs or t in consumers else _intermediate_op(model, t)
        else:
            first = producers[t]
        last = max(consumers.get(t, [first]) + [first])
        if t in outputs:
            last = end
        lifetimes[t] = (first, last)
    return lifetimes


def _intermediate_op(model: Model, t: int) -> int:
    for op in model.operators:
        if t in op.intermediates:
            return op.index
    return 0


# ---------------------------------------------------------------------------------------------------------
# storage groups (in-place reuse)


@dataclass
class _Group:
    root: int
    members: list[int]
    first: int
    last: int
    nbytes: int
    has_input: bool
    has_output: bool


def _groups(
    model: Model, lifetimes: Mapping[int, tuple[int, int]], in_place: bool
) -> tuple[dict[int, _Group], list[Alias]]:
    """tensor -> its group, and the aliases that built the groups (none when ``in_place`` is False)."""
    inputs, outputs = set(model.inputs), set(model.outputs)
    group_of: dict[int, _Group] = {}
    for t, (first, last) in lifetimes.items():
        group_of[t] = _Group(t, [t], first, last, model.tensors[t].nbytes, t in inputs, t in outputs)
    aliases: list[Alias] = []
    if not in_place:
        return group_of, aliases
    for op in model.operators:
        if len(op.outputs) != 1 or op.outputs[0] not in lifetimes:
            continue
        out = op.outputs[0]
        out_t = model.tensors[out]
        if out_t.is_variable or group_of[out].members != [out]:
            continue
        if op.op in VIEW_OPS:
            candidates, kind = op.inputs[:1], "view"
        elif op.op in INPLACE_OPS:
            candidates, kind = op.inputs, "in-place"
        else:
            continue
        for inp in candidates:
            if inp < 0 or inp == out or inp not in lifetimes:
                continue  # constants are not in lifetimes: the generator copies them
            in_t = model.tensors[inp]
            g = group_of[inp]
            if in_t.is_variable or in_t.nbytes != out_t.nbytes or in_t.num_elements != out_t.num_elements:
                continue
            if g.has_input and out in outputs:
                continue  # a graph output never shares bytes with a graph input
            if kind == "in-place" and (g.last != op.index or g.has_output):
                continue  # overwriting needs the whole group dead after this op, and never a graph output
            g.members.append(out)
            g.first = min(g.first, lifetimes[out][0])
            g.last = max(g.last, lifetimes[out][1])
            g.has_output = g.has_output or out in outputs
            g.has_input = g.has_input or out in inputs
            group_of[out] = g
            aliases.append(Alias(tensor=out, base=g.root, op=op.index, kind=kind, input=inp))
            break
    return group_of, aliases


def _items(
    model: Model,
    group_of: Mapping[int, _Group],
    scratch: Mapping[int, int],
    alignment: int,
) -> list[_Item]:
    roots = sorted({g.root for g in group_of.values()})
    items = []
    for r in roots:
        g = group_of[r]
        items.append(_Item(r, r, -1, _align_up(g.nbytes, alignment), g.first, g.last, model.tensors[r].name))
    base = len(model.tensors)
    for op_index in sorted(scratch):
        if scratch[op_index] > 0:
            size = _align_up(scratch[op_index], alignment)
            items.append(
                _Item(base + op_index, -1, op_index, size, op_index, op_index, f"scratch:op{op_index}")
            )
    return items


# ---------------------------------------------------------------------------------------------------------
# placement


def _overlaps(a: _Item, b: _Item) -> bool:
    return a.first <= b.last and b.first <= a.last


def _place(items: list[_Item], best_fit: bool) -> dict[int, int]:
    """Item key -> offset. ``items`` in placement order; each goes into a gap among time-overlapping buffers."""
    placed: list[tuple[int, _Item]] = []  # (offset, item), ordered by offset, ties in placement order
    offsets: dict[int, int] = {}
    for it in items:
        cand = 0
        chosen = -1
        best_gap = -1
        for off, other in placed:
            if not _overlaps(it, other):
                continue
            gap = off - cand
            if gap >= it.size:
                if not best_fit:
                    chosen = cand
                    break
                if best_gap < 0 or gap < best_gap:
                    best_gap, chosen = gap, cand
            cand = max(cand, off + other.size)
        offset = cand if chosen < 0 else chosen
        offsets[it.key] = offset
        # insert after every entry with an offset <= this one, as TFLM's offset-ordered list does
        lo, hi = 0, len(placed)
        while lo < hi:
            mid = (lo + hi) // 2
            if placed[mid][0] <= offset:
                lo = mid + 1
            else:
                hi = mid
        placed.insert(lo, (offset, it))
    return offsets


def _breadth(items: list[_Item]) -> dict[int, int]:
    """Item key -> the largest total of live bytes at any op during its lifetime (greedy-by-breadth)."""
    if not items:
        return {}
    horizon = max(it.last for it in items) + 1
    live = [0] * horizon
    for it in items:
        for t in range(it.first, it.last + 1):
            live[t] += it.size
    return {it.key: max(live[it.first : it.last + 1]) for it in items}


Ordering = Callable[[list[_Item]], list[_Item]]


def _by(key: Callable[[_Item], tuple]) -> Ordering:
    return lambda items: sorted(sorted(items, key=lambda it: it.key), key=key)  # ties in add order


def _by_breadth(items: list[_Item]) -> list[_Item]:
    breadth = _breadth(items)
    return sorted(items, key=lambda it: (-breadth[it.key], -it.size))


def _tflm_order(items: list[_Item]) -> list[_Item]:
    # GreedyMemoryPlanner fills its sort array from the tail, so before its stable descending bubble sort the
    # buffers sit in reverse order of addition: equal sizes end up last-added first (scratch before tensors,
    # higher tensor index before lower)
    return sorted(sorted(items, key=lambda it: -it.key), key=lambda it: -it.size)


ORDERINGS: dict[str, Ordering] = {
    "size": _tflm_order,
    "size-index": _by(lambda it: (-it.size, it.key)),
    "size-lifetime": _by(lambda it: (-it.size, -(it.last - it.first))),
    "lifetime": _by(lambda it: (-(it.last - it.first), -it.size)),
    "first-use": _by(lambda it: (it.first, -it.size)),
    "area": _by(lambda it: (-it.size * (it.last - it.first + 1), -it.size)),
    "breadth": _by_breadth,
}
FITS = {"first-fit": False, "best-fit": True}


def _strategies() -> list[tuple[str, bool, str, str]]:
    """(name, in_place, ordering, fit) for every named strategy; "best" tries them all."""
    out = []
    for in_place in (True, False):
        for order in ORDERINGS:
            for fit in FITS:
                name = f"{'in-place+' if in_place else ''}{order}/{fit}"
                out.append((name, in_place, order, fit))
    return out


STRATEGIES: tuple[str, ...] = ("best", "tflm-greedy", *(s[0] for s in _strategies()))


# ---------------------------------------------------------------------------------------------------------
# public API


def plan_memory(
    model: Model,
    alignment: int = 16,
    scratch: Mapping[int, int] | None = None,
    strategy: str = "best",
) -> MemoryPlan:
    """Plan the arena for ``model``; the returned plan has passed ``validate_plan``."""
    _check_args(model, alignment, scratch, strategy)
    scratch = dict(scratch or {})
    lifetimes = tensor_lifetimes(model)
    if strategy == "tflm-greedy":
        chosen = [("tflm-greedy", False, "size", "first-fit")]
    elif strategy == "best":
        chosen = _strategies()
    else:
        chosen = [s for s in _strategies() if s[0] == strategy]

    grouped = {flag: _groups(model, lifetimes, flag) for flag in {c[1] for c in chosen} | {False}}
    item_sets = {flag: _items(model, g[0], scratch, alignment) for flag, g in grouped.items()}
    best: tuple[int, str, bool, dict[int, int]] | None = None
    for name, in_place, order, fit in chosen:
        items = item_sets[in_place]
        offsets = _place(ORDERINGS[order](items), FITS[fit])
        arena = max((offsets[it.key] + it.size for it in items), default=0)
        if best is None or arena < best[0]:
            best = (arena, name, in_place, offsets)
    assert best is not None
    arena, name, in_place, offsets = best

    head = arena if strategy == "tflm-greedy" else _arena_of(item_sets[False], "size", "first-fit")
    plan = _build_plan(grouped[in_place][1], item_sets[in_place], offsets, arena, alignment, name)
    bound = min(_lower_bound(item_sets[flag]) for flag in item_sets)
    plan = MemoryPlan(
        arena_bytes=plan.arena_bytes,
        alignment=alignment,
        buffers=plan.buffers,
        strategy=name,
        aliases=plan.aliases,
        alias_info=plan.alias_info,
        tflm_head_bytes=head,
        lower_bound_bytes=bound,
    )
    validate_plan(model, plan, scratch)
    return plan


def tflm_head_bytes(model: Model, scratch: Mapping[int, int] | None = None, alignment: int = 16) -> int:
    """What TFLite Micro's GreedyMemoryPlanner needs for the activations: its arena "head"."""
    return plan_memory(model, alignment, scratch, "tflm-greedy").arena_bytes


def lifetime_table(model: Model, plan: MemoryPlan) -> list[tuple[int, list[int]]]:
    """For each op index, the buffers (indices into ``plan.buffers``) live during it — for plots and reports."""
    out = []
    for op in range(len(model.operators)):
        out.append((op, [i for i, b in enumerate(plan.buffers) if b.first_op <= op <= b.last_op]))
    return out


def _arena_of(items: list[_Item], order: str, fit: str) -> int:
    offsets = _place(ORDERINGS[order](items), FITS[fit])
    return max((offsets[it.key] + it.size for it in items), default=0)


def _lower_bound(items: Iterable[_Item]) -> int:
    items = list(items)
    if not items:
        return 0
    horizon = max(it.last for it in items) + 1
    live = [0] * horizon
    for it in items:
        for t in range(it.first, it.last + 1):
            live[t] += it.size
    return max(live)


def _build_plan(
    aliases: list[Alias],
    items: list[_Item],
    offsets: Mapping[int, int],
    arena: int,
    alignment: int,
    name: str,
) -> MemoryPlan:
    buffers = tuple(
        Buffer(
            name=it.name,
            tensor=it.root,
            offset=offsets[it.key],
            size=it.size,
            first_op=it.first,
            last_op=it.last,
            op=it.op,
        )
        for it in items
    )
    return MemoryPlan(
        arena_bytes=arena,
        alignment=alignment,
        buffers=buffers,
        strategy=name,
        aliases=tuple((a.tensor, a.base) for a in aliases),
        alias_info=tuple(aliases),
    )


def _check_args(model: Model, alignment: int, scratch: Mapping[int, int] | None, strategy: str) -> None:
    if not isinstance(alignment, int) or alignment <= 0 or alignment & (alignment - 1):
        raise BadInputError(f"alignment must be a positive power of two, not {alignment!r}.")
    if strategy not in STRATEGIES:
        raise BadInputError(
            f"unknown planning strategy {strategy!r}; use one of: {', '.join(STRATEGIES[:2])} "
            f"or a named heuristic such as {STRATEGIES[2]!r}."
        )
    for op_index, size in (scratch or {}).items():
        if not 0 <= op_index < len(model.operators):
            raise BadInputError(
                f"scratch buffer requested for op {op_index}, but the model has {len(model.operators)} ops."
            )
        if not isinstance(size, int) or size < 0:
            raise BadInputError(
                f"scratch size for op {op_index} must be a non-negative integer, not {size!r}."
            )


# ---------------------------------------------------------------------------------------------------------
# invariant check


def validate_plan(model: Model, plan: MemoryPlan, scratch: Mapping[int, int] | None = None) -> None:
    """Prove ``plan`` safe for ``model``; raise ``PlanError`` naming the first broken invariant.

    Lifetimes are recomputed from the model, not taken from the plan: every planned tensor has storage that
    covers its lifetime and its size; no two buffers live at the same op overlap in bytes; every offset is
    aligned; everything ends within ``arena_bytes``; members of one storage group overlap in time only at
    the op that created their alias, and that op is allowed to alias them; scratch buffers cover their op.
    """
    a = plan.alignment
    if a <= 0 or a & (a - 1):
        raise PlanError(f"plan alignment {a} is not a power of two.")
    lifetimes = tensor_lifetimes(model)
    owner: dict[int, Buffer] = {}
    for b in plan.buffers:
        if b.offset < 0 or b.offset % a:
            raise PlanError(f"buffer '{b.name}' offset {b.offset} is not a multiple of the alignment {a}.")
        if b.end > plan.arena_bytes:
            raise PlanError(
                f"buffer '{b.name}' ends at {b.end}, beyond the arena of {plan.arena_bytes} bytes."
            )
        if b.tensor >= 0:
            if b.tensor in owner:
                raise PlanError(f"tensor {b.tensor} has two buffers.")
            owner[b.tensor] = b
    alias_by_tensor = {al.tensor: al for al in plan.alias_info}
    if {(al.tensor, al.base) for al in plan.alias_info} != set(plan.aliases):
        raise PlanError("the plan's aliases and alias_info disagree.")
    storage: dict[int, Buffer] = {}
    for t, (first, last) in lifetimes.items():
        if t in owner:
            buf = owner[t]
        elif t in alias_by_tensor and alias_by_tensor[t].base in owner:
            buf = owner[alias_by_tensor[t].base]
        else:
            raise PlanError(
                f"tensor {t} '{model.tensors[t].name}' (live ops {first}..{last}) has no storage."
            )
        if buf.first_op > first or buf.last_op < last:
            raise PlanError(
                f"buffer '{buf.name}' (ops {buf.first_op}..{buf.last_op}) does not cover tensor {t} "
                f"(ops {first}..{last})."
            )
        if buf.size < model.tensors[t].nbytes:
            raise PlanError(
                f"buffer '{buf.name}' has {buf.size} bytes; tensor {t} needs {model.tensors[t].nbytes}."
            )
        storage[t] = buf
    for t in list(owner) + list(alias_by_tensor):
        if t not in lifetimes:
            raise PlanError(f"tensor {t} is planned but the graph does not use it as an activation.")
    _check_aliases(model, plan, lifetimes, storage)
    _check_scratch(model, plan, scratch)
    _check_overlaps(plan.buffers)


def _check_aliases(
    model: Model, plan: MemoryPlan, lifetimes: Mapping[int, tuple[int, int]], storage: Mapping[int, Buffer]
) -> None:
    inputs, outputs = set(model.inputs), set(model.outputs)
    for al in plan.alias_info:
        if not 0 <= al.op < len(model.operators):
            raise PlanError(f"alias of tensor {al.tensor} names op {al.op}, which does not exist.")
        op = model.operators[al.op]
        ok_kind = (al.kind == "view" and op.op in VIEW_OPS) or (
            al.kind == "in-place" and op.op in INPLACE_OPS
        )
        if not ok_kind or al.tensor not in op.outputs or al.input not in op.inputs:
            raise PlanError(f"{op.label} cannot alias tensor {al.tensor} onto tensor {al.input} ({al.kind}).")
        if al.input not in storage or storage[al.input] is not storage[al.tensor]:
            raise PlanError(
                f"alias {al.tensor} -> {al.input} at {op.label} does not share the input's buffer."
            )
        if lifetimes[al.tensor][0] != al.op:
            raise PlanError(f"tensor {al.tensor} is aliased at {op.label} but is not written there.")
        if al.kind != "in-place":
            continue  # a view keeps the bytes as they are: every member still reads the same value
        # an overwrite at op k: every other member of the buffer that is live before or at k must die at k,
        # and none may be a graph output
        for w in _members(storage, al.tensor):
            if w == al.tensor or lifetimes[w][0] > al.op:
                continue
            if lifetimes[w][1] > al.op or w in outputs:
                raise PlanError(
                    f"{op.label} writes tensor {al.tensor} over tensor {w}, which is still needed "
                    f"(live until op {lifetimes[w][1]}{', a graph output' if w in outputs else ''})."
                )
    seen: set[int] = set()
    for t, buf in storage.items():
        if id(buf) in seen:
            continue
        seen.add(id(buf))
        members = _members(storage, t)
        if any(m in inputs for m in members) and any(m in outputs for m in members):
            raise PlanError(f"tensors {sorted(members)} mix a graph input and a graph output in one buffer.")


def _members(storage: Mapping[int, Buffer], t: int) -> list[int]:
    return [u for u, b in storage.items() if b is storage[t]]


def _check_scratch(model: Model, plan: MemoryPlan, scratch: Mapping[int, int] | None) -> None:
    for b in plan.buffers:
        if b.tensor == -1 and not (b.first_op == b.op == b.last_op and 0 <= b.op < len(model.operators)):
            raise PlanError(f"scratch buffer '{b.name}' must live exactly during op {b.op}.")
    for op_index, size in (scratch or {}).items():
        if size <= 0:
            continue
        b = plan.scratch_of(op_index)
        if b is None or b.size < size:
            raise PlanError(
                f"op {op_index} needs {size} scratch bytes; the plan gives {0 if b is None else b.size}."
            )


def _check_overlaps(buffers: tuple[Buffer, ...]) -> None:
    # sweep by offset so that only neighbours in memory are compared pairwise
    ordered = sorted(buffers, key=lambda b: b.offset)
    for i, x in enumerate(ordered):
        for y in ordered[i + 1 :]:
            if y.offset >= x.end:
                break
            if x.size and y.size and x.first_op <= y.last_op and y.first_op <= x.last_op:
                raise PlanError(
                    f"buffers '{x.name}' [{x.offset}, {x.end}) and '{y.name}' [{y.offset}, {y.end}) overlap "
                    f"in memory while both live (ops {max(x.first_op, y.first_op)}..{min(x.last_op, y.last_op)})."
                )
