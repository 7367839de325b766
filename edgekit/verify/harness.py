"""The host harness: compiles generated C with the host gcc and runs it on a file of inputs.

Protocol (files, so the one subprocess wrapper can run it): ``harness N IN OUT [--dump]`` reads N samples from
IN (each: every model input's bytes, in order), and writes to OUT per sample: with ``--dump``, every op's
output bytes in op order (the ``ek_model_op_outputs`` debug table, read in the op hook), then every model
output's bytes. Exit 3 when ``ek_model_invoke`` returns a non-OK status.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from edgekit import proc
from edgekit.errors import EnvironmentError_

HOST_CFLAGS = ("-std=c99", "-O2", "-Wall", "-Wextra", "-Werror")

HARNESS_C = r"""/* edgekit verify host harness: feeds inputs from a file, writes outputs (and per-op dumps) to a file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

static FILE *ek_out;

static void ek_dump_hook(int32_t op_index, const char *op_name, int32_t phase, void *user)
{
    (void)op_name;
    (void)user;
    if (phase == 1) {
        const ek_op_output_t *o = &ek_model_op_outputs[op_index];
        fwrite(o->data, 1, (size_t)o->bytes, ek_out);
    }
}

int main(int argc, char **argv)
{
    FILE *in;
    long n, s;
    int32_t i;
    if (argc < 4) {
        fprintf(stderr, "usage: %s N IN OUT [--dump]\n", argv[0]);
        return 2;
    }
    n = strtol(argv[1], NULL, 10);
    in = fopen(argv[2], "rb");
    ek_out = fopen(argv[3], "wb");
    if (in == NULL || ek_out == NULL) {
        fprintf(stderr, "cannot open the input or output file\n");
        return 2;
    }
    if (argc > 4 && strcmp(argv[4], "--dump") == 0) {
        ek_model_set_op_hook(ek_dump_hook, NULL);
    }
    if (ek_model_init() != EK_OK) {
        fprintf(stderr, "ek_model_init failed\n");
        return 3;
    }
    for (s = 0; s < n; ++s) {
        ek_status_t status;
        /* Inputs are written before every invoke: the arena reuses their bytes. */
        for (i = 0; i < EK_MODEL_NUM_INPUTS; ++i) {
            size_t want = (size_t)ek_model_inputs[i].bytes;
            if (fread(ek_model_input(i), 1, want, in) != want) {
                fprintf(stderr, "input file too short at sample %ld\n", s);
                return 2;
            }
        }
        status = ek_model_invoke();
        if (status != EK_OK) {
            fprintf(stderr, "ek_model_invoke returned status %d at sample %ld\n", (int)status, s);
            return 3;
        }
        for (i = 0; i < EK_MODEL_NUM_OUTPUTS; ++i) {
            fwrite(ek_model_output(i), 1, (size_t)ek_model_outputs[i].bytes, ek_out);
        }
    }
    fclose(ek_out);
    fclose(in);
    return 0;
}
"""


def build_host(gen_dir: Path, build_dir: Path, cc: str = "gcc") -> Path:
    """Compile the generated folder plus the harness into ``build_dir/harness``; warnings are errors."""
    tool = proc.require_tool(cc, "install gcc (Debian: apt-get install gcc) to verify generated C on the host.")
    build_dir.mkdir(parents=True, exist_ok=True)
    harness = build_dir / "ek_harness.c"
    harness.write_text(HARNESS_C, encoding="utf-8")
    sources = sorted(str(p) for p in gen_dir.glob("*.c")) + [str(harness)]
    exe = build_dir / "harness"
    proc.run([tool, *HOST_CFLAGS, "-I", str(gen_dir), *sources, "-o", str(exe)], what="host gcc build of the generated C")
    return exe


def run_host(exe: Path, samples: Sequence[bytes], work: Path, dump: bool = False) -> bytes:
    """Run the harness on ``samples`` (each the concatenated input bytes); return what it wrote."""
    inp, out = work / "inputs.bin", work / ("dump.bin" if dump else "outputs.bin")
    inp.write_bytes(b"".join(samples))
    argv = [str(exe), str(len(samples)), str(inp), str(out)] + (["--dump"] if dump else [])
    res = proc.run(argv, what="the generated C (host harness)", check=False)
    if res.returncode == 3:  # ek_model_invoke returned a status: say which, in one sentence
        detail = res.stderr.strip().splitlines()[-1] if res.stderr.strip() else "a non-OK status"
        hint = " (EK_ERR_NUMERIC: TFLite Micro aborts on this input too)" if "status 4" in detail else ""
        raise EnvironmentError_(f"The generated C stopped: {detail}{hint}.")
    if res.returncode != 0:
        raise EnvironmentError_(f"the host harness failed with exit code {res.returncode}: {res.stderr.strip()}")
    return out.read_bytes()
