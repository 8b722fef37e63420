"""The scenarios catch every named fault of the reference provider, and only where they should.

For each fault the table names the scenarios that must fail against a provider started with it; the versions of the
failing Examples rows are the fault's own (computed from the registry by faults.list_faults()), so no version is
listed here. The test starts the provider with each fault on loopback, runs `pytest steps --target URL` in a
subprocess (the scenarios as any user runs them), collects each scenario's outcome (steps/conftest.py
--lefi-outcomes) and asserts that exactly the expected rows fail. Against the correct provider everything passes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from lefi_contracts.provider import ProviderConfig, list_faults, running_provider

ROOT = Path(__file__).resolve().parents[1]

# Scenario names (the Scenario Outline titles of features/*.feature).
FSJP_AFTER = "Förebyggande sjukpenning decided after 2024-05-19 in version <version>"
FSJP_BEFORE = "Förebyggande sjukpenning decided on or before 2024-05-19 in version <version>"
PRELIM_HARMONISED = "Förmån <forman> with delförmån <delforman> in version <version>"
PRELIM_LEGACY = "The old classification of förmån <forman>/<delforman> in version <version>"
SJP_SAME_DATE = "Sjukpenningärenden sharing an anmälningsdatum in version <version>"
BOSTADSBIDRAG = "Every beloppsperiod of a bostadsbidrag ärende in version <version>"
KARENS = "Karensersättning in version <version>"
PM = "Allmän pension from Pensionsmyndigheten in version <version>"
NO_GROUP = "A query that names no group at all in version <version>"
PERIOD = "A period longer than two years in version <version>"
UNKNOWN_ACTOR = "An unknown aktör in version <version>"
OBEHORIG = "Bostadsbidrag asked by an aktör without right to it in version <version>"
FK_OK = "Försäkringskassan answers with tillstånd OK in version <version>"
AGENCY_DOWN = "An agency in tillstånd <tillstand> in version <version>"
ERRORS = "The refusal of <mistake> in version <version> names nobody"
EXPIRED_USER = "A user granted after 2025-04-11, more than two years ago, in version <version>"
OLD_GRANT = (
    "A user granted before 2025-04-11, more than two but less than three years ago, in version <version>"
)
MAINTENANCE = "A query during the deployment of version 9 on 2025-03-17 in version <version>"
CONTRACT = "Answers about the catalogue's test persons in version <version>"
TYPES = "The available information types in version <version>"
ARITHMETIC = "The arithmetic of effected payments in version <version>"
UNSERVED = "Asking for interface version <number>"


def _rows(scenario: str, **example: str) -> tuple[str, dict[str, str]]:
    """A scenario, optionally narrowed to the Examples rows with these column values."""
    return scenario, example


# fault -> the scenarios (rows of the fault's versions) that must fail against it. Nothing else may fail.
FAULT_MATRIX: dict[str, list[tuple[str, dict[str, str]]]] = {
    "fsjp-leaks-into-old-versions": [_rows(FSJP_AFTER)],
    "fsjp-own-set-missing": [_rows(FSJP_AFTER), _rows(FSJP_BEFORE)],
    "beloppstyp-missing": [_rows(PRELIM_HARMONISED)],
    "harmonised-leaks-into-old-versions": [_rows(PRELIM_LEGACY), _rows(CONTRACT)],
    "bostadsbidrag-beloppsperiod-dropped": [_rows(BOSTADSBIDRAG)],
    "duplicate-arenden-merged": [_rows(SJP_SAME_DATE)],
    "karens-as-arende": [_rows(KARENS)],
    "pm-in-fk-model": [_rows(PM), _rows(CONTRACT)],
    "period-over-two-years-accepted": [
        _rows(PERIOD),
        _rows(ERRORS, mistake="formansinformation FK:SJP over two years and one day"),
    ],
    "no-group-accepted": [_rows(NO_GROUP), _rows(ERRORS, mistake="no group at all")],
    "unknown-actor-accepted": [_rows(UNKNOWN_ACTOR)],
    "obehorig-delivered": [_rows(OBEHORIG)],
    "personnummer-in-error": [_rows(ERRORS)],
    "wrong-namespace": [_rows(CONTRACT), _rows(TYPES)],
    "required-element-missing": [_rows(CONTRACT), _rows(FK_OK), _rows(AGENCY_DOWN)],
    "maintenance-ignored": [_rows(MAINTENANCE)],
    "expired-user-accepted": [_rows(EXPIRED_USER)],
    "behorighet-three-years": [_rows(EXPIRED_USER)],
    "netto-mismatch": [_rows(ARITHMETIC)],
    "agency-down-delivers-data": [_rows(AGENCY_DOWN)],
    # Asked of engineer C (notes/F-requests-for-C.md); used when the provider has them.
    "fsjp-dropped-before-cutoff": [_rows(FSJP_BEFORE)],
    "old-grants-two-years": [_rows(OLD_GRANT)],
    "unknown-version-answered": [_rows(UNSERVED)],
}


def run_scenarios(target: str, out: Path, *extra: str) -> list[dict[str, Any]]:
    """Run every scenario against `target` in a subprocess; the outcome of each scenario row."""
    cmd = [sys.executable, "-m", "pytest", "steps", "-q", "--target", target]
    cmd += ["--lefi-outcomes", str(out), *extra]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("LEFI_TARGET", None)
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600, env=env)
    if not out.is_file():
        raise AssertionError(
            f"the scenario run wrote no outcomes (exit {proc.returncode}): {proc.stdout[-2000:]}{proc.stderr[-2000:]}"
        )
    return json.loads(out.read_text(encoding="utf-8"))


def _scenario_name(entry: dict[str, Any]) -> str:
    return str(entry["scenario"]).split(": ", 1)[-1]


def expected_failures(fault: str, outcomes: list[dict[str, Any]]) -> set[int]:
    """Indexes of the outcome rows that must fail against `fault` (rows of the fault's versions)."""
    versions = {f.name: set(f.versions) for f in list_faults()}[fault]
    expected = set()
    for i, entry in enumerate(outcomes):
        example = entry.get("example") or {}
        for scenario, narrowed in FAULT_MATRIX[fault]:
            if _scenario_name(entry) != scenario:
                continue
            if "version" in example and example["version"] not in versions:
                continue
            if all(example.get(k) == v for k, v in narrowed.items()):
                expected.add(i)
    return expected


def _label(entry: dict[str, Any]) -> str:
    example = entry.get("example") or {}
    return f"{_scenario_name(entry)} {json.dumps(example, ensure_ascii=False)}"


@pytest.fixture(scope="module")
def shared_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One database file for every provider of this module: built once, reused (same seed) by each start."""
    return tmp_path_factory.mktemp("fault-matrix") / "lefi.sqlite"


def _served_faults() -> list[str]:
    names = [f.name for f in list_faults() if not f.only_fuzzing]
    return names


def _run_with(fault: str | None, db: Path, out_dir: Path) -> tuple[str | None, list[dict[str, Any]]]:
    config = ProviderConfig(db_path=db, faults=frozenset({fault} if fault else set()))
    with running_provider(config) as url:
        return fault, run_scenarios(url, out_dir / f"{fault or 'correct'}.json")


@pytest.fixture(scope="module")
def outcomes(
    shared_db: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str | None, list[dict[str, Any]]]]:
    """Scenario outcomes against the correct provider and against each named fault (two runs at a time)."""
    out_dir = tmp_path_factory.mktemp("outcomes")
    results = dict([_run_with(None, shared_db, out_dir)])  # first: builds the shared database
    with ThreadPoolExecutor(max_workers=2) as pool:
        for fault, result in pool.map(lambda f: _run_with(f, shared_db, out_dir), _served_faults()):
            results[fault] = result
    yield results


def test_every_scenario_passes_against_the_correct_provider(
    outcomes: dict[str | None, list[dict[str, Any]]],
) -> None:
    rows = outcomes[None]
    assert rows, "no scenario ran"
    bad = [f"{_label(e)}: {e['outcome']} {e.get('message', '')}" for e in rows if e["outcome"] != "passed"]
    assert not bad, f"{len(bad)} of {len(rows)} scenario rows did not pass:\n" + "\n".join(bad)


def test_every_scenario_fails_against_some_fault(outcomes: dict[str | None, list[dict[str, Any]]]) -> None:
    """A scenario row that no fault can make fail proves nothing: each must be in the table for a served fault."""
    rows = outcomes[None]
    covered = set().union(*(expected_failures(f, rows) for f in _served_faults() if f in FAULT_MATRIX))
    uncovered = sorted({_label(rows[i]) for i in range(len(rows)) if i not in covered})
    assert not uncovered, f"{len(uncovered)} scenario rows no fault makes fail:\n" + "\n".join(uncovered)


@pytest.mark.parametrize("fault", _served_faults())
def test_exactly_the_expected_scenarios_fail(
    fault: str, outcomes: dict[str | None, list[dict[str, Any]]]
) -> None:
    assert fault in FAULT_MATRIX, (
        f"fault {fault} has no row in FAULT_MATRIX: say which scenarios must catch it"
    )
    rows = outcomes[fault]
    expected = expected_failures(fault, rows)
    failed = {i for i, e in enumerate(rows) if e["outcome"] == "failed"}
    missed = sorted(_label(rows[i]) for i in expected - failed)
    extra = sorted(f"{_label(rows[i])}: {rows[i].get('message', '')}" for i in failed - expected)
    assert expected, f"fault {fault}: the table expects no failing row in its versions"
    assert not missed and not extra, (
        f"fault {fault}: {len(missed)} expected failures passed:\n"
        + "\n".join(missed)
        + f"\n{len(extra)} unexpected failures:\n"
        + "\n".join(extra)
    )
