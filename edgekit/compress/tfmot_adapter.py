"""The one place edgekit touches tensorflow_model_optimization (TF-MOT).

TF-MOT's private modules move between releases (STYLE.md); every call, registry lookup and scope that edgekit
needs is here, so a TF-MOT upgrade is fixed in one file. Importing this module imports TensorFlow.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from edgekit.tfenv import import_tensorflow

tf = import_tensorflow()
import tensorflow_model_optimization as tfmot  # noqa: E402
import tf_keras as keras  # noqa: E402
from tensorflow_model_optimization.python.core.clustering.keras.clustering_registry import (  # noqa: E402
    ClusteringRegistry,
)
from tensorflow_model_optimization.python.core.quantization.keras.default_8bit.default_8bit_quantize_registry import (  # noqa: E402
    Default8BitQuantizeRegistry,
)
from tensorflow_model_optimization.python.core.sparsity.keras.prune_registry import (  # noqa: E402
    PruneRegistry,
)

# TF-MOT's clustering trains centroids, not the original kernel, so Keras warns "gradients do not exist" on
# every batch; and tf.function retracing notes are noise here. Real errors still raise.
tf.get_logger().setLevel("ERROR")

CENTROID_INITS: dict[str, Any] = {
    "kmeans++": tfmot.clustering.keras.CentroidInitialization.KMEANS_PLUS_PLUS,
    "linear": tfmot.clustering.keras.CentroidInitialization.LINEAR,
    "density": tfmot.clustering.keras.CentroidInitialization.DENSITY_BASED,
    "random": tfmot.clustering.keras.CentroidInitialization.RANDOM,
}

_QUANT_REGISTRY = Default8BitQuantizeRegistry()


# --- what TF-MOT supports, per layer (the compatibility scan asks these) ---------------------------------


def is_prunable(layer: keras.layers.Layer) -> bool:
    """True when TF-MOT has prunable weights for this layer (DepthwiseConv2D is registered with none)."""
    if not PruneRegistry.supports(layer):
        return False
    return bool(_prunable_weight_names(layer))


def _prunable_weight_names(layer: keras.layers.Layer) -> list[str]:
    names = PruneRegistry._weight_names(layer)  # private: the registry's per-layer weight list
    return list(names or [])


def is_quantizable(layer: keras.layers.Layer) -> bool:
    return bool(_QUANT_REGISTRY.supports(layer)) or isinstance(layer, keras.layers.InputLayer)


def is_clusterable(layer: keras.layers.Layer) -> bool:
    return bool(ClusteringRegistry.supports(layer))


# --- pruning -------------------------------------------------------------------------------------------


def polynomial_schedule(initial: float, final: float, begin_step: int, end_step: int, frequency: int) -> Any:
    return tfmot.sparsity.keras.PolynomialDecay(
        initial_sparsity=initial, final_sparsity=final, begin_step=begin_step, end_step=end_step,
        frequency=frequency,
    )


def constant_schedule(sparsity: float, begin_step: int, frequency: int) -> Any:
    return tfmot.sparsity.keras.ConstantSparsity(sparsity, begin_step=begin_step, frequency=frequency)


def prune(model: keras.Model, schedule: Any, m_by_n: tuple[int, int] | None = None) -> keras.Model:
    """Wrap every prunable layer; unsupported layers (DepthwiseConv2D, pooling, BN) are left as they are.

    ``prune_low_magnitude`` reuses the input model's layer objects, so the caller's model is cloned first
    (DESIGN.md, TF-MOT pitfalls) and keeps its weights untouched.
    """
    model = clone(model)

    def annotate(layer: keras.layers.Layer) -> keras.layers.Layer:
        if is_prunable(layer):
            kwargs: dict[str, Any] = {"pruning_schedule": schedule}
            if m_by_n is not None:
                kwargs["sparsity_m_by_n"] = m_by_n
            return tfmot.sparsity.keras.prune_low_magnitude(layer, **kwargs)
        return layer

    return keras.models.clone_model(model, clone_function=annotate)


def pruning_callbacks() -> list[keras.callbacks.Callback]:
    return [tfmot.sparsity.keras.UpdatePruningStep()]


def strip_pruning(model: keras.Model) -> keras.Model:
    return tfmot.sparsity.keras.strip_pruning(model)


# --- clustering ----------------------------------------------------------------------------------------


def cluster(model: keras.Model, clusters: int, init: str, preserve_sparsity: bool) -> keras.Model:
    """Cluster the weights of every clusterable layer; the rest stay as they are."""
    model = clone(model)
    params: dict[str, Any] = {
        "number_of_clusters": clusters,
        "cluster_centroids_init": CENTROID_INITS[init],
        "preserve_sparsity": preserve_sparsity,
    }

    def annotate(layer: keras.layers.Layer) -> keras.layers.Layer:
        if is_clusterable(layer) and layer.trainable_weights:
            return tfmot.clustering.keras.cluster_weights(layer, **params)
        return layer

    return keras.models.clone_model(model, clone_function=annotate)


def strip_clustering(model: keras.Model) -> keras.Model:
    return tfmot.clustering.keras.strip_clustering(model)


# --- quantization-aware training -----------------------------------------------------------------------


def quantize(model: keras.Model, preserve: str | None = None) -> keras.Model:
    """QAT model. ``preserve``: None (plain QAT), "sparsity" (PQAT) or "clusters" (CQAT)."""
    annotated = tfmot.quantization.keras.quantize_annotate_model(clone(model))
    with quantize_scope():
        if preserve is None:
            return tfmot.quantization.keras.quantize_apply(annotated)
        combine = tfmot.experimental.combine
        if preserve == "sparsity":
            scheme = combine.Default8BitPrunePreserveQuantizeScheme()
        elif preserve == "clusters":
            scheme = combine.Default8BitClusterPreserveQuantizeScheme(preserve_sparsity=True)
        else:
            raise ValueError(f"unknown preserve mode {preserve!r}")
        return tfmot.quantization.keras.quantize_apply(annotated, scheme)


def is_quantized_model(model: keras.Model) -> bool:
    """True for a QAT model (it carries QuantizeWrapper/QuantizeLayer layers)."""
    kinds = {type(layer).__name__ for layer in model.layers}
    return bool(kinds & {"QuantizeWrapper", "QuantizeWrapperV2", "QuantizeLayer"})


@contextmanager
def quantize_scope() -> Iterator[None]:
    with tfmot.quantization.keras.quantize_scope():
        yield


@contextmanager
def load_scope() -> Iterator[None]:
    """Everything needed to deserialize a model saved mid-pipeline (QAT, pruned or clustered wrappers)."""
    with tfmot.quantization.keras.quantize_scope(), tfmot.sparsity.keras.prune_scope(), \
            tfmot.clustering.keras.cluster_scope():
        yield


def clone(model: keras.Model) -> keras.Model:
    """A copy with new layer objects and the same weights."""
    copy = keras.models.clone_model(model)
    copy.set_weights(model.get_weights())
    return copy


def inner_layer(layer: keras.layers.Layer) -> keras.layers.Layer:
    """The user's layer inside a TF-MOT wrapper (QAT, pruning or clustering), or the layer itself."""
    while hasattr(layer, "layer") and isinstance(layer.layer, keras.layers.Layer):
        layer = layer.layer
    return layer
