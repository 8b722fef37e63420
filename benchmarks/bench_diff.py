"""Benchmark: time to read and diff two generated schemas of 50-400 KB (figures only, no assertions).

Each schema has N named complex types referencing each other (a deep, shared graph, with a
recursive type), facets, enums and attributes; the "new" one carries a handful of changes.
Reading an XSD: the fast path (libxml2 vouches for the schema, xmlschema builds it without
re-validating the schema documents against the meta-schema) against the careful path that every
schema took before (xmlschema strict: ~85% of its time is that meta-schema validation).
Run: .venv/bin/python benchmarks/bench_diff.py
"""

from __future__ import annotations

import json
import resource
import tempfile
import time
from pathlib import Path

from lefi_contracts.compat import diff_models
from lefi_contracts.compat.openapi_reader import read_openapi
from lefi_contracts.compat.xsd_reader import read_xsd


def make_xsd(n_types: int, changed: bool) -> str:
    parts = ['<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:bench" '
             'xmlns="urn:bench" elementFormDefault="qualified">',
             '<xs:element name="root" type="T0"/>',
             '<xs:simpleType name="Code"><xs:restriction base="xs:string">'
             + "".join(f'<xs:enumeration value="C{i}"/>' for i in range(20 + (1 if changed else 0)))
             + "</xs:restriction></xs:simpleType>"]  # fmt: skip
    for i in range(n_types):
        kids = [f'<xs:element name="id{i}" type="xs:string"/>',
                f'<xs:element name="code{i}" type="Code" minOccurs="0"/>',
                f'<xs:element name="amount{i}" minOccurs="0"><xs:simpleType><xs:restriction base="xs:decimal">'
                f'<xs:totalDigits value="{12 if not (changed and i % 97 == 5) else 10}"/></xs:restriction></xs:simpleType></xs:element>',
                f'<xs:element name="text{i}" minOccurs="0"><xs:simpleType><xs:restriction base="xs:string">'
                f'<xs:maxLength value="80"/><xs:pattern value="[A-Za-z0-9 ]*"/></xs:restriction></xs:simpleType></xs:element>']  # fmt: skip
        for j in (1, 2, 3):
            if i * 3 + j < n_types:
                kids.append(
                    f'<xs:element name="child{j}" type="T{i * 3 + j}" minOccurs="0" maxOccurs="unbounded"/>'
                )
        if i % 50 == 0:
            kids.append('<xs:element name="self" type="T0" minOccurs="0"/>')  # recursion
        if changed and i % 89 == 7:
            kids.append(f'<xs:element name="added{i}" type="xs:string" minOccurs="0"/>')
        if changed and i % 113 == 11:
            kids = [k for k in kids if f'name="text{i}"' not in k]
        parts.append(f'<xs:complexType name="T{i}"><xs:sequence>{"".join(kids)}</xs:sequence>'
                     f'<xs:attribute name="v{i}" type="xs:int"/></xs:complexType>')  # fmt: skip
    parts.append("</xs:schema>")
    return "\n".join(parts)


def make_openapi(n: int, changed: bool) -> dict:
    schemas = {}
    for i in range(n):
        props = {f"id{i}": {"type": "string", "maxLength": 40}, f"n{i}": {"type": "integer", "maximum": 100},
                 f"kod{i}": {"type": "string", "enum": ["A", "B", "C"] + (["D"] if changed and i % 50 == 3 else [])}}  # fmt: skip
        for j in (1, 2, 3):
            if i * 3 + j < n:
                props[f"child{j}"] = {
                    "type": "array",
                    "items": {"$ref": f"#/components/schemas/S{i * 3 + j}"},
                }
        if changed and i % 70 == 9:
            props.pop(f"n{i}")
        schemas[f"S{i}"] = {"type": "object", "properties": props, "required": [f"id{i}"]}
    return {"openapi": "3.0.3", "info": {"title": "bench", "version": "1"},
            "paths": {"/x": {"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/S0"}}}},
                                      "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/S0"}}}}}}}},
            "components": {"schemas": schemas}}  # fmt: skip


