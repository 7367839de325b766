"""The compression steps, each callable on its own: a Keras model in, a fine-tuned Keras model out.

Prune and cluster return stripped plain models (the next step wraps them again); the QAT family returns the
quantize-wrapped model, which is what the converter wants. ``compress()`` chains these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from edgekit.compress import tfmot_adapter as tfmot
from edgekit.compress.data import Dataset, import_object
from edgekit.compress.recipe import (
    ClusterStep,
    DistillStep,
    PruneStep,
    QuantizeStep,
    Step,
    TrainConfig,
    parse_m_by_n,
)
from edgekit.compress.train import accuracy, fit, outputs_probabilities, steps_per_epoch
from edgekit.errors import BadInputError

keras = tfmot.keras


@dataclass(frozen=True)
class StepOutcome:
    model: Any  # keras.Model
    extra: dict[str, float] = field(default_factory=dict)  # step-specific figures for the report


def prune(model: Any, step: PruneStep, data: Dataset, train: TrainConfig, progress: bool = True) -> StepOutcome:
    total = steps_per_epoch(data, train.batch_size) * step.epochs
    # Reach the target sparsity after ~70 % of the steps so the last epochs recover accuracy at it.
    end = max(1, int(total * 0.7))
    frequency = max(1, min(step.frequency, end // 4 or 1))
    # TF-MOT prunes only on multiples of the frequency: end on one so the final sparsity is really reached.
    end = max(frequency, end // frequency * frequency)
    if step.m_by_n:
        m_by_n = parse_m_by_n(step.m_by_n)
        schedule = tfmot.constant_schedule(1.0 - m_by_n[0] / m_by_n[1], 0, frequency)
    else:
        m_by_n = None
        schedule = tfmot.polynomial_schedule(step.initial_sparsity, step.sparsity, 0, end, frequency)
    try:
        wrapped = tfmot.prune(model, schedule, m_by_n)
    except ValueError as e:  # TF-MOT refuses m-by-n on shapes it cannot split
        raise BadInputError(f"TF-MOT cannot prune this model as asked: {e}") from None
    fit(wrapped, data, label=f"prune {step.m_by_n or f'{step.sparsity:.0%}'}", epochs=step.epochs,
        batch_size=train.batch_size, learning_rate=step.learning_rate or train.learning_rate, seed=train.seed,
        callbacks=tfmot.pruning_callbacks(), progress=progress)
    return StepOutcome(tfmot.strip_pruning(wrapped))


def cluster(model: Any, step: ClusterStep, data: Dataset, train: TrainConfig,
            progress: bool = True) -> StepOutcome:
    keras.utils.set_random_seed(train.seed)
    wrapped = tfmot.cluster(model, step.clusters, step.init, step.preserve_sparsity)
    fit(wrapped, data, label=f"cluster {step.clusters}", epochs=step.epochs, batch_size=train.batch_size,
        learning_rate=step.learning_rate or train.learning_rate / 10, seed=train.seed, progress=progress)
    return StepOutcome(tfmot.strip_clustering(wrapped))


def quantize(model: Any, step: QuantizeStep, data: Dataset, train: TrainConfig,
             progress: bool = True) -> StepOutcome:
    preserve = {"qat": None, "pqat": "sparsity", "cqat": "clusters"}[step.kind]
    try:
        qat = tfmot.quantize(model, preserve)
    except (RuntimeError, ValueError) as e:  # unsupported layers; the scan normally catches these first
        raise BadInputError(f"TF-MOT cannot quantize this model: {e}") from None
    fit(qat, data, label=step.kind, epochs=step.epochs, batch_size=train.batch_size,
        learning_rate=step.learning_rate or train.learning_rate / 10, seed=train.seed, progress=progress)
    return StepOutcome(qat)


def load_student(spec: str, base: Path | None = None) -> Any:
    """A student from a Keras file or a ``module:function`` that builds one (uncompiled, untrained)."""
    path = Path(spec) if base is None or Path(spec).is_absolute() else base / spec
    if path.suffix in (".keras", ".h5") or path.is_dir():
        from edgekit.compress.models import load_keras_model

        return load_keras_model(path)
    built = import_object(spec if base is None else _rebase(spec, base))()
    if not isinstance(built, keras.Model):
        raise BadInputError(f"student builder {spec} returned {type(built).__name__}, not a tf_keras model.")
    return built


def _rebase(spec: str, base: Path) -> str:
    module, _, func = spec.rpartition(":")
    if module.endswith(".py") and not Path(module).is_absolute():
        return f"{base / module}:{func}"
    return spec


def distill(teacher: Any, step: DistillStep, data: Dataset, train: TrainConfig, progress: bool = True,
            base: Path | None = None) -> StepOutcome:
    """Train the student on the teacher's softened outputs; also train a copy from scratch to compare."""
    keras.utils.set_random_seed(train.seed)
    student = load_student(step.student, base)
    if student.output_shape[-1] != teacher.output_shape[-1]:
        raise BadInputError(f"the student has {student.output_shape[-1]} outputs but the teacher has "
                            f"{teacher.output_shape[-1]}.")
    scratch = tfmot.clone(student)
    lr = step.learning_rate or train.learning_rate
    fit(scratch, data, label="student from scratch", epochs=step.epochs, batch_size=train.batch_size,
        learning_rate=lr, seed=train.seed, progress=progress)

    num_classes = teacher.output_shape[-1]
    soft = _soft_targets(teacher, data.x_train, step.temperature)
    targets = np.concatenate([np.eye(num_classes, dtype=np.float32)[data.y_train], soft], axis=1)
    loss = _distillation_loss(num_classes, step.temperature, step.alpha,
                              outputs_probabilities(student, data.x_train))
    fit(student, data, label="distilled student", epochs=step.epochs, batch_size=train.batch_size,
        learning_rate=lr, seed=train.seed, loss=loss, y_train=targets, progress=progress)
    return StepOutcome(student, {"student_from_scratch_accuracy": accuracy(scratch, data.x_val, data.y_val),
                                 "teacher_accuracy": accuracy(teacher, data.x_val, data.y_val)})


