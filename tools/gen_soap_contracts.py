"""Generate the modelled SOAP contracts (XSD, WSDL, README) of the LEFI Online SOAP versions.

Why a generator: versions 5-8 share one FK data model (the one the published v9 contract says earlier
versions had) and differ only in a few places. The model is read from our v9 OpenAPI contract, the facts it
does not hold (which free strings are dates, which elements exist only while a registry fact holds, the SOAP
envelope) from contracts/model/soap.yaml, the per-version facts from contracts/versions.yaml and the code
lists from contracts/codes/. So the chain differs exactly where the release notes say, and nowhere else.
The generated files are committed; the library and the tests read only those files, never this script.

Usage: .venv/bin/python tools/gen_soap_contracts.py [--check] [--contracts DIR]
  --check          exit 1 (and list the files) when a committed file differs from what would be generated.
  --contracts DIR  the contracts folder to read and write (default: this checkout's contracts/).
"""

from __future__ import annotations

import argparse
import functools
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import yaml

from lefi_contracts.codes import CodeLists, load_codes
from lefi_contracts.contracts import Registry, VersionInfo, load_registry
from lefi_contracts.errors import ContractError

CONTRACTS = Path(__file__).resolve().parent.parent / "contracts"
OVERLAY = "model/soap.yaml"  # in the contracts folder

XS = "http://www.w3.org/2001/XMLSchema"
WSDL = "http://schemas.xmlsoap.org/wsdl/"
SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"
HTTP_TRANSPORT = "http://schemas.xmlsoap.org/soap/http"

# (element, type reference such as tns:LefiBelopp or xs:int, cardinality "" | "?" | "*" | "+")
Row = tuple[str, str, str]
Table = dict[str, list[Row]]
OCCURS = {
    "": "",
    "?": ' minOccurs="0"',
    "*": ' minOccurs="0" maxOccurs="unbounded"',
    "+": ' minOccurs="1" maxOccurs="unbounded"',
}
# OpenAPI scalar (type, format) -> XSD built-in type
SCALARS: dict[tuple[Any, Any], str] = {
    ("string", None): "xs:string",
    ("integer", None): "xs:int",
    ("number", "double"): "xs:double",
    ("boolean", None): "xs:boolean",
}


def fail(message: str) -> NoReturn:
    raise SystemExit(f"gen_soap_contracts: {message}")


def read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        fail(f"{path}: cannot be read: {str(exc).splitlines()[0]}")
    if not isinstance(data, dict):
        fail(f"{path}: must be a mapping at the top level")
    return data


def split_element(where: str, element: str, table: Table) -> tuple[str, int]:
    """The owner type of "<Type>.<element>" and the element's row index, or a clear error."""
    owner, _, name = element.partition(".")
    rows = table.get(owner)
    index = next((i for i, row in enumerate(rows or ()) if row[0] == name), None)
    if index is None:
        fail(f"{OVERLAY}: {where}: the model has no element {element}")
    return owner, index


# ---------------------------------------------------------------------------------------------
# The model: v9's FK types plus the overlay


@dataclass(frozen=True)
class Overlay:
    """The overlay file, the v9 component schemas it applies to, the registry and the code lists."""

    data: dict[str, Any]
    registry: Registry
    schemas: dict[str, Any]
    codes: CodeLists
    fk: Table  # v9's FK model: root and every type it reaches, v9 property order
    additions: dict[tuple[str, str], str]  # (type, element) v9 marks x-lefi-addition -> XSD annotation

    @property
    def root(self) -> str:
        return str(self.data["root"])

    def section(self, key: str) -> dict[str, Any]:
        value = self.data.get(key) or {}
        if not isinstance(value, dict):
            fail(f"{OVERLAY}: {key} must be a mapping")
        return value


