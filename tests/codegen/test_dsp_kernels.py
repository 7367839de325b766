"""The DSP kernels' building blocks: the host emulation of the ACLE intrinsics has the Arm semantics, the fast
requantization equals ek_mbqm (rule A) bit for bit, each kernel's C `_buffer_size` equals the generator's
scratch figure, the kernels build warning-free for Cortex-M4 with the real arm_acle.h (and emit SMLAD) and for
cores without the extension, and the variant option resolves and refuses as documented."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from edgekit.converters.c_codegen import dsp
from edgekit.converters.c_codegen.generator import scratch_requirements
from edgekit.converters.tflite_reader import parse_model, read_model

from edgekit.errors import BadInputError

from .test_dsp_models import EDGE

RUNTIME = Path(__file__).resolve().parents[2] / "firmware_templates" / "runtime"
DSP_SOURCES = ("ek_conv2d_s8_dsp.c", "ek_depthwise_conv2d_s8_dsp.c", "ek_fully_connected_s8_dsp.c")
HOST = ["gcc", "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror"]
M4 = ["arm-none-eabi-gcc", "-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16", "-std=c99", "-O2",
      "-Wall", "-Wextra", "-Werror", "-c"]


def _run_c(tmp_path: Path, body: str, extra: tuple[str, ...] = ()) -> str:
    prog = tmp_path / "prog.c"
    prog.write_text(body)
    exe = tmp_path / "prog"
    subprocess.run([*HOST, "-I", str(RUNTIME), str(prog), *[str(RUNTIME / f) for f in extra], "-o", str(exe)],
                   check=True, capture_output=True, text=True)
    return subprocess.run([str(exe)], check=True, capture_output=True, text=True).stdout


def _s16(v: int) -> int:
    v &= 0xFFFF
    return v - 0x10000 if v & 0x8000 else v


def _s8(v: int) -> int:
    v &= 0xFF
    return v - 0x100 if v & 0x80 else v


def test_acle_emulation_has_arm_semantics(tmp_path: Path) -> None:
    """SXTB16 takes bytes 0 and 2; ROR #8 then bytes 1 and 3; SMLAD adds both 16x16 products and wraps; SMLABB /
    SMLATT one of them; PKHBT / PKHTB pack halfwords."""
    rng = np.random.default_rng(0)
    words = [int(w) for w in rng.integers(0, 2**32, 300, dtype=np.uint64)]
    words += [0, 0xFFFFFFFF, 0x80808080, 0x7F7F7F7F, 0x80007FFF, 0x7FFF8000]
    n = len(words) // 3
    triples = [(words[3 * i], words[3 * i + 1], words[3 * i + 2]) for i in range(n)] + [
        (0x80008000, 0x80008000, 0x7FFFFFFF)]  # 2 * 2^30 + INT32_MAX wraps
    rows = ",".join(f"{{{a}u,{b}u,{c}u}}" for a, b, c in triples)
    out = _run_c(tmp_path, f"""#include <stdio.h>
