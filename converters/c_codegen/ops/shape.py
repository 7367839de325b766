"""SHAPE: refused with the fix. The TF converter writes SHAPE (often followed by STRIDED_SLICE and PACK feeding a
TRANSPOSE_CONV's output_shape) when the Keras model's batch size is dynamic; with a fixed batch size it folds them
into a constant, and the model needs no SHAPE at all."""

from __future__ import annotations

from edgekit.converters.c_codegen.support import NO_KERNEL_REASONS

NO_KERNEL_REASONS["SHAPE"] = ("is a SHAPE op, which the converter writes when the batch size is dynamic; build the "
                              "Keras model with a fixed batch size (keras.Input(shape, batch_size=1)) and convert "
                              "it again, so the shape is folded into a constant")
