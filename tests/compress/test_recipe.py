"""Recipes are read strictly, before any training: unknown keys are named, ranges and order are checked."""

from __future__ import annotations

import pytest

from edgekit.compress.recipe import (
    ClusterStep,
    PruneStep,
    QuantizeStep,
    load_recipe,
    recipe_from_dict,
    recipe_from_flags,
)
from edgekit.errors import BadInputError


def _write(tmp_path, text: str):
    p = tmp_path / "recipe.toml"
    p.write_text(text)
    return p


def test_digits_recipe_parses(tmp_path) -> None:
    from pathlib import Path

    r = load_recipe(Path(__file__).resolve().parents[2] / "examples/digits/recipe.toml")
    assert [s.kind for s in r.steps] == ["prune", "pqat"]
    assert r.steps[0] == PruneStep(sparsity=0.6, epochs=4)
    assert r.steps[1] == QuantizeStep("pqat", epochs=3)
    assert r.train.batch_size == 32


def test_unknown_step_key_is_named(tmp_path) -> None:
    p = _write(tmp_path, '[[step]]\nkind = "prune"\nsparsity = 0.5\nsparsty_target = 0.7\n')
    with pytest.raises(BadInputError, match=r"unknown key 'sparsty_target' in step 1 \(prune\)"):
        load_recipe(p)


def test_unknown_top_level_key_is_named(tmp_path) -> None:
    p = _write(tmp_path, 'batchsize = 3\n[[step]]\nkind = "qat"\n')
    with pytest.raises(BadInputError, match="unknown key 'batchsize' at top level"):
        load_recipe(p)


@pytest.mark.parametrize("value", ["0", "1", "1.5", "-0.1", "0.0", "1.0"])
def test_sparsity_outside_open_interval(tmp_path, value: str) -> None:
    p = _write(tmp_path, f'[[step]]\nkind = "prune"\nsparsity = {value}\n')
    with pytest.raises(BadInputError, match="sparsity must be strictly between 0 and 1"):
        load_recipe(p)


@pytest.mark.parametrize("bad", [0.0, 1.0, 2.0])
def test_sparsity_flag_outside_open_interval(bad: float) -> None:
    with pytest.raises(BadInputError, match="strictly between 0 and 1"):
        recipe_from_flags(prune=bad)


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"step": [{"kind": "qat"}, {"kind": "prune"}]}, "must be the last step"),
        ({"step": [{"kind": "pqat"}]}, "needs a prune step"),
        ({"step": [{"kind": "cqat"}]}, "needs a cluster step"),
        ({"step": [{"kind": "squeeze"}]}, "unknown kind 'squeeze'"),
        ({"step": [{"sparsity": 0.5}]}, "has no 'kind'"),
        ({"step": []}, "no steps"),
        ({"step": [{"kind": "prune", "epochs": 0}]}, "epochs must be at least 1"),
        ({"step": [{"kind": "prune", "epochs": True}]}, "'epochs' in step 1 \\(prune\\) must be int"),
        ({"step": [{"kind": "prune", "m_by_n": "4:2"}]}, "0 < m < n"),
        ({"step": [{"kind": "cluster", "clusters": 1}]}, "clusters must be at least 2"),
        ({"step": [{"kind": "cluster", "init": "kmeans"}]}, "init 'kmeans' is unknown"),
        ({"step": [{"kind": "distill"}]}, "needs 'student'"),
        ({"step": [{"kind": "distill", "student": "m:f", "alpha": 1.5}]}, "alpha must be in"),
        ({"step": [{"kind": "distill", "student": "m:f", "temperature": 0}]}, "temperature must be positive"),
        ({"learning_rate": 0, "step": [{"kind": "qat"}]}, "learning_rate must be positive"),
    ],
)
def test_bad_recipes(doc: dict, message: str) -> None:
    with pytest.raises(BadInputError, match=message):
        recipe_from_dict(doc, "r.toml")


def test_malformed_toml(tmp_path) -> None:
    with pytest.raises(BadInputError, match="not valid TOML"):
        load_recipe(_write(tmp_path, "[[step]\nkind="))


def test_flags_chain_in_user_order() -> None:
    r = recipe_from_flags(prune=0.5, cluster=8, quantize="cqat", epochs=2)
    assert [s.kind for s in r.steps] == ["prune", "cluster", "cqat"]
    assert r.steps[1] == ClusterStep(clusters=8, epochs=2, preserve_sparsity=True)
    assert recipe_from_flags(m_by_n="2:4").steps[0].sparsity == 0.5
    with pytest.raises(BadInputError, match="no compression step"):
        recipe_from_flags()


def test_recipe_module_does_not_import_tensorflow() -> None:
    import subprocess
    import sys

    code = ("import sys, edgekit.compress.recipe, edgekit.compress.data, edgekit.hostrun; "
            "print('tensorflow' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
