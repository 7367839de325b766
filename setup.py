"""Maps the repository's top-level folders into the ``edgekit`` namespace.

The folder tree shows the pipeline (converters/, targets/, firmware_templates/), but nothing may install a
generic top-level module such as ``converters``: every folder becomes a subpackage of ``edgekit``.
"""

import os

from setuptools import setup

ROOTS = {
    "edgekit": "edgekit",
    "edgekit.converters": "converters",
    "edgekit.targets": "targets",
    "edgekit.firmware_templates": "firmware_templates",
}


def _packages() -> list[str]:
    found = []
    for package, folder in ROOTS.items():
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = [d for d in dirnames if d != "__pycache__"]
            if "__init__.py" in filenames:
                rel = os.path.relpath(dirpath, folder)
                found.append(package if rel == "." else package + "." + rel.replace(os.sep, "."))
    return sorted(set(found))


setup(packages=_packages(), package_dir=ROOTS)
