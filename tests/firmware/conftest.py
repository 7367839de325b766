"""Fixtures for the firmware tests: toolchain checks, and packaged + built projects cached per session."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _need(tool: str, why: str) -> None:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} not found on PATH ({why}); `make setup` installs it")


@pytest.fixture(scope="session")
def toolchain() -> None:
    _need("arm-none-eabi-gcc", "cross compiler")
    _need("make", "GNU make")


@pytest.fixture(scope="session")
def qemu(toolchain: None) -> None:
    _need("qemu-system-arm", "emulated boards")


@pytest.fixture(scope="session")
def firmware(tmp_path_factory: pytest.TempPathFactory, toolchain: None) -> Callable[..., Path]:
    """firmware(model_path, target_id, *defines) -> a packaged and built project folder (cached)."""
    from edgekit.build import build_project
    from edgekit.package import package

    cache: dict[tuple[str, str, tuple[str, ...]], Path] = {}

    def make(model: Path, target: str, *defines: str) -> Path:
        key = (str(model), target, tuple(defines))
        if key not in cache:
            out = tmp_path_factory.mktemp(f"fw-{target}") / Path(model).stem
            package(model, target, out)
            build_project(out, defines=tuple(defines), check_budget=False)
            cache[key] = out
        return cache[key]

    return make


@pytest.fixture(scope="session")
def digits_ptq(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The digits example as a PTQ int8 model (real TF training, one epoch per phase, ~1 min)."""
    sys.path.insert(0, str(REPO / "examples" / "digits"))
    try:
        from make_models import make_digits_models
    finally:
        sys.path.pop(0)
    return make_digits_models(tmp_path_factory.mktemp("digits"), epochs=1)["ptq"]
