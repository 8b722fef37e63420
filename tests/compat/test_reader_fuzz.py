"""The readers never raise: Hypothesis-generated JSON Schemas and XSD fragments end in 0, 1 or 2, never a
traceback; a JSON Schema its meta-schema rejects, and XML that is not well formed, are exit 2 with one line.

Small example counts here; the `heavy` variants run many more.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lefi_contracts.cli import main
from lefi_contracts.compat.keywords import SCHEMA_KEYWORDS

_FAST = settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
_HEAVY = settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 5),
    st.floats(-2, 2, allow_nan=False),
    st.text("ab(^$", max_size=3),
    st.sampled_from(["string", "int", "object", "array", "number", "null", "integer", "#/$defs/x", "#"]),
)
_keys = st.sampled_from([*sorted(SCHEMA_KEYWORDS), "x-foo", "properties", "items", "type", "required"])


def _schemas() -> st.SearchStrategy[Any]:
    return st.recursive(
        st.one_of(_scalars, st.just({})),
        lambda inner: st.one_of(
            st.dictionaries(_keys, inner, max_size=4),
            st.lists(inner, max_size=3),
            st.dictionaries(st.sampled_from(["a", "b"]), inner, max_size=2).map(lambda d: {"properties": d}),
        ),
        max_leaves=12,
    )


def _json_case(tmp: Path, old: Any, new: Any) -> tuple[int, str, bool]:
    invalid = False
    for name, body in (("o", old), ("n", new)):
        doc = (
            {"$schema": "https://json-schema.org/draft/2020-12/schema", **body}
            if isinstance(body, dict)
            else body
        )
        (tmp / f"{name}.json").write_text(json.dumps(doc), encoding="utf-8")
        try:
            jsonschema.Draft202012Validator.check_schema(doc)
        except jsonschema.SchemaError:
            invalid = True
    return main(["diff", str(tmp / "o.json"), str(tmp / "n.json"), "--format", "json"]), "", invalid


def _check_json(tmp: Path, old: Any, new: Any, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, invalid = _json_case(tmp, old, new)
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    assert code in (0, 1, 2), code
    if invalid or not isinstance(old, dict | bool) or not isinstance(new, dict | bool):
        assert code == 2, (old, new, out.out[-400:])
    if code == 2:
        lines = out.err.strip().splitlines()
        assert len(lines) == 1 and str(tmp) in lines[0], out.err


@given(old=_schemas(), new=_schemas())
@_FAST
def test_generated_json_schemas_never_raise(
    old: Any, new: Any, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    _check_json(tmp_path_factory.mktemp("js"), old, new, capsys)


@pytest.mark.heavy
@given(old=_schemas(), new=_schemas())
@_HEAVY
def test_generated_json_schemas_never_raise_heavy(
    old: Any, new: Any, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    _check_json(tmp_path_factory.mktemp("js"), old, new, capsys)


XS = 'xmlns:xs="http://www.w3.org/2001/XMLSchema"'
_types = st.sampled_from(
    ["xs:string", "xs:int", "xs:decimal", "xs:date", "xs:boolean", "xs:nope", "T", "xs:anyType"]
)
_facets = st.sampled_from(
    ["maxLength", "minLength", "pattern", "enumeration", "totalDigits", "minInclusive", "length"]
)
_values = st.sampled_from(["1", "0", "-1", "abc", "[a-", "5", ""])


@st.composite
def _particle(draw: st.DrawFn, depth: int = 0) -> str:
    name = draw(st.sampled_from(["a", "b", "c", "1bad"]))
    occurs = draw(
        st.sampled_from(["", ' minOccurs="0"', ' maxOccurs="unbounded"', ' maxOccurs="0"', ' minOccurs="x"'])
    )
    kind = draw(st.integers(0, 5 if depth < 2 else 2))
    if kind == 0:
        return f'<xs:element name="{name}" type="{draw(_types)}"{occurs}/>'
    if kind == 1:
        facet = f'<xs:{draw(_facets)} value="{draw(_values)}"/>'
        return (
            f'<xs:element name="{name}"{occurs}><xs:simpleType><xs:restriction base="{draw(_types)}">{facet}'
            "</xs:restriction></xs:simpleType></xs:element>"
        )
    if kind == 2:
        ns = draw(st.sampled_from(["##any", "##other", "##local", "urn:x"]))
        pc = draw(st.sampled_from(["strict", "lax", "skip", "bogus"]))
        return f'<xs:any namespace="{ns}" processContents="{pc}"{occurs}/>'
    group = draw(st.sampled_from(["sequence", "choice", "all"]))
    inner = "".join(draw(st.lists(_particle(depth + 1), min_size=1, max_size=3)))
    attr = draw(
        st.sampled_from(["", '<xs:attribute name="id" type="xs:ID" use="required"/>', "<xs:anyAttribute/>"])
    )
    return f'<xs:element name="{name}"{occurs}><xs:complexType><xs:{group}>{inner}</xs:{group}>{attr}</xs:complexType></xs:element>'


@st.composite
def _xsd(draw: st.DrawFn) -> str:
    body = "".join(draw(st.lists(_particle(), min_size=1, max_size=3)))
    named = '<xs:complexType name="T"><xs:sequence><xs:element name="t" type="xs:string"/></xs:sequence></xs:complexType>'
    text = f'<xs:schema {XS} targetNamespace="urn:f" xmlns="urn:f" elementFormDefault="qualified">{named}{body}</xs:schema>'
    cut = draw(st.sampled_from([None, None, None, -7, -20]))  # sometimes not even well-formed XML
    return text if cut is None else text[:cut]


def _check_xsd(tmp: Path, old: str, new: str, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp / "o.xsd").write_text(old, encoding="utf-8")
    (tmp / "n.xsd").write_text(new, encoding="utf-8")
    code = main(["diff", str(tmp / "o.xsd"), str(tmp / "n.xsd"), "--mode", "full", "--reader", "strict"])
    out = capsys.readouterr()
    assert "Traceback" not in out.err and code in (0, 1, 2), out.err
    if not (old.endswith("</xs:schema>") and new.endswith("</xs:schema>")):
        assert code == 2, out.out[-300:]
    if code == 2:
        lines = out.err.strip().splitlines()
        assert len(lines) == 1 and str(tmp) in lines[0], out.err


@given(old=_xsd(), new=_xsd())
@settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_generated_xsd_fragments_never_raise(
    old: str, new: str, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    _check_xsd(tmp_path_factory.mktemp("xsd"), old, new, capsys)


@pytest.mark.heavy
@given(old=_xsd(), new=_xsd())
@_HEAVY
def test_generated_xsd_fragments_never_raise_heavy(
    old: str, new: str, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    _check_xsd(tmp_path_factory.mktemp("xsd"), old, new, capsys)


def test_invalid_type_is_exit_2_naming_file_and_pointer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "o.json").write_text(json.dumps({"type": "object", "properties": {"n": {"type": "int"}}}))
    assert main(["diff", str(tmp_path / "o.json"), str(tmp_path / "o.json")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "o.json" in err and "#/properties/n/type" in err