def bench_xsd(tmp: Path, target_kb: int) -> float:
    per_type = len(make_xsd(100, False)) / 100
    n = max(3, int(target_kb * 1024 / per_type))
    old, new = tmp / f"old{target_kb}.xsd", tmp / f"new{target_kb}.xsd"
    old.write_text(make_xsd(n, False))
    new.write_text(make_xsd(n, True))
    t0 = time.perf_counter()
    om, nm = read_xsd(old), read_xsd(new)
    t1 = time.perf_counter()
    rep = diff_models(om, nm, reader="strict", witnesses=False, samples=0)
    t2 = time.perf_counter()
    rep_w = diff_models(om, nm, reader="strict", witnesses=True, samples=0)
    t3 = time.perf_counter()
    import xmlschema

    t4 = time.perf_counter()
    xmlschema.XMLSchema10(str(old))  # the careful path, for comparison (one side)
    careful = time.perf_counter() - t4
    print(f"XSD  {old.stat().st_size / 1024:7.0f} KB {n:5d} types: read both {t1 - t0:6.2f} s "
          f"(careful path {careful:5.2f} s per side), diff {t2 - t1:6.3f} s ({len(rep.findings)} findings), "
          f"read+diff {t2 - t0:5.2f} s, diff+witnesses {t3 - t2:6.2f} s "
          f"({sum(1 for f in rep_w.findings if f.witness)} witnesses)")  # fmt: skip
    return t2 - t0


def bench_openapi(tmp: Path, target_kb: int) -> float:
    per = len(json.dumps(make_openapi(100, False))) / 100
    n = max(3, int(target_kb * 1024 / per))
    old, new = tmp / f"old{target_kb}.json", tmp / f"new{target_kb}.json"
    old.write_text(json.dumps(make_openapi(n, False)))
    new.write_text(json.dumps(make_openapi(n, True)))
    t0 = time.perf_counter()
    om, nm = read_openapi(old), read_openapi(new)
    t1 = time.perf_counter()
    rep = diff_models(om, nm, reader="strict", witnesses=False, samples=0)
    t2 = time.perf_counter()
    rep_w = diff_models(om, nm, reader="strict", witnesses=True, samples=0)
    t3 = time.perf_counter()
    print(f"OAS  {old.stat().st_size / 1024:7.0f} KB {n:5d} schemas: read both {t1 - t0:6.2f} s, "
          f"diff {t2 - t1:6.3f} s ({len(rep.findings)} findings), read+diff {t2 - t0:5.2f} s, "
          f"diff+witnesses {t3 - t2:6.2f} s ({sum(1 for f in rep_w.findings if f.witness)} witnesses)")  # fmt: skip
    return t2 - t0


def bench_schema_checks(tmp: Path, target_kb: int) -> None:
    """The price of checking every schema node against its meta-schema (exit 2 instead of a crash later)."""
    from lefi_contracts.compat.json_reader import JsonReader

    per = len(json.dumps(make_openapi(100, False))) / 100
    doc = tmp / f"checks{target_kb}.json"
    doc.write_text(json.dumps(make_openapi(max(3, int(target_kb * 1024 / per)), False)))
    timings = {}
    original = JsonReader.check
    for label in ("checked", "unchecked", "checked again"):
        JsonReader.check = original if label != "unchecked" else (lambda self, node, ptr: None)  # type: ignore[method-assign]
        t0 = time.perf_counter()
        read_openapi(doc)
        timings[label] = time.perf_counter() - t0
    JsonReader.check = original  # type: ignore[method-assign]
    checked = (timings["checked"] + timings["checked again"]) / 2
    print(
        f"OAS  {target_kb} KB read with meta-schema checks {checked:.2f} s, without {timings['unchecked']:.2f} s "
        f"({checked / timings['unchecked']:.2f}x)"
    )


def main() -> None:
    sizes = (50, 100, 200, 400, 800)
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        bench_xsd(tmp, 20)  # warm-up: imports (hypothesis, jsonschema) and xmlschema's meta-schema
        xsd = {kb: bench_xsd(tmp, kb) for kb in sizes}
        oas = {kb: bench_openapi(tmp, kb) for kb in sizes}
        bench_schema_checks(tmp, 400)
    for label, t in (("XSD", xsd), ("OAS", oas)):
        per_kb = ", ".join(f"{kb} KB {1000 * t[kb] / kb:.2f} ms/KB" for kb in sizes)
        print(f"{label} growth (read+diff, no witnesses): {per_kb}; 800 KB / 200 KB = {t[800] / t[200]:.1f}x "
              f"(linear would be 4.0x)")  # fmt: skip
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")


if __name__ == "__main__":
    main()
