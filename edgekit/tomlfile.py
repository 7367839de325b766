"""Reading a user's TOML file (a compress recipe, a deploy project) with one sentence for each way it is wrong."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from edgekit.errors import BadInputError


def read_toml(path: Path, missing: str, label: str) -> dict[str, Any]:
    """The parsed document; ``missing`` is the sentence when ``path`` is not a file, ``label`` names the file in
    the sentence for text that is not TOML (or not UTF-8)."""
    if not path.is_file():
        raise BadInputError(missing)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise BadInputError(f"{label} is not valid TOML ({e}).") from None
