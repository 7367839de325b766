"""The wheel carries the templates and targets, and installs nothing outside the edgekit namespace."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    build_dir = tmp_path_factory.mktemp("wheel-build")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(REPO)],
        check=True,
        cwd=build_dir,
    )
    (whl,) = out.glob("edgekit-*.whl")
    return zipfile.ZipFile(whl)


def test_wheel_has_only_the_edgekit_namespace(wheel: zipfile.ZipFile) -> None:
    tops = {n.split("/", 1)[0] for n in wheel.namelist()}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"edgekit"}


def test_wheel_carries_templates_targets_and_converters(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    repo_files = {
        "edgekit/firmware_templates/": REPO / "firmware_templates",
        "edgekit/targets/": REPO / "targets",
        "edgekit/converters/": REPO / "converters",
    }
    for prefix, folder in repo_files.items():
        expected = {
            prefix + p.relative_to(folder).as_posix()
            for p in folder.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and not p.name.endswith((".pyc", ".tmp"))
        }
        assert expected, f"{folder} is empty"
        missing = sorted(expected - names)
        assert not missing, f"wheel lacks {missing[:5]}"
    assert "edgekit/firmware_templates/runtime/ek_common.h" in names
    assert any(n.startswith("edgekit/targets/") and n.endswith(".toml") for n in names)


def test_cli_entry_point_declared(wheel: zipfile.ZipFile) -> None:
    (ep,) = [n for n in wheel.namelist() if n.endswith("entry_points.txt")]
    assert "edgekit = edgekit.cli:main" in wheel.read(ep).decode()
