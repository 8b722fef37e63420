"""Generate the modelled SOAP contracts (XSD, WSDL, README) of the LEFI Online SOAP versions.

Why a generator: versions 5-8 share one FK data model (the one the published v9 contract says
earlier versions had) and differ only in a few places. Building all of them from ONE table of types
plus deltas read from contracts/versions.yaml guarantees that the chain differs exactly where the
release notes say, and nowhere else. The generated files are committed; the library and the tests
read only those files, never this script.

Usage: .venv/bin/python tools/gen_soap_contracts.py [--check]
  --check  exit 1 (and list the files) when a committed file differs from what would be generated.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from lefi_contracts.contracts import VersionInfo, load_registry

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = ROOT / "contracts"

XS = "http://www.w3.org/2001/XMLSchema"
WSDL = "http://schemas.xmlsoap.org/wsdl/"
SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"
HTTP_TRANSPORT = "http://schemas.xmlsoap.org/soap/http"

# ---------------------------------------------------------------------------------------------
# Per-version facts that are not in versions.yaml. Keys of LefiFormansinformation that only exist
# while a group is served (a version without the group has no element for it).
KEY_REQUIRES_GROUP: dict[str, str] = {
    "forebyggandeSjukpenningsarende": "FK:FSJP",  # own set from v8 (release note 2024-05)
    "programjobdagar": "FK:PJOB",  # JOB came in LEFI Online 6.0 (SSBTEK table, brief §3)
}
OVRIG_INFORMATION_KODER = ("FK:GEPI", "FK:PANV", "FK:SGI", "FK:SKUP", "FK:STAV")
AVVIKELSE_KODER = ("INTERNT_FEL", "OBEHORIG")
TILLSTAND_KODER = ("OK", "FELANDE", "OTILLGANGLIG")
UTLAMNARE_KODER = ("FK",)  # the SOAP versions carry Försäkringskassan's data only
FEL_KODER = (
    "FELAKTIGA_INDATA",
    "OBEHORIG",
    "OKAND_AKTOR",
    "ANVANDARE_OBEHORIG",
    "INTERNT_FEL",
    "OTILLGANGLIG",
)

# Simple types used by the table: name -> (base, pattern, documentation).
SIMPLE_TYPES: dict[str, tuple[str, str, str]] = {
    "LefiDatum": (
        "xs:string",
        "([0-9]{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?",
        "A date as FK delivers it: YYYY-MM-DD, YYYY-MM or empty (v9 models these as free strings).",
    ),
    "LefiPersonnummer": ("xs:string", "[0-9]{10}|[0-9]{12}", "A personnummer of 10 or 12 digits."),
    "LefiAktorsId": ("xs:string", "[^\\s]{1,64}", "The actor the call is made for: 1-64 characters, no white space."),
    "LefiAr": ("xs:string", "[0-9]{4}", "A year, YYYY."),
    "LefiManad": ("xs:string", "[0-9]{4}-(0[1-9]|1[0-2])", "A month, YYYY-MM."),
    "LefiArManad": ("xs:string", "[0-9]{4}-[0-9]{2}", "A year and month, YYYY-MM (v9's looser pattern)."),
    "LefiUtbetalningsmottagare": (
        "xs:string",
        "[0-9]{12}(/[0-9]{12})?|MYNDIGHETSUTBETALNING",
        "One or two 12-digit identities, or MYNDIGHETSUTBETALNING.",
    ),
}
PRIMITIVES = {
    "string": "xs:string",
    "date": "tns:LefiDatum",
    "int": "xs:int",
    "double": "xs:double",
    "boolean": "xs:boolean",
}

# Our additions to v9's declared FK model, shared with the project's v9 contract (x-lefi-addition there):
# (type, element) -> (insert after, type, cardinality, why). Each is annotated in the XSD with
# "x-lefi-addition" so that a comparison with the published v9 copy can tell it apart.
ADDITIONS: dict[tuple[str, str], tuple[str, str, str, str]] = {
    ("LefiSjukpenningArende", "avslaget"): (
        "aktivt",
        "boolean",
        "",
        "x-lefi-addition: whether the ärende is avslaget. The published v9 example uses this field for "
        "sjukpenningarende although its schema does not declare it there.",
    ),
}

PRELIM_KEY = "preliminarautbetalningar"
PRELIM_TYPE = "LefiPreliminarUtbetalningUppgift"
PRELIM_DETAIL_TYPE = "LefiPreliminarUtbetalningDetalj"


@dataclass(frozen=True)
class Model:
    """What one SOAP version contains, derived from its registry entry."""

    info: VersionInfo
    groups: tuple[str, ...]
    keys: tuple[str, ...]  # element names under formansinformation, v9 order
    harmonised: bool  # preliminary-payment detail carries beloppstyp

    @property
    def n(self) -> str:
        return self.info.number


def model_of(info: VersionInfo) -> Model:
    """Apply the registry's behaviour flags to the full FK table."""
    beh = info.behaviour
    if beh.pensionsmyndigheten:
        raise SystemExit(f"version {info.number}: PM data is not modelled for SOAP versions")
    groups = tuple(beh.formansgrupper)
    keys = []
    for name, _typ, _card in FK_TYPES["LefiFormansinformation"]:
        need = KEY_REQUIRES_GROUP.get(name)
        if need and need not in groups:
            continue
        if name == "forebyggandeSjukpenningsarende" and beh.forebyggande_sjukpenning.mode != "own_set":
            continue
        keys.append(name)
    return Model(info, groups, tuple(keys), beh.preliminara_utbetalningar == "harmonised")


def version_types(m: Model) -> dict[str, list[tuple[str, str, str]]]:
    """The complex types of one version: the table pruned to what its formansinformation reaches."""
    table = {k: list(v) for k, v in FK_TYPES.items()}
    for (owner, child), (after, typ, card, _why) in ADDITIONS.items():
        rows = table[owner]
        at = next(i for i, r in enumerate(rows) if r[0] == after) + 1
        rows.insert(at, (child, typ, card))
    table["LefiFormansinformation"] = [r for r in table["LefiFormansinformation"] if r[0] in m.keys]
    table["LefiFormansinformation"] = [
        (n, PRELIM_TYPE, c) if n == PRELIM_KEY else (n, t, c) for n, t, c in table["LefiFormansinformation"]
    ]
    table[PRELIM_TYPE] = [
        (n, PRELIM_DETAIL_TYPE, c) if n == "utbetalningsdetalj" else (n, t, c)
        for n, t, c in FK_TYPES["LefiUtbetalningUppgift"]
    ]
    table[PRELIM_DETAIL_TYPE] = [
        r for r in FK_TYPES["LefiUtbetalningDetalj"] if m.harmonised or r[0] != "beloppstyp"
    ]
    reached: list[str] = []

    def walk(name: str) -> None:
        if name in reached:
            return
        reached.append(name)
        for _n, t, _c in table[name]:
            if t in table:
                walk(t)

    walk("LefiFormansinformation")
    return {k: table[k] for k in reached}


# ---------------------------------------------------------------------------------------------
# Text


def soap_models() -> list[Model]:
    reg = load_registry(CONTRACTS)
    return [model_of(v) for v in reg.versions.values() if v.transport == "soap"]


def differences(m: Model, prev: Model | None) -> list[str]:
    """What differs from the previous SOAP version, computed from the two models."""
    if prev is None:
        first = (
            f"{m.info.label} is the first of the modelled SOAP versions; its predecessors are neither "
            "served nor modelled (5.1 added extended programanvisning and programersättning, SSBTEK table)"
        )
        if "FK:PJOB" not in m.groups:
            first += "; it has no programjobdagar and no FK:PJOB (JOB came in 6.0)"
        return [first]
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
    if m.harmonised and not prev.harmonised:
        out.append(
            f"preliminary payments harmonised (release note 2024-02-16): {PRELIM_DETAIL_TYPE} gains "
            "beloppstyp; formansfamilj carries the förmån and utbetalningsdetalj/forman the delförmån"
        )
    if prev.harmonised and not m.harmonised:
        out.append(f"{PRELIM_DETAIL_TYPE} loses beloppstyp (legacy classification)")
    if not out:
        out.append(
            "No schema difference is modelled: the public record names no change to the FK data "
            f"between {prev.info.label} and {m.info.label}"
        )
    return out


