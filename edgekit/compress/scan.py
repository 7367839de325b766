"""Compatibility scan, run before any training: every layer TF-MOT will not prune or quantize, or will
handle badly, each with the fix. ``edgekit optimize --dry-run`` prints it; ``compress()`` runs it first and
stops on errors, so a recipe never fails an hour into training.

The rules live here, one function each, so the same text feeds the error, the table and the docs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

from edgekit.compress import tfmot_adapter as tfmot
from edgekit.compress.models import check_not_keras3
from edgekit.compress.recipe import Recipe

QAT_KINDS = ("qat", "pqat", "cqat")


@dataclass(frozen=True)
class Finding:
    layer: str
    layer_type: str
    severity: str  # "error": the recipe cannot run; "warning": it runs but loses something; "info"
    problem: str
    fix: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class ScanReport:
    model: str
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model, "findings": [f.to_dict() for f in self.findings]}


# Layers the 8-bit QAT registry has no config for, with what to do instead.
_NO_QAT_FIX: dict[str, str] = {
    "Rescaling": "drop it and scale the data in the input pipeline; the int8 input quantization absorbs it",
    "Normalization": "drop it and normalize the data in the input pipeline",
    "Resizing": "resize in the input pipeline, or use UpSampling2D(interpolation='nearest')",
    "Lambda": "replace it with built-in layers, or annotate it with your own QuantizeConfig",
    "LayerNormalization": "use BatchNormalization after a Conv/Dense, which the converter folds",
}
# Layers TF-MOT quantizes through its own transforms although the registry does not list them.
_QAT_BY_TRANSFORM = {"SeparableConv1D", "SeparableConv2D", "BatchNormalization", "InputLayer"}
_LINEAR_LAYERS = {"Conv2D", "DepthwiseConv2D", "Dense", "Conv1D"}


def _consumers(model: Any) -> dict[str, list[Any]]:
    """layer name -> layers that take its output (functional and sequential models alike)."""
    out: dict[str, list[Any]] = {layer.name: [] for layer in model.layers}
    for layer in model.layers:
        for node in layer._inbound_nodes:  # tf_keras keeps the graph here; public API has no equivalent
            for parent in node.inbound_layers if isinstance(node.inbound_layers, list) else [node.inbound_layers]:
                if parent.name in out and layer not in out[parent.name]:
                    out[parent.name].append(layer)
    return out


def _producer(model: Any, layer: Any) -> Any | None:
    for node in layer._inbound_nodes:
        parents = node.inbound_layers if isinstance(node.inbound_layers, list) else [node.inbound_layers]
        if len(parents) == 1:
            return parents[0]
    return None


def _is_relu(layer: Any) -> bool:
    kind = type(layer).__name__
    return kind == "ReLU" or (kind == "Activation" and layer.get_config().get("activation") in ("relu", "relu6"))


Rule = Callable[[Any, Any, dict[str, list[Any]], set[str]], Iterator[Finding]]


def _rule_unquantizable(model: Any, layer: Any, cons: dict[str, list[Any]], kinds: set[str]) -> Iterator[Finding]:
    kind = type(layer).__name__
    if kind in _QAT_BY_TRANSFORM or tfmot.is_quantizable(layer):
        return
    fix = _NO_QAT_FIX.get(kind, "replace it with a layer TF-MOT supports, or quantize this model after "
                                "training (PTQ) instead of with QAT")
    severity = "error" if kinds & set(QAT_KINDS) else "warning"
    yield Finding(layer.name, kind, severity, "TF-MOT's 8-bit QAT has no quantization config for this layer",
                  fix)


def _rule_lonely_batchnorm(model: Any, layer: Any, cons: dict[str, list[Any]], kinds: set[str]) -> Iterator[Finding]:
    if type(layer).__name__ != "BatchNormalization":
        return
    parent = _producer(model, layer)
    if parent is not None and type(parent).__name__ in ("Conv2D", "DepthwiseConv2D", "Dense"):
        return
    severity = "error" if kinds & set(QAT_KINDS) else "warning"
    yield Finding(layer.name, "BatchNormalization", severity,
                  "BatchNormalization not right after a Conv2D/DepthwiseConv2D/Dense cannot be folded or "
                  "quantized by TF-MOT", "move it directly after the Conv/Dense it normalizes")


def _rule_standalone_relu(model: Any, layer: Any, cons: dict[str, list[Any]], kinds: set[str]) -> Iterator[Finding]:
    kind = type(layer).__name__
    if kind not in _LINEAR_LAYERS or layer.get_config().get("activation", "linear") != "linear":
        return
    nxt = cons.get(layer.name, [])
    if len(nxt) == 1 and _is_relu(nxt[0]):
        yield Finding(layer.name, kind, "warning",
                      f"followed by a standalone {type(nxt[0]).__name__} layer '{nxt[0].name}': QAT gives "
                      "this layer no fake-quant and PQAT loses its sparsity",
                      f"use {kind}(..., activation='relu') or the fused Conv -> BatchNormalization -> ReLU "
                      "pattern")


def _rule_depthwise(model: Any, layer: Any, cons: dict[str, list[Any]], kinds: set[str]) -> Iterator[Finding]:
    if type(layer).__name__ == "DepthwiseConv2D" and "prune" in kinds:
        yield Finding(layer.name, "DepthwiseConv2D", "info", "TF-MOT never prunes DepthwiseConv2D; it stays dense",
                      "nothing to do (it is usually small); prune the pointwise Conv2D that follows instead")


def _rule_upsampling(model: Any, layer: Any, cons: dict[str, list[Any]], kinds: set[str]) -> Iterator[Finding]:
    if type(layer).__name__ == "UpSampling2D" and layer.get_config().get("interpolation") != "nearest":
        yield Finding(layer.name, "UpSampling2D", "warning",
                      "bilinear UpSampling2D becomes RESIZE_BILINEAR, whose int8 input and output scales QAT "
                      "does not tie together (TF-MOT's own caveat): larger quantization error",
                      "use UpSampling2D(interpolation='nearest'), which copies values exactly")


def _rule_transpose(model: Any, layer: Any, cons: dict[str, list[Any]], kinds: set[str]) -> Iterator[Finding]:
    if type(layer).__name__ != "Conv2DTranspose":
        return
    follow = [c.name for c in cons.get(layer.name, []) if type(c).__name__ in ("BatchNormalization", "ReLU")]
    extra = f" (its BatchNormalization/ReLU {', '.join(follow)} will not be fused)" if follow else ""
    yield Finding(layer.name, "Conv2DTranspose", "warning",
                  "TF-MOT has no Conv2DTranspose -> BatchNorm -> ReLU fusion pattern" + extra +
                  ", so BatchNorm cannot be folded into it and a ReLU gets its own requantization",
                  "use UpSampling2D(interpolation='nearest') followed by Conv2D(..., activation='relu')")


RULES: tuple[Rule, ...] = (_rule_unquantizable, _rule_lonely_batchnorm, _rule_standalone_relu, _rule_depthwise,
                           _rule_upsampling, _rule_transpose)


def scan(model: Any, recipe: Recipe | None = None, name: str = "model") -> ScanReport:
    """Findings for ``model``; with a recipe, layers a QAT step cannot handle are errors, else warnings."""
    check_not_keras3(model, name)
    kinds = {s.kind for s in recipe.steps} if recipe is not None else {"prune", "qat"}
    cons = _consumers(model)
    findings = [f for layer in model.layers for rule in RULES for f in rule(model, layer, cons, kinds)]
    if recipe is not None:
        findings += _m_by_n_findings(model, recipe)
    return ScanReport(model=name, findings=tuple(findings))


def _m_by_n_findings(model: Any, recipe: Recipe) -> list[Finding]:
    """TF-MOT silently leaves a layer dense when its kernel's input axis does not split into groups of n."""
    from edgekit.compress.recipe import PruneStep, parse_m_by_n

    out = []
    for step in recipe.steps:
        if not isinstance(step, PruneStep) or not step.m_by_n:
            continue
        n = parse_m_by_n(step.m_by_n)[1]
        for layer in model.layers:
            if type(layer).__name__ not in ("Conv2D", "Dense") or not tfmot.is_prunable(layer):
                continue
            channels = int(layer.get_weights()[0].shape[-2])
            if channels % n:
                out.append(Finding(layer.name, type(layer).__name__, "info",
                                   f"{step.m_by_n} sparsity needs input channels in groups of {n}, this layer "
                                   f"has {channels}: TF-MOT leaves it dense",
                                   f"nothing to do for a small first layer; otherwise make its input channels a "
                                   f"multiple of {n}"))
    return out
