"""``edgekit package``: a model and a target -> a project a user can build without edgekit.

Dispatches on the target's ``kind``: ``cortex-m`` writes a firmware project (``cortex_m.py``); ``android``
is the Android library module written by ``edgekit.android.package`` (imported only when used).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from edgekit.errors import BadInputError, TargetError


def budget_verdict(model_path: str | Path, target_ref: str | Any) -> tuple[Any, str | None]:
    """The loaded target, and ``edgekit check``'s over-budget sentence when the model does not fit it (else None).

    Reuses check's estimate (``analysis.budget.assess``) and its wording (``report.over_budget_message``). A model
    the C generator refuses gets no verdict here: ``package`` itself refuses it with the reason."""
    from edgekit.analysis.budget import assess
    from edgekit.analysis.report import over_budget_message
    from edgekit.converters.tflite_reader import read_model
    from edgekit.package.target_info import load

    model_path = Path(model_path)
    if not model_path.is_file():
        raise BadInputError(f"model {model_path} does not exist; pass the path of an int8 .tflite file.")
    target, _ = load(target_ref)
    a = assess(read_model(model_path), target)
    if not a.supported or a.fits:
        return target, None
    return target, over_budget_message(a)


def package(
    model_path: str | Path, target_ref: str | Any, out_dir: str | Path, *, force: bool = False,
    package_name: str | None = None,
) -> Any:
    from edgekit.package.target_info import _get, load

    model_path = Path(model_path)
    if not model_path.is_file():
        raise BadInputError(f"model {model_path} does not exist; pass the path of an int8 .tflite file.")
    target, fw = load(target_ref)
    kind = str(_get(target, "kind", "cortex-m"))
    if kind == "android":
        from edgekit.android.package import package_android

        return package_android(model_path, target, out_dir, force=force, package_name=package_name)
    if package_name is not None:
        raise BadInputError("--package-name applies to Android targets only; drop it for a Cortex-M target.")
    if kind != "cortex-m" or fw is None:
        raise TargetError(f"target {_get(target, 'id', '?')} has kind {kind!r}; package supports cortex-m and android.")
    from edgekit.package.cortex_m import package_cortex_m

    return package_cortex_m(model_path, fw, out_dir, force=force)
