"""Every rule: a minimal old/new pair that triggers it, and one that must not."""

from __future__ import annotations

from pathlib import Path

import pytest

from lefi_contracts.compat.rules import RULES, rules_markdown

from .helpers import diff_files, jschema, root, simple, xsd

E = '<xs:element name="{}" type="xs:string"{}/>'


def el(name: str, extra: str = "") -> str:
    return E.format(name, extra)


# (rule, direction, reader, old body, new body, expected verdict, non-triggering new body)
XSD_CASES = [
    ("response-field-added", "response", "strict", root(el("a")), root(el("a") + el("b", ' minOccurs="0"')),
     "breaking", root(el("a"))),
    ("response-field-removed", "response", "strict", root(el("a") + el("b")), root(el("a")), "breaking",
     root(el("a") + el("b"))),
    ("response-field-removed-optional", "response", "strict", root(el("a") + el("b", ' minOccurs="0"')),
     root(el("a")), "potentially breaking", root(el("a") + el("b", ' minOccurs="0"'))),
    ("response-field-became-optional", "response", "strict", root(el("a")), root(el("a", ' minOccurs="0"')),
     "breaking", root(el("a"))),
    ("response-field-became-required", "response", "strict", root(el("a", ' minOccurs="0"')), root(el("a")),
     "compatible", root(el("a", ' minOccurs="0"'))),
    ("request-field-added-required", "request", "strict", root(el("a")), root(el("a") + el("b")), "breaking",
     root(el("a") + el("b", ' minOccurs="0"'))),
    ("request-field-added-optional", "request", "strict", root(el("a")), root(el("a") + el("b", ' minOccurs="0"')),
     "compatible", root(el("a"))),
    ("request-field-removed", "request", "strict", root(el("a") + el("b", ' minOccurs="0"')), root(el("a")),
     "breaking", root(el("a") + el("b", ' minOccurs="0"'))),
    ("request-field-became-required", "request", "strict", root(el("a", ' minOccurs="0"')), root(el("a")),
     "breaking", root(el("a", ' minOccurs="0"'))),
    ("request-field-became-optional", "request", "strict", root(el("a")), root(el("a", ' minOccurs="0"')),
     "compatible", root(el("a"))),
    ("field-order-changed", "response", "strict", root(el("a") + el("b")), root(el("b") + el("a")), "breaking",
     root(el("a") + el("b"))),
    ("max-occurs-reduced", "request", "strict", root(el("a", ' maxOccurs="5"')), root(el("a", ' maxOccurs="2"')),
     "breaking", root(el("a", ' maxOccurs="9"'))),
    ("max-occurs-increased", "response", "strict", root(el("a")), root(el("a", ' maxOccurs="unbounded"')),
     "breaking", root(el("a"))),
    ("min-occurs-increased", "request", "strict", root(el("a", ' maxOccurs="5"')),
     root(el("a", ' minOccurs="2" maxOccurs="5"')), "breaking", root(el("a", ' maxOccurs="5"'))),
    ("min-occurs-decreased", "response", "strict", root(el("a", ' minOccurs="2" maxOccurs="5"')),
     root(el("a", ' minOccurs="1" maxOccurs="5"')), "breaking", root(el("a", ' minOccurs="2" maxOccurs="5"'))),
    ("enum-value-removed", "request", "strict", simple('<xs:enumeration value="A"/><xs:enumeration value="B"/>'),
     simple('<xs:enumeration value="A"/>'), "breaking",
     simple('<xs:enumeration value="B"/><xs:enumeration value="A"/>')),
    ("enum-value-added", "response", "strict", simple('<xs:enumeration value="A"/>'),
     simple('<xs:enumeration value="A"/><xs:enumeration value="B"/>'), "breaking",
     simple('<xs:enumeration value="A"/>')),
    ("enum-introduced", "request", "strict", simple(""), simple('<xs:enumeration value="A"/>'), "breaking",
     simple("")),
    ("enum-dropped", "response", "strict", simple('<xs:enumeration value="A"/>'), simple(""), "breaking",
     simple('<xs:enumeration value="A"/>')),
    ("pattern-added", "request", "strict", simple(""), simple('<xs:pattern value="[0-9]{3}"/>'), "breaking",
     simple("")),
    ("pattern-removed", "response", "strict", simple('<xs:pattern value="[0-9]{3}"/>'), simple(""), "breaking",
     simple('<xs:pattern value="[0-9]{3}"/>')),
    ("pattern-changed", "request", "strict", simple('<xs:pattern value="[0-9]{3}"/>'),
     simple('<xs:pattern value="[0-9]{4}"/>'), "breaking", simple('<xs:pattern value="[0-9]{3}"/>')),
    ("length-narrowed", "request", "strict", simple('<xs:maxLength value="10"/>'), simple('<xs:maxLength value="5"/>'),
     "breaking", simple('<xs:maxLength value="10"/>')),
    ("length-widened", "response", "strict", simple('<xs:maxLength value="5"/>'), simple('<xs:maxLength value="10"/>'),
     "breaking", simple('<xs:maxLength value="5"/>')),
    ("range-narrowed", "request", "strict", simple('<xs:maxInclusive value="100"/>', "xs:int"),
     simple('<xs:maxInclusive value="10"/>', "xs:int"), "breaking", simple('<xs:maxInclusive value="100"/>', "xs:int")),
    ("range-widened", "response", "strict", simple("", "xs:int"), simple("", "xs:long"), "breaking",
     simple("", "xs:int")),
    ("digits-narrowed", "request", "strict", simple('<xs:totalDigits value="8"/>', "xs:decimal"),
     simple('<xs:totalDigits value="4"/>', "xs:decimal"), "breaking", simple('<xs:totalDigits value="8"/>', "xs:decimal")),
    ("digits-widened", "response", "strict", simple('<xs:fractionDigits value="0"/>', "xs:decimal"),
     simple('<xs:fractionDigits value="2"/>', "xs:decimal"), "breaking",
     simple('<xs:fractionDigits value="0"/>', "xs:decimal")),
    ("type-changed", "response", "strict", root('<xs:element name="a" type="xs:boolean"/>'),
     root('<xs:element name="a" type="xs:date"/>'), "breaking", root('<xs:element name="a" type="xs:boolean"/>')),
    ("type-widened", "response", "strict", root('<xs:element name="a" type="xs:int"/>'),
     root('<xs:element name="a" type="xs:decimal"/>'), "breaking", root('<xs:element name="a" type="xs:int"/>')),
    ("type-narrowed", "request", "strict", root('<xs:element name="a" type="xs:string"/>'),
     root('<xs:element name="a" type="xs:date"/>'), "breaking", root('<xs:element name="a" type="xs:string"/>')),
    ("nullable-added", "response", "strict", root(el("a")), root(el("a", ' nillable="true"')), "breaking",
     root(el("a"))),
    ("nullable-removed", "request", "strict", root(el("a", ' nillable="true"')), root(el("a")), "breaking",
     root(el("a", ' nillable="true"'))),
    ("fixed-changed", "request", "strict", root(el("a", ' fixed="X"')), root(el("a", ' fixed="Y"')), "breaking",
     root(el("a", ' fixed="X"'))),
    ("default-changed", "request", "strict", root(el("a", ' default="X" minOccurs="0"')),
     root(el("a", ' default="Y" minOccurs="0"')), "potentially breaking", root(el("a", ' default="X" minOccurs="0"'))),
    ("extension-point-removed", "request", "strict", root(el("a") + '<xs:any minOccurs="0" processContents="lax"/>'),
     root(el("a")), "breaking", root(el("a") + '<xs:any minOccurs="0" processContents="lax"/>')),
    ("extension-point-added", "response", "strict", root(el("a")),
     root(el("a") + '<xs:any minOccurs="0" namespace="##other" processContents="lax"/>'), "breaking", root(el("a"))),
    ("choice-alternative-added", "response", "strict",
     root('<xs:choice><xs:element name="a" type="xs:string"/><xs:element name="b" type="xs:string"/></xs:choice>'),
     root('<xs:choice><xs:element name="a" type="xs:string"/><xs:element name="b" type="xs:string"/>'
          '<xs:element name="c" type="xs:string"/></xs:choice>'), "breaking",
     root('<xs:choice><xs:element name="b" type="xs:string"/><xs:element name="a" type="xs:string"/></xs:choice>')),
    ("choice-alternative-removed", "request", "strict",
     root('<xs:choice><xs:element name="a" type="xs:string"/><xs:element name="b" type="xs:string"/>'
          '<xs:element name="c" type="xs:string"/></xs:choice>'),
     root('<xs:choice><xs:element name="a" type="xs:string"/><xs:element name="b" type="xs:string"/></xs:choice>'),
     "breaking",
     root('<xs:choice><xs:element name="a" type="xs:string"/><xs:element name="b" type="xs:string"/>'
          '<xs:element name="c" type="xs:string"/></xs:choice>')),
]  # fmt: skip


