"""Click's own usage errors read like every other error: one sentence, exit 2, where to look."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["check"], "Missing argument 'MODEL'; see 'edgekit check --help'."),
        (["check", "m.tflite"], "Missing option '--target'"),
        (["no-such-command"], "No such command 'no-such-command'"),
        (["verify", "m.tflite", "--samples", "-3"], "Invalid value for '--samples'"),
        (["targets", "show"], "Missing argument"),
    ],
)
def test_usage_error_is_one_sentence(argv: list[str], fragment: str) -> None:
    cp = subprocess.run([sys.executable, "-m", "edgekit", *argv], capture_output=True, text=True, timeout=60)
    assert cp.returncode == 2
    lines = cp.stderr.strip().splitlines()
    assert len(lines) == 1, cp.stderr
    assert lines[0].startswith("error: ") and fragment in lines[0]
    assert "Traceback" not in cp.stderr and cp.stdout == ""
