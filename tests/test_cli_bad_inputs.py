"""Every command that takes a .tflite, given what a new user gives it by mistake: one sentence saying what and what
to do, exit 2 (bad input) — never a traceback unless --debug — and nothing written.

One table, command x bad input -> exit code + message fragment. The commands run in this process through
``edgekit.cli.main`` (as the console script does), so the whole table takes a second or two; the import check
runs in a child process. No training, no QEMU: every case fails before any build or device run.
"""

from __future__ import annotations

import os
import stat
import struct
import subprocess
import sys
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from ai_edge_litert import schema_py_generated as s
from analysis import tinymodels as tm
from analysis.tinymodels import Op, T

from edgekit.cli import main

# ---------------------------------------------------------------------------------------------- bad input files


def _png() -> bytes:
    head = b"IHDR" + struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + head + struct.pack(">I", zlib.crc32(head))


def _keras_zip(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as z:  # a .keras file is a zip with config.json, weights, metadata
        z.writestr("config.json", "{}")
        z.writestr("metadata.json", "{}")


def _fc(dtype: str) -> bytes:
    q = None if dtype == "float32" else (0.1,)
    return tm.build([T("x", (1, 4), dtype, scale=q), T("w", (3, 4), dtype, data=bytes(12 * (4 if q is None else 1)),
                                                      scale=q), T("y", (1, 3), dtype, scale=q)],
                    [Op("FULLY_CONNECTED", (0, 1, -1), (2,), ("FullyConnectedOptions", s.FullyConnectedOptionsT()))],
                    (0,), (2,))


def _custom() -> bytes:
    return tm.build([T("x", (1, 4)), T("w", (3, 4), data=bytes(12)), T("h", (1, 3)), T("y", (1, 3))],
                    [Op("FULLY_CONNECTED", (0, 1, -1), (2,), ("FullyConnectedOptions", s.FullyConnectedOptionsT())),
                     Op("CUSTOM", (2,), (3,), custom_code="MyMagicOp")], (0,), (3,))


def _lstm() -> bytes:
    return tm.build([T("x", (1, 5, 3)), T("y", (1, 4))], [Op("UNIDIRECTIONAL_SEQUENCE_LSTM", (0,), (1,))], (0,), (1,))


def _flip(data: bytes, at: int) -> bytes:
    b = bytearray(data)
    b[at] ^= 0xFF
    return bytes(b)


def _corrupt(what: str) -> bytes:
    """The tiny CNN with one defect that a flipped byte produced in a fuzz run (each one crashed a command)."""
    tensors, ops = tm.tiny_cnn_tensors(), tm.tiny_cnn_ops()
    if what == "long-buffer":
        tensors[10].data = bytes(296)  # fc/bias (10,) int32 pointing at another buffer
    elif what == "zero-dim":
        tensors[12].shape = (0, 10)
    elif what == "stride-0":
        ops[0].options[1].strideH = 0
    elif what == "unquantized-weights":
        tensors[9].scale = None
    elif what == "rank-0-input":
        tensors[3].shape = ()  # conv/out, the depthwise conv's input
    elif what == "missing-input":
        ops[3] = Op("FULLY_CONNECTED", (8,), (11,), ops[3].options)
    return tm.build(tensors, ops, (0,), (12,))


CORRUPT = {
    "long-buffer": "tensor 10 'fc/bias' of shape [10] and type int32 needs 40 bytes, but its buffer",
    "zero-dim": "op 4 (SOFTMAX) has tensor 12 'probs' with a zero dimension [0, 10]",
    "stride-0": "op 0 (CONV_2D) has stride_h = 0; it must be at least 1",
    "unquantized-weights": "op 3 (FULLY_CONNECTED) has int8 tensor 9 'fc/weights' without quantization parameters",
    "rank-0-input": "op 1 (DEPTHWISE_CONV_2D) input 0 has shape [], but the op needs a 4-D tensor",
    "missing-input": "op 3 (FULLY_CONNECTED) has no input 1, which the op requires; the file is corrupt",
}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("inputs")
    good = tm.tiny_cnn()
    files = {
        "good.tflite": good,
        "empty.tflite": b"",
        "truncated.tflite": good[: len(good) // 2],
        "flipped-root.tflite": _flip(good, 0),  # the root table offset
        "flipped-ident.tflite": _flip(good, 5),  # "TFL3" -> "T\xb9L3"
        "picture.png": _png(),
        "picture.tflite": _png(),  # renamed: the content decides, not the suffix
        "float.tflite": _fc("float32"),
        "custom.tflite": _custom(),
        "lstm.tflite": _lstm(),
        "unknown-key.toml": b'id = "mine"\ninherit = "mps2-an386"\nflavour = "x"\n',
        "unknown-budget-key.toml": b'id = "mine"\ninherit = "mps2-an386"\n[budget]\nram_byts = 1000\n',
        "samples.npy": b"",
        "phone.toml": b'id = "phone"\ninherit = "android-arm64"\n[benchmark]\nthreadz = 2\n',
    }
    files.update({f"corrupt-{k}.tflite": _corrupt(k) for k in CORRUPT})
    for name, data in files.items():
        (d / name).write_bytes(data)
    _keras_zip(d / "model.keras")
    (d / "module").mkdir()  # an Android module where a firmware project is expected
    (d / "module" / "edgekit-module.json").write_text("{}")
    (d / "empty-dir").mkdir()
    assert main_quiet(["package", str(d / "good.tflite"), "-t", "mps2-an386", "-o", str(d / "fw")]) == 0
    return d


# ---------------------------------------------------------------------------------------------- the table

DATA = str(Path(__file__).resolve().parents[1] / "examples" / "digits" / "data.py") + ":load"

# command -> argv with {m} (the model), {o} (a fresh output folder), {t} (the target)
COMMANDS: dict[str, list[str]] = {
    "check": ["check", "{m}", "-t", "{t}", "--json", "{o}/report.json"],
    "generate": ["generate", "{m}", "-t", "{t}", "-o", "{o}/gen"],
    "verify": ["verify", "{m}", "--keep", "{o}/keep"],
    "package": ["package", "{m}", "-t", "{t}", "-o", "{o}/fw"],
    "package-android": ["package", "{m}", "-t", "android-arm64", "--package-name", "com.example.kws", "-o",
                        "{o}/module"],
    "bench": ["bench", "{m}", "-t", "{t}", "--emulate", "--json", "{o}/bench.json"],
    "bench-android": ["bench", "{m}", "-t", "android-arm64", "--json", "{o}/phone.json"],
    "eval": ["eval", "{m}", "--data", DATA, "--no-keras", "--json", "{o}/eval.json"],
}
CORTEX_M = ("check", "generate", "verify", "package", "bench")
ALL = tuple(COMMANDS)
TARGETED = ("check", "generate", "package", "bench", "verify-targeted")
COMMANDS["verify-targeted"] = ["verify", "{m}", "-t", "{t}", "--keep", "{o}/keep"]

# bad model file -> (commands, message fragment)
NOT_A_MODEL = {
    "missing.tflite": (ALL, "does not exist; pass the path of"),
    "empty.tflite": (ALL, "0 bytes long, too short to be a .tflite model"),
    "truncated.tflite": (ALL, "points outside the file (byte"),
    "flipped-root.tflite": (ALL, "points outside the file (before its start); the file is truncated or corrupt"),
    "flipped-ident.tflite": (ALL, "not b'TFL3', so this is not a .tflite model; pass an int8 .tflite file"),
    "picture.png": (ALL, "this is a PNG image, not a .tflite model; pass an int8 .tflite file"),
    "picture.tflite": (ALL, "this is a PNG image, not a .tflite model"),
    "model.keras": (ALL, "this is a zip archive (a Keras .keras model is one), not a .tflite model; pass an int8 "
                         ".tflite file (convert a Keras model with `edgekit convert` first)"),
}
# models that read fine but have no C kernels: refused by the commands that generate C
NO_C = {
    "float.tflite": "it is a float-only model (no int8 tensors)",
    "custom.tflite": "op 1 (MyMagicOp) is a custom op",
    "lstm.tflite": "op 0 (UNIDIRECTIONAL_SEQUENCE_LSTM) is an LSTM",
}
C_COMMANDS = ("generate", "verify", "package", "bench")


@dataclass(frozen=True)
class Case:
    id: str
    argv: tuple[str, ...]
    fragment: str
    code: int = 2
    existing: str | None = None  # an output (under {o}) that exists before the run and must be left unchanged


def _cases() -> list[Case]:
    cases = []
    for model, (commands, fragment) in NOT_A_MODEL.items():
        for c in commands:
            cases.append(Case(f"{c}-{model}", tuple(a.replace("{m}", "{i}/" + model) for a in COMMANDS[c]), fragment))
    for model, fragment in NO_C.items():
        for c in C_COMMANDS:
            cases.append(Case(f"{c}-{model}", tuple(a.replace("{m}", "{i}/" + model) for a in COMMANDS[c]),
                              f"Cannot generate C for {model.split('.')[0]}: " + fragment))
    for what, fragment in CORRUPT.items():
        cases.append(Case(f"generate-corrupt-{what}",
                          tuple(a.replace("{m}", f"{{i}}/corrupt-{what}.tflite") for a in COMMANDS["generate"]),
                          fragment))
    cases.append(Case("eval-keras-missing", ("eval", "{i}/good.tflite", "--data", DATA, "--keras", "{i}/nope.keras"),
                      "Keras model {i}/nope.keras does not exist; pass the .keras/.h5 file"))
    cases.append(Case("eval-custom", tuple(a.replace("{m}", "{i}/custom.tflite") for a in COMMANDS["eval"]),
                      "unresolved custom op: MyMagicOp"))
    good = {c: tuple(a.replace("{m}", "{i}/good.tflite") for a in COMMANDS[c]) for c in COMMANDS}
    for c in TARGETED:
        for target, fragment in (
            ("nope-board", "unknown target 'nope-board' is not a builtin target (android-arm64,"),
            ("{i}/unknown-key.toml", "unknown-key.toml: unknown key 'flavour' for a cortex-m target (allowed: id,"),
            ("{i}/unknown-budget-key.toml", "unknown key 'budget.ram_byts' (allowed here: flash_bytes,"),
            ("{i}/missing.toml", "missing.toml' does not exist; give the path of a target TOML file"),
        ):
            cases.append(Case(f"{c}-target-{Path(target).name}", tuple(a.replace("{t}", target) for a in good[c]),
                              fragment))
    for c in ("package-android", "bench-android"):
        argv = tuple("{i}/phone.toml" if a == "android-arm64" else a for a in good[c])
        cases.append(Case(f"{c}-target-unknown-key", argv, "phone.toml: unknown key 'benchmark.threadz'"))
    exists = "already exists; pass --force to overwrite it or choose another path"
    for c, out in (("check", "report.json"), ("generate", "gen"), ("package", "fw"), ("package-android", "module"),
                   ("bench", "bench.json"), ("bench-android", "phone.json"), ("eval", "eval.json")):
        cases.append(Case(f"{c}-output-exists", good[c], exists, existing=out))
    cases.append(Case("verify-keep-not-empty", good["verify"], "already has files in it; pass --force",
                      existing="keep"))
    # unwritable: a file where a folder must go (portable; root ignores permission bits)
    blocked = "is a file, not a folder; choose another location"
    for c, option in (("check", "--json"), ("generate", "-o"), ("package", "-o"), ("package-android", "-o"),
                      ("verify", "--keep"),
                      ("bench", "--json"), ("bench-android", "--json"), ("eval", "--json")):
        argv = list(good[c])
        k = argv.index(option) + 1
        argv[k] = "{o}/a-file/" + Path(argv[k]).name
        cases.append(Case(f"{c}-unwritable", tuple(argv), blocked, existing="a-file"))
    check_plot = ("check", "{i}/good.tflite", "-t", "mps2-an386", "--plot")
    cases += [
        Case("check-plot-unwritable", (*check_plot, "{o}/a-file/arena.png"), blocked, existing="a-file"),
        Case("check-plot-not-png", (*check_plot, "{o}/arena.json"), "--plot writes a PNG image"),
        # project folders: build and flash take what `package` wrote, not a model
        *(Case(f"{c}-{what}", (c, path), fragment) for c in ("build", "flash") for what, path, fragment in (
            ("missing", "{o}/fw", "is not an edgekit firmware project (no edgekit-project.json); create one"),
            ("empty-dir", "{i}/empty-dir", "is not an edgekit firmware project"),
            ("tflite", "{i}/good.tflite", "is a file, but this command takes a firmware project folder"),
            ("android-module", "{i}/module", "is an Android library module, not a Cortex-M firmware project"),
        )),
        Case("flash-pyocd-on-qemu-board", ("flash", "{i}/fw", "--runner", "pyocd", "--dry-run"),
             "has no [flash] pyocd_target, which pyocd needs; set it in a target file that inherits this one, or use "
             "the target's own runner (--runner qemu)"),
        # options of the other kind of target are refused by name, not ignored
        Case("bench-android-emulate", (*good["bench-android"], "--emulate", "--runs", "3"),
             "--emulate, --runs apply to Cortex-M targets only, and android-arm64 is an Android target"),
        Case("bench-cortex-m-rounds", (*good["bench"], "--rounds", "3"),
             "--rounds applies to Android targets only, and mps2-an386 is a Cortex-M target"),
        Case("verify-android-target", ("verify", "{i}/good.tflite", "-t", "android-arm64"),
             "android-arm64 is an Android target, which runs the .tflite with LiteRT, not generated C"),
        Case("bench-json-stdout", ("bench", "{i}/good.tflite", "-t", "mps2-an386", "--emulate", "--json", "-"),
             "bench --json needs a file name (its tables go to stdout)"),
        Case("bench-samples-0-random", (*good["bench"], "--samples", "0"), "--samples 0 means every sample of --inputs"),
        Case("bench-inputs-empty-npy", (*good["bench"], "--inputs", "{i}/samples.npy"),
             "samples.npy: it is not a .npy array file (EOFError); save the samples with numpy.save"),
        Case("bench-inputs-png", (*good["bench"], "--inputs", "{i}/picture.png"), "it is not a .npy array file"),
        Case("bench-inputs-missing", (*good["bench"], "--inputs", "{i}/nope.npy"),
             "inputs file {i}/nope.npy does not exist; pass a .npy array"),
        Case("bench-no-device", ("bench", "{i}/good.tflite", "-t", "mps2-an386"),
             "give exactly one of --port DEVICE (a flashed board) or --emulate (QEMU)"),
        Case("bench-port-and-emulate", ("bench", "{i}/good.tflite", "-t", "mps2-an386", "--emulate", "--port", "x"),
             "give exactly one of --port DEVICE"),
    ]
    return cases


CASES = _cases()
# `edgekit check` on a Cortex-M target refuses, with the generator's own sentence, the models generate/package refuse
CHECK_GAPS = {f"check-{m}" for m in NO_C}


def main_quiet(argv: list[str]) -> int:
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            main(argv)
        except SystemExit as e:
            return int(e.code or 0)
    return 0


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as e:
        main(argv)
    out, err = capsys.readouterr()
    return int(e.value.code or 0), out, err


def _tree(root: Path) -> dict[str, bytes | None]:
    return {str(p.relative_to(root)): (p.read_bytes() if p.is_file() else None) for p in sorted(root.rglob("*"))}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, inputs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    if case.existing in ("gen", "fw", "module", "keep"):
        (out / case.existing).mkdir()
        (out / case.existing / "mine.txt").write_text("the user's file\n")
    elif case.existing is not None:
        (out / case.existing).write_text("the user's file\n")
    before = _tree(out)
    argv = [a.replace("{i}", str(inputs)).replace("{o}", str(out)).replace("{t}", "mps2-an386") for a in case.argv]

    code, _, err = _run(argv, capsys)

    assert code == case.code, err
    assert "Traceback" not in err
    assert err.startswith("error: ") and err.count("\n") == 1 and err.rstrip().endswith("."), err
    assert case.fragment.replace("{i}", str(inputs)) in err, err
    assert _tree(out) == before, "a refused command must write nothing and leave existing outputs alone"


@pytest.mark.parametrize("case_id", sorted(CHECK_GAPS))
def test_check_refuses_what_generate_refuses(case_id: str, inputs: Path, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    model = case_id.removeprefix("check-")
    code, _, err = _run(["check", str(inputs / model), "-t", "mps2-an386", "-q"], capsys)
    assert code == 2 and NO_C[model] in err


@pytest.mark.parametrize("what", sorted(CORRUPT))
def test_check_survives_corrupt_models(what: str, inputs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """check may still size a model the generator refuses, but never with a traceback."""
    code, _, err = _run(["check", str(inputs / f"corrupt-{what}.tflite"), "-t", "mps2-an386", "-q"], capsys)
    assert code in (0, 1, 2) and "Traceback" not in err
    assert code == 0 or (err.startswith("error: ") and err.count("\n") == 1), err


def test_android_custom_op_warns_and_packages(inputs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               caplog: pytest.LogCaptureFixture) -> None:
    code, out, _ = _run(["package", str(inputs / "custom.tflite"), "-t", "android-arm64", "--package-name",
                         "com.example.c", "-o", str(tmp_path / "m")], capsys)
    assert code == 0 and "wrote" in out
    assert "custom op(s) MyMagicOp that LiteRT does not provide" in caplog.text


# ---------------------------------------------------------------------------------------------- --debug, modes


@pytest.mark.parametrize("where", ["before", "after"])
def test_debug_shows_the_traceback_wherever_it_is_typed(where: str, inputs: Path) -> None:
    from edgekit.errors import ModelFormatError

    args = ["check", str(inputs / "empty.tflite"), "-t", "mps2-an386"]
    argv = ["--debug", *args] if where == "before" else [*args, "--debug"]
    with pytest.raises(ModelFormatError, match="0 bytes long"):  # re-raised: the console script prints it
        main(argv)


def test_outputs_get_the_umask_modes(inputs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """mkdtemp/mkstemp create 0700/0600; the renamed outputs must look like any other file the user makes."""
    mask = os.umask(0o022)
    os.umask(mask)
    good = str(inputs / "good.tflite")
    assert _run(["generate", good, "-o", str(tmp_path / "gen")], capsys)[0] == 0
    assert _run(["check", good, "-t", "mps2-an386", "-q", "--json", str(tmp_path / "r.json")], capsys)[0] == 0
    assert stat.S_IMODE((tmp_path / "gen").stat().st_mode) == 0o777 & ~mask
    assert stat.S_IMODE((tmp_path / "r.json").stat().st_mode) == 0o666 & ~mask


# ---------------------------------------------------------------------------------------------- no TensorFlow

_NO_TF = """
import sys
from pathlib import Path
from edgekit.cli import main
good, out = sys.argv[1], Path(sys.argv[2])
for argv in (["check", good, "-t", "mps2-an386", "-q"], ["generate", good, "-o", str(out / "gen")],
             ["package", good, "-t", "mps2-an386", "-o", str(out / "fw")], ["build", str(out / "fw"), "--dry-run"],
             ["flash", str(out / "fw"), "--runner", "qemu", "--dry-run"],
             ["bench", good, "-t", "mps2-an386"],  # stops at its option check, after loading model and target
             ["package", good, "-t", "android-arm64", "--package-name", "a.b.c", "-o", str(out / "module")]):
    try:
        main(argv)
    except SystemExit as e:
        assert e.code in (0, 2), (argv, e.code)
import edgekit.bench.cli_serial, edgekit.bench.serial_bench, edgekit.android.bench  # what bench runs next
heavy = sorted(m for m in ("tensorflow", "tf_keras", "keras", "tensorflow_model_optimization") if m in sys.modules)
print("heavy:", heavy)
"""


def test_commands_that_do_not_train_do_not_import_tensorflow(inputs: Path, tmp_path: Path) -> None:
    r = subprocess.run([sys.executable, "-c", _NO_TF, str(inputs / "good.tflite"), str(tmp_path)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "heavy: []" in r.stdout, r.stdout


def test_eof_error_is_bad_input_not_ctrl_c(inputs: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """click turns EOFError into Abort (as Ctrl-C); edgekit reports it as a file that ended early, exit 2."""
    import edgekit.converters.tflite_reader as reader

    def truncated(path: object) -> None:
        raise EOFError("no data left in file")

    monkeypatch.setattr(reader, "read_model", truncated)
    code, _, err = _run(["check", str(inputs / "good.tflite"), "-t", "mps2-an386"], capsys)
    assert code == 2 and "error: a file ended before its data did (no data left in file)" in err, err


# ---------------------------------------------------------------------------------------------- Ctrl-C


def _session(sid: int) -> list[str]:
    """Command lines of the live (non-zombie) processes in session ``sid`` (edgekit's children lead their own
    process groups, but stay in its session)."""
    found = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
            cmd = (stat_file.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[3]) == sid:
            found.append(cmd)
    return found


def _interrupt(argv: list[str], tmp: Path, ready, whole_group: bool) -> tuple[int, str]:  # noqa: ANN001
    """Run edgekit in its own session, wait until ``ready(children)`` holds, press Ctrl-C (SIGINT to the
    process group, as a terminal does, or to edgekit alone), and return its exit code and stderr."""
    import signal
    import time

    env = {**os.environ, "TMPDIR": str(tmp)}
    p = subprocess.Popen([sys.executable, "-m", "edgekit", *argv], env=env, start_new_session=True,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while not ready(_session(p.pid)):
        assert p.poll() is None and time.monotonic() < deadline, "the command ended before the moment to interrupt"
        time.sleep(0.02)
    (os.killpg if whole_group else os.kill)(p.pid, signal.SIGINT)
    _, err = p.communicate(timeout=60)
    time.sleep(0.5)  # let the kernel reap what edgekit killed
    assert _session(p.pid) == [], "a process edgekit started outlived it"
    return p.returncode, err


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_ctrl_c_during_verify_leaves_no_temp_dir(inputs: Path, tmp_path: Path) -> None:
    import shutil

    if shutil.which("gcc") is None:
        pytest.skip("host gcc is not installed")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    code, err = _interrupt(["verify", str(inputs / "good.tflite")], tmp,
                           lambda procs: any("gcc" in c for c in procs), whole_group=True)
    assert code == 130 and err.strip().endswith("interrupted"), err
    assert "Traceback" not in err
    assert not [p.name for p in tmp.iterdir()], "verify's work folder must be removed on Ctrl-C"


@pytest.mark.qemu
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_ctrl_c_during_bench_emulate_stops_qemu(inputs: Path, tmp_path: Path) -> None:
    import shutil

    if shutil.which("qemu-system-arm") is None or shutil.which("arm-none-eabi-gcc") is None:
        pytest.skip("qemu-system-arm / arm-none-eabi-gcc are not installed")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    # SIGINT to edgekit alone (not to QEMU): edgekit itself must stop the emulator and remove its work folder
    code, err = _interrupt(["bench", str(inputs / "good.tflite"), "-t", "mps2-an386", "--emulate", "--samples", "64",
                            "--runs", "64"], tmp, lambda procs: any("qemu-system-arm" in c for c in procs),
                           whole_group=False)
    assert code == 130 and err.strip().endswith("interrupted"), err
    assert "Traceback" not in err
    assert not [p.name for p in tmp.iterdir()], "bench's work folder must be removed on Ctrl-C"


@pytest.mark.parametrize(("argv", "tool"), [
    (["build", "{i}/fw"], "was not found on PATH; install"),
    (["verify", "{i}/good.tflite"], "gcc was not found on PATH; install gcc"),
    (["bench", "{i}/good.tflite", "-t", "mps2-an386", "--emulate"], "was not found on PATH; install"),
], ids=["build", "verify", "bench-emulate"])
def test_missing_toolchain_is_one_sentence(argv: list[str], tool: str, inputs: Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no make, gcc, arm-none-eabi-gcc or QEMU
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where edgekit's work folders would be made
    code, _, err = _run([a.replace("{i}", str(inputs)) for a in argv], capsys)
    assert code == 2 and tool in err and "Traceback" not in err, err
    assert err.strip().startswith("error: ") and err.rstrip().endswith("."), err
    assert [p.name for p in tmp_path.iterdir()] == [], "no work folder may be left behind"
