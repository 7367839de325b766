"""Shape arithmetic the emitters share."""

from __future__ import annotations

import math
from collections.abc import Sequence


def around_axis(shape: Sequence[int], axis: int) -> tuple[int, int, int]:
    """(axis, outer, inner): the axis made non-negative as TFLM's kernels do (adding the rank), and the element
    counts of the dimensions before and after it: the loop bounds of every kernel that walks one axis."""
    axis = axis + len(shape) if axis < 0 else axis
    return axis, math.prod(shape[:axis]), math.prod(shape[axis + 1 :])