def _logits(out: Any, probabilities: bool) -> Any:
    # log(softmax(z)) = z - logsumexp(z): softmax of it at temperature T equals softmax(z / T).
    import tensorflow as tf

    return tf.math.log(tf.clip_by_value(out, 1e-7, 1.0)) if probabilities else out


def _soft_targets(teacher: Any, x: np.ndarray, temperature: float) -> np.ndarray:
    out = teacher.predict(x, batch_size=256, verbose=0)
    z = np.log(np.clip(out, 1e-7, 1.0)) if outputs_probabilities(teacher, x) else out
    z = z / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return (e / e.sum(axis=1, keepdims=True)).astype(np.float32)


def _distillation_loss(num_classes: int, temperature: float, alpha: float, probabilities: bool) -> Any:
    """Hinton et al.: alpha * CE(labels) + (1 - alpha) * T^2 * KL(teacher_T || student_T)."""
    import tensorflow as tf

    def loss(y: Any, out: Any) -> Any:
        hard, soft = y[:, :num_classes], y[:, num_classes:]
        z = _logits(out, probabilities)
        ce = tf.reduce_sum(-hard * tf.nn.log_softmax(z), axis=1)
        log_student_t = tf.nn.log_softmax(z / temperature)
        kl = tf.reduce_sum(soft * (tf.math.log(tf.clip_by_value(soft, 1e-7, 1.0)) - log_student_t), axis=1)
        return alpha * ce + (1.0 - alpha) * temperature ** 2 * kl

    return loss


def run_step(model: Any, step: Step, data: Dataset, train: TrainConfig, progress: bool = True,
             base: Path | None = None) -> StepOutcome:
    if isinstance(step, PruneStep):
        return prune(model, step, data, train, progress)
    if isinstance(step, ClusterStep):
        return cluster(model, step, data, train, progress)
    if isinstance(step, DistillStep):
        return distill(model, step, data, train, progress, base)
    return quantize(model, step, data, train, progress)
