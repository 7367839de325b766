"""What a compression run did, as frozen dataclasses: JSON for machines, a rich table for people."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

KERNEL_NAMES = ("kernel", "depthwise_kernel", "pointwise_kernel")


@dataclass(frozen=True)
class LayerStats:
    name: str
    kind: str
    params: int  # weights of the layer's kernel(s)
    sparsity: float  # fraction of exact zeros in the kernel(s)
    unique_values: int  # distinct kernel values (clustering shows here)


@dataclass(frozen=True)
class StepReport:
    step: str  # "float" for the starting point, else the recipe step's kind
    description: str
    accuracy_before: float
    accuracy_after: float
    params: int  # all weights of the model after the step (trainable or not, without QAT/pruning bookkeeping)
    layers: tuple[LayerStats, ...]
    extra: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class CompressReport:
    model: str
    data: str
    recipe: str
    steps: tuple[StepReport, ...]
    scan: tuple[dict[str, str], ...] = ()

    @property
    def float_accuracy(self) -> float:
        return self.steps[0].accuracy_before if self.steps else float("nan")

    @property
    def final_accuracy(self) -> float:
        return self.steps[-1].accuracy_after if self.steps else float("nan")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> CompressReport:
        """The inverse of ``to_dict`` (a compress_report.json read back, e.g. by a reused deploy stage)."""
        steps = tuple(StepReport(**{**s, "layers": tuple(LayerStats(**ls) for ls in s["layers"]),
                                    "extra": dict(s.get("extra", {}))}) for s in doc["steps"])
        return cls(model=doc["model"], data=doc["data"], recipe=doc["recipe"], steps=steps,
                   scan=tuple(doc.get("scan", ())))


def nonzero_weights(step: StepReport) -> int:
    """Kernel weights that are not exactly zero after the step (what pruning removes)."""
    return sum(round(ls.params * (1.0 - ls.sparsity)) for ls in step.layers)


def unique_weights(step: StepReport) -> int:
    """Distinct kernel values summed over layers (what clustering shrinks: about clusters x layers)."""
    return sum(ls.unique_values for ls in step.layers)


def weight_bytes(tflite: bytes) -> tuple[int, int]:
    """(raw, zlib -9) bytes of a .tflite's constant buffers: the second shows what zeros and shared values buy
    once a device (or an OTA update) stores the weights compressed."""
    import zlib

    from edgekit.converters.tflite_reader import parse_model

    model = parse_model(tflite)
    raw = b"".join(t.data for t in model.tensors if t.data is not None)
    return len(raw), len(zlib.compress(raw, 9))


def layer_stats(model: Any) -> tuple[LayerStats, ...]:
    """Kernel statistics per layer with weights, looking through TF-MOT wrappers to the user's layer."""
    from edgekit.compress.tfmot_adapter import inner_layer

    out = []
    for layer in model.layers:
        inner = inner_layer(layer)
        kernels = [np.asarray(w.numpy()) for w in layer.weights
                   if w.name.split("/")[-1].split(":")[0] in KERNEL_NAMES]
        if not kernels:
            continue
        flat = np.concatenate([k.reshape(-1) for k in kernels])
        out.append(LayerStats(name=inner.name, kind=type(inner).__name__, params=int(flat.size),
                              sparsity=float(np.mean(flat == 0)), unique_values=int(np.unique(flat).size)))
    return tuple(out)


def param_count(model: Any) -> int:
    """Weights a deployed model keeps: kernels, biases, BN statistics; not QAT ranges or pruning masks."""
    skip = ("_min", "_max", "optimizer_step", "mask", "threshold", "pruning_step", "cluster_centroids",
            "pulling_indices", "ori_weights_vars_tf")
    total = 0
    for w in model.weights:
        name = w.name.split("/")[-1].split(":")[0]
        if any(s in name for s in skip):
            continue
        total += int(np.prod(w.shape))
    return total


def render(report: CompressReport, console: Any = None) -> None:
    """Two tables: accuracy per step, then per-layer sparsity and unique values after the last step."""
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    steps = Table(title=f"compression of {report.model}")
    for col in ("step", "what", "val acc before", "val acc after", "params"):
        steps.add_column(col, justify="left" if col in ("step", "what") else "right")
    for s in report.steps:
        extra = "".join(f"\n{k.replace('_', ' ')}: {v:.4f}" for k, v in s.extra.items())
        steps.add_row(s.step, s.description + extra, f"{s.accuracy_before:.4f}", f"{s.accuracy_after:.4f}",
                      f"{s.params:,}")
    console.print(steps)
    if not report.steps:
        return
    layers = Table(title="kernels after the last step")
    for col in ("layer", "type", "weights", "sparsity", "unique values"):
        layers.add_column(col, justify="left" if col in ("layer", "type") else "right")
    for ls in report.steps[-1].layers:
        layers.add_row(ls.name, ls.kind, f"{ls.params:,}", f"{ls.sparsity:.1%}", str(ls.unique_values))
    console.print(layers)