@pytest.mark.parametrize("case", XSD_CASES, ids=[c[0] for c in XSD_CASES])
def test_xsd_rule_triggers_and_does_not(tmp_path: Path, case: tuple) -> None:
    rule_id, direction, reader, old, new, verdict, quiet = case
    rep = diff_files(xsd(tmp_path, "old", old), xsd(tmp_path, "new", new), direction=direction, reader=reader)
    hits = rep.by_rule(rule_id)
    assert hits, f"{rule_id} not raised: {[f.rule for f in rep.findings]}"
    assert hits[0].verdict == verdict
    if verdict == "breaking":
        assert hits[0].witness, f"breaking {rule_id} without a witness: {hits[0].witness_note}"
    calm = diff_files(
        xsd(tmp_path, "old2", old), xsd(tmp_path, "new2", quiet), direction=direction, reader=reader
    )
    assert not calm.by_rule(rule_id)


def test_attribute_optional_to_required_in_request(tmp_path: Path) -> None:
    old = root(el("a"), '<xs:attribute name="id" type="xs:string"/>')
    new = root(el("a"), '<xs:attribute name="id" type="xs:string" use="required"/>')
    rep = diff_files(xsd(tmp_path, "o", old), xsd(tmp_path, "n", new), direction="request")
    [f] = rep.by_rule("request-field-became-required")
    assert f.new_path.endswith("/@id") and f.verdict == "breaking" and 'id="' not in (f.witness or "x")