def scalar(where: str, spec: dict[str, Any], simple: str | None, simple_types: dict[str, Any]) -> str:
    """The XSD type of a v9 scalar property; an overlay simple type replaces a (patterned) string."""
    if simple is not None:
        if spec.get("type") != "string":
            fail(f"{OVERLAY}: typed_strings: v9 {where} is not a string")
        if simple not in simple_types:
            fail(f"{OVERLAY}: typed_strings: {where}: {simple} is not in simple_types")
        return f"tns:{simple}"
    if "pattern" in spec:
        fail(f"{OVERLAY}: v9 {where} has a pattern: give it a simple type in typed_strings")
    xsd_type = SCALARS.get((spec.get("type"), spec.get("format")))
    if xsd_type is None:
        fail(f"v9 {where}: no XSD type for type {spec.get('type')!r}, format {spec.get('format')!r}")
    return xsd_type


def read_fk_model(data: dict[str, Any], schemas: dict[str, Any]) -> tuple[Table, list[tuple[str, str]]]:
    """v9's FK model as rows, and the (type, element) pairs v9 marks x-lefi-addition."""
    typed: dict[str, dict[str, str]] = data.get("typed_strings") or {}
    simple_types = data.get("simple_types") or {}
    table: Table = {}
    marked: list[tuple[str, str]] = []
    todo = [str(data["root"])]
    while todo:
        name = todo.pop(0)
        if name in table:
            continue
        props = schemas.get(name, {}).get("properties")
        if not isinstance(props, dict):
            fail(f"v9 has no object type {name} (reached from {data['root']})")
        rows: list[Row] = []
        for field, spec in props.items():
            many = spec.get("type") == "array" and spec.get("maxItems") != 1
            item = spec["items"] if spec.get("type") == "array" else spec
            if "$ref" in item:
                ref = item["$ref"].rsplit("/", 1)[-1]
                todo.append(ref)
                xsd_type = f"tns:{ref}"
            else:
                xsd_type = scalar(f"{name}.{field}", item, typed.get(name, {}).get(field), simple_types)
            if spec.get("x-lefi-addition"):
                marked.append((name, field))
            rows.append((field, xsd_type, "*" if many else "?"))
        table[name] = rows
    for owner, fields in typed.items():
        for field in fields:
            split_element("typed_strings", f"{owner}.{field}", table)
    return table, marked


def load_overlay(contracts: Path) -> Overlay:
    data = read_yaml(contracts / OVERLAY)
    if data.get("schema_version") != 1:
        fail(f"{OVERLAY}: schema_version must be 1")
    registry = load_registry(contracts)
    source = registry.get(str(data.get("source"))).contract_file("openapi")
    schemas = read_yaml(source).get("components", {}).get("schemas", {})
    fk, marked = read_fk_model(data, schemas)
    additions = {}
    for element, text in (data.get("additions") or {}).items():
        owner, _, field = str(element).partition(".")
        additions[(owner, field)] = str(text)
    if sorted(additions) != sorted(marked):
        fail(f"{OVERLAY}: additions must annotate exactly the fields v9 marks x-lefi-addition: {marked}")
    return Overlay(data, registry, schemas, load_codes(contracts), fk, additions)


def fact(info: VersionInfo, path: str) -> str:
    """A behaviour fact of the version's registry entry by dotted path, e.g. forebyggande_sjukpenning.mode."""
    try:
        return str(functools.reduce(getattr, path.split("."), info.behaviour))
    except AttributeError:
        fail(f"{OVERLAY}: no behaviour fact {path} in contracts/versions.yaml")


def holds(conditions: dict[str, Any], info: VersionInfo) -> bool:
    return all(
        value in info.behaviour.formansgrupper if key == "formansgrupp" else fact(info, key) == str(value)
        for key, value in conditions.items()
    )


def words(text: Any, info: VersionInfo) -> str:
    """An overlay text for one version: {by: <fact>, <value>: text, ...} picks the text of the version's
    value; {label} and {<behaviour.path>} in it become the version's label and facts."""
    if isinstance(text, dict):
        value = fact(info, str(text.get("by")))
        if value not in text:
            fail(f"{OVERLAY}: no text for {text.get('by')} = {value} (version {info.number})")
        text = text[value]
    return re.sub(
        r"\{([a-z_.]+)\}", lambda mo: info.label if mo[1] == "label" else fact(info, mo[1]), str(text)
    )


