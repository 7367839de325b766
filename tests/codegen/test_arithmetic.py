"""ek_common.h's rounding primitives against ARITHMETIC.md §2 (Python big integers), and the generator's
QuantizeMultiplier / activation range / padding against the rules of §2.1, §2.4, §2.5."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from edgekit.converters.c_codegen.quant import activation_range, padding, quantize_multiplier

from edgekit.ir import Quantization, Tensor

RUNTIME = Path(__file__).resolve().parents[2] / "firmware_templates" / "runtime"
I32_MIN, I32_MAX = -(2**31), 2**31 - 1


def srdhm(a: int, b: int) -> int:
    if a == b == I32_MIN:
        return I32_MAX
    return (a * b + 2**30) // 2**31  # floor: ties toward +inf


def rdbpot(x: int, n: int) -> int:
    mask = (1 << n) - 1
    return (x >> n) + (1 if (x & mask) > (mask >> 1) + (1 if x < 0 else 0) else 0)


def wrap32(x: int) -> int:
    return (x + 2**31) % 2**32 - 2**31


def mbqm(x: int, m: int, e: int) -> int:
    return rdbpot(srdhm(wrap32(x << max(e, 0)), m), max(-e, 0))


@pytest.fixture(scope="module")
def prim(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("prim")
    (d / "prim.c").write_text(
        '#include <stdio.h>\n#include "ek_common.h"\n'
        "int main(void) {\n    long a, b, c;\n"
        '    while (scanf("%ld %ld %ld", &a, &b, &c) == 3) {\n'
        '        printf("%ld %ld %ld\\n", (long)ek_srdhm((int32_t)a, (int32_t)b), (long)ek_rdbpot((int32_t)a, (int32_t)c),\n'
        "               (long)ek_mbqm((int32_t)a, (int32_t)(b < 0 ? -b : b), (int32_t)(c - 16)));\n"
        "    }\n    return 0;\n}\n"
    )
    subprocess.run(["gcc", "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-I", str(RUNTIME), str(d / "prim.c"),
                    "-o", str(d / "prim")], check=True)
    return d / "prim"


def test_rounding_primitives_match_the_spec(prim: Path) -> None:
    rng = np.random.default_rng(0)
    edges = [I32_MIN, I32_MIN + 1, -(2**30), -3, -2, -1, 0, 1, 2, 3, 2**30, I32_MAX - 1, I32_MAX]
    rows = [(a, b, c) for a in edges for b in edges for c in (0, 1, 5, 16, 31)]
    rows += [(int(a), int(b), int(c)) for a, b, c in zip(rng.integers(I32_MIN, I32_MAX, 20000),
                                                       rng.integers(I32_MIN, I32_MAX, 20000),
                                                       rng.integers(0, 32, 20000), strict=True)]
    # exact ties of the final shift, both signs: where rule A (away from zero) differs from rule B
    rows += [(k * 2 + 1, 2**30, 1) for k in range(-50, 50)] + [(-(2**k), 3, k) for k in range(1, 31)]
    out = subprocess.run([str(prim)], input="\n".join(f"{a} {b} {c}" for a, b, c in rows), capture_output=True,
                         text=True, check=True).stdout.split("\n")
    for (a, b, c), line in zip(rows, out, strict=False):
        s, r, m = (int(v) for v in line.split())
        assert s == srdhm(a, b), (a, b)
        assert r == rdbpot(a, c), (a, c)
        mult = abs(b) if b != I32_MIN else I32_MIN
        assert m == mbqm(a, mult, c - 16) if mult != I32_MIN else True, (a, b, c)


@pytest.mark.parametrize(
    ("real", "expected"),
    [
        (0.0, (0, 0)),
        (0.5, (2**30, 0)),
        (1.0, (2**30, 1)),
        (2.5, (int(0.625 * 2**31), 2)),
        (1 - 2**-40, (2**30, 1)),  # rounds up to 2^31: halved, exponent + 1
        (2.0**-40, (0, 0)),  # exponent < -31 flushes to zero
        (2.0**-31, (2**30, -30)),
    ],
)
def test_quantize_multiplier(real: float, expected: tuple[int, int]) -> None:
    assert quantize_multiplier(real) == expected


def _out(scale: float, zp: int) -> Tensor:
    return Tensor(0, "y", (1,), "int8", Quantization((scale,), (zp,)))


def test_activation_range() -> None:
    assert activation_range("NONE", _out(0.1, 3)) == (-128, 127)
    assert activation_range("RELU", _out(0.1, -128)) == (-128, 127)
    assert activation_range("RELU", _out(0.1, 5)) == (5, 127)
    assert activation_range("RELU6", _out(6 / 255, -128)) == (-128, 127)
    assert activation_range("RELU6", _out(0.05, -128)) == (-128, -8)  # 6/0.05 = 120 -> -128 + 120
    assert activation_range("RELU_N1_TO_1", _out(0.01, 0)) == (-100, 100)


def test_padding() -> None:
    assert padding("SAME", 9, 3, 2, 1) == (1, 5)
    assert padding("SAME", 10, 3, 2, 1) == (0, 5)  # the odd extra row goes after
    assert padding("VALID", 12, 3, 1, 3) == (0, 6)
    assert padding("SAME", 10, 3, 1, 2) == (2, 10)
