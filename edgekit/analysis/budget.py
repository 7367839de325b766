"""Flash, RAM and latency of a model on a target, and the verdict against the target's budgets.

flash = weights + runtime code + constants (kernel argument structs, per-channel requantization data, I/O
descriptors). Runtime code comes from the per-op code-size table in ``estimates.toml`` until a real build
measures it: pass ``measured_code`` (op type -> bytes, plus ``"runtime"``) and the figure is labelled measured.
RAM = arena (the memory plan) + I/O buffers outside the arena + the target's reserved RAM (stack, libc). On a
Cortex-M target the I/O buffers are those the generated firmware allocates beside the arena (``firmware_io``):
the ``db load`` staging buffer of the model's input bytes and the protocol parser's state. Latency = (MACs x cycles-per-MAC + other ops x cycles-per-op) / clock: an estimate
until calibrated against measured runs; the target's ``[cpu]`` section may give ``cycles_per_mac``.
Once the model is built (``edgekit build``), pass the build's sizes (``measured.load_build``): the flash and RAM
budgets then judge the measured text + data and data + bss + stack instead of these estimates.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from edgekit.analysis.costs import MAC_RULES, ModelCost, model_cost
from edgekit.analysis.measured import MeasuredBuild
from edgekit.analysis.plan import MemoryPlan
from edgekit.errors import EdgekitError, TargetError, UnsupportedError
from edgekit.ir import Model
from edgekit.package.target_info import _get  # one reader of target objects for both modules

log = logging.getLogger(__name__)


@cache
def estimates() -> Mapping[str, Any]:
    """The estimate tables (code sizes, constants, cycles per MAC/op) shipped in ``estimates.toml``."""
    text = resources.files("edgekit.analysis").joinpath("estimates.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def plan_memory(model: Model, alignment: int = 16, dsp: bool = False) -> MemoryPlan:
    """The one place `check` gets its memory plan from: edgekit's planner, with the scratch buffers the
    generated kernels need (from the C generator), so the arena printed is the arena the firmware gets.
    ``dsp``: the target's ``[cpu] dsp``; the generator then picks the DSP kernels, whose scratch differs."""
    try:
        from edgekit.analysis.planner import plan_memory as planner
    except ModuleNotFoundError as e:  # the planner is developed in parallel; until it lands, no reuse at all
        if e.name != "edgekit.analysis.planner":
            raise
        return _no_reuse_plan(model, alignment)
    return planner(model, alignment=alignment, scratch=kernel_scratch(model, dsp))


def kernel_scratch(model: Model, dsp: bool = False) -> dict[int, int]:
    """op index -> scratch bytes its generated kernel needs; empty when the C generator is not installed."""
    try:
        from edgekit.converters.c_codegen.generator import scratch_requirements
    except ModuleNotFoundError as e:
        if not (e.name or "").startswith("edgekit.converters.c_codegen"):
            raise
        return {}
    try:
        return scratch_requirements(model, "auto", cpu_dsp=dsp)
    except EdgekitError as e:  # an op the generator cannot emit: still analyse the model, without its scratch
        log.warning("kernel scratch not counted: %s", e)
        return {}


