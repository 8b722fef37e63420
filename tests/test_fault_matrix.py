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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from lefi_contracts.provider import ProviderConfig, list_faults, running_provider

pytestmark = (
    pytest.mark.heavy
)  # ~80 s on 2 cores: 21 full scenario runs (one per fault, plus the correct provider)

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
ARITHMETIC = "The arithmetic of effected payments in version <version>"
UNSERVED = "Asking for interface version <number>"
# -- disclosure (issue 12): features/utlamnande.feature, one Scenario Outline per rule of oracles/disclosure.py --
WITHIN = "lefi_disclosure_within_period: only what came into being in the asked period, in version <version>"
ASKED = "lefi_disclosure_only_asked_groups: only the groups asked carry data, in version <version>"
PERSON = "lefi_disclosure_person_asked: the answer concerns only the person asked, in version <version>"
LATER = "lefi_disclosure_no_later_structure: nothing of a later version, in version <version>"

# The scenarios whose answer must be delivered ("Then the answer is delivered").
DELIVERING = [
    FSJP_AFTER,
    FSJP_BEFORE,
    PRELIM_HARMONISED,
    PRELIM_LEGACY,
    SJP_SAME_DATE,
    BOSTADSBIDRAG,
    KARENS,
    PM,
]
DELIVERING += [OBEHORIG, FK_OK, AGENCY_DOWN, OLD_GRANT, ARITHMETIC]
DELIVERING += [WITHIN, ASKED, PERSON]


@dataclass(frozen=True)
class Catch:
    """What a fault must make fail: `catches`, the scenarios written for the rule it breaks (these count for
    coverage), and `also`, rows that fail as a consequence (an answer that breaks the contract is not delivered)."""

    catches: tuple[tuple[str, dict[str, str]], ...]
    also: tuple[tuple[str, dict[str, str]], ...] = ()

    def rows(self) -> tuple[tuple[str, dict[str, str]], ...]:
        return self.catches + self.also


def _c(*scenarios: str | tuple[str, dict[str, str]], also: list[str] | tuple[str, ...] = ()) -> Catch:
    """A table entry: scenario names, or (name, {column: value}) to narrow to some Examples rows."""
    rows = tuple(s if isinstance(s, tuple) else (s, {}) for s in scenarios)
    return Catch(rows, tuple((s, {}) for s in also))


PERIOD_ROW = (ERRORS, {"mistake": "formansinformation FK:SJP over two years and one day"})
NO_GROUP_ROW = (ERRORS, {"mistake": "no group at all"})

# fault -> the scenario rows (in the fault's versions) that must fail against it. Nothing else may fail.
FAULT_MATRIX: dict[str, Catch] = {
    # the disclosure scenario of the later structure also asserts the version invariants (one rule, one step)
    "fsjp-leaks-into-old-versions": _c(FSJP_AFTER, LATER),
    "fsjp-own-set-missing": _c(FSJP_AFTER, FSJP_BEFORE),
    "beloppstyp-missing": _c(PRELIM_HARMONISED),
    # beloppstyp is not in the legacy schema: those answers break the contract.
    "harmonised-leaks-into-old-versions": _c(PRELIM_LEGACY, CONTRACT),
    "bostadsbidrag-beloppsperiod-dropped": _c(BOSTADSBIDRAG),
    "duplicate-arenden-merged": _c(SJP_SAME_DATE),
    "karens-as-arende": _c(KARENS),
    "pm-in-fk-model": _c(PM, CONTRACT),
    "period-over-two-years-accepted": _c(PERIOD, PERIOD_ROW),
    "no-group-accepted": _c(NO_GROUP, NO_GROUP_ROW),
    "unknown-actor-accepted": _c(UNKNOWN_ACTOR),
    "obehorig-delivered": _c(OBEHORIG),
    # OBEHORIG is reported, but the data is delivered as well
    "obehorig-data-delivered": _c(OBEHORIG),
    # the provider puts the personnummer into the messages that concern it (the period), not into "no group".
    "personnummer-in-error": _c(PERIOD_ROW),
    # an answer in another namespace or without utlamnare breaks the contract: no answer of it is delivered.
    "wrong-namespace": _c(CONTRACT, also=DELIVERING),
    "required-element-missing": _c(CONTRACT, FK_OK, AGENCY_DOWN, also=DELIVERING),
    "maintenance-ignored": _c(MAINTENANCE),
    "expired-user-accepted": _c(EXPIRED_USER),
    "behorighet-three-years": _c(EXPIRED_USER),
    "netto-mismatch": _c(ARITHMETIC),
    "agency-down-delivers-data": _c(AGENCY_DOWN),
    # asked of engineer C (notes/F-requests-for-C.md); checked as soon as the provider has them.
    "fsjp-dropped-before-cutoff": _c(FSJP_BEFORE),
    "old-grants-two-years": _c(OLD_GRANT),
    "unknown-version-answered": _c(UNSERVED),
    # -- disclosure faults (issue 12) ---------------------------------------------------------------------------
    "period-ignored": _c(WITHIN),
    "unasked-group-delivered": _c(ASKED),
    "other-person-in-answer": _c(PERSON),
    # v8's own set is not in the v5-7 XSDs: those answers break the contract (not delivered)
    "later-structure-leaks": _c(LATER, also=[CONTRACT, FSJP_AFTER, FSJP_BEFORE]),
    # a group code outside v8's enumeration breaks the contract: no v8 answer is delivered
    "later-group-code-leaks": _c(LATER, also=[CONTRACT, *DELIVERING]),
}