#include "ek_dsp_common.h"
static const uint32_t t[][3] = {{{rows}}};
int main(void) {{
    for (unsigned i = 0; i < sizeof t / sizeof t[0]; ++i) {{
        int32_t a = (int32_t)t[i][0], b = (int32_t)t[i][1], c = (int32_t)t[i][2];
        printf("%u %u %u %u %u %u %u %u\\n", (unsigned)__sxtb16(a), (unsigned)ek_dsp_sxtb16_ror8(a),
               (unsigned)__smlad(a, b, c), (unsigned)__smuad(a, b), (unsigned)ek_dsp_pack_lo(a, b),
               (unsigned)ek_dsp_pack_hi(a, b), (unsigned)__smlabb(a, b, c), (unsigned)__smlatt(a, b, c));
    }}
    return 0;
}}
""")
    for (a, b, c), line in zip(triples, out.splitlines(), strict=True):
        sx, sxr, smlad, smuad, plo, phi, smlabb, smlatt = (int(v) for v in line.split())
        assert sx == ((_s8(a) & 0xFFFF) | ((_s8(a >> 16) & 0xFFFF) << 16))
        assert sxr == ((_s8(a >> 8) & 0xFFFF) | ((_s8(a >> 24) & 0xFFFF) << 16))
        prod = _s16(a) * _s16(b) + _s16(a >> 16) * _s16(b >> 16)
        assert smlad == (c + prod) % 2**32 and smuad == prod % 2**32
        assert plo == (a & 0xFFFF) | ((b & 0xFFFF) << 16) and phi == (a >> 16) | (b & 0xFFFF0000)
        assert smlabb == (c + _s16(a) * _s16(b)) % 2**32 and smlatt == (c + _s16(a >> 16) * _s16(b >> 16)) % 2**32


def test_fast_requantization_equals_rule_a(tmp_path: Path) -> None:
    """ek_dsp_requant and ek_dsp_rq_apply give ek_mbqm's bits on random and edge accumulators and shifts."""
    out = _run_c(tmp_path, r"""#include <stdio.h>
#include "ek_dsp_common.h"
static uint32_t s = 12345u;
static uint32_t next(void) { s = s * 1664525u + 1013904223u; return s; }
int main(void) {
    static const int32_t edge[] = {0, 1, -1, 2, -2, 3, -3, 127, -128, 32767, -32768, 1 << 30, -(1 << 30),
                                   2147483647, -2147483647 - 1, 1 << 20, -(1 << 20), 12345678, -12345678};
    long bad = 0, n = 0;
    for (int32_t shift = -31; shift <= 8; ++shift) {
        for (int i = 0; i < 6000; ++i) {
            const int32_t m = (int32_t)((next() >> 1) | 0x40000000u); /* [2^30, 2^31) as QuantizeMultiplier */
            const int32_t acc = i < (int)(sizeof edge / sizeof edge[0]) ? edge[i]
                              : (i & 1) ? (int32_t)next() : (int32_t)next() >> (next() & 31);
            const ek_quant_t q = {i == 7 ? 0 : m, shift};
            const ek_dsp_rq_t r = ek_dsp_rq_make(&q);
            const int32_t want = ek_mbqm(acc, q.multiplier, q.shift);
            bad += ek_dsp_requant(acc, q.multiplier, q.shift) != want;
            bad += ek_dsp_rq_apply(acc, &r) != want;
            n += 2;
        }
    }
    printf("%ld %ld\n", bad, n);
    return 0;
}
""")
    bad, n = (int(v) for v in out.split())
    assert n == 2 * 40 * 6000 and bad == 0


def test_fast_requantization_clamps_like_rule_a(tmp_path: Path) -> None:
    """ek_dsp_rq_apply_fast (SMMULR/QADD) for right shifts <= 21: after the zero point and the activation clamp it
    gives exactly what ek_mbqm gives, also for accumulators where its intermediate values saturate."""
    out = _run_c(tmp_path, r"""#include <stdio.h>
#include "ek_dsp_common.h"
static uint32_t s = 777u;
static uint32_t next(void) { s = s * 1664525u + 1013904223u; return s; }
static int32_t clamp(int32_t v, int32_t lo, int32_t hi) { return v < lo ? lo : (v > hi ? hi : v); }
int main(void) {
    static const int32_t edge[] = {0, 1, -1, (1 << 30) - 1, 1 << 30, -(1 << 30), -(1 << 30) - 1, 2147483647,
                                   -2147483647 - 1, 1 << 29, -(1 << 29), 536870911, -536870913};
    static const int32_t zps[] = {-128, -5, 0, 77, 127};
    long bad = 0, n = 0, fast_ok = 0;
    for (int32_t shift = -31; shift <= 6; ++shift) {
        for (int i = 0; i < 4000; ++i) {
            const int32_t m = (int32_t)((next() >> 1) | 0x40000000u);
            const int32_t acc = i < (int)(sizeof edge / sizeof edge[0]) ? edge[i]
                              : (i & 1) ? (int32_t)next() : (int32_t)next() >> (next() & 31);
            const ek_quant_t q = {i == 5 ? 0 : m, shift};
            const ek_dsp_rq_t r = ek_dsp_rq_make(&q);
            if (!ek_dsp_rq_fast_ok(&r)) {
                continue;
            }
            ++fast_ok;
            for (int z = 0; z < 5; ++z) {
                const int32_t want = ek_mbqm(acc, q.multiplier, q.shift) + zps[z];
                const int32_t got = ek_dsp_rq_apply_fast(acc, &r) + zps[z];
                bad += clamp(want, -128, 127) != clamp(got, -128, 127);
                bad += clamp(want, zps[z], 100) != clamp(got, zps[z], 100);
                n += 2;
            }
        }
    }
    printf("%ld %ld %ld\n", bad, n, fast_ok);
    return 0;
}
""")
    bad, n, fast_ok = (int(v) for v in out.split())
    assert fast_ok == (21 + 1) * 4000 and n == 10 * fast_ok and bad == 0  # shifts -21 .. 0


