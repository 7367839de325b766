"""EXP: refused, because TFLite Micro has no int8 EXP kernel to be bit-exact with.

TFLM's exp.cc ENSUREs a float32 input in Prepare; the pinned wheel refuses the int8 EXP the TF converter writes
("exp.cc: input->type != kTfLiteFloat32 (INT8 != FLOAT32)", the model does not load), and TFLM computes no
lookup table for it. LiteRT has an int8 EXP (a float lookup table), but generated code is held to TFLM's bytes,
so an int8 EXP is refused with that reason instead of generating code no reference can check. A float32 EXP
between a DEQUANTIZE and a QUANTIZE is refused by the float-compute rule like every float op.
"""

from __future__ import annotations

from edgekit.converters.c_codegen.support import NO_KERNEL_REASONS

NO_KERNEL_REASONS["EXP"] = ("is an int8 EXP, which TFLite Micro itself does not run (its EXP is float32 only), so "
                            "there is no reference to be bit-exact with")
