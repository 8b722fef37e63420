"""A real wheel in a real, fresh venv: built from this checkout, installed with its dependencies (pip cache).

Kept out of conftest.py so the test modules can import it by name. One venv a session: building and installing
takes about a minute, and both packaging tests need the same installation.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class InstalledVenv:
    root: Path
    wheel: Path

    @property
    def bin(self) -> Path:
        return self.root / ("Scripts" if os.name == "nt" else "bin")

    @property
    def python(self) -> Path:
        return self.bin / "python"

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of a user who installed the wheel: nothing of this checkout or its venv leaks in."""
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("LEFI_", "PYTEST_", "PYTHON", "VIRTUAL_ENV"))
        }
        env["PATH"] = f"{self.bin}{os.pathsep}{env.get('PATH', '')}"
        env["VIRTUAL_ENV"] = str(self.root)
        env.update(extra)
        return env

    def run(
        self, *args: str | Path, cwd: Path, timeout: float = 300, **env: str
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(a) for a in args],
            cwd=cwd,
            env=self.env(**env),
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )


def _check(proc: subprocess.CompletedProcess[str], what: str) -> None:
    if proc.returncode != 0:
        raise RuntimeError(f"{what} failed (exit {proc.returncode}): {(proc.stdout + proc.stderr)[-3000:]}")


def build_and_install(work: Path) -> InstalledVenv:
    """`python -m build` (sdist, then the wheel from the sdist: MANIFEST.in and setup.py's data hook both count),
    then a fresh venv with the wheel and its dependencies."""
    dist = work / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    _check(build, "python -m build")
    wheel = next(dist.glob("lefi_contracts-*.whl"))
    root = work / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(root)
    installed = InstalledVenv(root, wheel)
    pip = installed.run(
        installed.python,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        wheel,
        cwd=work,
        timeout=900,
    )
    _check(pip, "pip install of the wheel")
    return installed
