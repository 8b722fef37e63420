"""The pytest plugin in this checkout's environment (fast; tests/packaging does the same from a real wheel):
inert until asked, --lefi-version narrows only our own tests, an unknown version is one usage line.

Both Allure plugins are switched off in the throw-away project: in our dev environment allure-pytest (a dev
dependency) and allure-pytest-bdd are both installed, and they clash with each other, not with us."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

THEIR_TEST = """
import pytest


@pytest.mark.parametrize("version", [1, 9, 10])
def test_their_versions(version):
    assert version > 0
"""


def _pytest(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEFI_")}
    base = ["-q", "-p", "no:cacheprovider", "-p", "no:allure_pytest", "-p", "no:allure_pytest_bdd"]
    return subprocess.run(
        [sys.executable, "-m", "pytest", *base, *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "test_theirs.py").write_text(THEIR_TEST, encoding="utf-8")
    (tmp_path / "conftest.py").write_text(
        'def pytest_addoption(parser):\n    parser.addoption("--target")\n', encoding="utf-8"
    )
    return tmp_path


def test_inert_in_a_plain_run(project: Path) -> None:
    run = _pytest(project)
    assert run.returncode == 0 and "3 passed" in run.stdout, run.stdout + run.stderr


@pytest.mark.parametrize("ask", [["-p", "lefi_contracts"], ["--lefi"], []], ids=["-p", "--lefi", "option"])
def test_lefi_version_leaves_their_tests_alone(project: Path, ask: list[str]) -> None:
    run = _pytest(project, *ask, "--lefi-version", "9")
    assert run.returncode == 0 and "3 passed" in run.stdout and "deselected" not in run.stdout, run.stdout


def test_unknown_version_is_a_usage_error(project: Path) -> None:
    run = _pytest(project, "-p", "lefi_contracts", "--lefi-version", "10")
    assert run.returncode == pytest.ExitCode.USAGE_ERROR, run.stdout + run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "unknown interface version '10'" in lines[0], run.stderr
    assert "INTERNALERROR" not in run.stdout + run.stderr


def test_narrows_our_own_tests(project: Path) -> None:
    """A test marked lefi_version is ours: --lefi-version keeps only the chosen version's."""
    (project / "test_marked.py").write_text(
        "import pytest\n\n\n@pytest.mark.lefi_version('8')\ndef test_v8():\n    pass\n\n\n"
        "@pytest.mark.lefi_version('9')\ndef test_v9():\n    pass\n",
        encoding="utf-8",
    )
    run = _pytest(project, "--lefi-version", "9", "test_marked.py", "test_theirs.py")
    assert run.returncode == 0 and "4 passed, 1 deselected" in run.stdout, run.stdout
