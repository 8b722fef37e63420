"""Every check fuzzing makes can fail: for each, a named fault of the reference provider that it reports.

A contract test that cannot fail is worthless. For every check of fuzz/checks.py (the oracle's rules of the fuzzing phase) (and the negative and schemathesis
checks fuzzing reports beside them) the table names a fault, the versions and the budget with which
`run_fuzz(None, faults={fault}, seed=1)` reports a failure OF THAT CHECK; the same run without the fault reports
none. Real HTTP on loopback against the embedded provider; one shared database, so each run costs about a second.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from lefi_contracts.fuzz import FuzzResult, run_fuzz
from lefi_contracts.fuzz.checks import CHECKS
from lefi_contracts.provider import list_faults

SEED = 1
FK_DOWN = {"agency_state": {"FK": "FELANDE"}}


@dataclass(frozen=True)
class Row:
    """A fault that makes `check` fail within `examples` examples an operation on `versions`."""

    check: str
    fault: str
    versions: str
    examples: int
    provider_config: dict[str, Any] = field(default_factory=dict)

    @property
    def baseline_key(self) -> tuple[str, int, str]:
        return self.versions, self.examples, repr(sorted(self.provider_config.items()))


TABLE = [
    Row("lefi_contract_valid", "schema-violation-on-rare-branch", "5", 20),
    Row("lefi_no_server_error", "server-error-on-rare-input", "5", 20),
    Row("lefi_no_identity_in_error", "personnummer-in-error", "9", 20),
    Row("lefi_invalid_request_rejected", "invalid-personnummer-accepted", "5", 20),
    Row("lefi_valid_request_not_refused", "ten-digit-personnummer-refused", "5", 10),
    Row("lefi_payment_arithmetic", "netto-mismatch", "9", 10),
    Row("lefi_obehorig_no_data", "obehorig-data-delivered", "9", 10),
    # an agency that is down is a provider state: the embedded provider is started in it (run_fuzz's hook)
    Row("lefi_agency_not_ok_no_data", "agency-down-delivers-data", "5", 10, FK_DOWN),
    Row("lefi_version_invariants", "fsjp-leaks-into-old-versions", "5", 20),
    Row("lefi_version_invariants", "beloppstyp-missing", "8", 10),
    Row("lefi_negative_refused_by_contract", "period-over-two-years-accepted", "9", 30),
    # -- disclosure rules (issue 12), on a SOAP and the REST version each ------------------------------------
    Row("lefi_disclosure_within_period", "period-ignored", "5", 20),
    Row("lefi_disclosure_within_period", "period-ignored", "9", 20),
    Row("lefi_disclosure_only_asked_groups", "unasked-group-delivered", "5", 20),
    Row("lefi_disclosure_only_asked_groups", "unasked-group-delivered", "9", 20),
    Row("lefi_disclosure_person_asked", "other-person-in-answer", "5", 20),
    Row("lefi_disclosure_person_asked", "other-person-in-answer", "9", 20),
    Row("lefi_disclosure_no_later_structure", "later-structure-leaks", "5", 20),
    Row("lefi_disclosure_no_later_structure", "later-group-code-leaks", "8", 20),
    Row("lefi_disclosure_no_later_structure", "harmonised-leaks-into-old-versions", "6", 20),
    # schemathesis' own checks on the REST version, reported under their titles
    Row("Response violates schema", "required-element-missing", "9", 10),
    Row("Server error", "server-error-on-rare-input", "9", 20),
]
EXTRA_CHECKS = {"lefi_negative_refused_by_contract"}  # negative fuzzing's own check (fuzz/negative.py)


@pytest.fixture(scope="module", autouse=True)
def shared_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every embedded provider of this module reuses one database (same seed), built by the first start."""
    db = tmp_path_factory.mktemp("every-check") / "lefi.sqlite"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LEFI_PROVIDER_DB", str(db))
        yield db


_baselines: dict[tuple[str, int, str], FuzzResult] = {}


def _run(row: Row, faults: frozenset[str]) -> FuzzResult:
    return run_fuzz(
        None,
        versions=row.versions,
        examples=row.examples,
        seed=SEED,
        faults=faults,
        provider_config=row.provider_config or None,
    )


def _failed_checks(result: FuzzResult) -> set[str]:
    return {str(r.parameters.get("check")) for r in result.results if r.failed}


def test_the_table_covers_every_check_and_names_real_faults() -> None:
    assert {r.check for r in TABLE} >= set(CHECKS) | EXTRA_CHECKS
    # every fault a fuzzed rule names as breaking it is shown breaking it here
    from lefi_contracts.oracles import RULES

    shown = {(r.check, r.fault) for r in TABLE}
    named = {(item.name, f) for item in RULES if "fuzzing" in item.phases for f in item.broken_by}
    assert named - shown == {
        ("lefi_contract_valid", "wrong-namespace"),
        ("lefi_contract_valid", "required-element-missing"),
        ("lefi_invalid_request_rejected", "period-over-two-years-accepted"),
        ("lefi_invalid_request_rejected", "no-group-accepted"),
    }, "a rule names a fault no row shows breaking it"
    known = {f.name: f for f in list_faults()}
    for row in TABLE:
        assert row.fault in known, row.fault
        assert set(row.versions.split(",")) <= set(known[row.fault].versions), (row.fault, row.versions)


@pytest.mark.parametrize("row", TABLE, ids=lambda r: f"{r.check}<-{r.fault}@v{r.versions}")
def test_the_check_fails_against_its_fault_and_holds_without_it(row: Row) -> None:
    broken = _run(row, frozenset({row.fault}))
    failed = _failed_checks(broken)
    assert row.check in failed, f"{row.fault} did not make {row.check} fail; failed: {sorted(failed)}"
    assert broken.failed
    record = next(r for r in broken.results if r.failed and r.parameters.get("check") == row.check)
    assert (
        record.version in row.versions.split(",")
        and record.reproducer
        and f"--seed {SEED}" in record.reproducer
    )

    if row.baseline_key not in _baselines:
        _baselines[row.baseline_key] = _run(row, frozenset())
    clean = _baselines[row.baseline_key]
    assert clean.cases > 0 and not clean.failed, f"without the fault: {sorted(_failed_checks(clean))}"
    ran = {str(r.parameters.get("check")) for r in clean.results}
    # the check ran and held (schemathesis' own checks pass together, as schemathesis_default_checks)
    assert row.check in ran or (not row.check.startswith("lefi_") and "schemathesis_default_checks" in ran)


def test_provider_settings_need_the_embedded_provider() -> None:
    from lefi_contracts.errors import UsageError

    with pytest.raises(UsageError, match="embedded provider"):
        run_fuzz("http://127.0.0.1:9", versions="9", examples=1, seed=SEED, provider_config=FK_DOWN)
    with pytest.raises(UsageError, match="unknown provider setting"):
        run_fuzz(None, versions="9", examples=1, seed=SEED, provider_config={"no_such_setting": 1})