def _python(*args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), *args]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # let pytest cache its rewritten modules between runs
    env.pop("LEFI_TARGET", None)
    return env


def drive(jobs: list[tuple[str, str]]) -> int:
    """Run the scenarios against each (target URL, outcomes file) in turn, in THIS process: the contracts and XSDs
    a run loads stay cached for the next, so a run costs its scenarios, not start-up."""
    for target, out in jobs:
        pytest.main(["steps", "-p", "no:terminal", "--target", target, "--lefi-outcomes", out])
    return 0


def serve_one(db: str, fault: str) -> int:
    """A provider in its own process (no GIL shared with the others): prints its URL, serves until stdin closes."""
    config = ProviderConfig(db_path=Path(db), faults=frozenset({fault} - {""}))
    with running_provider(config) as url:
        print(url, flush=True)
        sys.stdin.read()
    return 0


class Provider:
    """A reference provider started with one fault (or none) in a subprocess."""

    def __init__(self, db: Path, fault: str | None) -> None:
        self.proc = subprocess.Popen(
            _python("--serve", str(db), fault or ""),
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=_env(),
        )
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().strip()
        if not self.url.startswith("http"):
            self.stop()
            raise AssertionError(f"the provider with fault {fault} did not start")

    def stop(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def run_all(
    db: Path, faults: list[str | None], out_dir: Path, workers: int = 2
) -> dict[str | None, list[dict[str, Any]]]:
    """Outcomes of every scenario against a provider started with each fault; `workers` driver processes."""
    Provider(db, None).stop()  # the first start builds the shared database; every later start reuses it
    with ThreadPoolExecutor(max_workers=8) as pool:
        providers = dict(zip(faults, pool.map(lambda f: Provider(db, f), faults), strict=True))
    try:
        outs = {f: out_dir / f"{f or 'correct'}.json" for f in faults}
        shares = [faults[i::workers] for i in range(workers)]
        drivers = []
        for share in shares:
            jobs = [[providers[f].url, str(outs[f])] for f in share]
            job_file = out_dir / f"jobs-{len(drivers)}.json"
            job_file.write_text(json.dumps(jobs), encoding="utf-8")
            drivers.append(
                subprocess.Popen(
                    _python("--drive", str(job_file)),
                    cwd=ROOT,
                    env=_env(),
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                )
            )
        logs = [d.communicate(timeout=900)[0].decode("utf-8", "replace") for d in drivers]
    finally:
        for provider in providers.values():
            provider.stop()
    results = {}
    for fault, out in outs.items():
        if not out.is_file():
            raise AssertionError(f"no outcomes for fault {fault}: {''.join(logs)[-3000:]}")
        results[fault] = json.loads(out.read_text(encoding="utf-8"))
    return results


def _scenario_name(entry: dict[str, Any]) -> str:
    return str(entry["scenario"]).split(": ", 1)[-1]


def expected_failures(fault: str, outcomes: list[dict[str, Any]], *, catches_only: bool = False) -> set[int]:
    """Indexes of the outcome rows that must fail against `fault` (rows of the fault's versions)."""
    versions = {f.name: set(f.versions) for f in list_faults()}[fault]
    catch = FAULT_MATRIX[fault]
    expected = set()
    for i, entry in enumerate(outcomes):
        example = entry.get("example") or {}
        for scenario, narrowed in catch.catches if catches_only else catch.rows():
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
    names = [f.name for f in list_faults() if not f.only_fuzzing and not f.only_compat]
    return names


@pytest.fixture(scope="module")
def outcomes(
    shared_db: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str | None, list[dict[str, Any]]]:
    """Scenario outcomes against the correct provider and against each named fault."""
    return run_all(shared_db, [None, *_served_faults()], tmp_path_factory.mktemp("outcomes"))


def test_every_scenario_passes_against_the_correct_provider(
    outcomes: dict[str | None, list[dict[str, Any]]],
) -> None:
    rows = outcomes[None]
    assert rows, "no scenario ran"
    bad = [f"{_label(e)}: {e['outcome']} {e.get('message', '')}" for e in rows if e["outcome"] != "passed"]
    assert not bad, f"{len(bad)} of {len(rows)} scenario rows did not pass:\n" + "\n".join(bad)


def test_every_scenario_fails_against_some_fault(outcomes: dict[str | None, list[dict[str, Any]]]) -> None:
    """A scenario row that no fault can make fail proves nothing: each must be caught by a served fault that breaks
    its own rule (a fault that makes every answer undeliverable does not count)."""
    rows = outcomes[None]
    served = [f for f in _served_faults() if f in FAULT_MATRIX]
    covered = set().union(*(expected_failures(f, rows, catches_only=True) for f in served))
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


if __name__ == "__main__":
    if sys.argv[1:2] == ["--drive"]:
        sys.exit(drive(json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))))
    if sys.argv[1:2] == ["--serve"]:
        sys.exit(serve_one(sys.argv[2], sys.argv[3]))
    sys.exit("usage: test_fault_matrix.py --drive JOBS.json | --serve DB FAULT")