def test_buffer_size_twins_equal_the_generator(tmp_path: Path) -> None:
    """The C ``ek_*_s8_dsp_buffer_size`` functions return the generator's scratch figure for each shape."""
    cases = {k: parse_model(EDGE[k](), k) for k in ("dw_7ch_3x3_zp-128", "dw_5ch_5x5_s2_zp127",
                                                      "conv_3x3_cin3_odd_out_zp-128", "conv_1x1_direct_s2_cin6",
                                                      "conv_5x2_valid_cin1", "fc_zp_w_batch3_odd_units")}
    lines, expected = [], []
    for model in cases.values():
        op = model.operators[0]
        x, w = model.tensor(op.inputs[0]).shape, model.tensor(op.inputs[1]).shape
        xs = (1,) * (4 - len(x)) + tuple(x)
        if op.op == "CONV_2D":
            pad_h, pad_w = dsp._conv_pads(model, op)
            lines.append(f"{{ ek_conv_params_t p = {{1, 1, 1, 1, {pad_h}, {pad_w}, 0, 0, {{-128, 127}}}}; "
                         f"ek_dims_t i = {{{', '.join(map(str, xs))}}}, f = {{{', '.join(map(str, w))}}}; "
                         "printf(\"%d\\n\", (int)ek_conv2d_s8_dsp_buffer_size(&p, &i, &f)); }")
        elif op.op == "DEPTHWISE_CONV_2D":
            lines.append(f"{{ ek_dims_t i = {{{', '.join(map(str, xs))}}}, f = {{{', '.join(map(str, w))}}}; "
                         "printf(\"%d\\n\", (int)ek_depthwise_conv2d_s8_dsp_buffer_size(&i, &f)); }")
        else:
            lines.append(f"{{ ek_dims_t f = {{{w[0]}, 1, 1, {w[1]}}}; "
                         "printf(\"%d\\n\", (int)ek_fully_connected_s8_dsp_buffer_size(&f)); }")
        expected.append(scratch_requirements(model, "dsp")[0])
    out = _run_c(tmp_path, "#include <stdio.h>\n#include \"ek_conv2d_s8_dsp.h\"\n"
                 "#include \"ek_depthwise_conv2d_s8_dsp.h\"\n#include \"ek_fully_connected_s8_dsp.h\"\n"
                 "int main(void) {\n" + "\n".join(lines) + "\nreturn 0;\n}\n", DSP_SOURCES)
    assert [int(v) for v in out.split()] == expected
    assert expected[0] == 8 + 24 * 7 and expected[2] == 5 * 28 + 24 * 5 and expected[3] == 4 * 8 + 24 * 4