@dataclass(frozen=True)
class Model:
    """What one SOAP version contains, derived from its registry entry and the overlay."""

    ov: Overlay
    info: VersionInfo
    groups: tuple[str, ...]
    types: Table  # the complex types its formansinformation reaches, in output order

    @property
    def n(self) -> str:
        return self.info.number

    @property
    def keys(self) -> tuple[str, ...]:
        """Element names under formansinformation, v9 order."""
        return tuple(row[0] for row in self.types[self.ov.root])


def model_of(ov: Overlay, info: VersionInfo) -> Model:
    """Apply the overlay's own types and the rules that hold for this version to v9's FK model."""
    if info.behaviour.pensionsmyndigheten:
        fail(f"version {info.number}: PM data is not modelled for SOAP versions")
    table = {name: list(rows) for name, rows in ov.fk.items()}
    for element, own in ov.section("own_types").items():
        owner, i = split_element("own_types", element, table)
        name, xsd_type, card = table[owner][i]
        if (copied := xsd_type.removeprefix("tns:")) not in table:
            fail(f"{OVERLAY}: own_types: {element} is not of a complex type")
        table[own] = list(table[copied])
        table[owner][i] = (name, f"tns:{own}", card)
    for element, conditions in ov.section("present_only_when").items():
        owner, i = split_element("present_only_when", element, table)
        if not holds(conditions, info):
            del table[owner][i]
    reached: Table = {}

    def walk(name: str) -> None:
        if name in reached:
            return
        reached[name] = table[name]
        for _element, xsd_type, _card in table[name]:
            if (child := xsd_type.removeprefix("tns:")) in table:
                walk(child)

    walk(ov.root)
    return Model(ov, info, tuple(info.behaviour.formansgrupper), reached)


def enum_values(m: Model, name: str) -> list[str]:
    """The values of one enumeration of the overlay, from the list or source it names."""
    source = m.ov.section("enumerations")[name]["values"]
    schema = m.ov.schemas.get(str(source).removeprefix("openapi:"), {})
    if isinstance(source, list):
        values = [str(v) for v in source]
    elif source == "formansgrupper":
        values = list(m.groups)
    elif source == "codes:ovrig-information":
        values = [g.kod for g in m.ov.codes.ovrig_information_for_version(m.n)]
    elif str(source).startswith("openapi:") and "enum" in schema:
        values = [str(v) for v in schema["enum"]]
    else:
        fail(f"{OVERLAY}: enumerations.{name}: unknown values source {source!r}")
    if not values:  # an enumeration without values would accept any string
        fail(f"{OVERLAY}: enumerations.{name}: {source} gives no value for version {m.n}")
    return values


# ---------------------------------------------------------------------------------------------
# Text


def differences(m: Model, prev: Model | None) -> list[str]:
    """What differs from the previous SOAP version, computed from the two models and the overlay's words."""
    ov = m.ov
    if prev is None:
        kept = [c for c in ov.data["first_version"] if "unless" not in c or not holds(c["unless"], m.info)]
        return ["".join(words(c["text"], m.info) for c in kept)]
    out = []
    for g in sorted(set(m.groups) - set(prev.groups)):
        out.append(f"group code {g} added to the enumeration LefiFkFormanGruppKod")
    for g in sorted(set(prev.groups) - set(m.groups)):
        out.append(f"group code {g} removed from the enumeration LefiFkFormanGruppKod")
    for k in m.keys:
        if k not in prev.keys:
            out.append(f"formansinformation/{k} added")
    for k in prev.keys:
        if k not in m.keys:
            out.append(f"formansinformation/{k} removed")
    for text in ov.data.get("changes") or ():
        value = fact(m.info, str(text["by"]))
        if value != fact(prev.info, str(text["by"])) and value in text:
            out.append(words(text, m.info))
    if not out:
        out.append(
            "No schema difference is modelled: the public record names no change to the FK data "
            f"between {prev.info.label} and {m.info.label}"
        )
    return out


def facts_in_words(m: Model) -> list[str]:
    return [words(text, m.info) for text in m.ov.data.get("facts_in_words") or ()]


