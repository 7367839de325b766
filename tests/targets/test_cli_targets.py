"""`edgekit targets` and `edgekit targets show`: tables, provenance, JSON, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edgekit.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as e:
        main(list(args))
    out, err = capsys.readouterr()
    return int(e.value.code or 0), out, err


def test_list_shows_every_target(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "targets")
    assert code == 0
    for tid in ("mps2-an386", "netduinoplus2", "nucleo-l4r5zi", "android-arm64"):
        assert tid in out
    assert "bases (inherit only): cortex-m33, cortex-m4f, cortex-m7" in out


def test_list_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "targets", "--json")
    rows = {r["id"]: r for r in json.loads(out)}
    assert code == 0 and rows["nucleo-l4r5zi"]["ram"] == "640 KiB" and rows["mps2-an505"]["runner"] == "qemu"


def test_show_prints_values_and_their_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    p = tmp_path / "mine.toml"
    p.write_text('id = "mine"\ninherit = "mps2-an386"\n[cpu]\nclock_hz = 50_000_000\n')
    code, out, _ = run(capsys, "targets", "show", str(p), "--json")
    doc = json.loads(out)
    assert code == 0 and doc["id"] == "mine"
    assert doc["values"]["cpu.clock_hz"] == {"value": 50_000_000, "from": doc["chain"][0]}
    assert doc["values"]["memory.ram.base"]["from"] == "builtin:mps2-an386.toml"
    assert doc["values"]["cpu.core"]["from"] == "builtin:cortex-m4f.toml"
    code, out, _ = run(capsys, "targets", "show", "nucleo-l4r5zi")
    assert code == 0 and "0x20000000" in out and "builtin:cortex-m4f.toml" in out


def test_show_bad_file_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    p = tmp_path / "bad.toml"
    p.write_text('id = "bad"\ninherit = "mps2-an386"\n[cpu]\nspeed = 1\n')
    code, out, err = run(capsys, "targets", "show", str(p))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "unknown key 'cpu.speed'" in err and "Traceback" not in err
