"""Generation-time arithmetic, exactly as TFLite Micro's Prepare computes it (ARITHMETIC.md §2).

Everything here runs once in Python so the C ``invoke`` only calls kernels.
"""

from __future__ import annotations

import math

import numpy as np

from edgekit.ir import Model, Operator, Tensor

INT32_MAX = 2**31 - 1


def round_away(x: float) -> int:
    """C ``std::round``: halves away from zero."""
    return int(math.floor(abs(x) + 0.5)) * (1 if x >= 0 else -1)


def quantize_multiplier(real: float) -> tuple[int, int]:
    """TFLM ``QuantizeMultiplier`` (§2.1): real ~= M * 2^(e - 31), M in [2^30, 2^31) or 0."""
    if real == 0.0:
        return 0, 0
    q, e = math.frexp(real)
    m = round_away(q * 2.0**31)  # exact: q has a 53-bit significand
    if m == 2**31:
        m //= 2
        e += 1
    if e < -31:
        return 0, 0
    return m, e


def f32(x: float) -> float:
    return float(np.float32(x))


def activation_range(activation: str | None, out: Tensor) -> tuple[int, int]:
    """TFLM ``CalculateActivationRangeQuantized`` for int8 (§2.4): the division is in float32."""
    assert out.quant is not None
    scale = np.float32(out.quant.scale[0])
    zp = int(out.quant.zero_point[0])

    def q(f: float) -> int:
        return zp + round_away(float(np.float32(np.float32(f) / scale)))

    act = activation or "NONE"
    if act == "RELU":
        return max(-128, q(0.0)), 127
    if act == "RELU6":
        return max(-128, q(0.0)), min(127, q(6.0))
    if act == "RELU_N1_TO_1":
        return max(-128, q(-1.0)), min(127, q(1.0))
    return -128, 127


def padding(padding_kind: str, in_size: int, k: int, stride: int, dilation: int) -> tuple[int, int]:
    """TFLM ``ComputePaddingHeightWidth`` (§2.5): (pad_before, computed output size)."""
    eff = (k - 1) * dilation + 1
    if padding_kind == "SAME":
        out = (in_size + stride - 1) // stride
    else:
        out = (in_size + stride - eff) // stride
    total = (out - 1) * stride + eff - in_size
    return max(total, 0) // 2, out


def channel_multipliers(s_in: float, s_w: tuple[float, ...], s_out: float, channels: int) -> list[tuple[int, int]]:
    """Per-channel (M, e) with the double product f64(s_in)*f64(s_w[c])/f64(s_out); one scale is broadcast."""
    scales = list(s_w) if len(s_w) > 1 else [s_w[0]] * channels
    return [quantize_multiplier(float(s_in) * float(s) / float(s_out)) for s in scales]


def nhwc(shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    """Shape -> (n, h, w, c), leading dimensions 1; higher ranks fold their leading dims into n."""
    s = list(shape)
    if len(s) > 4:
        lead = 1
        for d in s[:-3]:
            lead *= d
        s = [lead, *s[-3:]]
    s = [1] * (4 - len(s)) + s
    return s[0], s[1], s[2], s[3]


def opt(op: Operator, name: str, default: object = None) -> object:
    return op.options.get(name, default) if op.options else default


def qparams(model: Model, tensor: int) -> tuple[tuple[float, ...], tuple[int, ...]]:
    t = model.tensor(tensor)
    if t.quant is None:
        raise ValueError(f"tensor {tensor} '{t.name}' is not quantized")
    return t.quant.scale, t.quant.zero_point
