"""Every core kernel checks its arguments in every build and returns EK_ERR_ARGUMENT (never writes) on
inconsistent shapes or parameters; consistent calls return EK_OK."""

from __future__ import annotations

import subprocess
from pathlib import Path

RUNTIME = Path(__file__).resolve().parents[2] / "firmware_templates" / "runtime"
KERNELS = ["ek_conv2d_s8.c", "ek_depthwise_conv2d_s8.c", "ek_fully_connected_s8.c", "ek_avg_pool2d_s8.c",
           "ek_max_pool2d_s8.c", "ek_add_s8.c"]

PROGRAM = r"""
#include <stdio.h>
#include <string.h>
#include "ek_conv2d_s8.h"
#include "ek_depthwise_conv2d_s8.h"
#include "ek_fully_connected_s8.h"
#include "ek_avg_pool2d_s8.h"
#include "ek_max_pool2d_s8.h"
#include "ek_add_s8.h"

static int8_t in[64], w[64], out[64];
static int32_t bias[8];
static const ek_quant_t q[8] = {{1 << 30, 0}, {1 << 30, 0}, {1 << 30, 0}, {1 << 30, 0},
                                {1 << 30, 0}, {1 << 30, 0}, {1 << 30, 0}, {1 << 30, 0}};

static int untouched(void)
{
    int i;
    for (i = 0; i < 64; ++i) {
        if (out[i] != 0x55) return 0;
    }
    return 1;
}

#define CHECK(name, expr, want)                                                        \
    do {                                                                               \
        ek_status_t s_;                                                                \
        memset(out, 0x55, sizeof out);                                                 \
        s_ = (expr);                                                                   \
        printf("%s %d %d\n", name, (int)s_, (want) == EK_OK ? 1 : untouched());        \
    } while (0)

int main(void)
{
    ek_dims_t x = {1, 4, 4, 2}, f = {3, 3, 3, 2}, b = {1, 1, 1, 3}, y = {1, 4, 4, 3};
    ek_dims_t f_bad = {3, 3, 3, 5}, y_badn = {2, 4, 4, 3};
    ek_conv_params_t cp = {1, 1, 1, 1, 1, 1, 0, 0, {-128, 127}};
    ek_conv_params_t cp_stride0 = {0, 1, 1, 1, 1, 1, 0, 0, {-128, 127}};
    ek_dims_t dwf = {1, 3, 3, 4}, dwy = {1, 4, 4, 4}, dwb = {1, 1, 1, 4};
    ek_dw_conv_params_t dp = {1, 1, 1, 1, 1, 1, 2, 0, 0, {-128, 127}};
    ek_dw_conv_params_t dp_bad = {1, 1, 1, 1, 1, 1, 3, 0, 0, {-128, 127}};
    ek_dims_t fx = {2, 1, 1, 8}, fw = {4, 1, 1, 8}, fy = {2, 1, 1, 4}, fw_bad = {4, 1, 1, 7};
    ek_fc_params_t fp = {0, 0, 0, 1, {-128, 127}};
    ek_dims_t px = {1, 4, 4, 2}, py = {1, 2, 2, 2}, py_bad = {1, 2, 2, 3};
    ek_pool_params_t pp = {2, 2, 2, 2, 0, 0, {-128, 127}};
    ek_pool_params_t pp_pad = {2, 2, 2, 2, 5, 5, {-128, 127}};
    ek_dims_t a = {1, 1, 1, 8};
    ek_add_params_t ap = {0, 0, 0, 20, {-128, 127}, 1, {8, 1, 1, 1, 1, 1}, {1, 0, 0, 0, 0, 0}, {1, 0, 0, 0, 0, 0}, 0};
    ek_add_params_t ap_rank = ap;
    ek_add_quant_t aq = {{1 << 30, 0}, {1 << 30, 0}, {1 << 30, 0}};
    ap_rank.rank = 7;

    CHECK("conv_ok", ek_conv2d_s8(NULL, &cp, q, &x, in, &f, w, &b, bias, &y, out), EK_OK);
    CHECK("conv_bad_filter_depth", ek_conv2d_s8(NULL, &cp, q, &x, in, &f_bad, w, &b, bias, &y, out), 1);
    CHECK("conv_bad_batch", ek_conv2d_s8(NULL, &cp, q, &x, in, &f, w, &b, bias, &y_badn, out), 1);
    CHECK("conv_stride0", ek_conv2d_s8(NULL, &cp_stride0, q, &x, in, &f, w, &b, bias, &y, out), 1);
    CHECK("dw_ok", ek_depthwise_conv2d_s8(NULL, &dp, q, &x, in, &dwf, w, &dwb, bias, &dwy, out), EK_OK);
    CHECK("dw_bad_multiplier", ek_depthwise_conv2d_s8(NULL, &dp_bad, q, &x, in, &dwf, w, &dwb, bias, &dwy, out), 1);
    CHECK("dw_no_bias", ek_depthwise_conv2d_s8(NULL, &dp, q, &x, in, &dwf, w, &dwb, NULL, &dwy, out), 1);
    CHECK("fc_ok", ek_fully_connected_s8(NULL, &fp, q, &fx, in, &fw, w, NULL, NULL, &fy, out), EK_OK);
    CHECK("fc_bad_depth", ek_fully_connected_s8(NULL, &fp, q, &fx, in, &fw_bad, w, NULL, NULL, &fy, out), 1);
    CHECK("avg_ok", ek_avg_pool2d_s8(NULL, &pp, &px, in, &py, out), EK_OK);
    CHECK("avg_bad_channels", ek_avg_pool2d_s8(NULL, &pp, &px, in, &py_bad, out), 1);
    CHECK("avg_window_in_padding", ek_avg_pool2d_s8(NULL, &pp_pad, &px, in, &py, out), 1);
    CHECK("max_ok", ek_max_pool2d_s8(NULL, &pp, &px, in, &py, out), EK_OK);
    CHECK("max_bad_channels", ek_max_pool2d_s8(NULL, &pp, &px, in, &py_bad, out), 1);
    CHECK("add_ok", ek_add_s8(NULL, &ap, &aq, &a, in, &a, w, &a, out), EK_OK);
    CHECK("add_bad_rank", ek_add_s8(NULL, &ap_rank, &aq, &a, in, &a, w, &a, out), 1);
    return 0;
}
"""


def test_kernels_return_status_and_leave_output_alone(tmp_path: Path) -> None:
    src = tmp_path / "status.c"
    src.write_text(PROGRAM)
    exe = tmp_path / "status"
    subprocess.run(["gcc", "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-Wno-missing-field-initializers",
                    "-I", str(RUNTIME), str(src), *(str(RUNTIME / k) for k in KERNELS), "-o", str(exe)], check=True)
    lines = subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout.splitlines()
    assert len(lines) == 16
    for line in lines:
        name, status, clean = line.split()
        want = 0 if name.endswith("_ok") else 1  # EK_OK / EK_ERR_ARGUMENT
        assert int(status) == want, line
        assert clean == "1", f"{name}: the output was written although the call was refused"
