"""Installing lefi-contracts never changes a plain `pytest` run of another project; the plugin works only when asked.

The throw-away project has what real projects have: a test parametrized over `version` (including 10, which is
no LEFI version), and a conftest with its own `--target` option."""

from __future__ import annotations

from pathlib import Path

import pytest
from wheelkit import ROOT, InstalledVenv

pytestmark = pytest.mark.heavy

PROJECT_TEST = """
import pytest


@pytest.mark.parametrize("version", [1, 9, 10])
def test_my_versions(version):
    assert version > 0


def test_my_target(request):
    assert request.config.getoption("--target") == "mine"
"""

PROJECT_CONFTEST = """
def pytest_addoption(parser):
    parser.addoption("--target", default="mine")
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "their-project"
    (root / "tests").mkdir(parents=True)
    assert not root.resolve().is_relative_to(ROOT.resolve())
    (root / "pyproject.toml").write_text('[project]\nname = "theirs"\nversion = "1"\n', encoding="utf-8")
    (root / "tests" / "test_theirs.py").write_text(PROJECT_TEST, encoding="utf-8")
    (root / "conftest.py").write_text(PROJECT_CONFTEST, encoding="utf-8")
    return root


def _pytest(installed: InstalledVenv, project: Path, *args: str) -> tuple[int, str, str]:
    proc = installed.run(installed.python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args, cwd=project)
    return proc.returncode, proc.stdout, proc.stderr


def test_plain_pytest_passes_untouched(installed: InstalledVenv, project: Path) -> None:
    code, out, err = _pytest(installed, project)
    assert code == 0, out + err
    assert "4 passed" in out, out
    assert "deselected" not in out


@pytest.mark.parametrize("ask", [["-p", "lefi_contracts"], []], ids=["-p lefi_contracts", "option only"])
def test_lefi_version_narrows_only_our_own_tests(
    installed: InstalledVenv, project: Path, ask: list[str]
) -> None:
    code, out, err = _pytest(installed, project, *ask, "--lefi-version", "9")
    assert code == 0, out + err
    assert "4 passed" in out and "deselected" not in out, out  # their version=1 and version=10 still run


def test_unknown_lefi_version_is_one_usage_line(installed: InstalledVenv, project: Path) -> None:
    code, out, err = _pytest(installed, project, "-p", "lefi_contracts", "--lefi-version", "10")
    assert code == pytest.ExitCode.USAGE_ERROR, out + err
    assert "INTERNALERROR" not in out + err and "Traceback" not in out + err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "--lefi-version" in lines[0] and "'10'" in lines[0], err
