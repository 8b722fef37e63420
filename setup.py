"""Build hook: the wheel carries contracts/, features/ and steps/ as package data (lefi_contracts/_data/).

The repository keeps the single copy of each at its top; they are copied into the build at build time only, so
an installed lefi-contracts runs its commands and scenarios anywhere (lefi_contracts.resources finds them).
Everything else about the package is in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
DATA_FOLDERS = ("contracts", "features", "steps")  # = lefi_contracts.resources.DATA_FOLDERS
# Caches that are never part of a release.
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache")


class BuildPyWithData(build_py):
    """build_py that also copies the top-level data folders into lefi_contracts/_data of the build."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads the checkout itself (resources.source_checkout)
            return
        target = Path(self.build_lib) / "lefi_contracts" / "_data"
        for name in DATA_FOLDERS:
            source = ROOT / name
            if not source.is_dir():
                raise SystemExit(f"setup.py: {source} is missing: cannot build a wheel without it")
            shutil.rmtree(target / name, ignore_errors=True)
            shutil.copytree(source, target / name, ignore=IGNORED)


setup(cmdclass={"build_py": BuildPyWithData})