def documentation(m: Model, prev: Model | None) -> str:
    lines = [
        f"MODELLED contract of LEFI Online version {m.info.label} (SOAP 1.1 document/literal). "
        "This schema is modelled: Försäkringskassan publishes no schema for the SOAP versions.",
        "Modelled from: the FK data model that the published v9 contract (lefi-formansinformation 9.0.0) "
        "says earlier versions had (its LefiFormansinformation keys are 'those that can be provided via "
        "LEFI versions 8 and 9'): same element names, same structure and the same property order as v9's "
        "formansinformation (arrays = repeated elements, objects = child elements); the LEFI Online release "
        "notes; and the domain brief §3 (version history).",
        f"Namespace {m.info.namespace}. Served at {m.info.base_path}/soap.",
        *facts_in_words(m),
        *(words(text, m.info) for text in m.ov.data.get("notes") or ()),
        "Differences from the previous version: "
        + "; ".join(d.rstrip(".") for d in differences(m, prev))
        + ".",
        "Generated by tools/gen_soap_contracts.py: do not edit by hand.",
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# XML writing (string building keeps the output stable and readable)


def esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def el(name: str, xsd_type: str, card: str) -> str:
    return f'      <xs:element name="{name}" type="{xsd_type}"{OCCURS[card]}/>'


def annotation(doc: str | None) -> list[str]:
    if not doc:
        return []
    return [
        "    <xs:annotation>",
        f"      <xs:documentation>{esc(doc)}</xs:documentation>",
        "    </xs:annotation>",
    ]


def complex_type(name: str, elements: Iterable[str], doc: str | None = None) -> list[str]:
    return [
        f'  <xs:complexType name="{name}">',
        *annotation(doc),
        "    <xs:sequence>",
        *elements,
        "    </xs:sequence>",
        "  </xs:complexType>",
    ]


def simple_type(name: str, doc: str, facets: Iterable[str]) -> list[str]:
    return [
        f'  <xs:simpleType name="{name}">',
        *annotation(doc),
        '    <xs:restriction base="xs:string">',
        *facets,
        "    </xs:restriction>",
        "  </xs:simpleType>",
    ]


def envelope_types(ov: Overlay) -> list[str]:
    """The SOAP operations' own types of the overlay; "tns:X*" is type tns:X, cardinality *."""
    out = []
    for name, spec in ov.section("envelope").items():
        elems = []
        for child, ref in spec["elements"].items():
            card = ref[-1] if ref[-1] in OCCURS else ""
            elems.append(el(child, ref.removesuffix(card), card))
        out += complex_type(name, elems, spec.get("doc"))
    return out


def fk_types(m: Model) -> list[str]:
    """The FK data model of this version; v9 additions carry their annotation."""
    ov = m.ov
    out = []
    for name, rows in m.types.items():
        elems = []
        for child, xsd_type, card in rows:
            line = el(child, xsd_type, card)
            if (name, child) in ov.additions:
                line = (
                    line[:-2]
                    + ">\n        <xs:annotation><xs:documentation>"
                    + esc(ov.additions[(name, child)])
                    + "</xs:documentation></xs:annotation>\n      </xs:element>"
                )
            elems.append(line)
        doc = ov.section("type_docs").get(name)
        out += complex_type(name, elems, None if doc is None else words(doc, m.info))
    return out


def operation_type(operation: str, kind: str) -> str:
    return operation[0].upper() + operation[1:] + kind


def xsd(m: Model, prev: Model | None) -> str:
    ns = m.info.namespace
    ov = m.ov
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        # "one table of types" now means v9's FK model plus the overlay; the words stay so the files stay the same
        "<!-- Generated by tools/gen_soap_contracts.py from one table of types and contracts/versions.yaml."
        " Do not edit by hand. -->",
        f'<xs:schema xmlns:xs="{XS}" xmlns:tns="{ns}" targetNamespace="{ns}"',
        f'           elementFormDefault="qualified" attributeFormDefault="unqualified" version="{m.info.label}">',
        "  <xs:annotation>",
        f'    <xs:documentation xml:lang="en">{esc(documentation(m, prev))}</xs:documentation>',
        "  </xs:annotation>",
        "",
    ]
    for op in ov.data["operations"]:
        out += [
            f"  <!-- Operation {op} -->",
            f'  <xs:element name="{op}" type="tns:{operation_type(op, "Fraga")}"/>',
            f'  <xs:element name="{op}Svar" type="tns:{operation_type(op, "Svar")}"/>',
        ]
    out += ["  <!-- SOAP Fault detail -->", '  <xs:element name="fel" type="tns:LefiFel"/>', ""]
    out += envelope_types(ov)
    out.append("")
    out.append("  <!-- The FK data model (v9 LefiFormansinformation and everything it reaches), v9 order -->")
    out += fk_types(m)
    out.append("")
    out.append("  <!-- Simple types -->")
    for name, spec in ov.section("enumerations").items():
        values = [f'      <xs:enumeration value="{esc(v)}"/>' for v in enum_values(m, name)]
        out += simple_type(name, words(spec["doc"], m.info), values)
    for name, spec in ov.section("simple_types").items():
        out += simple_type(
            name, str(spec["doc"]), [f'      <xs:pattern value="{esc(str(spec["pattern"]))}"/>']
        )
    out.append("</xs:schema>")
    return "\n".join(out) + "\n"


