"""The gate's compat phase can fail: a provider that serves a contract other than the contract of record.

With the served-contract-drift fault the embedded provider's answers are unchanged, but its served XSD / OpenAPI
no longer list one group code: the compat phase (contract of record -> served by the target) must exit 1, name the
fault, the version and the finding; the same phase against the correct provider holds.
"""

from __future__ import annotations

import json
from pathlib import Path

from lefi_contracts.contracts import registry
from lefi_contracts.gate import GateOptions, run_gate
from lefi_contracts.provider import list_faults

FAULT = "served-contract-drift"


def _versions() -> str:
    """One SOAP and one REST version the fault affects (from the registry, not a list of numbers)."""
    affected = set(next(f for f in list_faults() if f.name == FAULT).versions)
    served = [v for v in registry().served() if v.number in affected and v.status != "retired"]
    picked = {v.transport: v.number for v in served}  # the last of each transport
    return ",".join(sorted(picked.values()))


def _gate(tmp_path: Path, faults: list[str]) -> tuple[int, list, str]:
    outcome = run_gate(
        GateOptions(reports_dir=tmp_path, quiet=True, versions=_versions(), faults=faults, phases=["compat"],
                    html=False)
    )  # fmt: skip
    return outcome.exit_code, outcome.results, (tmp_path / "summary.md").read_text(encoding="utf-8")


def test_a_drifted_served_contract_breaks_the_compat_phase(tmp_path: Path) -> None:
    code, results, summary = _gate(tmp_path / "drift", [FAULT])
    assert code == 1
    failed = [r for r in results if r.failed]
    assert failed and all(r.phase == "compat" for r in failed)
    assert {r.name for r in failed} == {"contract of record -> served by the target"}
    assert {r.version for r in failed} == set(_versions().split(","))  # SOAP (XSD) and REST (OpenAPI)
    assert all("enum-value-removed" in r.details for r in failed), failed[0].details[:2000]
    assert FAULT in summary
    data = json.loads((tmp_path / "drift" / "summary.json").read_text(encoding="utf-8"))
    assert data["verdict"] == "broken"


def test_the_correct_provider_serves_its_contract_of_record(tmp_path: Path) -> None:
    code, results, _ = _gate(tmp_path / "clean", [])
    assert code == 0 and results and not any(r.failed for r in results)