def test_namespace_changed_has_a_witness(tmp_path: Path) -> None:
    rep = diff_files(
        xsd(tmp_path, "o", root(el("a")), ns="urn:a"), xsd(tmp_path, "n", root(el("a")), ns="urn:b")
    )
    [f] = rep.by_rule("namespace-changed")
    assert f.verdict == "breaking" and "urn:b" in f.witness
    assert len(rep.findings) == 1  # the rename of every element is one finding, not one per element


def test_catalogue_size_and_docs_in_sync() -> None:
    assert len(RULES) >= 30
    doc = Path(__file__).resolve().parents[2] / "docs" / "compat-rules.md"
    assert doc.read_text(encoding="utf-8") == rules_markdown(), (
        "regenerate docs/compat-rules.md from rules.py"
    )


# JSON Schema / OpenAPI side: the same rules from JSON documents.
OBJ = {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}
JSON_CASES = [
    ("response-field-removed", "response", OBJ, {"type": "object", "properties": {}}, "breaking"),
    ("request-field-added-required", "request", OBJ,
     {**OBJ, "properties": {**OBJ["properties"], "b": {"type": "integer"}}, "required": ["a", "b"]}, "breaking"),
    ("enum-value-removed", "request", {"type": "string", "enum": ["A", "B"]}, {"type": "string", "enum": ["A"]},
     "breaking"),
    ("type-changed", "response", {"type": "string"}, {"type": "boolean"}, "breaking"),
    ("type-widened", "response", {"type": "integer"}, {"type": "number"}, "breaking"),
    ("range-narrowed", "request", {"type": "integer", "maximum": 10}, {"type": "integer", "maximum": 5}, "breaking"),
    ("length-narrowed", "request", {"type": "string", "maxLength": 9}, {"type": "string", "maxLength": 3}, "breaking"),
    ("nullable-added", "response", {"type": "string"}, {"type": ["string", "null"]}, "breaking"),
    ("max-occurs-reduced", "request", {"type": "object", "properties": {"l": {"type": "array", "items": {"type": "string"}}}},
     {"type": "object", "properties": {"l": {"type": "array", "maxItems": 1, "items": {"type": "string"}}}}, "breaking"),
    ("extension-point-removed", "request", {"type": "object", "properties": {"a": {"type": "string"}}},
     {"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": False}, "breaking"),
]  # fmt: skip


@pytest.mark.parametrize("case", JSON_CASES, ids=[c[0] for c in JSON_CASES])
def test_json_rule_triggers(tmp_path: Path, case: tuple) -> None:
    rule_id, direction, old, new, verdict = case
    rep = diff_files(jschema(tmp_path, "o", old), jschema(tmp_path, "n", new), direction=direction)
    hits = rep.by_rule(rule_id)
    assert hits and hits[0].verdict == verdict, [f.rule for f in rep.findings]
    if verdict == "breaking":
        assert hits[0].witness and "jsonschema" in hits[0].witness_note
    same = diff_files(jschema(tmp_path, "o2", old), jschema(tmp_path, "n2", old), direction=direction)
    assert not same.findings


def test_json_response_field_added_is_compatible_for_open_objects(tmp_path: Path) -> None:
    new = {**OBJ, "properties": {**OBJ["properties"], "b": {"type": "string"}}}
    rep = diff_files(jschema(tmp_path, "o", OBJ), jschema(tmp_path, "n", new), reader="strict")
    assert [f.verdict for f in rep.by_rule("response-field-added")] == ["compatible"]
