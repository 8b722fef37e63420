"""Tiny old/new schema builders for the rule tests: every pair is a real XSD or JSON Schema file."""

from __future__ import annotations

import json
from pathlib import Path

from lefi_contracts.compat import diff_models, load_contract_model

XS = 'xmlns:xs="http://www.w3.org/2001/XMLSchema"'


def xsd(tmp: Path, name: str, body: str, ns: str = "urn:t", extra: str = "") -> Path:
    p = tmp / f"{name}.xsd"
    p.write_text(
        f'<xs:schema {XS} targetNamespace="{ns}" xmlns="{ns}" elementFormDefault="qualified">'
        f"{extra}{body}</xs:schema>",
        encoding="utf-8",
    )
    return p


def root(content: str, attrs: str = "") -> str:
    """A global element r with a sequence of `content`."""
    return f'<xs:element name="r"><xs:complexType><xs:sequence>{content}</xs:sequence>{attrs}</xs:complexType></xs:element>'


def simple(restriction: str, base: str = "xs:string") -> str:
    return root(f'<xs:element name="v"><xs:simpleType><xs:restriction base="{base}">{restriction}'
                "</xs:restriction></xs:simpleType></xs:element>")  # fmt: skip


def jschema(tmp: Path, name: str, schema: dict) -> Path:
    p = tmp / f"{name}.json"
    p.write_text(
        json.dumps({"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}), encoding="utf-8"
    )
    return p


def diff_files(old: Path, new: Path, *, direction: str = "response", reader: str = "strict", **kw):
    om = load_contract_model(old, direction=direction)
    nm = load_contract_model(new, direction=direction)
    return diff_models(om, nm, reader=reader, samples=kw.pop("samples", 0), **kw)
