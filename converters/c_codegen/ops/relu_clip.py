"""RELU_N1_TO_1 / RELU_0_TO_1 as standalone int8 ops: refused, because TFLite Micro has no kernel for either.

TFLite Micro registers neither op (a model holding one does not load there), so there is no reference the
generated code could be held to byte for byte; LiteRT runs them, with a float32 scale ratio that differs from the
double ratio TFLM's other activations use, so borrowing RELU's arithmetic would be a guess. Fused into a CONV,
DEPTHWISE, FC, ADD or pooling op (how the converter normally writes a clip to [-1, 1]) RELU_N1_TO_1 is supported.
"""

from __future__ import annotations

from edgekit.converters.c_codegen.support import NO_KERNEL_REASONS

for _op in ("RELU_N1_TO_1", "RELU_0_TO_1"):
    NO_KERNEL_REASONS[_op] = (f"is a standalone int8 {_op}, which TFLite Micro itself does not run (it has no kernel "
                              "for it), so there is no reference to be bit-exact with; fuse the clip into the "
                              "preceding CONV/FC/ADD if the model allows")
