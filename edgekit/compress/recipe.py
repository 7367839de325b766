"""Compression recipes: an ordered chain of steps, read strictly from TOML or built from CLI flags.

No TensorFlow here: a recipe is checked (unknown keys, ranges, step order) before anything is trained.

TOML form::

    batch_size = 32          # optional training settings shared by every step
    learning_rate = 1e-3
    seed = 0

    [[step]]
    kind = "prune"           # prune | cluster | distill | qat | pqat | cqat
    sparsity = 0.6
    epochs = 4

    [[step]]
    kind = "pqat"
    epochs = 3
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from edgekit.errors import BadInputError
from edgekit.tomlfile import read_toml


@dataclass(frozen=True)
class TrainConfig:
    batch_size: int = 32
    learning_rate: float = 1e-3
    seed: int = 0


@dataclass(frozen=True)
class PruneStep:
    """Magnitude pruning with a polynomial schedule, or 2:4 (m-by-n) structured sparsity."""

    sparsity: float = 0.5
    initial_sparsity: float = 0.0
    epochs: int = 4
    frequency: int = 10
    m_by_n: str | None = None  # e.g. "2:4"; the sparsity is then m/n
    learning_rate: float | None = None
    kind: str = field(default="prune", init=False)


@dataclass(frozen=True)
class ClusterStep:
    clusters: int = 16
    init: str = "kmeans++"  # kmeans++ | linear | density | random
    epochs: int = 3
    preserve_sparsity: bool = False
    learning_rate: float | None = None
    kind: str = field(default="cluster", init=False)


@dataclass(frozen=True)
class DistillStep:
    """The incoming model is the teacher; ``student`` is a Keras file or a ``module:function`` builder."""

    student: str = ""
    temperature: float = 4.0
    alpha: float = 0.1  # weight of the hard-label loss; 1 - alpha goes to the teacher's soft targets
    epochs: int = 10
    learning_rate: float | None = None
    kind: str = field(default="distill", init=False)


@dataclass(frozen=True)
class QuantizeStep:
    """QAT (``qat``), pruning-preserving QAT (``pqat``) or cluster-preserving QAT (``cqat``)."""

    kind: str = "qat"
    epochs: int = 3
    learning_rate: float | None = None


Step = PruneStep | ClusterStep | DistillStep | QuantizeStep

STEP_TYPES: dict[str, type] = {
    "prune": PruneStep,
    "cluster": ClusterStep,
    "distill": DistillStep,
    "qat": QuantizeStep,
    "pqat": QuantizeStep,
    "cqat": QuantizeStep,
}
CENTROID_INITS = ("kmeans++", "linear", "density", "random")


@dataclass(frozen=True)
class Recipe:
    steps: tuple[Step, ...]
    train: TrainConfig = TrainConfig()
    source: str = "flags"

    def describe(self) -> list[str]:
        return [describe_step(s) for s in self.steps]


def describe_step(step: Step) -> str:
    if isinstance(step, PruneStep):
        what = f"2:4-style {step.m_by_n} sparsity" if step.m_by_n else f"{step.sparsity:.0%} sparsity"
        return f"prune to {what} (polynomial schedule, {step.epochs} epochs)"
    if isinstance(step, ClusterStep):
        extra = ", sparsity kept" if step.preserve_sparsity else ""
        return f"cluster to {step.clusters} centroids ({step.init} init, {step.epochs} epochs{extra})"
    if isinstance(step, DistillStep):
        return (f"distill into {step.student} (T={step.temperature:g}, alpha={step.alpha:g}, "
                f"{step.epochs} epochs)")
    names = {"qat": "quantization-aware training", "pqat": "pruning-preserving QAT",
             "cqat": "cluster-preserving QAT"}
    return f"{names[step.kind]} ({step.epochs} epochs)"


# --- parsing -------------------------------------------------------------------------------------------


def load_recipe(path: str | Path) -> Recipe:
    p = Path(path)
    doc = read_toml(p, f"recipe file {p} does not exist; pass a TOML recipe or use the step flags.", f"recipe {p}")
    return recipe_from_dict(doc, str(p))


def recipe_from_dict(doc: dict[str, Any], where: str = "recipe") -> Recipe:
    train_keys = {f.name for f in fields(TrainConfig)}
    unknown = sorted(set(doc) - train_keys - {"step"})
    if unknown:
        raise BadInputError(f"{where}: unknown key '{unknown[0]}' at top level; "
                            f"allowed: {', '.join(sorted(train_keys | {'step'}))}.")
    train = TrainConfig(**{k: _typed(where, "top level", k, doc[k], TrainConfig) for k in train_keys & set(doc)})
    _check_train(train, where)
    raw_steps = doc.get("step", [])
    if not isinstance(raw_steps, list) or not raw_steps:
        raise BadInputError(f"{where}: no steps; add at least one [[step]] table with a 'kind'.")
    steps = tuple(_parse_step(where, i, s) for i, s in enumerate(raw_steps, 1))
    recipe = Recipe(steps=steps, train=train, source=where)
    check_order(recipe)
    return recipe


def _parse_step(where: str, index: int, raw: Any) -> Step:
    if not isinstance(raw, dict) or "kind" not in raw:
        raise BadInputError(f"{where}: step {index} has no 'kind'; use one of {', '.join(STEP_TYPES)}.")
    kind = raw["kind"]
    if kind not in STEP_TYPES:
        raise BadInputError(f"{where}: step {index} has unknown kind '{kind}'; use one of "
                            f"{', '.join(STEP_TYPES)}.")
    cls = STEP_TYPES[kind]
    allowed = {f.name for f in fields(cls) if f.init} - {"kind"}
    label = f"step {index} ({kind})"
    for key in raw:
        if key != "kind" and key not in allowed:
            raise BadInputError(f"{where}: unknown key '{key}' in {label}; allowed: {', '.join(sorted(allowed))}.")
    values = {k: _typed(where, label, k, v, cls) for k, v in raw.items() if k != "kind"}
    step = cls(kind=kind, **values) if cls is QuantizeStep else cls(**values)
    validate_step(step, f"{where}: {label}")
    return step


_TYPES: dict[str, tuple[type, ...]] = {
    "sparsity": (float, int), "initial_sparsity": (float, int), "epochs": (int,), "frequency": (int,),
    "m_by_n": (str,), "learning_rate": (float, int), "clusters": (int,), "init": (str,),
    "preserve_sparsity": (bool,), "student": (str,), "temperature": (float, int), "alpha": (float, int),
    "batch_size": (int,), "seed": (int,),
}


def _typed(where: str, label: str, key: str, value: Any, cls: type) -> Any:
    expected = _TYPES.get(key, (object,))
    # bool is an int subclass; refuse `epochs = true`
    if isinstance(value, bool) and bool not in expected or not isinstance(value, expected):
        names = " or ".join(t.__name__ for t in expected)
        raise BadInputError(f"{where}: '{key}' in {label} must be {names}, got {value!r}.")
    return float(value) if float in expected and not isinstance(value, bool) else value


def _check_train(train: TrainConfig, where: str) -> None:
    if train.batch_size < 1:
        raise BadInputError(f"{where}: batch_size must be at least 1, got {train.batch_size}.")
    if not train.learning_rate > 0:
        raise BadInputError(f"{where}: learning_rate must be positive, got {train.learning_rate}.")


def validate_step(step: Step, label: str) -> None:
    """Range checks shared by the TOML reader and the CLI flags."""
    if step.epochs < 1:
        raise BadInputError(f"{label}: epochs must be at least 1, got {step.epochs}.")
    if step.learning_rate is not None and not step.learning_rate > 0:
        raise BadInputError(f"{label}: learning_rate must be positive, got {step.learning_rate}.")
    if isinstance(step, PruneStep):
        if not 0.0 < step.sparsity < 1.0:
            raise BadInputError(f"{label}: sparsity must be strictly between 0 and 1, got {step.sparsity:g}.")
        if not 0.0 <= step.initial_sparsity < step.sparsity:
            raise BadInputError(f"{label}: initial_sparsity must be in [0, sparsity), got "
                                f"{step.initial_sparsity:g}.")
        if step.frequency < 1:
            raise BadInputError(f"{label}: frequency must be at least 1 step, got {step.frequency}.")
        if step.m_by_n is not None:
            parse_m_by_n(step.m_by_n, label)
    elif isinstance(step, ClusterStep):
        if step.clusters < 2:
            raise BadInputError(f"{label}: clusters must be at least 2, got {step.clusters}.")
        if step.init not in CENTROID_INITS:
            raise BadInputError(f"{label}: init '{step.init}' is unknown; use one of {', '.join(CENTROID_INITS)}.")
    elif isinstance(step, DistillStep):
        if not step.student:
            raise BadInputError(f"{label}: distillation needs 'student' (a Keras file or module:function).")
        if not step.temperature > 0:
            raise BadInputError(f"{label}: temperature must be positive, got {step.temperature:g}.")
        if not 0.0 <= step.alpha <= 1.0:
            raise BadInputError(f"{label}: alpha must be in [0, 1], got {step.alpha:g}.")


def parse_m_by_n(text: str, label: str = "m_by_n") -> tuple[int, int]:
    try:
        m, n = (int(p) for p in text.split(":"))
    except ValueError:
        raise BadInputError(f"{label}: m_by_n must look like '2:4', got {text!r}.") from None
    if not 0 < m < n:
        raise BadInputError(f"{label}: m_by_n needs 0 < m < n, got {text!r}.")
    return m, n


def check_order(recipe: Recipe) -> None:
    """Quantization-aware training wraps the model for conversion, so it comes last, and at most once;
    PQAT needs a pruned model and CQAT a clustered one."""
    kinds = [s.kind for s in recipe.steps]
    quant = [i for i, k in enumerate(kinds) if k in ("qat", "pqat", "cqat")]
    where = recipe.source
    if len(quant) > 1 or (quant and quant[0] != len(kinds) - 1):
        raise BadInputError(f"{where}: a QAT step ({kinds[quant[0]]}) must be the last step and appear once.")
    if quant and kinds[quant[0]] == "pqat" and "prune" not in kinds:
        raise BadInputError(f"{where}: pqat preserves sparsity, so it needs a prune step before it.")
    if quant and kinds[quant[0]] == "cqat" and "cluster" not in kinds:
        raise BadInputError(f"{where}: cqat preserves clusters, so it needs a cluster step before it.")


def recipe_from_flags(*, prune: float | None = None, m_by_n: str | None = None, cluster: int | None = None,
                      cluster_init: str = "kmeans++", distill: str | None = None, temperature: float = 4.0,
                      alpha: float = 0.1, quantize: str | None = None, epochs: int | None = None,
                      batch_size: int = 32, learning_rate: float = 1e-3, seed: int = 0) -> Recipe:
    """Flags chain in the order a user would: distill, prune, cluster, then one QAT flavour."""
    ep: dict[str, int] = {} if epochs is None else {"epochs": epochs}
    steps: list[Step] = []
    if distill is not None:
        steps.append(DistillStep(student=distill, temperature=temperature, alpha=alpha, **ep))
    if prune is not None or m_by_n is not None:
        sparsity = prune if prune is not None else _m_by_n_sparsity(m_by_n)
        steps.append(PruneStep(sparsity=sparsity, m_by_n=m_by_n, **ep))
    if cluster is not None:
        steps.append(ClusterStep(clusters=cluster, init=cluster_init, preserve_sparsity=bool(steps and
                                 isinstance(steps[-1], PruneStep)), **ep))
    if quantize is not None:
        steps.append(QuantizeStep(kind=quantize, **ep))
    if not steps:
        raise BadInputError("no compression step given; pass --recipe FILE or a step flag such as --prune 0.5.")
    for i, s in enumerate(steps, 1):
        validate_step(s, f"step {i} ({s.kind})")
    recipe = Recipe(steps=tuple(steps), train=TrainConfig(batch_size, learning_rate, seed), source="flags")
    _check_train(recipe.train, "flags")
    check_order(recipe)
    return recipe


def _m_by_n_sparsity(text: str | None) -> float:
    m, n = parse_m_by_n(text or "")
    return 1.0 - m / n
