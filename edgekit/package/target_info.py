"""What the firmware needs from a target definition, read strictly into one frozen dataclass.

The target files (``targets/*.toml``, loaded by ``edgekit.targets.load_target``) are the source of truth.
For the emulated boards, facts measured on QEMU 7.2 fill what a target file leaves out: where the board's
UART is, which driver it needs, and the SysTick clock QEMU models (see ``QEMU_BOARDS``). Every value says
where it came from, so ``edgekit package`` can print it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from typing import Any

from edgekit.errors import TargetError

UART_DRIVERS = {
    # target [board] uart driver -> (source file, extra #defines)
    "cmsdk": ("uart_cmsdk.c", {}),
    "stm32-usart": ("uart_stm32.c", {}),  # L4/F7/G4/H7 register layout
    "stm32-usart-legacy": ("uart_stm32.c", {"EK_STM32_USART_LEGACY": "1"}),  # F1/F2/F4
    "nrf52-uarte": ("uart_nrf52.c", {}),
}
TIMERS = {"systick-icount": "timer_systick.c", "dwt": "timer_dwt.c"}

# Facts measured on QEMU 7.2 (qemu-system-arm -M <machine> -icount shift=0): memory map (`info mtree`),
# UART0 (CMSDK or STM32 USART1) and the SysTick clock, calibrated with a counted instruction loop
# (an386/an500: 40 instructions per tick, an505: 50, netduinoplus2: 125/21).
QEMU_BOARDS: Mapping[str, Mapping[str, Any]] = {
    "mps2-an386": {"cpu": "cortex-m4", "fpu": "fpv4-sp-d16", "flash": (0x00000000, 0x400000),
                   "ram": (0x20000000, 0x400000), "uart": ("cmsdk", 0x40004000), "sysclk_hz": 25_000_000},
    "mps2-an500": {"cpu": "cortex-m7", "fpu": "fpv5-d16", "flash": (0x00000000, 0x400000),
                   "ram": (0x20000000, 0x400000), "uart": ("cmsdk", 0x40004000), "sysclk_hz": 25_000_000},
    # AN505 boots secure: code at the secure alias of SSRAM1, data in the secure alias of SSRAM2,
    # UART0 at its secure alias (0x50200000; the non-secure 0x40200000 faults from secure code).
    "mps2-an505": {"cpu": "cortex-m33", "fpu": "fpv5-sp-d16", "flash": (0x10000000, 0x400000),
                   "ram": (0x38000000, 0x200000), "uart": ("cmsdk", 0x50200000), "sysclk_hz": 20_000_000},
    "netduinoplus2": {"cpu": "cortex-m4", "fpu": "fpv4-sp-d16", "flash": (0x08000000, 0x100000),
                      "ram": (0x20000000, 0x20000), "uart": ("stm32-usart-legacy", 0x40011000),
                      "sysclk_hz": 168_000_000},
}

FPU_BY_CORE = {"cortex-m4": "fpv4-sp-d16", "cortex-m7": "fpv5-d16", "cortex-m33": "fpv5-sp-d16",
               "cortex-m55": "auto"}


def _get(obj: Any, dotted: str, default: Any = None) -> Any:
    """``obj.a.b`` or ``obj["a"]["b"]``, whichever the loaded target offers; ``default`` when absent."""
    for part in dotted.split("."):
        if obj is None:
            return default
        obj = obj.get(part) if isinstance(obj, Mapping) else getattr(obj, part, None)
    return default if obj is None else obj


def _int(v: Any, what: str, tid: str) -> int:
    if isinstance(v, bool) or not isinstance(v, int | str):
        raise TargetError(f"target {tid}: {what} must be an integer, got {v!r}.")
    try:
        return int(v, 0) if isinstance(v, str) else int(v)
    except ValueError as e:
        raise TargetError(f"target {tid}: {what} must be an integer, got {v!r}.") from e


@dataclass(frozen=True)
class FirmwareTarget:
    id: str
    kind: str
    core: str  # "cortex-m4"
    fpu: str | None  # gcc -mfpu value, None for soft float
    clock_hz: int
    flash_base: int
    flash_size: int
    ram_base: int
    ram_size: int
    flash_budget: int | None
    ram_budget: int | None
    reserved_ram: int
    uart_driver: str
    uart_base: int
    uart_baud: int
    uart_clock_hz: int
    timer: str  # "systick-icount" | "dwt"
    stack_bytes: int
    runner: str  # "qemu" | "pyocd" | "openocd" | "uf2"
    pyocd_target: str | None
    openocd_config: tuple[str, ...]
    qemu_machine: str | None
    icount_shift: int
    semihosting: bool
    sources: Mapping[str, str] = field(default_factory=dict)  # field -> where the value came from
    dsp: bool = False  # [cpu] dsp: the core has the DSP extension, so the generator picks the SMLAD kernels

    @property
    def units(self) -> str:
        return "instructions" if self.timer == "systick-icount" else "cycles"

    @property
    def timer_hz(self) -> int:
        return self.clock_hz

    @property
    def units_per_tick(self) -> Fraction:
        """Instructions per SysTick tick under -icount (2^shift ns per instruction), or 1 cycle per cycle."""
        if self.timer == "systick-icount":
            return Fraction(10**9, self.clock_hz * 2**self.icount_shift)
        return Fraction(1)

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["sources"] = dict(self.sources)
        d["openocd_config"] = list(self.openocd_config)
        return d

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> FirmwareTarget:
        d = dict(d)
        d["openocd_config"] = tuple(d.get("openocd_config", ()))
        return cls(**d)


def load(target_ref: str | Any) -> tuple[Any, FirmwareTarget | None]:
    """The loaded target and, for a cortex-m target, its firmware facts."""
    if isinstance(target_ref, str):
        from edgekit.targets import load_target

        target = load_target(target_ref)
    else:
        target = target_ref
    kind = str(_get(target, "kind", "cortex-m"))
    return target, (firmware_target(target) if kind == "cortex-m" else None)


def firmware_target(target: Any) -> FirmwareTarget:
    tid = str(_get(target, "id", "?"))
    src: dict[str, str] = {}
    machine = _get(target, "emulator.machine") or _get(target, "emulator.qemu_machine")
    qemu = QEMU_BOARDS.get(str(machine), {}) if machine else {}

    def pick(key: str, dotted: str | tuple[str, ...], fallback: Any = None, what: str = "") -> Any:
        for d in (dotted,) if isinstance(dotted, str) else dotted:
            v = _get(target, d)
            if v is not None:
                src[key] = f"target [{d.rsplit('.', 1)[0]}] {d.rsplit('.', 1)[-1]}"
                return v
        if fallback is not None:
            src[key] = what or f"measured on QEMU {machine}"
            return fallback
        return None

    core = str(pick("core", "cpu.core", qemu.get("cpu")) or "").lower()
    if not core.startswith("cortex-m"):
        raise TargetError(f"target {tid}: [cpu] core must name a Cortex-M core (e.g. 'cortex-m4'), got {core!r}.")
    fpu_raw = _get(target, "cpu.fpu")
    if fpu_raw is None or fpu_raw is True:  # absent: the usual FPU of the core on an emulated board
        fpu = FPU_BY_CORE.get(core) if (fpu_raw or qemu) else None
    elif fpu_raw is False or str(fpu_raw).lower() in ("none", "soft", ""):
        fpu = None
    else:
        fpu = str(fpu_raw)
        if fpu.lower() in ("fpv4-sp", "sp", "single"):
            fpu = FPU_BY_CORE.get(core, "fpv4-sp-d16")
        elif fpu.lower() in ("fpv5", "dp", "double"):
            fpu = "fpv5-d16"
    # Under QEMU the SysTick clock is the machine's modelled one, whatever the real board runs at.
    clock = pick("clock_hz", "emulator.sysclk_hz", qemu.get("sysclk_hz")) or pick("clock_hz", "cpu.clock_hz")
    if clock is None:
        raise TargetError(f"target {tid}: [cpu] clock_hz is missing; the timer needs it.")

    def region(name: str) -> tuple[int, int]:
        base = pick(f"{name}_base", f"memory.{name}.base", (qemu.get(name) or (None, None))[0])
        size = pick(f"{name}_size", f"memory.{name}.size", (qemu.get(name) or (None, None))[1])
        if base is None or size is None:
            raise TargetError(f"target {tid}: [memory] {name} needs base and size for the linker script.")
        return _int(base, f"[memory] {name}.base", tid), _int(size, f"[memory] {name}.size", tid)

    flash_base, flash_size = region("flash")
    ram_base, ram_size = region("ram")
    qemu_uart = qemu.get("uart") or (None, None)
    driver = str(pick("uart_driver", ("board.uart.driver", "board.uart_driver"), qemu_uart[0]) or "")
    if driver == "cmsdk-uart":
        driver = "cmsdk"
    regs = _get(target, "board.uart.registers") or {}
    keys = {str(k).lower() for k in regs}
    if driver == "stm32-usart" and ("sr" in keys or qemu_uart[0] == "stm32-usart-legacy"):
        driver = "stm32-usart-legacy"  # F1/F2/F4 register layout (SR/DR), as the target's register map says
    if driver not in UART_DRIVERS:
        raise TargetError(
            f"target {tid}: [board] uart driver {driver!r} is not one of {', '.join(sorted(UART_DRIVERS))}."
        )
    uart_base = pick("uart_base", ("board.uart.base", "board.uart_base"), qemu_uart[1])
    if uart_base is None:
        raise TargetError(f"target {tid}: [board] uart base address is missing.")
    baud = pick("uart_baud", ("board.uart.baud", "board.uart_baud", "board.baud"), 115200, "default 115200")
    uart_clock = pick("uart_clock_hz", ("board.uart.clock_hz", "board.uart_clock_hz"), int(clock),
                      "the CPU clock")
    timer = str(pick("timer", ("board.timer", "board.timer.kind"), "systick-icount" if machine else "dwt",
                     "default for " + ("an emulated board" if machine else "hardware")))
    if timer not in TIMERS:
        raise TargetError(f"target {tid}: [board] timer {timer!r} is not one of {', '.join(sorted(TIMERS))}.")
    runner = str(pick("runner", "flash.runner", "qemu" if machine else "pyocd", "default"))
    ocd = _get(target, "flash.openocd_config") or ()
    if isinstance(ocd, str):
        ocd = (ocd,)
    pyocd_target = _get(target, "flash.pyocd_target")
    budget_flash = _get(target, "budget.flash_bytes")
    budget_ram = _get(target, "budget.ram_bytes")
    return FirmwareTarget(
        id=tid,
        kind="cortex-m",
        core=core,
        fpu=fpu,
        clock_hz=_int(clock, "clock_hz", tid),
        flash_base=flash_base,
        flash_size=flash_size,
        ram_base=ram_base,
        ram_size=ram_size,
        flash_budget=_int(budget_flash, "[budget] flash_bytes", tid) if budget_flash is not None else None,
        ram_budget=_int(budget_ram, "[budget] ram_bytes", tid) if budget_ram is not None else None,
        reserved_ram=_int(_get(target, "budget.reserved_ram_bytes", 0), "[budget] reserved_ram_bytes", tid),
        uart_driver=driver,
        uart_base=_int(uart_base, "[board] uart base", tid),
        uart_baud=_int(baud, "[board] uart baud", tid),
        uart_clock_hz=_int(uart_clock, "[board] uart clock_hz", tid),
        timer=timer,
        stack_bytes=_int(_get(target, "board.stack_bytes", 8192), "[board] stack_bytes", tid),
        runner=runner,
        pyocd_target=str(pyocd_target) if pyocd_target else None,
        openocd_config=tuple(str(a) for a in ocd),
        qemu_machine=str(machine) if machine else None,
        icount_shift=_int(_get(target, "emulator.icount_shift", _get(target, "emulator.icount", 0)),
                          "[emulator] icount shift", tid),
        semihosting=bool(machine) and bool(_get(target, "emulator.semihosting", True)),
        sources=src,
        dsp=bool(_get(target, "cpu.dsp", False)),
    )
