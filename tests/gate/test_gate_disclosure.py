"""The gate catches each disclosure fault: exit 1, and the summary names the rule in every version it broke, from
the scenarios (the Scenario Outline titles of features/utlamnande.feature start with the rule) and from fuzzing
(each fuzz failure carries its check, the rule's name)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lefi_contracts.gate import GateOptions, run_gate
from lefi_contracts.oracles import RULES
from lefi_contracts.provider import list_faults

DISCLOSURE_FAULTS = {
    "period-ignored": "lefi_disclosure_within_period",
    "unasked-group-delivered": "lefi_disclosure_only_asked_groups",
    "other-person-in-answer": "lefi_disclosure_person_asked",
    "later-structure-leaks": "lefi_disclosure_no_later_structure",
    "later-group-code-leaks": "lefi_disclosure_no_later_structure",
}
SMOKE = ["period-ignored"]


def _case(fault: str, tmp_path: Path) -> None:
    rule = DISCLOSURE_FAULTS[fault]
    assert fault in RULES[rule].broken_by
    versions = next(f.versions for f in list_faults() if f.name == fault)
    outcome = run_gate(
        GateOptions(
            reports_dir=tmp_path,
            quiet=True,
            versions=",".join(versions),
            faults=[fault],
            phases=["scenarios", "fuzz"],
            seed=1,
            examples=20,
            html=False,
        )
    )
    assert outcome.exit_code == 1, outcome.message
    failed = [r for r in outcome.results if r.failed]
    for phase in ("scenarios", "fuzz"):
        named = {
            r.version
            for r in failed
            if r.phase == phase and (rule in r.name or rule == r.parameters.get("check"))
        }
        assert named == set(versions), f"{phase}: {rule} reported broken in {sorted(named)}, not {versions}"
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["verdict"] == "broken"
    text = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert rule in text and all(f"v{v}" in text for v in versions)


@pytest.mark.parametrize("fault", SMOKE)
def test_a_disclosure_fault_breaks_the_gate_naming_rule_and_versions(fault: str, tmp_path: Path) -> None:
    _case(fault, tmp_path)


@pytest.mark.heavy
@pytest.mark.parametrize("fault", [f for f in DISCLOSURE_FAULTS if f not in SMOKE])
def test_every_disclosure_fault_breaks_the_gate(fault: str, tmp_path: Path) -> None:
    _case(fault, tmp_path)


def test_the_validation_phase_holds_every_answer_to_the_oracle(tmp_path: Path) -> None:
    """Validation asks every catalogue person for everything: the oracle's answer rules run over each answer."""
    outcome = run_gate(
        GateOptions(reports_dir=tmp_path, quiet=True, versions="8,9", faults=["period-ignored"],
                    phases=["validation"], html=False)
    )  # fmt: skip
    assert outcome.exit_code == 1, outcome.message
    named = {r.version for r in outcome.results if r.failed and "lefi_disclosure_within_period" in r.message}
    assert named == {"8", "9"}
    assert "validation" in RULES["lefi_disclosure_within_period"].phases
