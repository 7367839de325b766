"""IR + memory plan -> C (``model.h``/``model.c`` + a copy of the runtime kernels). See ``registry.py``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from edgekit.converters.c_codegen.generator import GeneratedC


def generate_c(*args: Any, **kwargs: Any) -> GeneratedC:
    """Lazy re-export of ``generator.generate_c`` (keeps ``import edgekit.converters.c_codegen`` light)."""
    from edgekit.converters.c_codegen.generator import generate_c as _generate_c

    return _generate_c(*args, **kwargs)


__all__ = ["generate_c"]
