"""Every keyword compared or named: the keyword lists against the meta-schemas, and a table of the keywords
that used to pass without a word (each change must fail `--fail-on potential`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from lefi_contracts.cli import main
from lefi_contracts.compat.keywords import OPENAPI_FIELDS, SCHEMA_KEYWORDS

DOCS = Path(__file__).resolve().parents[2] / "docs" / "compat-rules.md"


def _property_names(node: Any, out: set[str]) -> set[str]:
    if isinstance(node, dict):
        if isinstance(node.get("properties"), dict):
            out.update(node["properties"])
        for v in node.values():
            _property_names(v, out)
    elif isinstance(node, list):
        for v in node:
            _property_names(v, out)
    return out


def _json_schema_meta_keywords() -> set[str]:
    import jsonschema_specifications

    base = Path(jsonschema_specifications.__file__).parent / "schemas"
    found: set[str] = set()
    for draft in ("draft4", "draft6", "draft7", "draft201909", "draft202012"):
        files = [p for p in (base / draft).rglob("*") if p.is_file()]
        assert files, draft
        for p in files:
            _property_names(json.loads(p.read_text(encoding="utf-8")), found)
    return found


def _openapi_meta_fields() -> set[str]:
    from schemathesis.specs.openapi import definitions

    found: set[str] = set()
    for name in ("OPENAPI_30", "OPENAPI_31"):
        _property_names(getattr(definitions, name), found)
    return found


def test_every_json_schema_keyword_is_listed() -> None:
    missing = _json_schema_meta_keywords() - set(SCHEMA_KEYWORDS)
    assert not missing, f"keywords of the meta-schemas in no list: {sorted(missing)}"
    for draft_2020_only in ("prefixItems", "$dynamicRef", "unevaluatedProperties", "dependentRequired"):
        assert draft_2020_only in SCHEMA_KEYWORDS


def test_every_openapi_field_is_listed() -> None:
    listed = set(SCHEMA_KEYWORDS) | {f for fields in OPENAPI_FIELDS.values() for f in fields}
    missing = _openapi_meta_fields() - listed
    assert not missing, f"OpenAPI fields in no list: {sorted(missing)}"


def test_docs_list_every_keyword() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for kw in SCHEMA_KEYWORDS:
        assert f"`{kw}`" in text, kw
    for fields in OPENAPI_FIELDS.values():
        for f in fields:
            assert f"`{f}`" in text, f


OBJ = {"type": "object"}
S = {"type": "string"}

# (keyword, old schema, new schema, rule expected among the findings)
SCHEMA_TABLE = [
    (
        "contains",
        {"type": "array", "contains": S},
        {"type": "array", "contains": {"type": "integer"}},
        "keyword-not-compared",
    ),
    (
        "minContains",
        {"type": "array", "contains": S, "minContains": 1},
        {"type": "array", "contains": S, "minContains": 2},
        "keyword-not-compared",
    ),
    (
        "maxContains",
        {"type": "array", "contains": S},
        {"type": "array", "contains": S, "maxContains": 1},
        "keyword-not-compared",
    ),
    (
        "prefixItems",
        {"type": "array", "prefixItems": [S]},
        {"type": "array", "prefixItems": [{"type": "integer"}]},
        "keyword-not-compared",
    ),
    ("propertyNames", OBJ, {**OBJ, "propertyNames": {"maxLength": 3}}, "keyword-not-compared"),
    (
        "unevaluatedItems",
        {"type": "array"},
        {"type": "array", "unevaluatedItems": False},
        "keyword-not-compared",
    ),
    ("unevaluatedProperties", OBJ, {**OBJ, "unevaluatedProperties": False}, "keyword-not-compared"),
    ("dependentRequired", OBJ, {**OBJ, "dependentRequired": {"a": ["b"]}}, "keyword-not-compared"),
    ("minProperties", OBJ, {**OBJ, "minProperties": 2}, "property-count-narrowed"),
    ("maxProperties", {**OBJ, "maxProperties": 1}, OBJ, "property-count-widened"),
    ("contentMediaType", S, {**S, "contentMediaType": "application/json"}, "keyword-not-compared"),
    ("contentEncoding", S, {**S, "contentEncoding": "base64"}, "keyword-not-compared"),
    (
        "contentSchema",
        {**S, "contentMediaType": "application/json"},
        {**S, "contentMediaType": "application/json", "contentSchema": OBJ},
        "keyword-not-compared",
    ),
    (
        "x-extensible-enum",
        {**S, "x-extensible-enum": ["A", "B"]},
        {**S, "x-extensible-enum": ["A"]},
        "keyword-not-compared",
    ),
    (
        "if/then/else",
        OBJ,
        {**OBJ, "if": {"required": ["a"]}, "then": {"required": ["b"]}},
        "keyword-not-compared",
    ),
    (
        "dependentSchemas",
        OBJ,
        {**OBJ, "dependentSchemas": {"a": {"required": ["b"]}}},
        "keyword-not-compared",
    ),
    (
        "patternProperties",
        OBJ,
        {**OBJ, "patternProperties": {"^x": {"type": "integer"}}},
        "keyword-not-compared",
    ),
    ("not", S, {**S, "not": {"const": "x"}}, "keyword-not-compared"),
    (
        "multipleOf",
        {"type": "number", "multipleOf": 1},
        {"type": "number", "multipleOf": 0.5},
        "keyword-not-compared",
    ),
    (
        "uniqueItems",
        {"type": "array", "items": S},
        {"type": "array", "items": S, "uniqueItems": True},
        "unique-items-added",
    ),
    (
        "oneOf mixing objects and scalars",
        {"oneOf": [OBJ, S]},
        {"oneOf": [OBJ, {"type": "integer"}]},
        "type-changed",
    ),
    (
        "allOf of disjoint types",
        {"type": "number"},
        {"allOf": [{"type": "number"}, S]},
        "schema-unsatisfiable",
    ),
]

DRAFT4 = "http://json-schema.org/draft-04/schema#"
DRAFT4_TABLE = [
    (
        "dependencies",
        {**OBJ, "dependencies": {"a": ["b"]}},
        {**OBJ, "dependencies": {"a": ["c"]}},
        "keyword-not-compared",
    ),
    (
        "additionalItems",
        {"type": "array", "items": [S], "additionalItems": True},
        {"type": "array", "items": [S], "additionalItems": False},
        "keyword-not-compared",
    ),
    (
        "tuple items",
        {"type": "array", "items": [S]},
        {"type": "array", "items": [{"type": "integer"}]},
        "keyword-not-compared",
    ),
]


def _diff(tmp: Path, old: dict, new: dict, schema: str, *extra: str) -> tuple[int, dict]:
    for name, body in (("o", old), ("n", new)):
        (tmp / f"{name}.json").write_text(json.dumps({"$schema": schema, **body}), encoding="utf-8")
    args = ["diff", str(tmp / "o.json"), str(tmp / "n.json"), "--format", "json", *extra]
    return main(args), {}


@pytest.mark.parametrize("mode", ["backward", "forward"])
@pytest.mark.parametrize(
    "case",
    [(*c, "https://json-schema.org/draft/2020-12/schema") for c in SCHEMA_TABLE]
    + [(*c, DRAFT4) for c in DRAFT4_TABLE],
    ids=[c[0] for c in SCHEMA_TABLE + DRAFT4_TABLE],
)
def test_every_keyword_is_compared_or_fails_potential(
    case: tuple, mode: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    keyword, old, new, rule, schema = case
    code, _ = _diff(
        tmp_path, old, new, schema, "--fail-on", "potential", "--mode", mode, "--reader", "strict"
    )
    doc = json.loads(capsys.readouterr().out)
    rules = {f["rule"] for f in doc["findings"]}
    if rule == "keyword-not-compared":
        assert rule in rules, (keyword, rules)
        named = [f for f in doc["findings"] if f["rule"] == rule]
        assert all(f["old_path"] or f["new_path"] for f in named)  # reported at its path
    else:
        assert rules, keyword  # a compared keyword: a finding in at least one direction
    if any(f["verdict"] != "compatible" for f in doc["findings"]):
        assert code == 1, (keyword, mode, doc["findings"])


def test_unchanged_uncompared_keywords_do_not_alarm(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Not compared means "a change is not judged", not "its presence alarms": an unchanged `if` is held."""
    schema = {**OBJ, "if": {"required": ["a"]}, "then": {"required": ["b"]}, "multipleOf": 2}
    code, _ = _diff(
        tmp_path, schema, schema, "https://json-schema.org/draft/2020-12/schema", "--fail-on", "potential"
    )
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and doc["findings"] == []
    assert any("if not compared" in n for n in doc["notes"])


