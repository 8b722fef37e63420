"""A project that already uses a pytest Allure plugin installs lefi-contracts: its `pytest` runs as before.

allure-pytest and allure-pytest-bdd both register `--alluredir`; when lefi-contracts brought allure-pytest-bdd in
at runtime, such a project's plain `pytest` stopped at start-up (exit 3, "--alluredir already added"). Each
plugin gets its own fresh venv with the real wheel (no site packages of this machine), and the project's own
Allure results are still written by its own plugin."""

from __future__ import annotations

import collections
import json
import venv
from pathlib import Path

import pytest
from wheelkit import ROOT, InstalledVenv

pytestmark = pytest.mark.heavy

PLAIN_TEST = """
def test_mine():
    assert 1 + 1 == 2
"""

THEIR_FEATURE = """Feature: Their feature
  Scenario: their scenario
    Given something of theirs
    Then it holds
"""

THEIR_STEPS = """
from pytest_bdd import given, scenarios, then

scenarios("theirs.feature")


@given("something of theirs")
def something():
    pass


@then("it holds")
def holds():
    pass
"""


def _venv_with(work: Path, wheel: Path, plugin: str) -> InstalledVenv:
    root = work / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(root)
    installed = InstalledVenv(root, wheel)
    pip = [installed.python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    proc = installed.run(*pip, plugin, wheel, cwd=work, timeout=900)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    return installed


def _project(root: Path, plugin: str) -> Path:
    (root / "tests").mkdir(parents=True)
    assert not root.resolve().is_relative_to(ROOT.resolve())
    (root / "pyproject.toml").write_text('[project]\nname = "theirs"\nversion = "1"\n', encoding="utf-8")
    (root / "tests" / "test_mine.py").write_text(PLAIN_TEST, encoding="utf-8")
    if plugin == "allure-pytest-bdd":
        (root / "tests" / "theirs.feature").write_text(THEIR_FEATURE, encoding="utf-8")
        (root / "tests" / "test_their_steps.py").write_text(THEIR_STEPS, encoding="utf-8")
    return root


@pytest.mark.parametrize("plugin", ["allure-pytest", "allure-pytest-bdd"])
def test_their_pytest_with_their_allure_plugin_runs_untouched(
    installed: InstalledVenv, tmp_path: Path, plugin: str
) -> None:
    env = _venv_with(tmp_path, installed.wheel, plugin)
    project = _project(tmp_path / "their-project", plugin)
    expected = "2 passed" if plugin == "allure-pytest-bdd" else "1 passed"

    plain = env.run(env.python, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=project)
    assert plain.returncode == 0, plain.stdout + plain.stderr
    assert expected in plain.stdout and "deselected" not in plain.stdout, plain.stdout

    results = project / "allure-results"
    with_allure = env.run(
        env.python, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--alluredir={results}", cwd=project
    )
    assert with_allure.returncode == 0, with_allure.stdout + with_allure.stderr
    bodies = [json.loads(p.read_text(encoding="utf-8")) for p in results.glob("*-result.json")]
    framework = {label["value"] for b in bodies for label in b["labels"] if label["name"] == "framework"}
    if plugin == "allure-pytest-bdd":
        # allure-pytest-bdd writes only scenarios: theirs, labelled by their plugin (none of ours)
        assert [b["name"] for b in bodies] == ["their scenario"] and framework == {"pytest-bdd"}
    else:
        assert [b["name"] for b in bodies] == ["test_mine"] and framework == {"pytest"}
    assert not any(label["name"] == "failureKind" for b in bodies for label in b["labels"])  # none of ours


def test_gate_scenarios_beside_their_allure_pytest_bdd(installed: InstalledVenv, tmp_path: Path) -> None:
    """The gate's scenario run blocks their plugin and writes its own results: one per scenario, ours labelled."""
    env = _venv_with(tmp_path, installed.wheel, "allure-pytest-bdd")
    here = tmp_path / "elsewhere"
    here.mkdir()
    gate_args = ["gate", "--versions", "9", "--examples", "2", "--reports", "reports", "--quiet"]
    gate = env.run(env.bin / "lefi-contracts", *gate_args, cwd=here, timeout=600)
    assert gate.returncode == 0, (gate.stdout + gate.stderr)[-3000:]
    reports = here / "reports"
    records = [
        json.loads(line) for line in (reports / "results.ndjson").read_text(encoding="utf-8").splitlines()
    ]
    scenario_records = [r for r in records if r["phase"] == "scenarios"]
    bodies = [
        json.loads(p.read_text(encoding="utf-8")) for p in (reports / "allure-results").glob("*-result.json")
    ]
    scenario_bodies = [b for b in bodies if {"name": "framework", "value": "pytest-bdd"} in b["labels"]]
    assert (
        len(scenario_bodies) == len(scenario_records) > 10
    )  # written once, by us (not also by their plugin)
    parents = collections.Counter(
        label["value"] for b in scenario_bodies for label in b["labels"] if label["name"] == "parentSuite"
    )
    versions = collections.Counter(
        f"v{r['version']}" if r["version"] else "all versions" for r in scenario_records
    )
    assert parents == versions and parents["v9"] > 10  # labelled per version, as our other results are
    for body in scenario_bodies:
        assert body["steps"] and all(step["status"] for step in body["steps"]), body["name"]