def wsdl(m: Model) -> str:
    ns = m.info.namespace
    operations = m.ov.data["operations"]
    xsd_name = m.info.contract_file("xsd").name
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<!-- Generated by tools/gen_soap_contracts.py. Do not edit by hand. -->",
        f'<wsdl:definitions name="LefiOnlineV{m.n}" targetNamespace="{ns}"',
        f'                  xmlns:wsdl="{WSDL}" xmlns:soap="{SOAP}"',
        f'                  xmlns:xs="{XS}" xmlns:tns="{ns}">',
        f"  <wsdl:documentation>MODELLED WSDL of LEFI Online version {m.info.label} (SOAP 1.1, document/literal). "
        f"No public WSDL exists; see {xsd_name} for what it is modelled from.</wsdl:documentation>",
        "  <wsdl:types>",
        f'    <xs:schema targetNamespace="{ns}/wsdl-types">',
        f'      <xs:import namespace="{ns}" schemaLocation="{xsd_name}"/>',
        "    </xs:schema>",
        "  </wsdl:types>",
    ]
    for op in operations:
        out += [
            f'  <wsdl:message name="{op}Request">',
            f'    <wsdl:part name="parameters" element="tns:{op}"/>',
            "  </wsdl:message>",
            f'  <wsdl:message name="{op}Response">',
            f'    <wsdl:part name="parameters" element="tns:{op}Svar"/>',
            "  </wsdl:message>",
        ]
    out += [
        '  <wsdl:message name="felMessage">',
        '    <wsdl:part name="fel" element="tns:fel"/>',
        "  </wsdl:message>",
    ]
    out.append('  <wsdl:portType name="LefiOnlinePortType">')
    for op in operations:
        out += [
            f'    <wsdl:operation name="{op}">',
            f'      <wsdl:input message="tns:{op}Request"/>',
            f'      <wsdl:output message="tns:{op}Response"/>',
            '      <wsdl:fault name="fel" message="tns:felMessage"/>',
            "    </wsdl:operation>",
        ]
    out.append("  </wsdl:portType>")
    out += [
        '  <wsdl:binding name="LefiOnlineSoapBinding" type="tns:LefiOnlinePortType">',
        f'    <soap:binding style="document" transport="{HTTP_TRANSPORT}"/>',
    ]
    for op in operations:
        out += [
            f'    <wsdl:operation name="{op}">',
            f'      <soap:operation soapAction="{ns}#{op}" style="document"/>',
            '      <wsdl:input><soap:body use="literal"/></wsdl:input>',
            '      <wsdl:output><soap:body use="literal"/></wsdl:output>',
            '      <wsdl:fault name="fel"><soap:fault name="fel" use="literal"/></wsdl:fault>',
            "    </wsdl:operation>",
        ]
    out += [
        "  </wsdl:binding>",
        '  <wsdl:service name="LefiOnlineService">',
        '    <wsdl:port name="LefiOnlinePort" binding="tns:LefiOnlineSoapBinding">',
        f'      <soap:address location="http://localhost{m.info.base_path}/soap"/>',
        "    </wsdl:port>",
        "  </wsdl:service>",
        "</wsdl:definitions>",
    ]
    return "\n".join(out) + "\n"


