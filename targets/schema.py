"""What a target file may contain: frozen dataclasses whose fields *are* the schema.

Each section is a dataclass; a field's type says what TOML value it takes (``int``, ``float`` (an integer is
accepted), ``str``, ``bool``, ``tuple[str, ...]`` (an array of strings), ``Mapping[str, int]`` (a table of
integers), another section, and ``X | None`` for an optional key). ``choices`` in a field's metadata lists the
allowed strings. The loader (``loader.py``) reads files strictly against these classes, so a key that is not a
field here is an error naming the file and the key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any


def choice(*values: str, doc: str = "") -> Any:
    return field(metadata={"choices": values, "doc": doc})


def opt_choice(*values: str, doc: str = "") -> Any:
    return field(default=None, metadata={"choices": values, "doc": doc})


@dataclass(frozen=True)
class Region:
    base: int  # first byte address
    size: int  # bytes


@dataclass(frozen=True)
class Cpu:
    core: str = choice("cortex-m0plus", "cortex-m3", "cortex-m4", "cortex-m7", "cortex-m33", "cortex-m55")
    arch: str = choice("armv6-m", "armv7-m", "armv7e-m", "armv8-m.main", "armv8.1-m.main")
    fpu: str = choice("none", "fpv4-sp-d16", "fpv5-sp-d16", "fpv5-d16")
    float_abi: str = choice("soft", "softfp", "hard")
    dsp: bool  # Armv7E-M / v8-M DSP extension (SMLAD & co.)
    clock_hz: int  # core clock the latency estimate assumes
    cycles_per_mac: float  # average cycles per int8 multiply-accumulate, for the estimate only


@dataclass(frozen=True)
class Memory:
    flash: Region  # where code and const weights go
    ram: Region  # where the arena, stack and I/O buffers go
    source: str  # where these numbers come from (datasheet, reference manual, QEMU source)


@dataclass(frozen=True)
class McuBudget:
    flash_bytes: int  # what the model may use of flash (weights + runtime code + constants)
    ram_bytes: int  # what the model may use of RAM (arena + I/O buffers + reserved)
    reserved_ram_bytes: int  # taken by the firmware itself: stack, serial buffers
    max_latency_ms: float | None = None


@dataclass(frozen=True)
class AndroidBudget:
    max_latency_ms: float  # mean inference time on the device
    peak_memory_bytes: int  # peak resident memory of the benchmark process


@dataclass(frozen=True)
class Uart:
    driver: str = choice("cmsdk", "stm32-usart", "nrf52-uarte")
    instance: str  # peripheral name in the vendor's manual, e.g. "UART0", "USART2"
    base: int  # peripheral base address
    baud: int
    clock_hz: int  # clock feeding the peripheral's baud generator
    registers: Mapping[str, int]  # register name -> offset from base
    bits: Mapping[str, int]  # status/control bit name -> mask
    pins: str | None = None  # which pins carry TX/RX (real boards), for the person wiring it


@dataclass(frozen=True)
class Board:
    uart: Uart
    timer: str = choice("dwt", "systick-icount", doc="cycle counter, or SysTick counting QEMU instructions")
    alignment: int  # arena and tensor alignment in bytes


@dataclass(frozen=True)
class FlashRunner:
    runner: str = choice("pyocd", "openocd", "qemu", "uf2")
    pyocd_target: str | None = None  # `pyocd list --targets` name
    openocd_config: tuple[str, ...] | None = None  # -f files, in order
    uf2_family: str | None = None  # UF2 family id name, for "uf2"


@dataclass(frozen=True)
class Emulator:
    machine: str  # qemu-system-arm -M
    cpu: str  # the CPU QEMU models on that machine (informational; the machine fixes it)
    icount_shift: int  # -icount shift=N: 2**N ns per instruction
    semihosting: bool = True


@dataclass(frozen=True)
class AndroidAbi:
    abi: str = choice("arm64-v8a", "armeabi-v7a", "x86_64")
    min_sdk: int


@dataclass(frozen=True)
class Benchmark:
    threads: int  # --num_threads
    delegate: str = choice("none", "xnnpack", "gpu", "nnapi")
    taskset_mask: str  # hex CPU mask for `taskset` (pin to the big cores)
    warmup_runs: int
    runs: int
    rounds: int | None = None  # separate runs of the tool, one sample each (edgekit.android.bench; default 3)
    binary: str | None = None  # host path of benchmark_model for this ABI (else --benchmark-binary)


# kind -> section name -> (class, required)
KIND_SECTIONS: Mapping[str, Mapping[str, tuple[type, bool]]] = MappingProxyType(
    {
        "cortex-m": MappingProxyType(
            {
                "cpu": (Cpu, True),
                "memory": (Memory, True),
                "budget": (McuBudget, True),
                "board": (Board, True),
                "flash": (FlashRunner, True),
                "emulator": (Emulator, False),
            }
        ),
        "android": MappingProxyType(
            {
                "android": (AndroidAbi, True),
                "benchmark": (Benchmark, True),
                "budget": (AndroidBudget, True),
            }
        ),
    }
)
# top-level scalar keys every file may have
TOP_KEYS = ("id", "inherit", "kind", "description", "abstract")


@dataclass(frozen=True)
class Target:
    """A resolved target. Sections that do not apply to the kind are None.

    ``provenance`` maps every dotted key (``"memory.ram.size"``) to the file that set the value in force;
    ``chain`` lists the files read, the target's own first, then what it inherits from.
    """

    id: str
    kind: str
    description: str
    path: str
    chain: tuple[str, ...]
    provenance: Mapping[str, str]
    cpu: Cpu | None = None
    memory: Memory | None = None
    budget: McuBudget | AndroidBudget | None = None
    board: Board | None = None
    flash: FlashRunner | None = None
    emulator: Emulator | None = None
    android: AndroidAbi | None = None
    benchmark: Benchmark | None = None

    @property
    def is_emulated(self) -> bool:
        return self.emulator is not None