def fsjp_text(m: Model) -> str:
    fs = m.info.behaviour.forebyggande_sjukpenning
    if fs.mode == "own_set":
        return (
            "Förebyggande sjukpenning is its own set, formansinformation/forebyggandeSjukpenningsarende "
            "(group FK:FSJP), all of it."
        )
    return (
        "Förebyggande sjukpenning has no set of its own: it is delivered inside sjukpenningarende (a "
        "sjukpenning beslut with ersattning FOREBYGGANDE_SJUKPENNING), only for beslut fattade on or before "
        f"{fs.until}, never after (release note May 2024)."
    )


def prelim_text(m: Model) -> str:
    if m.harmonised:
        return (
            "Preliminary payments (formansinformation/preliminarautbetalningar) use the harmonised "
            "classification of the 2024-02-16 note: formansfamilj = förmån, utbetalningsdetalj/forman = "
            "delförmån, utbetalningsdetalj/beloppstyp = beloppstyp."
        )
    return (
        "Preliminary payments (formansinformation/preliminarautbetalningar) use the legacy classification: "
        "formansfamilj = the old förmånsfamilj code (e.g. DAG), utbetalningsdetalj/forman = the old förmån "
        f"code, and {PRELIM_DETAIL_TYPE} has NO beloppstyp. Effected payments (utbetalningsuppgift) keep beloppstyp."
    )


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
        fsjp_text(m),
        prelim_text(m),
        "Karensersättning is delivered only as sjukpenning payments (utbetalningsuppgift rows), never as "
        "an ärende or beslut. Several sjukpenningarende may share the same startades. Every bostadsbidrag "
        "beloppsperiod is its own beslut.",
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


def el(name: str, typ: str, min_occurs: str | None = "0", max_occurs: str | None = None) -> str:
    attrs = f'name="{name}" type="{typ}"'
    if min_occurs is not None:
        attrs += f' minOccurs="{min_occurs}"'
    if max_occurs is not None:
        attrs += f' maxOccurs="{max_occurs}"'
    return f"      <xs:element {attrs}/>"


def complex_type(name: str, elements: Iterable[str], doc: str | None = None) -> list[str]:
    out = [f'  <xs:complexType name="{name}">']
    if doc:
        out += [
            "    <xs:annotation>",
            f"      <xs:documentation>{esc(doc)}</xs:documentation>",
            "    </xs:annotation>",
        ]
    out += ["    <xs:sequence>", *elements, "    </xs:sequence>", "  </xs:complexType>"]
    return out


def enum_type(name: str, values: Iterable[str], doc: str) -> list[str]:
    out = [
        f'  <xs:simpleType name="{name}">',
        "    <xs:annotation>",
        f"      <xs:documentation>{esc(doc)}</xs:documentation>",
        "    </xs:annotation>",
        '    <xs:restriction base="xs:string">',
    ]
    out += [f'      <xs:enumeration value="{esc(v)}"/>' for v in values]
    out += ["    </xs:restriction>", "  </xs:simpleType>"]
    return out


def table_type_ref(t: str) -> str:
    return PRIMITIVES.get(t) or f"tns:{t}"


TYPE_DOCS = {
    "LefiFormansinformation": "The FK part of v9's LefiFormansinformation, restricted to this version.",
    PRELIM_TYPE: "A preliminary payment (v9: LefiUtbetalningUppgift under preliminarautbetalningar).",
    "LefiUtbetalningUppgift": "An effected payment (utbetalningsuppgift); its detail always has beloppstyp.",
}


def xsd(m: Model, prev: Model | None) -> str:
    ns = m.info.namespace
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<!-- Generated by tools/gen_soap_contracts.py from one table of types and contracts/versions.yaml."
        " Do not edit by hand. -->",
        f'<xs:schema xmlns:xs="{XS}" xmlns:tns="{ns}" targetNamespace="{ns}"',
        f'           elementFormDefault="qualified" attributeFormDefault="unqualified" version="{m.info.label}">',
        "  <xs:annotation>",
        f'    <xs:documentation xml:lang="en">{esc(documentation(m, prev))}</xs:documentation>',
        "  </xs:annotation>",
        "",
        "  <!-- Operation hamtaFormansinformation -->",
        '  <xs:element name="hamtaFormansinformation" type="tns:HamtaFormansinformationFraga"/>',
        '  <xs:element name="hamtaFormansinformationSvar" type="tns:HamtaFormansinformationSvar"/>',
        "  <!-- Operation hamtaTillgangligaInformationstyper -->",
        '  <xs:element name="hamtaTillgangligaInformationstyper" type="tns:HamtaTillgangligaInformationstyperFraga"/>',
        '  <xs:element name="hamtaTillgangligaInformationstyperSvar" type="tns:HamtaTillgangligaInformationstyperSvar"/>',
        "  <!-- SOAP Fault detail -->",
        '  <xs:element name="fel" type="tns:LefiFel"/>',
        "",
    ]
    out += complex_type(
        "HamtaFormansinformationFraga",
        [
            el("aktorsId", "tns:LefiAktorsId", None),
            el("anvandare", "xs:string"),
            el("personnummer", "tns:LefiPersonnummer", None),
            el("period", "tns:LefiPeriod", None),
            el("formansinformation", "tns:LefiFkFormanGruppKod", "0", "unbounded"),
            el("preliminaraUtbetalningar", "tns:LefiFkFormanGruppKod", "0", "unbounded"),
            el("utbetalningar", "tns:LefiFkFormanGruppKod", "0", "unbounded"),
            el("ovrigInformation", "tns:LefiOvrigInformationTypKod", "0", "unbounded"),
        ],
        "Which information is wanted about which insured person (v9: LefiExternFormansinformationFraga). "
        "anvandare is the handläggare whose behörighet is checked.",
    )
    out += complex_type(
        "HamtaFormansinformationSvar",
        [
            # Every answer states the agencies it concerns (required: an answer without them cannot say
            # whether the absence of data means "nothing found" or "agency down").
            el("utlamnare", "tns:LefiUtlamnareTillstand", "1", "unbounded"),
            el("avvikelser", "tns:LefiFormansinformationAvvikelser"),
            el("formansinformation", "tns:LefiFormansinformation"),
        ],
        "The answer (v9: LefiExternFormansinformationSvar, FK part).",
    )
    out += complex_type("HamtaTillgangligaInformationstyperFraga", [el("aktorsId", "tns:LefiAktorsId", None)])
    out += complex_type(
        "HamtaTillgangligaInformationstyperSvar",
        [
            el("formansinformation", "tns:LefiFkFormanGrupp", "0", "unbounded"),
            el("preliminaraUtbetalningar", "tns:LefiFkFormanGrupp", "0", "unbounded"),
            el("utbetalningar", "tns:LefiFkFormanGrupp", "0", "unbounded"),
            el("ovrigInformation", "tns:LefiOvrigInformationTyp", "0", "unbounded"),
        ],
        "The groups and types of övrig information the aktör may fetch (v9: LefiExternTillgangligaInformationstyper).",
    )
    out += complex_type(
        "LefiFel",
        [el("kod", "tns:LefiFelKod", None), el("meddelande", "xs:string", None)],
        "Detail of a SOAP Fault. meddelande is Swedish and never contains a personnummer or organisationsnummer.",
    )
    out += complex_type("LefiPeriod", [el("from", "xs:date", None), el("tom", "xs:date", None)])
    out += complex_type(
        "LefiFkFormanGrupp",
        [el("kod", "tns:LefiFkFormanGruppKod", None), el("beskrivning", "xs:string", None)],
    )
    out += complex_type(
        "LefiOvrigInformationTyp",
        [el("kod", "tns:LefiOvrigInformationTypKod", None), el("beskrivning", "xs:string", None)],
    )
    out += complex_type("LefiAvvikelse", [el("kod", "tns:LefiAvvikelseKod"), el("beskrivning", "xs:string")])
    out += complex_type(
        "LefiFkAvvikelseFormanGrupp",
        [el("avvikelse", "tns:LefiAvvikelse"), el("formansgrupp", "tns:LefiFkFormanGrupp")],
    )
    out += complex_type(
        "LefiAvvikelseOvrigInformationTyp",
        [el("avvikelse", "tns:LefiAvvikelse"), el("ovrigInformationstyp", "tns:LefiOvrigInformationTyp")],
    )
    out += complex_type(
        "LefiFormansinformationAvvikelser",
        [
            el("formansinformation", "tns:LefiFkAvvikelseFormanGrupp", "0", "unbounded"),
            el("preliminaraUtbetalningar", "tns:LefiFkAvvikelseFormanGrupp", "0", "unbounded"),
            el("utbetalningar", "tns:LefiFkAvvikelseFormanGrupp", "0", "unbounded"),
            el("ovrigInformation", "tns:LefiAvvikelseOvrigInformationTyp", "0", "unbounded"),
        ],
        "Groups and types of övrig information that could not be fetched, and why.",
    )
    out += complex_type(
        "LefiUtlamnareTillstand",
        [el("utlamnare", "tns:LefiUtlamnare", None), el("tillstand", "tns:LefiTillstand", None)],
    )
    out += complex_type("LefiUtlamnare", [el("kod", "tns:LefiUtlamnareKod", None), el("namn", "xs:string")])
    out += complex_type("LefiTillstand", [el("kod", "tns:LefiTillstandKod", None), el("beskrivning", "xs:string")])
    out.append("")
    out.append("  <!-- The FK data model (v9 LefiFormansinformation and everything it reaches), v9 order -->")
    for name, rows in version_types(m).items():
        elems = []
        for child, t, card in rows:
            maxo = {"": None, "1": None, "*": "unbounded"}[card]
            line = el(child, table_type_ref(t), "0", maxo)
            if (name, child) in ADDITIONS:
                why = ADDITIONS[(name, child)][3]
                line = (
                    line[:-2]
                    + ">\n        <xs:annotation><xs:documentation>"
                    + esc(why)
                    + "</xs:documentation></xs:annotation>\n      </xs:element>"
                )
            elems.append(line)
        doc = TYPE_DOCS.get(name)
        if name == PRELIM_DETAIL_TYPE:
            doc = (
                "Detail of a preliminary payment, harmonised: forman = delförmån, beloppstyp present."
                if m.harmonised
                else "Detail of a preliminary payment, legacy: forman = the old förmån code, no beloppstyp."
            )
        out += complex_type(name, elems, doc)
    out.append("")
    out.append("  <!-- Simple types -->")
    out += enum_type(
        "LefiFkFormanGruppKod", m.groups, f"The FK benefit groups served by version {m.info.label}."
    )
    out += enum_type(
        "LefiOvrigInformationTypKod", OVRIG_INFORMATION_KODER, "Types of övrig information (FK)."
    )
    out += enum_type("LefiAvvikelseKod", AVVIKELSE_KODER, "Why a group could not be delivered.")
    out += enum_type("LefiTillstandKod", TILLSTAND_KODER, "The state of an utlämnare.")
    out += enum_type("LefiUtlamnareKod", UTLAMNARE_KODER, "The utlämnare of this version's data.")
    out += enum_type("LefiFelKod", FEL_KODER, "The code of a SOAP Fault detail.")
    for name, (base, pattern, doc) in SIMPLE_TYPES.items():
        out += [
            f'  <xs:simpleType name="{name}">',
            "    <xs:annotation>",
            f"      <xs:documentation>{esc(doc)}</xs:documentation>",
            "    </xs:annotation>",
            f'    <xs:restriction base="{base}">',
            f'      <xs:pattern value="{esc(pattern)}"/>',
            "    </xs:restriction>",
            "  </xs:simpleType>",
        ]
    out.append("</xs:schema>")
    return "\n".join(out) + "\n"


