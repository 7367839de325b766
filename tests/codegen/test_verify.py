"""`edgekit verify`: exit 0 when identical, 1 naming the first differing op, no TensorFlow import; the docs'
supported-ops table is current."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import mlperf_model
from edgekit.converters.c_codegen import support

from edgekit.errors import MismatchError
from edgekit.verify import verify_model

REPO = Path(__file__).resolve().parents[2]


def test_verify_cli_identical_exit_0() -> None:
    r = subprocess.run([sys.executable, "-m", "edgekit", "verify", str(mlperf_model("ad")), "--inputs", "20"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "identical" in r.stdout and "22 (20 random, seed 0, + the lowest" in r.stdout


def test_mismatch_names_first_differing_op(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A deliberately wrong clamp in op 3's emitter: verify reports op 3 as the first that differs, exit 1."""
    from click.testing import CliRunner
    from edgekit.converters.c_codegen.ops import fully_connected as fc

    from edgekit.cli import cli

    real = fc.activation_range
    calls = {"n": 0}

    def broken(act, out):  # noqa: ANN001, ANN202
        calls["n"] += 1
        lo, hi = real(act, out)
        return (lo, min(hi, 20)) if calls["n"] == 4 else (lo, hi)  # the 4th FC of ad01 is op 3

    monkeypatch.setattr(fc, "activation_range", broken)
    report = verify_model(mlperf_model("ad"), n_inputs=20, seed=0, work_dir=tmp_path / "w")
    assert not report.identical and report.differing_samples > 0
    assert report.first_bad_op is not None and report.first_bad_op.op_index == 3
    assert report.first_bad_op.op_name == "FULLY_CONNECTED"

    calls["n"] = 0
    result = CliRunner().invoke(cli, ["verify", str(mlperf_model("ad"))], standalone_mode=False)
    assert isinstance(result.exception, MismatchError) and result.exception.exit_code == 1
    assert "op 3 (FULLY_CONNECTED) is the first whose output differs" in str(result.exception)


@pytest.mark.parametrize("command", ["generate", "verify"])
def test_commands_do_not_import_tensorflow(command: str, tmp_path: Path) -> None:
    args = [command, str(mlperf_model("kws"))] + (["-o", str(tmp_path / "g")] if command == "generate" else
                                                 ["--inputs", "2"])
    code = (
        "import sys\nfrom edgekit.cli import cli\n"
        f"cli.main(args={args!r}, standalone_mode=False)\n"
        "bad = [m for m in sys.modules if m == 'tensorflow' or m.startswith('tensorflow.')]\n"
        "assert not bad, bad[:5]\nprint('ok')\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and r.stdout.strip().endswith("ok"), r.stderr[-2000:]


def test_supported_ops_doc_is_current() -> None:
    doc = (REPO / "docs" / "supported-ops.md").read_text(encoding="utf-8")
    assert doc == support.supported_ops_markdown(), (
        "docs/supported-ops.md is stale: run `python -m edgekit.converters.c_codegen.support > docs/supported-ops.md`"
    )
