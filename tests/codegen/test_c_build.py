"""The generated C builds warning-free with host gcc and arm-none-eabi-gcc (Cortex-M4F), allocates nothing,
and each kernel's C scratch figure equals the generator's."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import mlperf_model
from edgekit.converters.c_codegen import generate_c
from edgekit.converters.c_codegen.generator import scratch_requirements
from edgekit.converters.tflite_reader import read_model

ARM_FLAGS = ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16", "-std=c99", "-O2", "-Wall",
             "-Wextra", "-Werror", "-c"]
HOST_FLAGS = ["-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-c"]
ALLOCATORS = {"malloc", "calloc", "realloc", "free", "aligned_alloc", "posix_memalign", "_malloc_r", "_free_r"}


def _residual_model(singleop_paths: dict[str, Path]) -> Path:
    return singleop_paths["residual_add_reshape_fc"]


def _models(singleop_paths: dict[str, Path]) -> list[Path]:
    keep = ["residual_add_reshape_fc", "dw_m2_s2_same", "max_pool_2d_3x3_s2_same", "average_pool_2d_3x3_s2_same"]
    return [singleop_paths[k] for k in keep]


def _compile(cc: str, flags: list[str], folder: Path, objdir: Path) -> list[Path]:
    objdir.mkdir(parents=True, exist_ok=True)
    objs = []
    for src in sorted(folder.glob("*.c")):
        obj = objdir / (src.stem + ".o")
        r = subprocess.run([cc, *flags, "-I", str(folder), str(src), "-o", str(obj)], capture_output=True, text=True)
        assert r.returncode == 0 and not r.stderr.strip(), f"{cc} {src.name}:\n{r.stderr}"
        objs.append(obj)
    return objs


def _undefined(nm: str, objs: list[Path]) -> set[str]:
    r = subprocess.run([nm, "-u", *map(str, objs)], capture_output=True, text=True, check=True)
    return {line.split()[-1] for line in r.stdout.splitlines() if line.strip() and not line.endswith(":")}


@pytest.mark.parametrize("toolchain", ["host", "arm"])
def test_generated_c_builds_warning_free_and_never_allocates(toolchain: str, singleop_paths: dict[str, Path],
                                                             tmp_path: Path) -> None:
    cc, nm, flags = ("gcc", "nm", HOST_FLAGS) if toolchain == "host" else (
        "arm-none-eabi-gcc", "arm-none-eabi-nm", ARM_FLAGS)
    if shutil.which(cc) is None:
        pytest.skip(f"{cc} is not installed (make system-packages installs it)")
    models = _models(singleop_paths)
    try:
        models.append(mlperf_model("kws"))
    except pytest.skip.Exception:
        pass
    for i, path in enumerate(models):
        gen = generate_c(read_model(path), None, tmp_path / f"gen{i}")
        objs = _compile(cc, flags, gen.out_dir, tmp_path / f"obj{i}")
        undefined = _undefined(nm, objs)
        assert not (undefined & ALLOCATORS), f"{path.name}: the generated code references {undefined & ALLOCATORS}"
        # a straight-line invoke into the kernels: nothing from the C library beyond memcpy-like helpers
        assert not {u for u in undefined if "printf" in u or u in {"abort", "exit"}}, undefined


def test_kernel_scratch_figures_equal_generator(tmp_path: Path, singleop_paths: dict[str, Path]) -> None:
    """Each kernel's C ``_buffer_size`` twin equals what the generator reserves (0 for these portable kernels)."""
    runtime = Path(__file__).resolve().parents[2] / "firmware_templates" / "runtime"
    prog = tmp_path / "sizes.c"
    prog.write_text(
        '#include <stdio.h>\n#include "ek_conv2d_s8.h"\n#include "ek_depthwise_conv2d_s8.h"\n'
        '#include "ek_fully_connected_s8.h"\n'
        "int main(void) {\n"
        "    ek_dims_t in = {1, 9, 11, 3}, f = {5, 3, 3, 3}, dwf = {1, 3, 3, 6}, fc = {12, 1, 1, 40};\n"
        '    printf("%d %d %d\\n", (int)ek_conv2d_s8_buffer_size(&in, &f),\n'
        "           (int)ek_depthwise_conv2d_s8_buffer_size(&in, &dwf), (int)ek_fully_connected_s8_buffer_size(&fc));\n"
        "    return 0;\n}\n"
    )
    exe = tmp_path / "sizes"
    srcs = [str(runtime / f) for f in ("ek_conv2d_s8.c", "ek_depthwise_conv2d_s8.c", "ek_fully_connected_s8.c")]
    subprocess.run(["gcc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-I", str(runtime), str(prog), *srcs, "-o",
                    str(exe)], check=True)
    c_sizes = [int(v) for v in subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout.split()]
    for key in ("conv_3x3_s1_same", "dw_m2_s1_same", "fc_per_channel_relu"):
        assert scratch_requirements(read_model(singleop_paths[key])) == {}
    assert c_sizes == [0, 0, 0]


def test_generated_folder_is_self_contained(tmp_path: Path, singleop_paths: dict[str, Path]) -> None:
    """Every header model.c includes is in the folder; MODEL_API.md travels with it."""
    gen = generate_c(read_model(_residual_model(singleop_paths)), None, tmp_path / "gen")
    names = {p.name for p in gen.out_dir.iterdir()}
    assert {"model.h", "model.c", "ek_common.h", "MODEL_API.md", "ek_conv2d_s8.c", "ek_add_s8.c",
            "ek_fully_connected_s8.c"} <= names
    for src in gen.out_dir.glob("*.[ch]"):
        for line in src.read_text().splitlines():
            if line.startswith('#include "'):
                assert line.split('"')[1] in names, (src.name, line)
    assert "    EK_RUN(3, EK_OK);\n" in (gen.out_dir / "model.c").read_text()  # op 3 RESHAPE: in place, no code
