"""The diff engine on public standard schemas that are not ours (issue 5: "it must hold on large
real-world schemas with deep imports").

For each schema set: A vs a copy of A gives no finding; A vs A' for four semantics-preserving
refactors done by program (rename every named type, reverse global declarations, inline types used
once, move half of a sequence into an extension base / allOf base) gives no finding, both ways; A vs
a targeted mutation (remove a required element, optional to required, narrow maxLength) gives
exactly the rule meant, at the mutated name. Sets: fixtures/real-world (see PROVENANCE.md) and the
schemas bundled in xmlschema and jsonschema-specifications (project dependencies). More by hand:
LEFI_REAL_WORLD_SCHEMAS=/path/UBL-Invoice-2.1.xsd:/path/api.github.com.json pytest tests/compat/test_real_world.py
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from lefi_contracts.cli import main

from .refactor_tools import check_json_doc, check_xsd_set

HERE = Path(__file__).parent / "fixtures" / "real-world"


def _package_dir(module: str) -> Path | None:
    try:
        mod = __import__(module)
    except ImportError:
        return None
    return Path(mod.__file__).parent


XMLSCHEMA = _package_dir("xmlschema")
JSONSPECS = _package_dir("jsonschema_specifications")

# (id, entry file or None when the package is absent, refactors that must apply, mutations that must apply)
SETS: list[tuple[str, Path | None, set[str], set[str]]] = [
    ("saml-protocol", HERE / "saml" / "saml-schema-protocol-2.0.xsd",
     {"rename", "reorder", "inline", "extension-base"}, {"remove-element", "optional-to-required"}),
    ("iso20022-pain.001", HERE / "iso20022" / "pain.001.001.09.xsd",
     {"rename", "reorder", "inline", "extension-base"}, {"remove-element", "optional-to-required", "narrow-maxLength"}),
    ("factur-x-cii", HERE / "factur-x" / "Factur-X_EXTENDED.xsd",
     {"rename", "reorder", "inline", "extension-base"}, {"remove-element", "optional-to-required"}),
    ("openapi-star-trek", HERE / "openapi" / "star-trek.json",
     {"rename", "reorder", "inline", "extension-base"}, {"remove-required-property", "optional-to-required"}),
    ("openapi-3.1-train-travel", HERE / "openapi" / "train-travel.json",
     {"rename", "reorder", "inline", "extension-base"}, {"remove-required-property", "optional-to-required"}),
    ("asyncapi-3.0-metaschema", HERE / "asyncapi" / "asyncapi-3.0.0.json",
     {"rename", "reorder", "inline"}, {"remove-required-property", "optional-to-required"}),
    ("xsd-1.0-metaschema", XMLSCHEMA and XMLSCHEMA / "schemas" / "XSD_1.0" / "XMLSchema.xsd",
     {"reorder", "inline"}, {"remove-element", "optional-to-required"}),
    ("xsd-1.1-metaschema", XMLSCHEMA and XMLSCHEMA / "schemas" / "XSD_1.1" / "XMLSchema.xsd",
     {"reorder", "inline"}, {"optional-to-required"}),
    ("xml-enc+dsig", XMLSCHEMA and XMLSCHEMA / "schemas" / "XENC" / "xenc-schema.xsd",
     {"rename", "reorder", "inline", "extension-base"}, {"remove-element", "optional-to-required"}),
    ("xhtml1-strict", XMLSCHEMA and XMLSCHEMA / "schemas" / "XHTML" / "xhtml1-strict.xsd",
     {"rename", "reorder", "inline"}, {"remove-element", "optional-to-required"}),
    ("wsdl-1.1", XMLSCHEMA and XMLSCHEMA / "schemas" / "WSDL" / "wsdl.xsd",
     {"rename", "reorder", "inline"}, {"optional-to-required"}),
    ("json-schema-draft7", JSONSPECS and JSONSPECS / "schemas" / "draft7" / "metaschema.json",
     {"rename", "reorder"}, set()),
]  # fmt: skip
EXTRA = [Path(p) for p in os.environ.get("LEFI_REAL_WORLD_SCHEMAS", "").split(":") if p]


def _run(entry: Path, tmp: Path) -> dict[str, Any]:
    return check_xsd_set(entry, tmp) if entry.suffix == ".xsd" else check_json_doc(entry, tmp)


def _assert_holds(result: dict[str, Any], refactors: set[str], mutations: set[str]) -> None:
    assert result["identity"] == [], f"identity diff gave findings: {result['identity']}"
    applied = set()
    for name in ("rename", "reorder", "inline", "extension-base"):
        outcome = result[name]
        if outcome == "n/a":
            continue
        changed, findings = outcome
        applied.add(name)
        assert findings == [], f"false alarm after refactor {name} ({changed} changes): {findings[:5]}"
    assert refactors <= applied, f"refactors that did not apply: {refactors - applied}"
    hit = set()
    for name in ("remove-element", "remove-required-property", "optional-to-required", "narrow-maxLength"):
        outcome = result.get(name, "n/a")
        if outcome == "n/a":
            continue
        target, rule, findings = outcome
        hit.add(name)
        assert findings, f"mutation {name} of {target} went unnoticed"
        where = "" if target.startswith("type ") else "/" + target  # a type is reported at its users
        wrong = [(r, p) for r, p in findings if r != rule or not (p or "").endswith(where)]
        assert wrong == [], f"mutation {name} of {target}: expected only {rule}, got {wrong[:5]}"
    assert mutations <= hit, f"mutations that did not apply: {mutations - hit}"


@pytest.mark.parametrize(("entry", "refactors", "mutations"),
                         [pytest.param(e, r, m, id=i) for i, e, r, m in SETS])  # fmt: skip
def test_real_world_schema_holds(entry: Path | None, refactors: set[str], mutations: set[str],
                                 tmp_path: Path) -> None:  # fmt: skip
    if entry is None or not entry.is_file():
        pytest.skip(f"schema not on this machine: {entry}")
    _assert_holds(_run(entry, tmp_path), refactors, mutations)


@pytest.mark.parametrize("entry", EXTRA, ids=[p.name for p in EXTRA])
def test_extra_schema_from_environment_holds(entry: Path, tmp_path: Path) -> None:
    if not entry.is_file():
        pytest.skip(f"LEFI_REAL_WORLD_SCHEMAS names a missing file: {entry}")
    _assert_holds(_run(entry, tmp_path), set(), set())


def test_cli_diff_of_a_real_world_set_against_itself(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Through the CLI, JSON output: zero findings, exit 0, the skipped constructs listed as notes."""
    import json
    import shutil

    copy = tmp_path / "factur-x"
    shutil.copytree(HERE / "factur-x", copy)
    code = main(["diff", str(HERE / "factur-x" / "Factur-X_EXTENDED.xsd"), str(copy / "Factur-X_EXTENDED.xsd"),
                 "--format", "json", "--fail-on", "potential"])  # fmt: skip
    out = capsys.readouterr()
    assert code == 0 and "Traceback" not in out.err
    report = json.loads(out.out)  # one report: one document
    assert report["findings"] == []