OPERATIONS = (
    ("hamtaFormansinformation", "hamtaFormansinformationSvar"),
    ("hamtaTillgangligaInformationstyper", "hamtaTillgangligaInformationstyperSvar"),
)


def wsdl(m: Model) -> str:
    ns = m.info.namespace
    n = m.n
    xsd_name = m.info.contract_file("xsd").name
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<!-- Generated by tools/gen_soap_contracts.py. Do not edit by hand. -->",
        f'<wsdl:definitions name="LefiOnlineV{n}" targetNamespace="{ns}"',
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
    for req, resp in OPERATIONS:
        out += [
            f'  <wsdl:message name="{req}Request">',
            f'    <wsdl:part name="parameters" element="tns:{req}"/>',
            "  </wsdl:message>",
            f'  <wsdl:message name="{req}Response">',
            f'    <wsdl:part name="parameters" element="tns:{resp}"/>',
            "  </wsdl:message>",
        ]
    out += [
        '  <wsdl:message name="felMessage">',
        '    <wsdl:part name="fel" element="tns:fel"/>',
        "  </wsdl:message>",
    ]
    out.append('  <wsdl:portType name="LefiOnlinePortType">')
    for req, _resp in OPERATIONS:
        out += [
            f'    <wsdl:operation name="{req}">',
            f'      <wsdl:input message="tns:{req}Request"/>',
            f'      <wsdl:output message="tns:{req}Response"/>',
            '      <wsdl:fault name="fel" message="tns:felMessage"/>',
            "    </wsdl:operation>",
        ]
    out.append("  </wsdl:portType>")
    out += [
        '  <wsdl:binding name="LefiOnlineSoapBinding" type="tns:LefiOnlinePortType">',
        f'    <soap:binding style="document" transport="{HTTP_TRANSPORT}"/>',
    ]
    for req, _resp in OPERATIONS:
        out += [
            f'    <wsdl:operation name="{req}">',
            f'      <soap:operation soapAction="{ns}#{req}" style="document"/>',
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
    xsd_name = m.info.contract_file("xsd").name
    wsdl_name = m.info.contract_file("wsdl").name
    base = m.info.base_path
    diffs = "\n".join(f"- {d}" for d in differences(m, prev))
    return f"""# LEFI Online {m.info.label}: modelled SOAP contract

**Modelled.** Försäkringskassan publishes no schema for the SOAP versions of LEFI Online. This contract
is modelled on the FK data model that the published v9 contract says earlier versions had (its
`LefiFormansinformation` keys are those "that can be provided via LEFI versions 8 and 9"): the same
element names, structure and property order as v9's `formansinformation`; on the LEFI Online release
notes; and on the domain brief §3 (version history). Generated by `tools/gen_soap_contracts.py`
(do not edit the XSD/WSDL by hand).

- Namespace: `{m.info.namespace}` (elementFormDefault qualified)
- Files: `{xsd_name}` (types), `{wsdl_name}` (SOAP 1.1 document/literal, imports the XSD by relative path)
- Endpoint: `POST {base}/soap`; WSDL at `GET {base}/soap?wsdl` and `GET {base}/{wsdl_name}`; XSD at `GET {base}/{xsd_name}`

## Operations
| operation | SOAPAction | request | response |
|---|---|---|---|
| hamtaFormansinformation | `{m.info.namespace}#hamtaFormansinformation` | `hamtaFormansinformation` | `hamtaFormansinformationSvar` |
| hamtaTillgangligaInformationstyper | `{m.info.namespace}#hamtaTillgangligaInformationstyper` | `hamtaTillgangligaInformationstyper` | `hamtaTillgangligaInformationstyperSvar` |

Faults: SOAP 1.1 Fault (HTTP 500; 503 + Retry-After in a maintenance window), detail
`<fel><kod/><meddelande/></fel>` with kod in {", ".join(FEL_KODER)}.

## Content
- Benefit groups ({len(m.groups)}): {", ".join(m.groups)}
- formansinformation has {len(m.keys)} elements (v9 has {len(FK_TYPES["LefiFormansinformation"])} FK keys).
- {fsjp_text(m)}
- {prelim_text(m)}
- Our additions to v9's declared model (annotated `x-lefi-addition` in the XSD, as in our v9 contract):
  {", ".join(f"`{o}/{c}`" for o, c in ADDITIONS)}.

## Differences from the previous version
{diffs}
"""


def render() -> dict[Path, str]:
    files: dict[Path, str] = {}
    prev: Model | None = None
    for m in soap_models():
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
    args = parser.parse_args(argv)
    stale = []
    for path, text in render().items():
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == text:
            continue
        stale.append(path)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    for path in stale:
        print(("stale: " if args.check else "wrote: ") + str(path.relative_to(ROOT)))
    return 1 if (args.check and stale) else 0


# ---------------------------------------------------------------------------------------------
# THE TABLE: the FK part of v9's LefiFormansinformation and every type it reaches, in v9 property
# order. Facts (names, order, types, arrays, patterns) taken from the published v9 contract
# lefi-formansinformation 9.0.0; written here as our own compact table, without its texts.
# Row: (element name, type, cardinality) where type is a table type, a simple type of
# SIMPLE_TYPES, or string|date|int|double|boolean ("date" = v9's free date strings, see LefiDatum);
# cardinality "" = single, "*" = array (maxOccurs unbounded), "1" = array with maxItems 1.
# Every element is optional (minOccurs 0): v9 marks no FK field as required.
FK_TYPES: dict[str, list[tuple[str, str, str]]] = {
    "LefiFormansinformation": [
        ("generellPersoninformation", "LefiPersoninformation", "1"),
        ("aktivitetsstodsarende", "LefiAktivitetsstodArende", "*"),
        ("allmanpensionsarende", "LefiAllmanpensionArende", "*"),
        ("arbetsskadeefterlevandearende", "LefiArbetsskadelivrantaEfterlevandeArende", "*"),
        ("arbetsskadeegenlivrantearende", "LefiArbetsskadelivrantaEgenArende", "*"),
        ("barnbidragsarende", "LefiBarnbidragArende", "*"),
        ("bostadsbidragsarende", "LefiBostadsbidragArende", "*"),
        ("bostadstillaggsarende", "LefiBostadstillaggArende", "*"),
        ("efterlevandepensionsarende", "LefiEfterlevandepensionArende", "*"),
        ("mottagareavbarnbidrag", "LefiMottagareAvBarnbidragArende", "*"),
        ("foraldrapenningarende", "LefiForaldrapenningArende", "*"),
        ("forebyggandeSjukpenningsarende", "LefiForebyggandeSjukpenningArende", "*"),
        ("handikappersattningsarende", "LefiHandikappersattningArende", "*"),
        ("graviditetspenningsarende", "LefiGraviditetspenningArende", "*"),
        ("intjanandebehallning", "LefiIntjanandeBehallning", "*"),
        ("intjanandeuppgift", "LefiIntjanandeUppgift", "*"),
        ("levnadsintygsuppgift", "LefiLevnadsintygUppgift", "*"),
        ("merkostnadsersattningsarende", "LefiMerkostnadsersattningArende", "*"),
        ("narstaendepenningarende", "LefiNarstaendepenningArende", "*"),
        ("omvardnadsbidragsarende", "LefiOmvardnadsbidragArende", "*"),
        ("preliminarautbetalningar", "LefiUtbetalningUppgift", "*"),
        ("programanvisning", "LefiProgramanvisning", "*"),
        ("programersattningsarende", "LefiProgramersattningArende", "*"),
        ("programjobdagar", "LefiProgramjobdagar", "*"),
        ("rehabersattningsarende", "LefiRehabersattningArende", "*"),
        ("sjukOchAktivitetsersattningsarende", "LefiSjukOchAktivitetsersattningArende", "*"),
        (
            "sjukOchAktivitetsersattningSteglosAvrakningHistorik",
            "LefiSjukOchAktivitetsersattningSteglosAvrakning",
            "*",
        ),
        (
            "sjukOchAktivitetsersattningSteglosAvrakningNulage",
            "LefiSjukOchAktivitetsersattningSteglosAvrakning",
            "*",
        ),
        ("sjukpenningarende", "LefiSjukpenningArende", "*"),
        ("sjukpenninggrundandeInkomstuppgift", "LefiSjukpenninggrundandeInkomstUppgift", "*"),
        ("skatteuppgift", "LefiSkatteuppgift", "*"),
        ("smittbararersattningsarende", "LefiSmittbararersattningArende", "*"),
        ("studiemedelsavisering", "LefiStudiemedelAvisering", "*"),
        ("tillfalligForaldrapenningarende", "LefiTillfalligForaldrapenningArende", "*"),
        ("totalforsvarspliktsarende", "LefiTotalforsvarspliktspenningArende", "*"),
        ("underhallsskuld", "LefiUnderhallsskuld", "*"),
        ("underhallsstodskrav", "LefiUnderhallsstodArende", "*"),
        ("underhallsstodsmottag", "LefiUnderhallsstodArende", "*"),
        ("utbetalningsuppgift", "LefiUtbetalningUppgift", "*"),
        ("vardbidragsarende", "LefiVardbidragArende", "*"),
        ("yrkesskadeefterlevandearende", "LefiYrkesskadelivrantaEfterlevandeArende", "*"),
        ("yrkesskadeegenlivrantearende", "LefiYrkesskadelivrantaEgenArende", "*"),
    ],
    "LefiPersoninformation": [
        ("personnummer", "LefiPersonnummer", ""),
        ("foddes", "date", ""),
        ("namn", "string", ""),
        ("skyddad", "boolean", ""),
        ("avled", "date", "1"),
        ("adress", "LefiAdress", "*"),
        ("arbetsstallen", "LefiArbetsstalle", "*"),
        ("barn", "LefiPerson", "*"),
        ("civilstand", "LefiSifferkod", ""),
        ("folkbokford", "LefiFolkbokforingsuppgift", "*"),
        ("medborgarskap", "LefiMedborgarskap", "*"),
        ("samhorig", "LefiPerson", "*"),
    ],
    "LefiAdress": [
        ("roller", "LefiSifferkod", "*"),
        ("utdelningadress", "string", "*"),
        ("postnummer", "string", ""),
        ("postort", "string", ""),
        ("land", "LefiLand", ""),
    ],
    "LefiSifferkod": [
        ("id", "int", ""),
        ("beskrivning", "string", ""),
    ],
    "LefiLand": [
        ("kod", "string", ""),
        ("namn", "string", ""),
    ],
    "LefiArbetsstalle": [
        ("nummer", "string", ""),
        ("namn", "string", ""),
        ("arbetsgivare", "LefiArbetsgivare", ""),
        ("sysselsattning", "string", ""),
        ("arbetstid", "LefiOmfattning", ""),
        ("adress", "LefiAdress", ""),
        ("telefon", "string", ""),
        ("kontakt", "LefiKontaktuppgifter", ""),
    ],
    "LefiArbetsgivare": [
        ("namn", "string", ""),
        ("organisationsnummer", "string", ""),
        ("adress", "LefiAdress", ""),
    ],
    "LefiOmfattning": [
        ("taljare", "int", ""),
        ("namnare", "int", ""),
    ],
    "LefiKontaktuppgifter": [
        ("namn", "string", ""),
        ("telefon", "string", "*"),
        ("epost", "string", "*"),
    ],
    "LefiPerson": [
        ("personnummer", "string", ""),
        ("foddes", "date", ""),
        ("namn", "string", ""),
        ("skyddad", "boolean", ""),
        ("avled", "date", "1"),
    ],
    "LefiFolkbokforingsuppgift": [
        ("lan", "string", ""),
        ("kommun", "string", ""),
    ],
    "LefiMedborgarskap": [
        ("datum", "date", ""),
        ("land", "LefiLand", ""),
    ],
    "LefiAktivitetsstodArende": [
        ("startades", "date", ""),
        ("aktivt", "boolean", ""),
        ("avslaget", "boolean", ""),
        ("grunduppgifter", "LefiAktivitetsstodUppgifter", ""),
        ("beslut", "LefiAktivitetsstodBeslut", "*"),
    ],
    "LefiAktivitetsstodUppgifter": [
        ("atgardstyp", "LefiSifferkod", ""),
    ],
    "LefiAktivitetsstodBeslut": [
        ("fattades", "date", ""),
        ("definitivt", "boolean", ""),
        ("forman", "LefiBokstavskod", ""),
        ("delforman", "LefiBokstavskod", ""),
        ("periodicitet", "LefiSifferkod", ""),
        ("period", "LefiFranTill", ""),
        ("beslutatBruttobelopp", "LefiBelopp", ""),
        ("dagar", "int", ""),
        ("karens", "boolean", ""),
        ("ersattning", "LefiSifferkod", ""),
    ],
    "LefiBokstavskod": [
        ("id", "string", ""),
        ("beskrivning", "string", ""),
    ],
    "LefiFranTill": [
        ("fran", "date", ""),
        ("till", "date", ""),
    ],
    "LefiBelopp": [
        ("summa", "double", ""),
        ("valuta", "string", ""),
    ],
    "LefiAllmanpensionArende": [
        ("beslut", "LefiAllmanpensionBeslut", "*"),
    ],
    "LefiAllmanpensionBeslut": [
        ("fattades", "date", ""),
        ("definitivt", "boolean", ""),
        ("forman", "LefiBokstavskod", ""),
        ("delforman", "LefiBokstavskod", ""),
        ("periodicitet", "LefiSifferkod", ""),
        ("period", "LefiFranTill", ""),
        ("beslutatBruttobelopp", "LefiBelopp", ""),
        ("samordnatBruttobelopp", "LefiBelopp", ""),
        ("omfattning", "LefiOmfattning", ""),
    ],
    "LefiArbetsskadelivrantaEfterlevandeArende": [
        ("startades", "date", ""),
        ("aktivt", "boolean", ""),
        ("avslaget", "boolean", ""),
        ("grunduppgifter", "LefiArbetsskadelivrantaEfterlevandeUppgifter", ""),
        ("beslut", "LefiArbetsskadelivrantaBeslut", "*"),
    ],
    "LefiArbetsskadelivrantaEfterlevandeUppgifter": [
        ("uppdaterades", "date", ""),
        ("arbetsgivare", "LefiSifferkod", ""),
        ("skadetillfalle", "date", ""),
        ("orsak", "LefiSifferkod", ""),
        ("avliden", "LefiPerson", ""),
        ("arsinkomstInnanSkada", "LefiBelopp", ""),
    ],
    "LefiArbetsskadelivrantaBeslut": [
        ("fattades", "date", ""),
        ("definitivt", "boolean", ""),
        ("forman", "LefiBokstavskod", ""),
        ("delforman", "LefiBokstavskod", ""),
        ("periodicitet", "LefiSifferkod", ""),
        ("period", "LefiFranTill", ""),
        ("beslutatBruttobelopp", "LefiBelopp", ""),
        ("underlag", "LefiArbetsskadelivrantaUnderlag", ""),
        ("samordnatBruttobelopp", "LefiBelopp", ""),
        ("ersattning", "LefiSifferkod", ""),
    ],
    "LefiArbetsskadelivrantaUnderlag": [
        ("faktor", "double", ""),
        ("samordningsandel", "LefiOmfattning", ""),
        ("bruttoforhojning", "LefiBelopp", ""),
        ("pensionsgrundandeInkomst", "LefiBelopp", ""),
    ],
    "LefiArbetsskadelivrantaEgenArende": [
        ("startades", "date", ""),
        ("aktivt", "boolean", ""),
        ("avslaget", "boolean", ""),
        ("grunduppgifter", "LefiArbetsskadelivrantaEgenUppgifter", ""),
        ("beslut", "LefiArbetsskadelivrantaBeslut", "*"),
    ],
    "LefiArbetsskadelivrantaEgenUppgifter": [
        ("uppdaterades", "date", ""),
        ("arbetsgivare", "LefiSifferkod", ""),
        ("skadetillfalle", "date", ""),
        ("orsak", "LefiSifferkod", ""),
        ("arsinkomstInnanSkada", "LefiBelopp", ""),
        ("arsinkomstEfterSkada", "LefiBelopp", ""),
    ],
    "LefiBarnbidragArende": [
        ("grunduppgifter", "LefiBarnbidragUppgifter", ""),
        ("beslut", "LefiBarnbidragBeslut", "*"),
    ],
    "LefiBarnbidragUppgifter": [
        ("barn", "LefiPerson", ""),
    ],
    "LefiBarnbidragBeslut": [
        ("fattades", "date", ""),
        ("definitivt", "boolean", ""),
        ("forman", "LefiBokstavskod", ""),
        ("delforman", "LefiBokstavskod", ""),
        ("periodicitet", "LefiSifferkod", ""),
        ("period", "LefiFranTill", ""),
        ("beslutatBruttobelopp", "LefiBelopp", ""),
        ("underlag", "LefiBarnbidragUnderlag", ""),
    ],
    "LefiBarnbidragUnderlag": [
        ("skolgang", "boolean", ""),
        ("myndighetsplacering", "boolean", ""),
    ],
    "LefiBostadsbidragArende": [
        ("startades", "date", ""),
        ("aktivt", "boolean", ""),
        ("avslaget", "boolean", ""),
        ("medsokande", "LefiPerson", "*"),
        ("beslut", "LefiBostadsbidragBeslut", "*"),
    ],
    "LefiBostadsbidragBeslut": [
        ("fattades", "date", ""),
        ("definitivt", "boolean", ""),
        ("forman", "LefiBokstavskod", ""),
        ("delforman", "LefiBokstavskod", ""),
        ("periodicitet", "LefiSifferkod", ""),
        ("period", "LefiFranTill", ""),
        ("beslutatBruttobelopp", "LefiBelopp", ""),
        ("underlag", "LefiBostadsbidragUnderlag", ""),
    ],
    "LefiBostadsbidragUnderlag": [
        ("reduceradBostadskostnad", "LefiBelopp", ""),
        ("totalBostadskostnad", "LefiBelopp", ""),
        ("inkomster", "LefiBelopp", "*"),
        ("hemmavarandeBarn", "LefiPerson", "*"),
        ("tidvisboendeBarn", "LefiPerson", "*"),
        ("vaxelvisboendeBarn", "LefiPerson", "*"),
    ],
    "LefiBostadstillaggArende": [
        ("startades", "date", ""),
        ("aktivt", "boolean", ""),
        ("avslaget", "boolean", ""),
        ("medsokande", "LefiPerson", "*"),
        ("beslut", "LefiBostadstillaggBeslut", "*"),
    ],
    "LefiBostadstillaggBeslut": [
        ("fattades", "date", ""),
        ("definitivt", "boolean", ""),
        ("forman", "LefiBokstavskod", ""),
        ("delforman", "LefiBokstavskod", ""),
        ("periodicitet", "LefiSifferkod", ""),
        ("period", "LefiFranTill", ""),
        ("beslutatBruttobelopp", "LefiBelopp", ""),
        ("underlag", "LefiBostadstillaggUnderlag", ""),
    ],
    "LefiBostadstillaggUnderlag": [
        ("arsbruttokostnad", "LefiBelopp", ""),
        ("bostadstillaggsnettokostnad", "LefiBelopp", ""),
        ("forsorjningsstodsarsnettokostnad", "LefiBelopp", ""),
    ],
    "LefiEfterlevandepensionArende": [
        ("grunduppgifter", "LefiEfterlevandepensionUppgifter", ""),
        ("beslut", "LefiEfterlevandepensionBeslut", "*"),
    ],
    "LefiEfterlevandepensionUppgifter": [
        ("avliden", "LefiPerson", ""),
    ],
    "LefiEfterlevandepensionBeslut": [
        ("fattades", "date", ""),
        ("definitivt", "boolean", ""),
        ("forman", "LefiBokstavskod", ""),
        ("delforman", "LefiBokstavskod", ""),
        ("periodicitet", "LefiSifferkod", ""),
        ("period", "LefiFranTill", ""),
        ("beslutatBruttobelopp", "LefiBelopp", ""),
        ("samordnatBruttobelopp", "LefiBelopp", ""),
        ("omfattning", "LefiOmfattning", "1"),
    ],
    "LefiMottagareAvBarnbidragArende": [
        ("grunduppgifter", "LefiMottagareAvBarnbidragUppgifter", ""),
        ("beslut", "LefiMottagareAvBarnbidragBeslut", "*"),
    ],
    "LefiMottagareAvBarnbidragUppgifter": [
        ("personuppgift", "LefiPerson", ""),
    ],
    "LefiMottagareAvBarnbidragBeslut": [
        ("fattades", "date", ""),
        ("definitivt", "boolean", ""),
        ("forman", "LefiBokstavskod", ""),
        ("delforman", "LefiBokstavskod", ""),
        ("periodicitet", "LefiSifferkod", ""),
        ("period", "LefiFranTill", ""),
        ("beslutatBruttobelopp", "LefiBelopp", ""),
        ("underlag", "LefiMottagareAvBarnbidragUnderlag", ""),
    ],
    "LefiMottagareAvBarnbidragUnderlag": [
        ("skolgang", "boolean", ""),
        ("institutionsplacering", "LefiMottagareAvBarnbidragInstitution", "1"),
        ("tvaBidragsmottagare", "boolean", ""),
        ("utbetalningsdatum", "LefiArManad", ""),
        ("utbetalningsmottagare", "LefiUtbetalningsmottagare", ""),
    ],
    "LefiMottagareAvBarnbidragInstitution": [
        ("institution", "LefiSifferkod", ""),
        ("namn", "string", ""),
        ("adress", "LefiAdress", ""),
    ],
    "LefiForaldrapenningArende": [
        ("startades", "date", ""),
        ("aktivt", "boolean", ""),
        ("avslaget", "boolean", ""),
        ("grunduppgifter", "LefiForaldrapenningUppgifter", ""),
        ("beslut", "LefiForaldrapenningBeslut", "*"),
        ("anspraksdagar", "LefiForaldrapenningAnspraksdag", "*"),
    ],
    "LefiForaldrapenningUppgifter": [
        ("barn", "LefiPerson", ""),
    ],
    "LefiForaldrapenningBeslut": [
        ("fattades", "date", ""),
        ("definitivt", "boolean", ""),
        ("forman", "LefiBokstavskod", ""),
        ("period", "LefiFranTill", ""),
        ("omfattning", "LefiOmfattning", ""),
        ("dagar", "int", ""),
        ("ersattning", "LefiSifferkod", ""),
        ("ersattningsdagar", "LefiForaldrapenningErsattningsdag", "*"),
    ],
    "LefiForaldrapenningErsattningsdag": [
        ("dag", "date", ""),
        ("niva", "LefiBokstavskod", ""),
        ("bruttobelopp", "LefiBelopp", ""),
    ],
    "LefiForaldrapenningAnspraksdag": [
        ("dag", "date", ""),
        ("niva", "LefiBokstavskod", ""),
        ("omfattning", "LefiOmfattning", ""),
    ],
    "LefiForebyggandeSjukpenningArende": [
        ("startades", "date", ""),
        ("aktivt", "boolean", ""),
        ("beslut", "LefiForebyggandeSjukpenningBeslut", "*"),
    ],
    "LefiForebyggandeSjukpenningBeslut": [
        ("fattades", "date", ""),
        ("definitivt", "boolean", ""),
        ("forman", "LefiBokstavskod", ""),
        ("period", "LefiFranTill", ""),
        ("omfattning", "LefiOmfattning", ""),
        ("dagar", "int", ""),
        ("karens", "boolean", ""),
        ("beslutsutfall", "string", ""),
        ("beslutstyp", "string", ""),
        ("ersattning", "string", ""),
        ("ersattningsniva", "string", ""),
        ("ersattningsdagar", "LefiForebyggandeSjukpenningDag", "*"),
    ],
    "LefiForebyggandeSjukpenningDag": [
        ("ersattningsdatum", "date", ""),
        ("ersattningsbelopp", "LefiBelopp", ""),
        ("karensavdragsbelopp", "LefiBelopp", ""),
    ],
    "LefiHandikappersattningArende": [
        ("startades", "date", ""),
        ("aktivt", "boolean", ""),
        ("avslaget", "boolean", ""),
        ("beslut", "LefiHandikappersattningBeslut", "*"),
    ],
    "LefiHandikappersattningBeslut": [
        ("fattades", "date", ""),
        ("definitivt", "boolean", ""),
        ("forman", "LefiBokstavskod", ""),
        ("delforman", "LefiBokstavskod", ""),
        ("periodicitet", "LefiSifferkod", ""),
        ("period", "LefiFranTill", ""),
        ("beslutatBruttobelopp", "LefiBelopp", ""),
        ("omfattning", "LefiOmfattning", ""),
    ],
    "LefiGraviditetspenningArende": [
        ("startades", "date", ""),
        ("aktivt", "boolean", ""),
        ("avslaget", "boolean", ""),
        ("beslut", "LefiGraviditetspenningBeslut", "*"),
    ],
    "LefiGraviditetspenningBeslut": [
        ("fattades", "date", ""),
        ("definitivt", "boolean", ""),
        ("forman", "LefiBokstavskod", ""),
        ("period", "LefiFranTill", ""),
        ("omfattning", "LefiOmfattning", ""),
        ("dagar", "int", ""),
        ("ersattning", "LefiSifferkod", ""),
    ],
    "LefiIntjanandeBehallning": [
        ("belopp", "LefiBelopp", ""),
        ("premiepensionBelopp", "LefiBelopp", ""),
    ],
    "LefiIntjanandeUppgift": [
        ("ar", "int", ""),
        ("underlag", "LefiIntjanandeUnderlag", ""),
        ("pensionsbehallningar", "LefiIntjanandeGrund", "*"),
        ("pensionsratter", "LefiIntjanandeGrund", "*"),
        ("faktiskaPensionsratter", "LefiIntjanandeGrund", "*"),
        ("poang", "double", "1"),
        ("barnbeslut", "LefiIntjanandeBarnBeslut", "*"),
    ],
    "LefiIntjanandeUnderlag": [
        ("behallningsunderlag", "LefiIntjanandeBehallningUnderlag", "1"),
        ("pensionsunderlag", "LefiIntjanandePensionUnderlag", "1"),
        ("poangunderlag", "LefiIntjanandePoangUnderlag", "1"),
    ],
    "LefiIntjanandeBehallningUnderlag": [
        ("uppdaterades", "date", ""),
        ("andringsanledning", "string", ""),
        ("pensionsbehallningsforandringar", "LefiIntjanandeForandring", "*"),
    ],
    "LefiIntjanandeForandring": [
        ("typ", "LefiBokstavskod", ""),
        ("arvsvinst", "LefiBelopp", ""),
        ("indexforanding", "LefiBelopp", ""),
        ("administrationskostnad", "LefiBelopp", ""),
        ("uttaget", "LefiBelopp", ""),
        ("aterlagt", "LefiBelopp", ""),
    ],
    "LefiIntjanandePensionUnderlag": [
        ("uppdaterades", "date", ""),
        ("andringsanledning", "string", ""),
        ("intjanandetak", "LefiBelopp", "1"),
        ("forvarvsvillkorsar", "string", ""),
        ("belopp", "LefiIntjanandeGrund", "*"),
        ("underlagPgbForPlikt", "LefiIntjanandePgbForPlikt", "1"),
        ("underlagPgbForStudier", "LefiIntjanandePgbForStudier", "1"),
        ("underlagPgbForBarn", "LefiIntjanandePgbForBarn", "1"),
        ("underlagPgbForSa", "LefiIntjanandePgbForSa", "1"),
        ("underlagPgbForAntagandepoang", "LefiIntjanandePgbForAntagandepoang", "1"),
    ],
    "LefiIntjanandeGrund": [
        ("typ", "LefiBokstavskod", ""),
        ("belopp", "LefiBelopp", ""),
    ],
    "LefiIntjanandePgbForPlikt": [
        ("belopp", "LefiBelopp", ""),
        ("dagar", "int", ""),
        ("halvaMedelPGI", "LefiBelopp", ""),
    ],
    "LefiIntjanandePgbForStudier": [
        ("belopp", "LefiBelopp", ""),
        ("studiebidrag", "LefiBelopp", ""),
        ("beloppForeAvrundningTakbegransning", "LefiBelopp", ""),
    ],
    "LefiIntjanandePgbForBarn": [
        ("belopp", "LefiBelopp", ""),
        ("jamfarelseinkomst", "LefiBelopp", ""),
        ("utfyllnadsinkomst", "LefiBelopp", ""),
        ("beloppAlternativ1", "LefiBelopp", ""),
        ("trefjardedelsMedelPGI", "LefiBelopp", ""),
        ("beloppAlternativ2", "LefiBelopp", ""),
        ("basbelopp", "LefiBelopp", ""),
        ("bastaAlternativ", "int", ""),
        ("beloppForeAvrundningTakbegransning", "LefiBelopp", ""),
    ],
    "LefiIntjanandePgbForSa": [
        ("belopp", "LefiBelopp", ""),
        ("manadsunderlag", "LefiIntjanandePgbForSaManadsunderlag", "*"),
    ],
    "LefiIntjanandePgbForSaManadsunderlag": [
        ("manad", "string", ""),
        ("antagandeinkomst", "LefiBelopp", ""),
        ("reduceringsbelopp", "LefiBelopp", ""),
        ("andel", "string", ""),
        ("pisa", "LefiBelopp", "1"),
        ("pisaAnhorig", "LefiBelopp", "1"),
        ("arbetsskadelivranta", "LefiBelopp", "1"),
        ("samordningsprocentAL", "int", "1"),
        ("beloppForeAvrundningTakbegransning", "LefiBelopp", ""),
    ],
    "LefiIntjanandePgbForAntagandepoang": [
        ("belopp", "LefiBelopp", ""),
        ("antagandepoang", "double", ""),
        ("jamforelsepoang", "double", ""),
        ("bastaPoangPlusEtt", "double", ""),
        ("svenskaNordiskaForsakringsmanader", "string", ""),
    ],
    "LefiIntjanandePoangUnderlag": [
        ("uppdaterades", "date", ""),
        ("andringsanledning", "string", ""),
        ("vardar", "boolean", ""),
        ("pgiBedomd", "boolean", ""),
        ("poang", "LefiIntjanandePoang", "*"),
        ("basbelopp", "LefiBelopp", "1"),
        ("inkomster", "LefiIntjanandeGrund", "*"),
    ],
    "LefiIntjanandePoang": [
        ("typ", "LefiBokstavskod", ""),
        ("summa", "double", ""),
    ],
    "LefiIntjanandeBarnBeslut": [
        ("foralder", "LefiPerson", ""),
        ("foraldertyp", "LefiSifferkod", ""),
        ("berattigad", "boolean", ""),
        ("upplysning", "string", ""),
    ],
    "LefiLevnadsintygUppgift": [
        ("uppdaterades", "string", ""),
        ("status", "LefiSifferkod", ""),
    ],
    "LefiMerkostnadsersattningArende": [
        ("startades", "date", ""),
        ("aktivt", "boolean", ""),
        ("avslaget", "boolean", ""),
        ("beslut", "LefiMerkostnadsersattningBeslut", ""),
    ],
    "LefiMerkostnadsersattningBeslut": [
        ("fattades", "date", ""),
        ("definitivt", "boolean", ""),
        ("forman", "LefiBokstavskod", ""),
        ("delforman", "LefiBokstavskod", ""),
        ("periodicitet", "LefiSifferkod", ""),
        ("period", "LefiFranTill", ""),
        ("beslutatBruttobelopp", "LefiBelopp", ""),
        ("beslutstatus", "LefiBokstavskod", ""),
        ("beslutsutfall", "LefiSifferkod", ""),
        ("upphorandeManadFrom", "LefiManad", "1"),
        ("periodbeslut", "LefiMerkostnadsersattningPeriodbeslut", "*"),
        ("underlag", "LefiMerkostnadsersattningUnderlag", ""),
    ],
    "LefiMerkostnadsersattningPeriodbeslut": [
        ("period", "LefiFranTill", ""),
        ("omfattning", "LefiOmfattning", ""),
        ("andel", "LefiOmfattning", ""),
        ("utbetalningstyp", "LefiBokstavskod", ""),
    ],
    "LefiMerkostnadsersattningUnderlag": [
        ("Barn", "LefiPerson", "*"),
    ],
    "LefiNarstaendepenningArende": [
        ("startades", "date", ""),
        ("aktivt", "boolean", ""),
        ("avslaget", "boolean", ""),
        ("beslut", "LefiNarstaendepenningBeslut", "*"),
    ],
    "LefiNarstaendepenningBeslut": [
        ("fattades", "date", ""),
        ("definitivt", "boolean", ""),
        ("forman", "LefiBokstavskod", ""),
        ("period", "LefiFranTill", ""),
        ("omfattning", "LefiOmfattning", ""),
        ("dagar", "int", ""),
        ("karens", "boolean", ""),
        ("ersattning", "LefiSifferkod", ""),
    ],
    "LefiOmvardnadsbidragArende": [
        ("startades", "date", ""),
        ("aktivt", "boolean", ""),
        ("avslaget", "boolean", ""),
        ("beslut", "LefiOmvardnadsbidragBeslut", ""),
    ],
    "LefiOmvardnadsbidragBeslut": [
        ("fattades", "date", ""),
        ("definitivt", "boolean", ""),
        ("forman", "LefiBokstavskod", ""),
        ("delforman", "LefiBokstavskod", ""),
        ("periodicitet", "LefiSifferkod", ""),
        ("period", "LefiFranTill", ""),
        ("beslutatBruttobelopp", "LefiBelopp", ""),
        ("beslutstatus", "LefiBokstavskod", ""),
        ("beslutsutfall", "LefiSifferkod", ""),
        ("upphorandeManadFrom", "LefiManad", "1"),
        ("periodbeslut", "LefiOmvardnadsbidragPeriodBeslut", "*"),
        ("underlag", "LefiOmvardnadsbidragUnderlag", ""),
    ],
    "LefiOmvardnadsbidragPeriodBeslut": [
        ("period", "LefiFranTill", ""),
        ("omfattning", "LefiOmfattning", ""),
        ("andel", "LefiOmfattning", ""),
        ("utbetalningstyp", "LefiBokstavskod", ""),
    ],
    "LefiOmvardnadsbidragUnderlag": [
        ("Barn", "LefiPerson", "*"),
    ],
    "LefiUtbetalningUppgift": [
        ("typ", "LefiSifferkod", ""),
        ("foretag", "LefiSifferkod", ""),
        ("formansfamilj", "LefiBokstavskod", ""),
        ("datum", "date", ""),
        ("period", "LefiFranTill", ""),
        ("bruttobelopp", "LefiBelopp", ""),
        ("skattebelopp", "LefiBelopp", ""),
        ("avdragsbelopp", "LefiBelopp", ""),
        ("nettobelopp", "LefiBelopp", ""),
        ("utbetalningsdetalj", "LefiUtbetalningDetalj", "*"),
    ],
    "LefiUtbetalningDetalj": [
        ("forman", "LefiBokstavskod", ""),
        ("period", "LefiFranTill", ""),
        ("beloppstyp", "LefiBokstavskod", ""),
        ("omfattning", "LefiOmfattning", ""),
        ("dagar", "int", ""),
        ("timmar", "int", ""),
        ("bruttobelopp", "LefiBelopp", ""),
        ("skattebelopp", "LefiBelopp", ""),
        ("avdragsbelopp", "LefiBelopp", ""),
    ],
    "LefiProgramanvisning": [
        ("period", "LefiFranTill", ""),
        ("omfattning", "LefiOmfattning", ""),
        ("program", "LefiSifferkod", ""),
    ],
    "LefiProgramersattningArende": [
        ("beslut", "LefiProgramersattningBeslut", "*"),
    ],
    "LefiProgramersattningBeslut": [
        ("fattades", "date", ""),
        ("definitivt", "boolean", ""),
        ("forman", "LefiBokstavskod", ""),
        ("delforman", "LefiBokstavskod", ""),
        ("periodicitet", "LefiSifferkod", ""),
        ("period", "LefiFranTill", ""),
        ("beslutatBruttobelopp", "LefiBelopp", ""),
        ("ersattningsdagar", "LefiProgramersattningDag", "*"),
        ("dagar", "string", "*"),
        ("ersattning", "LefiBokstavskod", ""),
    ],
    "LefiProgramersattningDag": [
        ("dag", "date", ""),
        ("ersattning", "LefiBokstavskod", ""),
        ("belopp", "LefiBelopp", ""),
    ],
    "LefiProgramjobdagar": [
        ("antalForbrukade", "int", ""),
        ("harForbrukatMaxAntal", "boolean", ""),
    ],
    "LefiRehabersattningArende": [
        ("startades", "date", ""),
        ("aktivt", "boolean", ""),
        ("beslut", "LefiRehabersattningBeslut", "*"),
    ],
    "LefiRehabersattningBeslut": [
        ("karens", "boolean", ""),
        ("beslutsutfall", "string", ""),
        ("beslutstyp", "string", ""),
        ("fattades", "date", ""),
        ("definitivt", "boolean", ""),
        ("forman", "LefiBokstavskod", ""),
        ("period", "LefiFranTill", ""),
        ("omfattning", "LefiOmfattning", ""),
        ("dagar", "int", ""),
        ("ersattning", "string", ""),
        ("ersattningsniva", "string", ""),
        ("ersattningsdagar", "LefiRehabersattningDag", "*"),
    ],
    "LefiRehabersattningDag": [
        ("ersattningsdatum", "date", ""),
        ("ersattningsbelopp", "LefiBelopp", ""),
        ("karensavdragsbelopp", "LefiBelopp", ""),
    ],
    "LefiSjukOchAktivitetsersattningArende": [
        ("startades", "date", ""),
        ("aktivt", "boolean", ""),
        ("avslaget", "boolean", ""),
        ("grunduppgifter", "LefiSjukOchAktivitetsersattningUppgifter", ""),
        ("beslut", "LefiSjukOchAktivitetsersattningBeslut", "*"),
    ],
    "LefiSjukOchAktivitetsersattningUppgifter": [
        ("forsakringstid", "LefiOmfattning", "1"),
        ("forsakringstidGsaAr", "int", "1"),
        ("forsakringstidGsaManad", "int", "1"),
        ("forsakringstidGsaDag", "int", "1"),
    ],
    "LefiSjukOchAktivitetsersattningBeslut": [
        ("fattades", "date", ""),
        ("definitivt", "boolean", ""),
        ("forman", "LefiBokstavskod", ""),
        ("delforman", "LefiBokstavskod", ""),
        ("periodicitet", "LefiSifferkod", ""),
        ("period", "LefiFranTill", ""),
        ("beslutatBruttobelopp", "LefiBelopp", ""),
        ("samordnatBruttobelopp", "LefiBelopp", ""),
        ("omfattning", "LefiOmfattning", ""),
    ],
    "LefiSjukOchAktivitetsersattningSteglosAvrakning": [
        ("artal", "LefiAr", ""),
        ("arsinkomstISverige", "LefiBelopp", "1"),
        ("arsinkomstIAnnatLand", "LefiBelopp", "1"),
        ("fribelopp", "LefiBelopp", "1"),
        ("mellanskillnad", "LefiBelopp", "1"),
        ("tillagg", "LefiBelopp", "1"),
        ("avgift", "LefiBelopp", "1"),
        ("utbetalning", "LefiBelopp", "1"),
        ("aterkrav", "LefiBelopp", "1"),
    ],
    "LefiSjukpenningArende": [
        ("startades", "date", ""),
        ("aktivt", "boolean", ""),
        ("beslut", "LefiSjukpenningBeslut", "*"),
    ],
    "LefiSjukpenningBeslut": [
        ("fattades", "date", ""),
        ("definitivt", "boolean", ""),
        ("forman", "LefiBokstavskod", ""),
        ("period", "LefiFranTill", ""),
        ("omfattning", "LefiOmfattning", ""),
        ("dagar", "int", ""),
        ("karens", "boolean", ""),
        ("beslutsutfall", "string", ""),
        ("beslutstyp", "string", ""),
        ("ersattning", "string", ""),
        ("ersattningsniva", "string", ""),
        ("ersattningsdagar", "LefiSjukpenningDag", "*"),
    ],
    "LefiSjukpenningDag": [
        ("ersattningsdatum", "date", ""),
        ("ersattningsbelopp", "LefiBelopp", ""),
        ("karensavdragsbelopp", "LefiBelopp", ""),
    ],
    "LefiSjukpenninggrundandeInkomstUppgift": [
        ("faststalldes", "date", ""),
        ("typ", "LefiSifferkod", ""),
        ("anstallning", "LefiBelopp", ""),
        ("verksamhet", "LefiBelopp", ""),
        ("karens", "int", ""),
        ("dagar", "int", ""),
        ("timmar", "int", ""),
    ],
    "LefiSkatteuppgift": [
        ("skatteredovisningsnummer", "string", ""),
    ],
    "LefiSmittbararersattningArende": [
        ("startades", "date", ""),
        ("aktivt", "boolean", ""),
        ("avslaget", "boolean", ""),
        ("beslut", "LefiSmittbararersattningBeslut", "*"),
    ],
    "LefiSmittbararersattningBeslut": [
        ("fattades", "date", ""),
        ("definitivt", "boolean", ""),
        ("forman", "LefiBokstavskod", ""),
        ("period", "LefiFranTill", ""),
        ("omfattning", "LefiOmfattning", ""),
        ("dagar", "int", ""),
    ],
    "LefiStudiemedelAvisering": [
        ("typ", "LefiSifferkod", ""),
        ("period", "LefiFranTill", ""),
    ],
    "LefiTillfalligForaldrapenningArende": [
        ("startades", "date", ""),
        ("aktivt", "boolean", ""),
        ("avslaget", "boolean", ""),
        ("grunduppgifter", "LefiTillfalligForaldrapenningUppgifter", ""),
        ("beslut", "LefiTillfalligForaldrapenningBeslut", "*"),
    ],
    "LefiTillfalligForaldrapenningUppgifter": [
        ("barn", "LefiPerson", ""),
    ],
    "LefiTillfalligForaldrapenningBeslut": [
        ("fattades", "date", ""),
        ("definitivt", "boolean", ""),
        ("forman", "LefiBokstavskod", ""),
        ("period", "LefiFranTill", ""),
        ("omfattning", "LefiOmfattning", ""),
        ("dagar", "int", ""),
        ("bedomdadagar", "LefiTillfalligForaldrapenningDag", "*"),
        ("ersattning", "LefiSifferkod", ""),
    ],
    "LefiTillfalligForaldrapenningDag": [
        ("dag", "date", ""),
        ("bedomtBelopp", "LefiBelopp", ""),
        ("inkomsttyp", "LefiSifferkod", ""),
        ("berakningssatt", "LefiSifferkod", ""),
    ],
    "LefiTotalforsvarspliktspenningArende": [
        ("startades", "date", ""),
        ("aktivt", "boolean", ""),
        ("avslaget", "boolean", ""),
        ("beslut", "LefiTotalforsvarspliktspenningBeslut", "*"),
    ],
    "LefiTotalforsvarspliktspenningBeslut": [
        ("fattades", "date", ""),
        ("definitivt", "boolean", ""),
        ("forman", "LefiBokstavskod", ""),
        ("period", "LefiFranTill", ""),
        ("omfattning", "LefiOmfattning", ""),
        ("dagar", "int", ""),
    ],
    "LefiUnderhallsskuld": [
        ("belopp", "LefiBelopp", ""),
    ],
    "LefiUnderhallsstodArende": [
        ("startades", "date", ""),
        ("aktivt", "boolean", ""),
        ("avslaget", "boolean", ""),
        ("grunduppgifter", "LefiUnderhallsstodUppgifter", ""),
        ("beslut", "LefiUnderhallsstodBeslut", "*"),
    ],
    "LefiUnderhallsstodUppgifter": [
        ("barn", "LefiPerson", ""),
    ],
    "LefiUnderhallsstodBeslut": [
        ("fattades", "date", ""),
        ("definitivt", "boolean", ""),
        ("forman", "LefiBokstavskod", ""),
        ("delforman", "LefiBokstavskod", ""),
        ("periodicitet", "LefiSifferkod", ""),
        ("period", "LefiFranTill", ""),
        ("beslutatBruttobelopp", "LefiBelopp", ""),
        ("ersattning", "LefiSifferkod", ""),
        ("samordnatBruttobelopp", "LefiBelopp", ""),
    ],
    "LefiVardbidragArende": [
        ("startades", "date", ""),
        ("aktivt", "boolean", ""),
        ("avslaget", "boolean", ""),
        ("beslut", "LefiVardbidragBeslut", "*"),
    ],
    "LefiVardbidragBeslut": [
        ("fattades", "date", ""),
        ("definitivt", "boolean", ""),
        ("forman", "LefiBokstavskod", ""),
        ("delforman", "LefiBokstavskod", ""),
        ("periodicitet", "LefiSifferkod", ""),
        ("period", "LefiFranTill", ""),
        ("beslutatBruttobelopp", "LefiBelopp", ""),
        ("ersattning", "LefiSifferkod", ""),
        ("omfattning", "LefiOmfattning", ""),
        ("underlag", "LefiVardbidragUnderlag", ""),
    ],
    "LefiVardbidragUnderlag": [
        ("barn", "LefiPerson", "*"),
        ("delat", "boolean", ""),
    ],
    "LefiYrkesskadelivrantaEfterlevandeArende": [
        ("startades", "date", ""),
        ("aktivt", "boolean", ""),
        ("avslaget", "boolean", ""),
        ("grunduppgifter", "LefiYrkesskadelivrantaEfterlevandeUppgifter", ""),
        ("beslut", "LefiYrkesskadelivrantaBeslut", "*"),
    ],
    "LefiYrkesskadelivrantaEfterlevandeUppgifter": [
        ("arbetsgivare", "LefiSifferkod", "1"),
        ("skadetillfalle", "date", ""),
        ("orsak", "LefiSifferkod", "*"),
        ("avliden", "LefiPerson", ""),
    ],
    "LefiYrkesskadelivrantaBeslut": [
        ("fattades", "date", ""),
        ("definitivt", "boolean", ""),
        ("forman", "LefiBokstavskod", ""),
        ("delforman", "LefiBokstavskod", ""),
        ("periodicitet", "LefiSifferkod", ""),
        ("period", "LefiFranTill", ""),
        ("beslutatBruttobelopp", "LefiBelopp", ""),
        ("underlag", "LefiYrkesskadelivrantaUnderlag", ""),
        ("ersattning", "LefiSifferkod", ""),
    ],
    "LefiYrkesskadelivrantaUnderlag": [
        ("faktor", "LefiOmfattning", ""),
    ],
    "LefiYrkesskadelivrantaEgenArende": [
        ("startades", "date", ""),
        ("aktivt", "boolean", ""),
        ("avslaget", "boolean", ""),
        ("grunduppgifter", "LefiYrkesskadelivrantaEgenUppgifter", ""),
        ("beslut", "LefiYrkesskadelivrantaBeslut", "*"),
    ],
    "LefiYrkesskadelivrantaEgenUppgifter": [
        ("arbetsgivare", "LefiSifferkod", "1"),
        ("skadetillfalle", "date", ""),
        ("orsak", "LefiSifferkod", "*"),
    ],
}

if __name__ == "__main__":
    sys.exit(main())
