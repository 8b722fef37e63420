"""Witnesses are real (re-validated here independently), reader profiles and enum policy, waivers."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest
import xmlschema

from lefi_contracts.compat import diff_models, load_contract_model
from lefi_contracts.compat.waivers import apply_waivers, load_waivers
from lefi_contracts.errors import ContractError

from .helpers import diff_files, jschema, root, xsd


def _el(name: str, extra: str = "") -> str:
    return f'<xs:element name="{name}" type="xs:string"{extra}/>'


def test_xml_witness_is_accepted_by_one_schema_and_rejected_by_the_other(tmp_path: Path) -> None:
    old = xsd(tmp_path, "o", root(_el("a") + '<xs:element name="n" type="xs:int"/>'))
    new = xsd(tmp_path, "n", root(_el("a") + '<xs:element name="n" type="xs:int" minOccurs="0"/>'))
    rep = diff_files(old, new, direction="response")
    [f] = rep.by_rule("response-field-became-optional")
    assert f.verdict == "breaking" and f.witness
    doc = ET.fromstring(f.witness)
    assert xmlschema.XMLSchema(str(new)).is_valid(doc)
    assert not xmlschema.XMLSchema(str(old)).is_valid(doc)


def test_json_witness_is_accepted_by_one_schema_and_rejected_by_the_other(tmp_path: Path) -> None:
    old = {"type": "object", "properties": {"kod": {"type": "string", "enum": ["A", "B"]}}}
    new = {"type": "object", "properties": {"kod": {"type": "string", "enum": ["A", "B", "C"]}}}
    rep = diff_files(jschema(tmp_path, "o", old), jschema(tmp_path, "n", new), reader="strict")
    [f] = rep.by_rule("enum-value-added")
    value = json.loads(f.witness)
    assert value == "C"
    jsonschema.validate(value, new["properties"]["kod"])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(value, old["properties"]["kod"])


def test_no_witness_is_said_not_invented(tmp_path: Path) -> None:
    # Equivalent languages written differently: a pattern change that accepts exactly the same strings.
    old = xsd(tmp_path, "o", root('<xs:element name="v"><xs:simpleType><xs:restriction base="xs:string">'
                                   '<xs:pattern value="[0-9]{2}"/></xs:restriction></xs:simpleType></xs:element>'))  # fmt: skip
    new = xsd(tmp_path, "n", root('<xs:element name="v"><xs:simpleType><xs:restriction base="xs:string">'
                                   '<xs:pattern value="[0-9][0-9]"/></xs:restriction></xs:simpleType></xs:element>'))  # fmt: skip
    [f] = diff_files(old, new, direction="request").by_rule("pattern-changed")
    assert f.witness is None and f.witness_note.startswith("no witness found")
    assert f.verdict == "potentially breaking"


def test_reader_profiles_and_enum_policy(tmp_path: Path) -> None:
    old = xsd(tmp_path, "o", root(_el("a")))
    new = xsd(tmp_path, "n", root(_el("a") + _el("b", ' minOccurs="0"')))
    assert [f.verdict for f in diff_files(old, new, reader="strict").findings] == ["breaking"]
    assert [f.verdict for f in diff_files(old, new, reader="tolerant").findings] == ["compatible"]
    e_old = {"type": "string", "enum": ["A"]}
    e_new = {"type": "string", "enum": ["A", "B"]}
    o, n = jschema(tmp_path, "eo", e_old), jschema(tmp_path, "en", e_new)
    assert (
        diff_files(o, n, reader="tolerant").findings[0].verdict == "compatible"
    )  # default: open when tolerant
    assert diff_files(o, n, reader="strict").findings[0].verdict == "breaking"  # default: closed when strict
    assert diff_files(o, n, reader="tolerant", enum_policy="closed").findings[0].verdict == "breaking"
    assert diff_files(o, n, reader="strict", enum_policy="open").findings[0].verdict == "compatible"


def _waiver_file(tmp_path: Path, expires: str, rule: str = "response-field-removed") -> Path:
    p = tmp_path / "waivers.yaml"
    p.write_text(f"waivers:\n  - rule: {rule}\n    path: '*/r/b'\n    reason: b is retired by agreement\n"
                 f"    reference: LEFI-123\n    expires: {expires}\n")  # fmt: skip
    return p


def test_waiver_silences_until_it_expires(tmp_path: Path) -> None:
    old = xsd(tmp_path, "o", root(_el("a") + _el("b")))
    new = xsd(tmp_path, "n", root(_el("a")))
    rep = diff_files(old, new)
    assert rep.meets("breaking")
    apply_waivers(rep, load_waivers(_waiver_file(tmp_path, "2030-01-01")), today=dt.date(2026, 11, 26))
    assert not rep.meets("breaking") and rep.findings[0].waiver["reference"] == "LEFI-123"
    rep = diff_files(old, new)
    apply_waivers(rep, load_waivers(_waiver_file(tmp_path, "2026-01-01")), today=dt.date(2026, 11, 26))
    assert rep.meets("breaking") and "expired on 2026-01-01" in rep.findings[0].note


def test_bad_waiver_files_are_contract_errors(tmp_path: Path) -> None:
    with pytest.raises(ContractError, match="unknown rule"):
        load_waivers(_waiver_file(tmp_path, "2030-01-01", rule="no-such-rule"))
    with pytest.raises(ContractError, match="YYYY-MM-DD"):
        load_waivers(_waiver_file(tmp_path, "soon"))
    (tmp_path / "w2.yaml").write_text("waivers:\n  - rule: type-changed\n")
    with pytest.raises(ContractError, match="lacks"):
        load_waivers(tmp_path / "w2.yaml")


def test_sampling_is_a_safety_net(tmp_path: Path) -> None:
    """Compatible pairs survive N generated instances in the critical direction."""
    old = load_contract_model(
        xsd(tmp_path, "o", root(_el("a") + _el("b", ' minOccurs="0"'))), direction="request"
    )
    new = load_contract_model(xsd(tmp_path, "n", root(_el("a") + _el("b", ' minOccurs="0" maxOccurs="3"'))),
                              direction="request")  # fmt: skip
    rep = diff_models(old, new, samples=25)
    assert rep.samples == [{"operation": "element r", "message": "document", "direction": "request",
                            "instances": 25, "counterexample": False}]  # fmt: skip
