"""The XSD constructs issue 14 names, each compared (or named): identity constraints, xs:redefine /
xs:override, chameleon includes, nillable, fixed/default values, xs:any namespace and processContents."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import XS, diff_files, jschema, root, xsd

E = '<xs:element name="{}" type="xs:string"{}/>'


def el(name: str, extra: str = "") -> str:
    return E.format(name, extra)


def keyed(ident: str = "") -> str:
    many = el("a", ' maxOccurs="unbounded"')
    return f'<xs:element name="r"><xs:complexType><xs:sequence>{many}</xs:sequence></xs:complexType>{ident}</xs:element>'


KEY = '<xs:key name="k"><xs:selector xpath="a"/><xs:field xpath="."/></xs:key>'
UNIQUE = '<xs:unique name="k"><xs:selector xpath="a"/><xs:field xpath="."/></xs:unique>'


def wild(ns: str = "##any", pc: str = "strict") -> str:
    return root(el("a") + f'<xs:any namespace="{ns}" processContents="{pc}" minOccurs="0"/>')


ANY_ATTR = root(el("a"), "<xs:anyAttribute/>")

# (rule, direction, reader, old body, new body, expected verdict)
XSD_CONSTRUCT_CASES = [
    ("identity-constraint-added", "request", "strict", keyed(), keyed(KEY), "breaking"),
    ("identity-constraint-added", "response", "strict", keyed(), keyed(KEY), "compatible"),
    ("identity-constraint-removed", "response", "strict", keyed(KEY), keyed(), "breaking"),
    ("identity-constraint-removed", "response", "tolerant", keyed(KEY), keyed(), "potentially breaking"),
    (
        "identity-constraint-added",
        "request",
        "strict",
        keyed(UNIQUE),
        keyed(KEY),
        "breaking",
    ),  # unique -> key
    ("wildcard-narrowed", "request", "strict", wild("##any"), wild("##other"), "breaking"),
    ("wildcard-narrowed", "request", "strict", wild(pc="lax"), wild(pc="strict"), "breaking"),
    ("wildcard-widened", "response", "strict", wild(pc="strict"), wild(pc="skip"), "breaking"),
    ("wildcard-widened", "response", "tolerant", wild("urn:a"), wild("##any"), "compatible"),
    ("wildcard-changed", "request", "strict", wild("urn:a"), wild("urn:b"), "breaking"),
    ("wildcard-widened", "response", "strict", root(el("a")), ANY_ATTR, "breaking"),
    ("wildcard-narrowed", "request", "strict", ANY_ATTR, root(el("a")), "breaking"),
    ("nullable-added", "response", "strict", root(el("a")), root(el("a", ' nillable="true"')), "breaking"),
    ("nullable-removed", "request", "strict", root(el("a", ' nillable="true"')), root(el("a")), "breaking"),
    (
        "fixed-changed",
        "response",
        "tolerant",
        root(el("a", ' fixed="X"')),
        root(el("a", ' fixed="Y"')),
        "breaking",
    ),
    (
        "default-changed",
        "request",
        "strict",
        root(el("a", ' default="X" minOccurs="0"')),
        root(el("a", ' default="Y" minOccurs="0"')),
        "potentially breaking",
    ),
]


@pytest.mark.parametrize(
    "case", XSD_CONSTRUCT_CASES, ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in XSD_CONSTRUCT_CASES]
)
def test_xsd_construct(case: tuple, tmp_path: Path) -> None:
    rule, direction, reader, old, new, verdict = case
    rep = diff_files(xsd(tmp_path, "o", old), xsd(tmp_path, "n", new), direction=direction, reader=reader)
    hits = rep.by_rule(rule)
    assert hits, [(f.rule, f.verdict) for f in rep.findings]
    assert hits[0].verdict == verdict, [(f.rule, f.verdict, f.note) for f in rep.findings]
    for f in rep.findings:
        if f.verdict == "breaking":
            assert f.witness or f.witness_note


def test_unchanged_wildcards_and_keys_are_quiet(tmp_path: Path) -> None:
    for body in (keyed(KEY), wild("##other", "lax"), ANY_ATTR):
        assert (
            diff_files(xsd(tmp_path, "o", body), xsd(tmp_path, "n", body), direction="request").findings == []
        )


def _redefined(tmp: Path, name: str, max_length: int, tag: str = "redefine") -> Path:
    (tmp / f"{name}-base.xsd").write_text(
        f'<xs:schema {XS} targetNamespace="urn:t" xmlns="urn:t" elementFormDefault="qualified">'
        '<xs:simpleType name="Code"><xs:restriction base="xs:string"/></xs:simpleType>'
        '<xs:element name="r"><xs:complexType><xs:sequence><xs:element name="c" type="Code"/></xs:sequence>'
        "</xs:complexType></xs:element></xs:schema>"
    )
    body = (
        (
            f'<xs:simpleType name="Code"><xs:restriction base="Code"><xs:maxLength value="{max_length}"/>'
            "</xs:restriction></xs:simpleType>"
        )
        if tag == "redefine"
        else (
            f'<xs:simpleType name="Code"><xs:restriction base="xs:string"><xs:maxLength value="{max_length}"/>'
            "</xs:restriction></xs:simpleType>"
        )
    )
    version = (
        ' xmlns:vc="http://www.w3.org/2007/XMLSchema-versioning" vc:minVersion="1.1"'
        if tag == "override"
        else ""
    )
    p = tmp / f"{name}.xsd"
    p.write_text(
        f'<xs:schema {XS} targetNamespace="urn:t" xmlns="urn:t" elementFormDefault="qualified"{version}>'
        f'<xs:{tag} schemaLocation="{name}-base.xsd">{body}</xs:{tag}></xs:schema>'
    )
    return p


@pytest.mark.parametrize("tag", ["redefine", "override"])
def test_redefine_and_override_are_compared_as_resolved(tag: str, tmp_path: Path) -> None:
    rep = diff_files(
        _redefined(tmp_path, "o", 10, tag), _redefined(tmp_path, "n", 5, tag), direction="request"
    )
    assert [f.rule for f in rep.findings] == ["length-narrowed"], [(f.rule, f.old_path) for f in rep.findings]


def test_chameleon_include_takes_the_including_namespace(tmp_path: Path) -> None:
    def chameleon(name: str, inner: str) -> Path:
        (tmp_path / f"{name}-part.xsd").write_text(
            f'<xs:schema {XS} elementFormDefault="qualified"><xs:complexType name="P"><xs:sequence>{inner}'
            "</xs:sequence></xs:complexType></xs:schema>"
        )
        p = tmp_path / f"{name}.xsd"
        p.write_text(
            f'<xs:schema {XS} targetNamespace="urn:t" xmlns="urn:t" elementFormDefault="qualified">'
            f'<xs:include schemaLocation="{name}-part.xsd"/><xs:element name="r" type="P"/></xs:schema>'
        )
        return p

    rep = diff_files(chameleon("o", el("a") + el("b")), chameleon("n", el("a")), direction="response")
    [f] = rep.findings
    assert f.rule == "response-field-removed" and f.old_path.endswith("/r/b") and f.witness
    assert "urn:t" in f.witness  # the chameleon's components live in the including namespace


def test_unique_items_dropped_is_a_response_widening(tmp_path: Path) -> None:
    arr = {"type": "array", "items": {"type": "string"}}
    rep = diff_files(jschema(tmp_path, "o", {**arr, "uniqueItems": True}), jschema(tmp_path, "n", arr))
    [f] = rep.by_rule("unique-items-removed")
    assert f.verdict == "breaking" and (f.witness or f.witness_note)