def readme(m: Model, prev: Model | None) -> str:
    ov = m.ov
    ns = m.info.namespace
    xsd_name = m.info.contract_file("xsd").name
    wsdl_name = m.info.contract_file("wsdl").name
    base = m.info.base_path
    diffs = "\n".join(f"- {d}" for d in differences(m, prev))
    facts = "\n".join(f"- {text}" for text in facts_in_words(m))
    operations = "\n".join(f"| {op} | `{ns}#{op}` | `{op}` | `{op}Svar` |" for op in ov.data["operations"])
    return f"""# LEFI Online {m.info.label}: modelled SOAP contract

**Modelled.** Försäkringskassan publishes no schema for the SOAP versions of LEFI Online. This contract
is modelled on the FK data model that the published v9 contract says earlier versions had (its
`LefiFormansinformation` keys are those "that can be provided via LEFI versions 8 and 9"): the same
element names, structure and property order as v9's `formansinformation`; on the LEFI Online release
notes; and on the domain brief §3 (version history). Generated by `tools/gen_soap_contracts.py`
(do not edit the XSD/WSDL by hand).

- Namespace: `{ns}` (elementFormDefault qualified)
- Files: `{xsd_name}` (types), `{wsdl_name}` (SOAP 1.1 document/literal, imports the XSD by relative path)
- Endpoint: `POST {base}/soap`; WSDL at `GET {base}/soap?wsdl` and `GET {base}/{wsdl_name}`; XSD at `GET {base}/{xsd_name}`

## Operations
| operation | SOAPAction | request | response |
|---|---|---|---|
{operations}

Faults: SOAP 1.1 Fault (HTTP 500; 503 + Retry-After in a maintenance window), detail
`<fel><kod/><meddelande/></fel>` with kod in {", ".join(enum_values(m, "LefiFelKod"))}.

## Content
- Benefit groups ({len(m.groups)}): {", ".join(m.groups)}
- formansinformation has {len(m.keys)} elements (v9 has {len(ov.fk[ov.root])} FK keys).
{facts}
- Our additions to v9's declared model (annotated `x-lefi-addition` in the XSD, as in our v9 contract):
  {", ".join(f"`{o}/{c}`" for o, c in ov.additions)}.

## Differences from the previous version
{diffs}
"""


def render(contracts: Path = CONTRACTS) -> dict[Path, str]:
    """Every generated file of every SOAP version of the registry, by path."""
    ov = load_overlay(contracts)
    files: dict[Path, str] = {}
    prev: Model | None = None
    for m in [model_of(ov, v) for v in ov.registry.versions.values() if v.transport == "soap"]:
        files[m.info.contract_file("xsd")] = xsd(m, prev)
        files[m.info.contract_file("wsdl")] = wsdl(m)
        files[m.info.contract_file("xsd").parent / "README.md"] = readme(m, prev)
        prev = m
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="only check that the committed files are current"
    )
    parser.add_argument("--contracts", type=Path, default=CONTRACTS, help="the contracts folder")
    args = parser.parse_args(argv)
    contracts = args.contracts.resolve()
    try:
        files = render(contracts)
    except ContractError as exc:
        fail(str(exc))
    except (KeyError, TypeError, AttributeError, IndexError) as exc:
        fail(f"{OVERLAY} or the source contract is malformed: {type(exc).__name__} {exc}")
    stale = [path for path, text in files.items() if not path.is_file() or path.read_text("utf-8") != text]
    for path in stale:
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(files[path], encoding="utf-8")
        print(("stale: " if args.check else "wrote: ") + str(path.relative_to(contracts.parent)))
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