def _no_reuse_plan(model: Model, alignment: int) -> MemoryPlan:
    """Every activation tensor at its own offset: an upper bound, used only when the planner is missing."""
    from edgekit.analysis.plan import Buffer

    producers, consumers = model.producers(), model.consumers()
    last = max(len(model.operators) - 1, 0)
    buffers, offset = [], 0
    for t in model.activation_tensors():
        tensor = model.tensors[t]
        first = producers.get(t, 0)
        end = last if t in model.outputs else max(consumers.get(t, [first]))
        buffers.append(Buffer(tensor.name or f"t{t}", t, offset, tensor.nbytes, first, end))
        offset += -(-tensor.nbytes // alignment) * alignment
    return MemoryPlan(arena_bytes=offset, alignment=alignment, buffers=tuple(buffers), strategy="no-reuse")


# Android targets carry no [cpu] section; the estimate assumes a big core of a current phone at this clock.
ANDROID_ASSUMED = ("arm64", 2_000_000_000)


@dataclass(frozen=True)
class TargetFacts:
    """What the budget needs from a target, read from a loaded ``edgekit.targets.Target`` by ``target_facts``."""

    id: str
    kind: str  # "cortex-m" | "android"
    core: str
    clock_hz: int
    flash_limit: int | None
    ram_limit: int | None
    reserved_ram: int
    latency_limit_ms: float | None
    alignment: int = 16
    cycles_per_mac: float | None = None  # measured/calibrated figure from the target file, if given
    clock_assumed: bool = False  # True when the target gives no clock (Android): ANDROID_ASSUMED is used
    dsp: bool = False  # [cpu] dsp: the generated C uses the DSP-extension kernels (their scratch is planned)
    calibrated: bool = False  # use calibration.toml for this core when it has one (no target-level cycles_per_mac)


def target_facts(target: Any) -> TargetFacts:
    tid = str(_get(target, "id", "?"))
    kind = str(_get(target, "kind", "cortex-m"))
    core, clock = _get(target, "cpu.core"), _get(target, "cpu.clock_hz")
    assumed = False
    if kind == "android" and not clock:
        core, clock = core or ANDROID_ASSUMED[0], ANDROID_ASSUMED[1]
        assumed = True
    if not isinstance(clock, int) or clock <= 0:
        raise TargetError(f"target {tid} has no positive [cpu] clock_hz; the latency estimate needs it.")
    if kind == "android":
        # a phone's flash is not the constraint; the budget bounds the benchmark process's peak memory
        flash = _get(target, "budget.flash_bytes")
        ram = _get(target, "budget.peak_memory_bytes")
    else:
        flash = _get(target, "budget.flash_bytes")
        ram = _get(target, "budget.ram_bytes")
    cpm = _get(target, "cpu.cycles_per_mac")
    latency_limit = _get(target, "budget.max_latency_ms")
    return TargetFacts(
        id=tid,
        kind=kind,
        core=str(core or "default").lower(),
        clock_hz=clock,
        flash_limit=int(flash) if flash is not None else None,
        ram_limit=int(ram) if ram is not None else None,
        reserved_ram=int(_get(target, "budget.reserved_ram_bytes", 0)),
        latency_limit_ms=float(latency_limit) if latency_limit is not None else None,
        alignment=int(_get(target, "board.alignment", 16)),
        cycles_per_mac=float(cpm) if cpm else None,  # the schema's 0.0 means "not given"
        clock_assumed=assumed,
        dsp=kind == "cortex-m" and bool(_get(target, "cpu.dsp", False)),
        calibrated=kind == "cortex-m" and not _own_value(target, tid, "cpu.cycles_per_mac"),
    )


def _own_value(target: Any, tid: str, key: str) -> bool:
    """True when ``key`` is set by the target's own file, not inherited from a shared base (whose figure is a
    generic estimate that a measured calibration should replace)."""
    from pathlib import Path

    prov = _get(target, "provenance") or {}
    src = prov.get(key) if isinstance(prov, Mapping) else None
    if src is None:
        return _get(target, key) is not None
    return Path(str(src)).stem == tid


@cache
def calibration() -> Mapping[str, Any]:
    """Per-op instruction costs fitted to measured profiles (``calibration.toml``, benchmarks/mcu_calibrate.py)."""
    res = resources.files("edgekit.analysis").joinpath("calibration.toml")
    return tomllib.loads(res.read_text(encoding="utf-8")) if res.is_file() else {}


def calibrated_cycles(cost: ModelCost, core: str, variant: str) -> tuple[float, ...] | None:
    """Per-layer estimate from the calibration of ``core`` / ``variant``; None when there is none for the core."""
    table = calibration().get(core, {}).get(variant)
    if not table:
        return None
    est = estimates()
    cpm = float(est["cycles_per_mac"].get(core, est["cycles_per_mac"]["default"]))
    cpo = float(est["cycles_per_op"].get(core, est["cycles_per_op"]["default"]))
    per_layer = []
    for layer in cost.layers:
        c = table.get(layer.op)
        if c is None:  # an op type the profiled models do not have: the table estimate for that layer
            per_layer.append(layer.macs * cpm + layer.ops * cpo)
            continue
        elements = 1
        for d in layer.output_shape:
            elements *= int(d)
        per_layer.append(c["macs"] * layer.macs + c["ops"] * layer.ops + c["elements"] * elements + c["call"])
    return tuple(per_layer)


@dataclass(frozen=True)
class Flash:
    weights_bytes: int
    code_bytes: int
    constants_bytes: int
    code_source: str  # "estimate" | "measured"

    @property
    def total(self) -> int:
        return self.weights_bytes + self.code_bytes + self.constants_bytes


@dataclass(frozen=True)
class Ram:
    arena_bytes: int
    io_bytes: int  # I/O buffers outside the arena: the sum of io_parts
    reserved_bytes: int
    io_parts: tuple[tuple[str, int], ...] = ()  # (name, bytes) of each I/O buffer outside the arena

    @property
    def total(self) -> int:
        return self.arena_bytes + self.io_bytes + self.reserved_bytes


@dataclass(frozen=True)
class Latency:
    cycles: int
    clock_hz: int
    cycles_per_mac: float
    cycles_per_op: float
    source: str  # "estimate (table, cortex-m4)" or "estimate (target cycles_per_mac)" or "calibrated (...)"
    per_layer: tuple[float, ...] | None = None  # calibrated per-layer figures, when the estimate is calibrated

    @property
    def ms(self) -> float:
        return self.cycles / self.clock_hz * 1000.0


@dataclass(frozen=True)
class BudgetLine:
    name: str  # "flash" | "ram" | "latency"
    used: float
    limit: float | None
    unit: str  # "bytes" | "ms"

    @property
    def over_by(self) -> float:
        return max(0, self.used - self.limit) if self.limit is not None else 0

    @property
    def fits(self) -> bool:
        return self.over_by == 0

    @property
    def share(self) -> float | None:
        return self.used / self.limit if self.limit else None


def code_bytes(model: Model, measured: Mapping[str, int] | None = None, dsp: bool = False) -> tuple[int, str]:
    """Runtime code for the op types the model uses: (bytes, "estimate" | "measured" | "partly measured").

    ``dsp``: the target has the DSP extension, so the ops the generator puts on DSP kernels count the
    ``[code_size_dsp]`` figure (one copy per op type and kernel variant used). ``measured`` (op type or
    "runtime" -> bytes, from a real build) overrides the table entry by entry; op types it does not list keep
    their estimate, and the label says so.
    """
    est = estimates()
    table, dsp_table = est["code_size"], est.get("code_size_dsp", {})
    variants = _op_variants(model) if dsp else ["portable"] * len(model.operators)
    kinds = {(op.op, v) for op, v in zip(model.operators, variants, strict=True)}
    measured = dict(measured or {})
    total = int(measured.get("runtime", table["runtime"])) + int(table["per_op_call"]) * len(model.operators)
    for op, variant in kinds:
        if op in measured:
            total += int(measured[op])
        elif variant == "dsp" and op in dsp_table:
            total += int(dsp_table[op])
        else:
            total += int(table.get(op, table["default"]))
    if not measured:
        return total, "estimate"
    covered = "runtime" in measured and {op for op, _ in kinds} <= set(measured)
    return total, "measured" if covered else "partly measured"


def _op_variants(model: Model) -> list[str]:
    """Per op, the kernel variant the C generator picks on a DSP core; all portable without the generator."""
    try:
        from edgekit.converters.c_codegen.dsp import op_variants
    except ModuleNotFoundError as e:
        if not (e.name or "").startswith("edgekit.converters.c_codegen"):
            raise
        return ["portable"] * len(model.operators)
    return op_variants(model, "dsp")


def constants_bytes(model: Model) -> int:
    c = estimates()["constants"]
    total = int(c["per_op"]) * len(model.operators) + int(c["per_io_tensor"]) * (
        len(model.inputs) + len(model.outputs)
    )
    for op in model.operators:
        if op.op in MAC_RULES and op.outputs and op.outputs[0] >= 0:
            shape = model.tensors[op.outputs[0]].shape
            total += int(c["per_channel"]) * (shape[-1] if shape else 1)
    return total


def io_outside_arena(model: Model, plan: MemoryPlan) -> int:
    """Model inputs/outputs the plan leaves out of the arena (0 for every plan the C generator emits)."""
    in_plan = {b.tensor for b in plan.buffers} | {t for t, _ in plan.aliases}
    io = set(model.inputs) | set(model.outputs)
    return sum(model.tensors[t].nbytes for t in io if t not in in_plan and not model.tensors[t].is_constant)


# sizeof(ek_protocol_t) (firmware_templates/cortex_m/ek_protocol.h) with arm-none-eabi-gcc's 32-bit layout:
# dev pointer 4 + line[EK_CMD_MAX + 1 = 81] padded to 84 + six uint32/int fields 24 + laps[EK_MAX_LAPS = 64]
# x 4 = 368. main.c holds one (`protocol`); tests compare this figure with the struct and with a real build's map.
PROTOCOL_STATE_BYTES = 368


def firmware_io(model: Model) -> tuple[tuple[str, int], ...]:
    """The I/O buffers the generated Cortex-M firmware keeps outside the arena, as (name, bytes).

    main.c's ``db_buffer[EK_DB_BYTES]`` stages the ``db load`` upload (EK_DB_BYTES = the model's input bytes,
    at least 1: edgekit.package.cortex_m.board_config), and its ``protocol`` holds the parser's command line
    and per-inference laps. Inputs are copied from the staging buffer into the arena before each invoke and
    outputs are read in place from the arena, so nothing else is allocated for I/O. (Builds with
    EK_PROFILE_OPS add 8 bytes per op for the profile; they are for finding hot ops, not for deployment.)"""
    staging = max(sum(model.tensors[t].nbytes for t in model.inputs), 1)
    return (("input staging (db load)", staging), ("protocol state", PROTOCOL_STATE_BYTES))


def io_buffers(model: Model, plan: MemoryPlan, kind: str) -> tuple[tuple[str, int], ...]:
    """Every I/O buffer outside the arena on a target of ``kind``, as (name, bytes); zero-byte parts left out.
    Android: LiteRT keeps inputs and outputs in its own arena, so only tensors the plan leaves out count."""
    parts = firmware_io(model) if kind == "cortex-m" else ()
    outside = io_outside_arena(model, plan)
    return (*parts, ("I/O tensors outside the plan", outside)) if outside else parts


def latency(cost: ModelCost, facts: TargetFacts) -> Latency:
    if facts.calibrated:
        variant = "dsp" if facts.dsp else "portable"
        per_layer = calibrated_cycles(cost, facts.core, variant)
        if per_layer is not None:
            cycles = round(sum(per_layer))
            source = (f"calibrated ({facts.core}, {variant} kernels: per-op profiles on QEMU, 1 cycle per "
                      "instruction assumed)")
            return Latency(cycles=cycles, clock_hz=facts.clock_hz, cycles_per_mac=cycles / max(cost.macs, 1),
                           cycles_per_op=0.0, source=source, per_layer=per_layer)
    est = estimates()
    table_cpm, table_cpo = est["cycles_per_mac"], est["cycles_per_op"]
    cpo = float(table_cpo.get(facts.core, table_cpo["default"]))
    if facts.cycles_per_mac is not None:
        cpm, source = facts.cycles_per_mac, "estimate (target cycles_per_mac)"
    elif facts.core in table_cpm:
        cpm, source = float(table_cpm[facts.core]), f"estimate (table, {facts.core})"
    else:
        cpm, source = float(table_cpm["default"]), f"estimate (table default; core {facts.core!r} not listed)"
    if facts.clock_assumed:
        source = source[:-1] + f"; clock assumed {facts.clock_hz / 1e9:g} GHz)"
    cycles = round(cost.macs * cpm + cost.ops * cpo)
    return Latency(
        cycles=cycles, clock_hz=facts.clock_hz, cycles_per_mac=cpm, cycles_per_op=cpo, source=source
    )


@dataclass(frozen=True)
class Unsupported:
    """Why the C generator (so `edgekit generate`/`package`) refuses the model: the first problem it reports."""

    index: int | None  # the op's index; None for a whole-model problem (float-only, several subgraphs, no ops)
    op: str | None  # the op as the layers table names it (a custom op by its custom code); None as index
    reason: str  # what is missing, in the generator's words: "is an LSTM; recurrent ops ... are not supported"

    @property
    def what(self) -> str:
        return f"op {self.index} ({self.op}) {self.reason}" if self.index is not None else self.reason


def codegen_problem(model: Model) -> Unsupported | None:
    """The first problem the C generator's support rules (converters/c_codegen/support.py: one place for the
    rules and their messages) find in ``model``; None when it can generate C for it, or when the generator is
    not installed (then nothing can be said)."""
    try:
        from edgekit.converters.c_codegen.support import check_model
    except ModuleNotFoundError as e:
        if not (e.name or "").startswith("edgekit.converters.c_codegen"):
            raise
        return None
    try:
        check_model(model)
    except UnsupportedError as e:
        # check_model's sentence: "Cannot generate C for NAME: op 3 (LSTM) is an LSTM; ...." or, for the whole
        # model, "...: it is a float-only model ...". Its rules stay there; only the op is located here.
        detail = str(e).removeprefix(f"Cannot generate C for {model.name}: ").rstrip(".")
        for op in model.operators:
            if detail.startswith(op.label + " "):
                name = op.custom_code if op.op == "CUSTOM" and op.custom_code else op.op
                return Unsupported(op.index, name, detail[len(op.label) + 1:])
        return Unsupported(None, None, detail)
    return None


@dataclass(frozen=True)
class Assessment:
    """Everything `edgekit check` reports: costs, plan, the three totals and the verdict."""

    model: Model
    target: TargetFacts
    cost: ModelCost
    plan: MemoryPlan
    flash: Flash
    ram: Ram
    latency: Latency
    budgets: tuple[BudgetLine, ...]
    measured: MeasuredBuild | None = None  # a real build's sizes: the flash and RAM budgets judge these
    unsupported: Unsupported | None = None  # Cortex-M: why edgekit's C generator refuses the model, if it does

    @property
    def fits(self) -> bool:
        return all(b.fits for b in self.budgets)

    @property
    def supported(self) -> bool:
        """True when the model can be deployed on the target's runtime: on Cortex-M, edgekit's generated C;
        always on Android (LiteRT runs nearly every op, `package` warns about the custom ones)."""
        return self.unsupported is None

    def over(self) -> list[BudgetLine]:
        return [b for b in self.budgets if not b.fits]

    def budget(self, name: str) -> BudgetLine:
        return next(b for b in self.budgets if b.name == name)


def assess(
    model: Model,
    target: Any,
    plan: MemoryPlan | None = None,
    measured_code: Mapping[str, int] | None = None,
    measured: MeasuredBuild | None = None,
) -> Assessment:
    """Costs, memory plan, flash/RAM/latency and the verdict of ``model`` on ``target`` (a loaded target).

    ``measured``: the sizes of a real build of this model for this target (``measured.load_build``); its flash
    (text + data) and RAM (data + bss + stack) replace the estimates in the verdict. The estimates are still
    computed, so the report can show both."""
    facts = target if isinstance(target, TargetFacts) else target_facts(target)
    cost = model_cost(model)
    if plan is None:
        plan = plan_memory(model, alignment=facts.alignment, dsp=facts.dsp)
    code, source = code_bytes(model, measured_code, dsp=facts.dsp)
    flash = Flash(cost.weights_bytes, code, constants_bytes(model), source)
    io = io_buffers(model, plan, facts.kind)
    ram = Ram(plan.arena_bytes, sum(n for _, n in io), facts.reserved_ram, io)
    lat = latency(cost, facts)
    budgets = (
        BudgetLine("flash", measured.flash_bytes if measured else flash.total, facts.flash_limit, "bytes"),
        BudgetLine("ram", measured.ram_bytes if measured else ram.total, facts.ram_limit, "bytes"),
        BudgetLine("latency", round(lat.ms, 3), facts.latency_limit_ms, "ms"),
    )
    unsupported = codegen_problem(model) if facts.kind == "cortex-m" else None
    return Assessment(model, facts, cost, plan, flash, ram, lat, budgets, measured, unsupported)
