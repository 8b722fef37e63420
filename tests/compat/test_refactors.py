"""Semantic, not textual: refactors give no finding; recursion ends; unknown constructs degrade to notes."""

from __future__ import annotations

from pathlib import Path

import pytest

from lefi_contracts.compat import diff_models, load_contract_model
from lefi_contracts.errors import ContractError, UsageError

FIX = Path(__file__).parent / "fixtures"
REF = FIX / "refactor"


@pytest.mark.parametrize("variant", ["renamed.xsd", "extension.xsd", "included.xsd"])
@pytest.mark.parametrize("reader", ["strict", "tolerant"])
def test_xsd_refactor_gives_no_finding(variant: str, reader: str) -> None:
    old, new = load_contract_model(REF / "base.xsd"), load_contract_model(REF / variant)
    for a, b in ((old, new), (new, old)):
        report = diff_models(a, b, reader=reader, samples=10)
        assert report.findings == [], [(f.rule, f.new_path) for f in report.findings]
        # strict: generated instances of each version must also be accepted by the other
        assert bool(report.samples) == (reader == "strict")
        assert not any(s["counterexample"] for s in report.samples)


def test_json_ref_allof_refactor_gives_no_finding() -> None:
    old, new = load_contract_model(FIX / "json-base.json"), load_contract_model(FIX / "json-refactored.json")
    for direction_old, direction_new in ((old, new), (new, old)):
        assert diff_models(direction_old, direction_new, reader="strict", samples=10).findings == []


def test_recursive_schema_terminates_and_a_deep_change_is_found(tmp_path: Path) -> None:
    changed = (
        (REF / "base.xsd")
        .read_text()
        .replace('name="note" type="xs:string" minOccurs="0"', 'name="note" type="xs:string"')
    )
    (tmp_path / "c.xsd").write_text(changed)
    report = diff_models(
        load_contract_model(REF / "base.xsd"), load_contract_model(tmp_path / "c.xsd"), samples=0
    )
    [f] = report.findings
    assert f.rule == "response-field-became-required" and f.verdict == "compatible"


def test_unknown_constructs_become_notes_not_crashes() -> None:
    model = load_contract_model(REF / "unknown-constructs.xsd")
    report = diff_models(model, load_contract_model(REF / "unknown-constructs.xsd"), samples=0)
    assert report.findings == []
    text = " ".join(report.notes)
    assert "xs:any" in text and "anyAttribute" in text and "identity constraints" in text


def test_xsd11_assertions_are_read_and_noted() -> None:
    model = load_contract_model(REF / "assert11.xsd")
    assert any("1.1" in n for n in model.notes)


def test_malformed_and_missing_files_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(ContractError) as exc:
        load_contract_model(REF / "malformed.xsd")
    assert "\n" not in str(exc.value) and "malformed.xsd" in str(exc.value)
    with pytest.raises(ContractError):
        load_contract_model(tmp_path / "absent.xsd")
    (tmp_path / "bad.yaml").write_text("openapi: [unclosed")
    with pytest.raises(ContractError):
        load_contract_model(tmp_path / "bad.yaml")
    (tmp_path / "x.txt").write_text("hello")
    with pytest.raises(UsageError):
        load_contract_model(tmp_path / "x.txt")