def test_mlperf_scratch_figures(tmp_path: Path) -> None:
    """On a real model every DSP op whose kernel declares scratch gets it (pooling needs none), and the portable
    kernels none."""
    from conftest import mlperf_model

    model = read_model(mlperf_model("kws"))
    dsp_scratch = scratch_requirements(model, "dsp")
    assert scratch_requirements(model, "portable") == {}
    assert sorted(dsp_scratch) == [op.index for op in model.operators
                                   if op.op in dsp.DSP_VARIANTS and dsp.DSP_VARIANTS[op.op].emitter.scratch]
    # 1x1 pointwise convs read the input directly: two unpacked 64-channel patches + constants, no int8 patch
    pw = [op for op in model.operators if op.op == "CONV_2D" and model.tensor(op.inputs[1]).shape[1] == 1]
    assert pw and all(dsp_scratch[op.index] == 4 * 64 + 24 * 64 for op in pw)


@pytest.mark.parametrize("flags", [M4, ["arm-none-eabi-gcc", "-mcpu=cortex-m3", "-mthumb", "-std=c99", "-O2",
                                        "-Wall", "-Wextra", "-Werror", "-c"]], ids=["cortex-m4", "cortex-m3"])
def test_kernels_build_for_arm(flags: list[str], tmp_path: Path) -> None:
    """On the M4 the real arm_acle.h intrinsics are used (SMLAD/SXTB16 in the code); on the M3 (no DSP
    extension) the same sources build from ek_acle_host.h."""
    if shutil.which(flags[0]) is None:
        pytest.skip(f"{flags[0]} is not installed (make system-packages installs it)")
    text = ""
    for src in DSP_SOURCES:
        obj = tmp_path / (src + ".o")
        r = subprocess.run([*flags, "-I", str(RUNTIME), str(RUNTIME / src), "-o", str(obj)], capture_output=True,
                           text=True)
        assert r.returncode == 0 and not r.stderr.strip(), r.stderr
        text += subprocess.run(["arm-none-eabi-objdump", "-d", str(obj)], capture_output=True, text=True,
                               check=True).stdout
    native = "cortex-m4" in flags[1]
    for insn in ("smlad", "sxtb16", "pkhbt", "smlabb"):
        assert (f"\t{insn}" in text) == native, insn


def test_variant_resolution_and_refusal() -> None:
    assert dsp.resolve_variant("auto", cpu_dsp=True) == "dsp"
    assert dsp.resolve_variant("auto", cpu_dsp=False) == "portable"
    assert dsp.resolve_variant("portable", cpu_dsp=True) == "portable"
    assert dsp.resolve_variant("dsp") == "dsp"
    with pytest.raises(BadInputError, match="kernel variant must be one of portable, dsp, auto, not 'neon'"):
        dsp.resolve_variant("neon")


def test_builtin_targets_say_which_cores_have_dsp() -> None:
    from edgekit.package.target_info import load

    assert load("mps2-an386")[1].dsp is True  # Cortex-M4F
    assert load("mps2-an500")[1].dsp is True  # Cortex-M7
    assert dsp.target_has_dsp({"cpu": {"dsp": False}}) is False
    assert dsp.target_has_dsp({"cpu": {"dsp": True}}) is True


def test_dw_pack_layout() -> None:
    """Tap pairs x channel quads as the kernel reads them; the odd last tap alone (4 bytes); rest channels last;
    nothing padded."""
    w = np.arange(3 * 6, dtype=np.int8).reshape(3, 6)  # 3 taps, 6 channels: 1 quad + 2 rest
    packed = dsp.dw_pack(w).tolist()
    assert packed[:12] == [0, 1, 6, 7, 2, 3, 8, 9, 12, 13, 14, 15]
    assert packed[12:] == [4, 5, 10, 11, 16, 17]


def test_interleaved_rows_layout() -> None:
    w = np.arange(3 * 5, dtype=np.int8).reshape(3, 5)  # K = 5 -> K4 = 8; pairs: rows 0, 1; row 2 alone
    assert dsp.interleave_rows(w, 2).tolist() == [0, 1, 2, 3, 5, 6, 7, 8, 4, 0, 0, 0, 9, 0, 0, 0,
                                                  10, 11, 12, 13, 14, 0, 0, 0]
