"""Our own Allure writer for scenario runs (report.bdd_allure), without any pytest Allure plugin loaded.

A throw-away pytest-bdd project: one scenario passes, one fails half-way (the steps after it are skipped), one is
skipped by a step's fixture, one (an Outline row) before it starts; a step's text and an attachment carry a
personnummer, which must arrive masked."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lefi_contracts.personnummer import make
from lefi_contracts.report.masking import scan_for_identity_numbers

PNR = make(dt.date(1974, 7, 2), 123)

FEATURE = f"""@kontrakt
Feature: Writer check
  A feature description.

  Scenario: all steps pass
    Given a person {PNR}
    When it is asked
    Then it answers

  @extra_tag
  Scenario: a step fails
    Given a person {PNR}
    When it is asked
    Then it fails
    And this never runs

  Scenario: skipped by a step's fixture
    Given a fixture that skips
    When it is asked

  @skip_at_setup
  Scenario Outline: skipped before it starts <n>
    Given a person <n>
    When it is asked for <n>

    Examples:
      | n |
      | 7 |
"""

STEPS = """
import allure
import pytest
from pytest_bdd import given, parsers, scenarios, then, when

scenarios("writer.feature")


@pytest.fixture(autouse=True)
def skip_at_setup(request):
    if request.node.get_closest_marker("skip_at_setup"):
        pytest.skip("skipped in setup, before the scenario starts")


@pytest.fixture
def skipper():
    pytest.skip("no test control here")


@given(parsers.parse("a person {number}"))
def person(number):
    allure.attach(f"request for {number}", name="request", attachment_type=allure.attachment_type.TEXT)


@given("a fixture that skips")
def skips(skipper):
    pass


@when("it is asked")
def asked():
    with allure.step("inner step"):
        allure.dynamic.label("custom", "yes")


@when(parsers.parse("it is asked for {n:d}"))
def asked_for(n):
    pass


@then("it answers")
def answers():
    pass


@then("it fails")
def fails():
    assert 1 == 2, "the answer was wrong"


@then("this never runs")
def never():
    pass
"""


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, object]]:
    project = tmp_path_factory.mktemp("bdd-project")
    (project / "writer.feature").write_text(FEATURE, encoding="utf-8")
    (project / "test_writer.py").write_text(STEPS, encoding="utf-8")
    (project / "pytest.ini").write_text(
        "[pytest]\nmarkers =\n    kontrakt\n    extra_tag\n    skip_at_setup\n", encoding="utf-8"
    )
    out = project / "allure-results"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEFI_")}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:allure_pytest",
            "-p",
            "no:allure_pytest_bdd",
            "-p",
            "lefi_contracts.report.bdd_plugin",
            f"--lefi-allure-dir={out}",
        ],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr  # one scenario fails on purpose
    assert "1 failed, 1 passed, 2 skipped" in proc.stdout, proc.stdout
    bodies = [json.loads(p.read_text(encoding="utf-8")) for p in out.glob("*-result.json")]
    return {"folder": {"path": str(out)}, **{str(b["name"]): b for b in bodies}}


def _labels(body: dict[str, object]) -> set[tuple[str, str]]:
    return {(x["name"], x["value"]) for x in body["labels"]}  # type: ignore[attr-defined]


def test_one_result_per_scenario_with_its_status(results: dict[str, dict[str, object]]) -> None:
    names = set(results) - {"folder"}
    assert names == {
        "all steps pass",
        "a step fails",
        "skipped by a step's fixture",
        "skipped before it starts 7",
    }
    assert results["all steps pass"]["status"] == "passed"
    assert results["a step fails"]["status"] == "failed"
    assert "the answer was wrong" in results["a step fails"]["statusDetails"]["message"]  # type: ignore[index]
    assert results["skipped by a step's fixture"]["status"] == "skipped"
    assert results["skipped before it starts 7"]["status"] == "skipped"


def test_gherkin_steps_are_allure_steps_with_a_status_each(results: dict[str, dict[str, object]]) -> None:
    def steps(name: str) -> list[tuple[str, str]]:
        return [(s["name"], s["status"]) for s in results[name]["steps"]]  # type: ignore[attr-defined]

    masked = f"{PNR[:-4]}-****"
    assert steps("all steps pass") == [
        (f"Given a person {masked}", "passed"),
        ("When it is asked", "passed"),
        ("Then it answers", "passed"),
    ]
    assert steps("a step fails") == [
        (f"Given a person {masked}", "passed"),
        ("When it is asked", "passed"),
        ("Then it fails", "failed"),
        ("And this never runs", "skipped"),
    ]
    assert steps("skipped by a step's fixture") == [
        ("Given a fixture that skips", "skipped"),
        ("When it is asked", "skipped"),
    ]
    assert steps("skipped before it starts 7") == [
        ("Given a person 7", "skipped"),
        ("When it is asked for 7", "skipped"),  # the Examples row filled in
    ]
    when = results["all steps pass"]["steps"][1]  # type: ignore[index]
    assert [s["name"] for s in when["steps"]] == ["inner step"]  # allure.step nests under the Gherkin step


def test_attachments_and_labels_land_in_the_scenario(results: dict[str, dict[str, object]]) -> None:
    folder = Path(str(results["folder"]["path"]))
    given = results["all steps pass"]["steps"][0]  # type: ignore[index]
    (attachment,) = given["attachments"]
    assert attachment["name"] == "request"
    assert (folder / attachment["source"]).read_text(encoding="utf-8") == f"request for {PNR[:-4]}-****"
    labels = _labels(results["a step fails"])
    assert {("framework", "pytest-bdd"), ("subSuite", "scenarios"), ("suite", "Writer check")} <= labels
    assert {("tag", "kontrakt"), ("tag", "extra_tag"), ("custom", "yes")} <= labels
    assert ("parentSuite", "all versions") in labels  # not one of our versioned scenarios
    assert results["a step fails"]["description"] == "A feature description."


def test_no_personnummer_anywhere(results: dict[str, dict[str, object]]) -> None:
    folder = Path(str(results["folder"]["path"]))
    assert PNR not in "".join(p.read_text(encoding="utf-8") for p in folder.iterdir())
    assert scan_for_identity_numbers(folder) == []
