"""Compression front end: prune, cluster, distill, QAT, each a step; ``compress()`` chains them.

Imports are lazy so that ``edgekit.compress.recipe`` and ``edgekit.compress.data`` load without TensorFlow.
"""

from __future__ import annotations

from typing import Any

__all__ = ["compress", "load_recipe", "load_data", "scan"]


def __getattr__(name: str) -> Any:
    if name == "compress":
        from edgekit.compress.api import compress

        return compress
    if name == "load_recipe":
        from edgekit.compress.recipe import load_recipe

        return load_recipe
    if name == "load_data":
        from edgekit.compress.data import load_data

        return load_data
    if name == "scan":
        from edgekit.compress.scan import scan

        return scan
    raise AttributeError(name)