def test_unresolvable_imports_are_notes_and_broken_files_one_line_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing or remote import is a note (never fetched); an unparsable include is a note; no traceback."""
    xs = 'xmlns:xs="http://www.w3.org/2001/XMLSchema"'
    (tmp_path / "a.xsd").write_text(
        f'<xs:schema {xs} targetNamespace="urn:a" xmlns="urn:a" xmlns:b="urn:b" elementFormDefault="qualified">'
        '<xs:import namespace="urn:b" schemaLocation="missing/b.xsd"/>'
        '<xs:import namespace="urn:q" schemaLocation="http://example.invalid/q.xsd"/>'
        '<xs:element name="doc"><xs:complexType><xs:sequence><xs:element name="x" type="xs:string"/>'
        '<xs:element name="y" type="b:T"/></xs:sequence></xs:complexType></xs:element></xs:schema>'
    )
    (tmp_path / "broken.xsd").write_text(f"<xs:schema {xs}><oops")
    (tmp_path / "c.xsd").write_text(
        f'<xs:schema {xs}><xs:include schemaLocation="broken.xsd"/><xs:element name="d" type="xs:string"/></xs:schema>'
    )
    for name in ("a.xsd", "c.xsd"):
        code = main(["diff", str(tmp_path / name), str(tmp_path / name)])
        out = capsys.readouterr()
        assert code == 0 and "Traceback" not in out.err, out.err
        assert "not compared" in out.out
    main(["diff", str(tmp_path / "a.xsd"), str(tmp_path / "a.xsd")])
    text = capsys.readouterr().out
    assert "Import of namespace 'urn:b' failed" in text and "remote resource" in text
    code = main(["diff", str(tmp_path / "broken.xsd"), str(tmp_path / "broken.xsd")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "broken.xsd" in err and "Traceback" not in err


def test_json_maps_are_compared_through_their_values(tmp_path: Path) -> None:
    """additionalProperties schemas (maps, everywhere in real APIs) are compared, not skipped."""
    from .helpers import diff_files, jschema

    def doc(value_type: str) -> dict[str, Any]:
        return {"type": "object", "properties": {"labels": {"type": "object", "additionalProperties": {
            "type": "object", "properties": {"v": {"type": value_type}}, "required": ["v"]}}}}  # fmt: skip

    same = diff_files(jschema(tmp_path, "a", doc("string")), jschema(tmp_path, "b", doc("string")))
    assert same.findings == []
    changed = diff_files(jschema(tmp_path, "c", doc("string")), jschema(tmp_path, "d", doc("boolean")))
    [f] = changed.findings
    assert f.rule == "type-changed" and f.new_path.endswith("$/labels/{*}/v")
