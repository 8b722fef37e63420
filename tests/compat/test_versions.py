"""Our own contracts: 5->6->7->8 shows exactly the release-notes changes; 8->9 across formats; the command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lefi_contracts.cli.diff import command_diff
from lefi_contracts.compat import diff_against_active, diff_versions
from lefi_contracts.contracts import registry
from lefi_contracts.errors import ContractError, UsageError


def _present(*numbers: str) -> bool:
    try:
        reg = registry()
        return all(f.is_file() for n in numbers for f in reg.get(n).contract_files.values())
    except UsageError:
        return False


def _changes(old: str, new: str, reader: str) -> set[tuple[str, str, str]]:
    rep = diff_versions(old, new, reader=reader, samples=0, witnesses=reader == "strict")
    assert all(f.witness for f in rep.findings if f.verdict == "breaking" and reader == "strict")
    return {(f.rule, f.verdict, (f.new_path or f.old_path or "").rsplit(" ", 1)[-1]) for f in rep.findings}


NS = ("namespace-changed", "breaking", "")
REQ = "/hamtaFormansinformation/formansinformation"
# the shared group-code type is reported at its shortest path (the diff walks breadth first)
AVV = "/hamtaTillgangligaInformationstyperSvar/formansinformation/kod"
FI = "/hamtaFormansinformationSvar/formansinformation"
CHAIN = {
    ("5", "6"): {NS, ("enum-value-added", "compatible", REQ), ("enum-value-added", "breaking", AVV),
                 ("response-field-added", "breaking", f"{FI}/programjobdagar")},
    ("6", "7"): {NS},
    ("7", "8"): {NS, ("enum-value-added", "compatible", REQ), ("enum-value-added", "breaking", AVV),
                 ("response-field-added", "breaking", f"{FI}/forebyggandeSjukpenningsarende"),
                 ("response-field-added", "breaking", f"{FI}/preliminarautbetalningar/utbetalningsdetalj/beloppstyp")},
}  # fmt: skip


@pytest.mark.parametrize(("old", "new"), list(CHAIN), ids=[f"{a}->{b}" for a, b in CHAIN])
def test_chain_matches_release_notes_exactly(old: str, new: str) -> None:
    if not _present(old, new):
        pytest.skip("SOAP contracts not written yet")
    assert _changes(old, new, "strict") == CHAIN[(old, new)]
    tolerant = {
        (r, "compatible" if r != "namespace-changed" and p != REQ else v, p) for r, v, p in CHAIN[(old, new)]
    }
    assert _changes(old, new, "tolerant") == tolerant


def test_transitive_against_every_served_earlier_version() -> None:
    if not _present("5", "6", "7", "8"):
        pytest.skip("SOAP contracts not written yet")
    reports = diff_against_active("8", witnesses=False, samples=0)
    assert [r.old for r in reports] == [v.number for v in registry().served() if int(v.number) < 8]
    five = reports[0]  # 5 -> 8 carries both programjobdagar and forebyggandeSjukpenningsarende
    added = {f.new_path.rsplit("/", 1)[-1] for f in five.by_rule("response-field-added")}
    assert {"programjobdagar", "forebyggandeSjukpenningsarende", "beloppstyp"} <= added


def test_cross_format_8_to_9_keeps_loses_gains() -> None:
    if not _present("8", "9"):
        pytest.skip("contracts not written yet")
    text, code = command_diff("8", "9", fmt="json")
    doc = json.loads(text)
    rules = {f["rule"] for f in doc["findings"]}
    assert "xf-field-kept" in rules and "xf-field-gained" in rules
    kept = {f["old_path"] for f in doc["findings"] if f["rule"] == "xf-field-kept"}
    assert "/hamtaFormansinformation/aktorsId" in kept  # moved into the REST path, declared in the mapping
    assert any(
        p.endswith("/sjukpenningarende/beslut/beslutsdatum") or "/sjukpenningarende/" in p for p in kept
    )
    gained = {f["new_path"] for f in doc["findings"] if f["rule"] == "xf-field-gained"}
    assert any(p.endswith("/ansprak") for p in gained)  # PM data exists only in 9
    assert code == int(doc["worst"] == "breaking")


def test_command_diff_formats_and_exit_codes(tmp_path: Path) -> None:
    from .helpers import root, xsd

    old = xsd(
        tmp_path, "o", root('<xs:element name="a" type="xs:string"/><xs:element name="b" type="xs:string"/>')
    )
    new = xsd(tmp_path, "n", root('<xs:element name="a" type="xs:string"/>'))
    text, code = command_diff(str(old), str(new))
    assert code == 1 and "response-field-removed" in text and "witness" in text
    md, _ = command_diff(str(old), str(new), fmt="markdown")
    assert md.startswith("## ") and "| breaking | `response-field-removed`" in md
    assert command_diff(str(new), str(new))[1] == 0
    opt = xsd(
        tmp_path,
        "opt",
        root('<xs:element name="a" type="xs:string"/><xs:element name="b" type="xs:string" minOccurs="0"/>'),
    )
    assert command_diff(str(opt), str(new), fail_on="breaking")[1] == 0  # optional removed: potential only
    assert command_diff(str(opt), str(new), fail_on="potential")[1] == 1


def test_command_diff_user_mistakes_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="unknown interface version"):
        command_diff("42", "8")
    with pytest.raises(ContractError):
        command_diff(str(tmp_path / "none.xsd"), str(tmp_path / "none2.xsd"))
    with pytest.raises(UsageError):
        command_diff("5", "6", fmt="xml")
    with pytest.raises(UsageError):
        command_diff("5", "6", fail_on="sometimes")
    with pytest.raises(UsageError):
        command_diff("5", "6", reader="lenient")
