"""`edgekit bench MODEL.tflite --target ID [--port DEV | --emulate]`: latency and outputs measured on a device,
outputs compared with TFLite Micro on the host. Android targets (adb) go to edgekit.android.bench.
Exit 1 when outputs differ, 2 for bad input or a device error (what was measured is saved first)."""

from __future__ import annotations

from pathlib import Path

import click


@click.command(name="bench", help="Measure latency and outputs on a device (serial or adb).")
@click.argument("model", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--target", "-t", "target_ref", required=True, help="Target id or TOML file.")
@click.option("--port", help="Serial port or pyserial URL of a flashed board (/dev/ttyACM0, socket://host:port).")
@click.option("--emulate", is_flag=True, help="Package, build and run the model on the target's QEMU board.")
@click.option("--project", "project_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Use this packaged (and built) project instead of packaging into a work folder.")
@click.option("--inputs", "inputs_path", type=click.Path(dir_okay=False, path_type=Path),
              help=".npy of input samples (one, or a batch on axis 0); default: seeded random.")
@click.option("--samples", default=5, show_default=True, type=click.IntRange(min=0),
              help="How many inputs (random, or the first of --inputs; 0: all of --inputs).")
@click.option("--runs", default=5, show_default=True, help="Timed inferences per input (1-64).")
@click.option("--warmup", default=1, show_default=True, type=click.IntRange(min=0), help="Untimed inferences before each input's runs.")
@click.option("--seed", default=0, show_default=True, help="Seed of the random inputs.")
@click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(min=0, min_open=True), help="Seconds of device silence that count as a stall.")
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path), help="Write the results as JSON (schema: docs/bench-json.md).")
@click.option("--csv", "csv_out", type=click.Path(dir_okay=False, path_type=Path), help="One row per inference.")
@click.option("--force", is_flag=True, help="Overwrite --json/--csv files.")
@click.option("--serial", "--device", "adb_serial", help="adb device serial (android targets).")
@click.option("--benchmark-binary", type=click.Path(dir_okay=False, path_type=Path),
              help="benchmark_model built for the phone's ABI (android targets; else $EDGEKIT_BENCHMARK_MODEL "
                   "or [benchmark] binary in the target file).")
@click.option("--rounds", type=click.IntRange(min=1), help="Runs of benchmark_model, one sample each (android targets; default 3).")
@click.option("--profile", is_flag=True, help="Also time each op (a -DEK_PROFILE_OPS build; with --port the flashed "
              "firmware must be one) and print a per-layer table: count, share, MACs per instruction/cycle.")
@click.option("--kernels", "--variant", "variant", type=click.Choice(["auto", "portable", "dsp"]), default="auto",
              show_default=True, help="Kernel variant of the packaged firmware (auto: DSP kernels when the "
              "target's [cpu] has dsp = true).")
def command(model: Path, target_ref: str, port: str | None, emulate: bool, project_dir: Path | None,
            inputs_path: Path | None, samples: int, runs: int, warmup: int, seed: int, timeout: float,
            json_out: Path | None, csv_out: Path | None, force: bool, adb_serial: str | None,
            benchmark_binary: Path | None, rounds: int | None, profile: bool = False, variant: str = "auto") -> None:
    from edgekit.errors import BadInputError
    from edgekit.fileio import check_writable
    from edgekit.package.target_info import _get, load

    for p, opt in ((json_out, "--json"), (csv_out, "--csv")):
        if p is not None and str(p) == "-":
            # check and eval take "-" for stdout; bench prints its tables there, so it needs a file
            raise BadInputError(f"bench {opt} needs a file name (its tables go to stdout); give e.g. "
                                f"{opt} bench.{opt[2:]}.")
        if p is not None:
            check_writable(p, force)
    if not model.is_file():
        raise BadInputError(f"model {model} does not exist; pass the path of a .tflite file.")
    target, fw = load(target_ref)
    android = str(_get(target, "kind", "cortex-m")) == "android"
    _refuse_other_kind_options(click.get_current_context(), target_ref, android)
    if android:
        from edgekit.android.bench import bench_android

        bench_android(model, target, serial=adb_serial, json_path=json_out, force=force,
                      benchmark_binary=benchmark_binary, rounds=rounds)
        return
    if fw is None:
        raise BadInputError(f"target {target_ref} is neither cortex-m nor android.")
    if bool(port) == bool(emulate):
        raise BadInputError("give exactly one of --port DEVICE (a flashed board) or --emulate (QEMU).")
    if samples == 0 and inputs_path is None:
        # 0 means "every sample of --inputs"; with random inputs it would bench nothing and compare nothing
        raise BadInputError("--samples 0 means every sample of --inputs; give --inputs FILE.npy or a count >= 1.")
    if inputs_path is not None:
        from edgekit.bench.serial_bench import read_npy

        read_npy(inputs_path)  # refuse a bad file before packaging and building
    from edgekit.bench.cli_serial import bench_serial_cli

    bench_serial_cli(model, fw, port=port, emulate=emulate, project_dir=project_dir, inputs_path=inputs_path,
                     samples=samples, runs=runs, warmup=warmup, seed=seed, timeout=timeout, json_out=json_out,
                     csv_out=csv_out, profile=profile, variant=variant)


# Options that only one kind of target reads: given for the other kind they would be silently ignored.
_CORTEX_M_ONLY = ("port", "emulate", "project_dir", "inputs_path", "samples", "runs", "warmup", "seed", "timeout",
                  "csv_out", "profile", "variant")
_ANDROID_ONLY = ("adb_serial", "benchmark_binary", "rounds")


def _refuse_other_kind_options(ctx: click.Context, target_ref: str, android: bool) -> None:
    from click.core import ParameterSource

    from edgekit.errors import BadInputError

    given = [p for p in ctx.command.params
             if p.name in (_CORTEX_M_ONLY if android else _ANDROID_ONLY)
             and ctx.get_parameter_source(p.name) == ParameterSource.COMMANDLINE]
    if given:
        names = ", ".join(p.opts[0] for p in given)
        kind, other = ("an Android", "Cortex-M") if android else ("a Cortex-M", "Android")
        raise BadInputError(f"{names} {'applies' if len(given) == 1 else 'apply'} to {other} targets only, and "
                            f"{target_ref} is {kind} target; drop {'it' if len(given) == 1 else 'them'}.")