def _openapi(tmp: Path, name: str, doc: dict) -> Path:
    p = tmp / f"{name}.yaml"
    p.write_text(yaml.safe_dump({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, **doc}))
    return p


def test_webhooks_change_fails_potential(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hook = {
        "post": {
            "requestBody": {"content": {"application/json": {"schema": OBJ}}},
            "responses": {"200": {"description": "ok"}},
        }
    }
    old = _openapi(tmp_path, "o", {"webhooks": {"created": hook}})
    new = _openapi(tmp_path, "n", {"webhooks": {}})
    assert main(["diff", str(old), str(new), "--fail-on", "potential", "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert [f["old_path"] for f in doc["findings"] if f["rule"] == "keyword-not-compared"] == ["webhooks"]


def _body_op(schema: dict) -> dict:
    return {
        "paths": {
            "/r": {
                "post": {
                    "requestBody": {"required": True, "content": {"application/json": {"schema": schema}}},
                    "responses": {
                        "200": {"description": "ok", "content": {"application/json": {"schema": schema}}}
                    },
                }
            }
        }
    }


def test_new_required_read_only_property_is_not_a_request_break(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = _openapi(tmp_path, "o", _body_op({"type": "object", "properties": {"a": S}}))
    new = _openapi(
        tmp_path,
        "n",
        _body_op(
            {"type": "object", "properties": {"a": S, "id": {**S, "readOnly": True}}, "required": ["id"]}
        ),
    )
    code = main(["diff", str(old), str(new), "--reader", "tolerant", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    request = [f for f in doc["findings"] if f["direction"] == "request" and f["verdict"] != "compatible"]
    assert code == 0 and request == [], doc["findings"]


def test_security_and_servers_changes_are_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    op = _body_op(OBJ)
    old = _openapi(tmp_path, "o", {**op, "security": [{"key": []}]})
    new = _openapi(tmp_path, "n", {**op, "security": [{"oauth": ["read"]}]})
    assert main(["diff", str(old), str(new), "--fail-on", "potential", "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert any(f["rule"] == "keyword-not-compared" and f["old_path"] == "security" for f in doc["findings"])
