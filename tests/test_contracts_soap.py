"""The modelled SOAP contracts of LEFI Online (v5..v8): they load, they are SOAP 1.1 document/literal,
and the versions differ exactly where the release notes say (read from the files themselves).

Versions are taken from contracts/versions.yaml (transport soap), never listed here, except where a
test pins a documented fact of a named version.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
import xmlschema
import yaml
import zeep
from lxml import etree

from lefi_contracts.contracts import VersionInfo, registry

XS = "http://www.w3.org/2001/XMLSchema"
WSDL = "http://schemas.xmlsoap.org/wsdl/"
SOAP11_BINDING = "http://schemas.xmlsoap.org/wsdl/soap/"
SOAP11_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
HTTP_TRANSPORT = "http://schemas.xmlsoap.org/soap/http"
OPERATIONS = {
    "hamtaFormansinformation": "hamtaFormansinformationSvar",
    "hamtaTillgangligaInformationstyper": "hamtaTillgangligaInformationstyperSvar",
}
PRELIM_DETAIL = "LefiPreliminarUtbetalningDetalj"
# formansinformation keys that exist only while their group is served (documented in each XSD).
KEY_GROUP = {"forebyggandeSjukpenningsarende": "FK:FSJP", "programjobdagar": "FK:PJOB"}

REG = registry()
SOAP_VERSIONS = [v for v in REG.versions.values() if v.transport == "soap"]
IDS = [v.number for v in SOAP_VERSIONS]
REPO = REG.root.parent
PUBLISHED_V9 = REPO.parent / "shared" / "lefi" / "lefi-formansinformation-v9.openapi.yaml"
PROJECT_V9 = REG.root / "v9" / "openapi.yaml"


@cache
def xsd_tree(number: str) -> etree._ElementTree:
    return etree.parse(str(REG.get(number).contract_file("xsd")))


@cache
def lxml_schema(number: str) -> etree.XMLSchema:
    return etree.XMLSchema(xsd_tree(number))


@cache
def xml_schema(number: str) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(REG.get(number).contract_file("xsd")))


def complex_children(number: str, type_name: str) -> list[str]:
    """Element names of a named complex type, in order, read from the XSD text."""
    node = xsd_tree(number).find(f"{{{XS}}}complexType[@name='{type_name}']")
    if node is None:
        return []
    return [e.get("name") for e in node.iter(f"{{{XS}}}element")]


def enum_values(number: str, type_name: str) -> list[str]:
    node = xsd_tree(number).find(f"{{{XS}}}simpleType[@name='{type_name}']")
    assert node is not None, f"v{number}: no simple type {type_name}"
    return [e.get("value") for e in node.iter(f"{{{XS}}}enumeration")]


def formansinformation_keys(number: str) -> list[str]:
    return complex_children(number, "LefiFormansinformation")


def expected_keys(info: VersionInfo, v9_keys: list[str]) -> list[str]:
    """v9's keys minus those this version does not serve (per the registry's behaviour)."""
    beh = info.behaviour
    out = []
    for key in v9_keys:
        if key in KEY_GROUP and KEY_GROUP[key] not in beh.formansgrupper:
            continue
        if key == "forebyggandeSjukpenningsarende" and beh.forebyggande_sjukpenning.mode != "own_set":
            continue
        out.append(key)
    return out


def fullest() -> VersionInfo:
    """The SOAP version with the most formansinformation keys (v8 by design)."""
    return max(SOAP_VERSIONS, key=lambda v: len(formansinformation_keys(v.number)))


# ----------------------------------------------------------------------------------------------
# Loading


@pytest.mark.parametrize("info", SOAP_VERSIONS, ids=IDS)
def test_xsd_loads_in_xmlschema_and_lxml(info: VersionInfo) -> None:
    xs = xml_schema(info.number)
    assert xs.target_namespace == info.namespace
    assert xs.element_form_default == "qualified"
    for name in [*OPERATIONS, *OPERATIONS.values(), "fel"]:
        assert name in xs.elements, f"v{info.number}: global element {name} missing"
    assert isinstance(lxml_schema(info.number), etree.XMLSchema)


@pytest.mark.parametrize("info", SOAP_VERSIONS, ids=IDS)
def test_wsdl_is_soap11_document_literal_and_imports_its_xsd(info: VersionInfo) -> None:
    wsdl_path = info.contract_file("wsdl")
    root = etree.parse(str(wsdl_path)).getroot()
    assert root.get("targetNamespace") == info.namespace
    imports = root.findall(f"{{{WSDL}}}types/{{{XS}}}schema/{{{XS}}}import")
    assert [(i.get("namespace"), i.get("schemaLocation")) for i in imports] == [
        (info.namespace, info.contract_file("xsd").name)
    ]
    assert (wsdl_path.parent / imports[0].get("schemaLocation")).is_file()
    port_ops = {o.get("name") for o in root.iterfind(f"{{{WSDL}}}portType/{{{WSDL}}}operation")}
    assert port_ops == set(OPERATIONS)
    for op in root.iterfind(f"{{{WSDL}}}portType/{{{WSDL}}}operation"):
        assert op.find(f"{{{WSDL}}}fault").get("message") == "tns:felMessage"
    fel_part = root.find(f"{{{WSDL}}}message[@name='felMessage']/{{{WSDL}}}part")
    assert fel_part.get("element") == "tns:fel"
    binding = root.find(f"{{{WSDL}}}binding")
    soap_binding = binding.find(f"{{{SOAP11_BINDING}}}binding")
    assert soap_binding is not None, "not a SOAP 1.1 binding"
    assert (soap_binding.get("style"), soap_binding.get("transport")) == ("document", HTTP_TRANSPORT)
    for op in binding.iterfind(f"{{{WSDL}}}operation"):
        action = op.find(f"{{{SOAP11_BINDING}}}operation").get("soapAction")
        assert action == f"{info.namespace}#{op.get('name')}"
        for io in ("input", "output"):
            assert op.find(f"{{{WSDL}}}{io}/{{{SOAP11_BINDING}}}body").get("use") == "literal"
    address = root.find(f".//{{{SOAP11_BINDING}}}address").get("location")
    assert address == f"http://localhost{info.base_path}/soap"


@cache
def zeep_client(number: str) -> zeep.Client:
    return zeep.Client(str(REG.get(number).contract_file("wsdl")))


def body_of(envelope: etree._Element) -> etree._Element:
    body = envelope.find(f"{{{SOAP11_ENV}}}Body")
    assert body is not None, "zeep did not build a SOAP 1.1 envelope"
    return body[0]


@pytest.mark.parametrize("info", SOAP_VERSIONS, ids=IDS)
def test_zeep_builds_requests_that_validate(info: VersionInfo) -> None:
    client = zeep_client(info.number)
    groups = list(info.behaviour.formansgrupper)
    msg = client.create_message(
        client.service,
        "hamtaFormansinformation",
        aktorsId="AKTOR-1",
        anvandare="handlaggare-7",
        personnummer="191212121212",
        period={"from": "2024-01-01", "tom": "2024-12-31"},
        formansinformation=groups,
        preliminaraUtbetalningar=["FK:SJP"],
        utbetalningar=["FK:SJP", "FK:BOB"],
        ovrigInformation=["FK:SGI"],
    )
    req = body_of(msg)
    assert req.tag == f"{{{info.namespace}}}hamtaFormansinformation"
    lxml_schema(info.number).assertValid(req)
    assert len(req.findall(f"{{{info.namespace}}}formansinformation")) == len(groups)
    msg2 = client.create_message(client.service, "hamtaTillgangligaInformationstyper", aktorsId="AKTOR-1")
    lxml_schema(info.number).assertValid(body_of(msg2))


@pytest.mark.parametrize("info", SOAP_VERSIONS, ids=IDS)
def test_request_enum_is_the_versions_groups(info: VersionInfo) -> None:
    universe = sorted({g for v in REG.versions.values() for g in v.behaviour.formansgrupper})
    assert enum_values(info.number, "LefiFkFormanGruppKod") == list(info.behaviour.formansgrupper)
    schema = lxml_schema(info.number)
    for group in universe:
        req = request_xml(info.namespace, group)
        assert schema.validate(req) == (group in info.behaviour.formansgrupper), group


def request_xml(ns: str, group: str, personnummer: str = "191212121212") -> etree._Element:
    return etree.fromstring(
        f'<hamtaFormansinformation xmlns="{ns}"><aktorsId>A</aktorsId>'
        f"<personnummer>{personnummer}</personnummer>"
        "<period><from>2024-01-01</from><tom>2024-03-31</tom></period>"
        f"<formansinformation>{group}</formansinformation></hamtaFormansinformation>"
    )


@pytest.mark.parametrize("pnr", ["1212121212", "191212121212"])
def test_request_personnummer_pattern_accepts_10_or_12_digits(pnr: str) -> None:
    info = SOAP_VERSIONS[0]
    assert lxml_schema(info.number).validate(request_xml(info.namespace, "FK:SJP", pnr))


@pytest.mark.parametrize("pnr", ["12121212121", "19121212-1212", "", "1912121212123"])
def test_request_personnummer_pattern_rejects_others(pnr: str) -> None:
    info = SOAP_VERSIONS[-1]
    assert not lxml_schema(info.number).validate(request_xml(info.namespace, "FK:SJP", pnr))


# ----------------------------------------------------------------------------------------------
# Documented differences, read from the files


@pytest.mark.parametrize("info", SOAP_VERSIONS, ids=IDS)
def test_documentation_says_modelled_and_from_what(info: VersionInfo) -> None:
    docs = xsd_tree(info.number).getroot().find(f"{{{XS}}}annotation/{{{XS}}}documentation").text
    assert "modelled" in docs.lower()
    assert "v9" in docs and "release notes" in docs and "Differences from the previous version" in docs
    readme = (info.contract_file("xsd").parent / "README.md").read_text(encoding="utf-8")
    assert "Modelled" in readme and "## Differences from the previous version" in readme
    for op in OPERATIONS:
        assert op in readme


def test_namespaces_are_distinct_and_from_the_registry() -> None:
    seen = {}
    for info in SOAP_VERSIONS:
        ns = xsd_tree(info.number).getroot().get("targetNamespace")
        assert ns == info.namespace
        seen[ns] = info.number
    assert len(seen) == len(SOAP_VERSIONS)


@pytest.mark.parametrize("info", SOAP_VERSIONS, ids=IDS)
def test_differences_follow_the_registry(info: VersionInfo) -> None:
    beh = info.behaviour
    keys = formansinformation_keys(info.number)
    own_set = beh.forebyggande_sjukpenning.mode == "own_set"
    assert ("forebyggandeSjukpenningsarende" in keys) == own_set
    assert ("FK:FSJP" in enum_values(info.number, "LefiFkFormanGruppKod")) == own_set
    assert ("programjobdagar" in keys) == ("FK:PJOB" in beh.formansgrupper)
    harmonised = beh.preliminara_utbetalningar == "harmonised"
    assert ("beloppstyp" in complex_children(info.number, PRELIM_DETAIL)) == harmonised
    # effected payments carry beloppstyp in every version
    assert "beloppstyp" in complex_children(info.number, "LefiUtbetalningDetalj")
    prelim = xsd_tree(info.number).find(
        f"{{{XS}}}complexType[@name='LefiFormansinformation']//{{{XS}}}element[@name='preliminarautbetalningar']"
    )
    assert prelim.get("type") == "tns:LefiPreliminarUtbetalningUppgift"


def test_documented_facts_of_the_named_versions() -> None:
    """The release-note facts, pinned: fsjp set only in 8, beloppstyp on preliminary detail only in 8,
    no programjobdagar in 5, and 6 identical to 7 apart from the namespace."""
    with_fsjp = {
        v.number
        for v in SOAP_VERSIONS
        if "forebyggandeSjukpenningsarende" in formansinformation_keys(v.number)
    }
    assert with_fsjp == {"8"}
    assert {
        v.number for v in SOAP_VERSIONS if "FK:FSJP" in enum_values(v.number, "LefiFkFormanGruppKod")
    } == {"8"}
    assert {v.number for v in SOAP_VERSIONS if "beloppstyp" in complex_children(v.number, PRELIM_DETAIL)} == {
        "8"
    }
    assert {
        v.number for v in SOAP_VERSIONS if "programjobdagar" not in formansinformation_keys(v.number)
    } == {"5"}
    assert "FK:PJOB" not in enum_values("5", "LefiFkFormanGruppKod")

    def canonical(number: str) -> str:
        text = REG.get(number).contract_file("xsd").read_text(encoding="utf-8")
        body = text.split("</xs:annotation>", 1)[1]  # after the top documentation
        return body.replace(REG.get(number).namespace, "NS").replace(REG.get(number).label, "LABEL")

    assert canonical("6") == canonical("7")


def test_formansinformation_is_v9s_fk_keys_minus_exclusions_in_our_files() -> None:
    top = fullest()
    top_keys = formansinformation_keys(top.number)
    assert len(top_keys) == len(set(top_keys))
    for info in SOAP_VERSIONS:
        assert formansinformation_keys(info.number) == expected_keys(info, top_keys)
        generell = xsd_tree(info.number).find(
            f"{{{XS}}}complexType[@name='LefiFormansinformation']//{{{XS}}}element[@name='generellPersoninformation']"
        )
        assert generell.get("maxOccurs") in (None, "1")


def load_openapi(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["components"]["schemas"]


V9_SOURCES = [
    pytest.param(PROJECT_V9, id="project-v9"),
    pytest.param(PUBLISHED_V9, id="published-v9"),
]


@pytest.mark.parametrize("source", V9_SOURCES)
def test_formansinformation_keys_equal_v9_contract(source: Path) -> None:
    if not source.is_file():
        pytest.skip(f"{source.name} not present at {source.parent}")
    schemas = load_openapi(source)
    v9_keys = list(schemas["LefiFormansinformation"]["properties"])
    for info in SOAP_VERSIONS:
        assert formansinformation_keys(info.number) == expected_keys(info, v9_keys), info.number


def additions(number: str) -> set[tuple[str, str]]:
    """(complex type, element) pairs our XSD documents as x-lefi-addition (not in the published v9)."""
    out = set()
    for ctype in xsd_tree(number).iterfind(f"{{{XS}}}complexType"):
        for elem in ctype.iter(f"{{{XS}}}element"):
            doc = elem.find(f"{{{XS}}}annotation/{{{XS}}}documentation")
            if doc is not None and (doc.text or "").startswith("x-lefi-addition"):
                out.add((ctype.get("name"), elem.get("name")))
    return out


def _v9_children(schemas: dict[str, Any], name: str) -> list[tuple[str, str | None, bool]]:
    out = []
    for prop, spec in schemas[name].get("properties", {}).items():
        array = spec.get("type") == "array"
        item = spec.get("items", spec) if array else spec
        ref = item.get("$ref", "").rsplit("/", 1)[-1] or None
        out.append((prop, ref, array and spec.get("maxItems") != 1))
    return out


@pytest.mark.parametrize("source", V9_SOURCES)
def test_whole_fk_structure_follows_v9(source: Path) -> None:
    """Every type reachable from formansinformation has v9's element names, order and array-ness."""
    if not source.is_file():
        pytest.skip(f"{source.name} not present at {source.parent}")
    schemas = load_openapi(source)
    number = fullest().number
    xs = xml_schema(number)
    ours_added = additions(number)
    assert ours_added, "the x-lefi-addition annotations are missing"

    def keep(owner: str, child: str) -> bool:
        # the published copy lacks our documented additions; the project's v9 carries them
        return source != PUBLISHED_V9 or (owner, child) not in ours_added

    checked = 0
    todo = [("LefiFormansinformation", xs.types["LefiFormansinformation"])]
    seen: set[str] = set()
    while todo:
        v9_name, xtype = todo.pop()
        if v9_name in seen:
            continue
        seen.add(v9_name)
        ours = [e for e in xtype.content.iter_elements() if keep(xtype.local_name, e.local_name)]
        theirs = _v9_children(schemas, v9_name)
        if v9_name == "LefiUtbetalningDetalj" and xtype.local_name == PRELIM_DETAIL:
            theirs = [t for t in theirs if t[0] != "beloppstyp"] if len(ours) < len(theirs) else theirs
        assert [e.local_name for e in ours] == [t[0] for t in theirs], v9_name
        for elem, (prop, ref, many) in zip(ours, theirs, strict=True):
            assert elem.min_occurs == 0, f"{v9_name}/{prop}"
            assert (elem.max_occurs is None) == many, f"{v9_name}/{prop} array-ness"
            if ref:
                todo.append((ref, elem.type))
        checked += 1
    assert checked > 100  # the whole FK model, not a sample


def test_every_group_key_of_the_code_list_is_in_the_xsds() -> None:
    codes = REG.root / "codes" / "formansgrupper.yaml"
    if not codes.is_file():
        pytest.skip("contracts/codes/formansgrupper.yaml not present")
    rows = yaml.safe_load(codes.read_text(encoding="utf-8"))["codes"]
    for info in SOAP_VERSIONS:
        keys = set(formansinformation_keys(info.number))
        for row in rows:
            if info.number in [str(v) for v in row.get("versions", [])] and row.get("utlamnare") == "FK":
                wanted = row.get("formansinformation_keys") or [row["formansinformation_key"]]
                assert set(wanted) <= keys, (info.number, row["kod"])


# ----------------------------------------------------------------------------------------------
# Hand-written response instances

BELOPP = "<summa>{s}</summa><valuta>SEK</valuta>"

SJUKPENNING = """
    <sjukpenningarende><startades>2024-03-04</startades><aktivt>true</aktivt>
      <beslut><fattades>2024-03-10</fattades><definitivt>true</definitivt>
        <forman><id>SJP</id><beskrivning>Sjukpenning</beskrivning></forman>
        <period><fran>2024-03-04</fran><till>2024-03-31</till></period>
        <omfattning><taljare>1</taljare><namnare>1</namnare></omfattning>
        <dagar>27</dagar><karens>true</karens><beslutsutfall>BEVILJAN</beslutsutfall>
        <beslutstyp>SLUTLIGT</beslutstyp><ersattning>SJUKPENNING</ersattning><ersattningsniva>NORMAL</ersattningsniva>
        <ersattningsdagar><ersattningsdatum>2024-03-04</ersattningsdatum>
          <ersattningsbelopp>{b1}</ersattningsbelopp><karensavdragsbelopp>{b2}</karensavdragsbelopp></ersattningsdagar>
      </beslut>
    </sjukpenningarende>
    <sjukpenningarende><startades>2024-03-04</startades><aktivt>false</aktivt><avslaget>true</avslaget></sjukpenningarende>
""".format(b1=BELOPP.format(s="812.5"), b2=BELOPP.format(s="650"))

FOREBYGGANDE = """
    <forebyggandeSjukpenningsarende><startades>2024-06-01</startades><aktivt>true</aktivt>
      <beslut><fattades>2024-06-03</fattades><definitivt>true</definitivt>
        <forman><id>FSJP</id><beskrivning>Förebyggande sjukpenning</beskrivning></forman>
        <period><fran>2024-06-01</fran><till>2024-06-30</till></period>
        <dagar>12</dagar><karens>false</karens><ersattning>FOREBYGGANDE_SJUKPENNING</ersattning>
      </beslut>
    </forebyggandeSjukpenningsarende>
"""


def bostadsbidrag_beslut(fran: str, till: str, summa: str) -> str:
    """One beslut per beloppsperiod (release note: every beloppsperiod is its own beslut)."""
    return f"""
      <beslut><fattades>{fran}</fattades><definitivt>true</definitivt>
        <forman><id>BOB</id><beskrivning>Bostadsbidrag</beskrivning></forman>
        <periodicitet><id>1</id><beskrivning>Månad</beskrivning></periodicitet>
        <period><fran>{fran}</fran><till>{till}</till></period>
        <beslutatBruttobelopp>{BELOPP.format(s=summa)}</beslutatBruttobelopp>
        <underlag><totalBostadskostnad>{BELOPP.format(s="7400")}</totalBostadskostnad></underlag>
      </beslut>"""


BOSTADSBIDRAG = f"""
    <bostadsbidragsarende><startades>2023-12-15</startades><aktivt>true</aktivt><avslaget>false</avslaget>
      {bostadsbidrag_beslut("2024-01", "2024-06-30", "1500")}
      {bostadsbidrag_beslut("2024-07-01", "", "1750")}
    </bostadsbidragsarende>
"""


def prelim(familj: tuple[str, str], forman: tuple[str, str], beloppstyp: tuple[str, str] | None) -> str:
    bt = (
        f"<beloppstyp><id>{beloppstyp[0]}</id><beskrivning>{beloppstyp[1]}</beskrivning></beloppstyp>"
        if beloppstyp
        else ""
    )
    return f"""
    <preliminarautbetalningar>
      <typ><id>2</id><beskrivning>Preliminär</beskrivning></typ>
      <formansfamilj><id>{familj[0]}</id><beskrivning>{familj[1]}</beskrivning></formansfamilj>
      <datum>2024-04-25</datum><period><fran>2024-04-01</fran><till>2024-04-30</till></period>
      <bruttobelopp>{BELOPP.format(s="9000")}</bruttobelopp><nettobelopp>{BELOPP.format(s="6800")}</nettobelopp>
      <utbetalningsdetalj><forman><id>{forman[0]}</id><beskrivning>{forman[1]}</beskrivning></forman>
        <period><fran>2024-04-01</fran><till>2024-04-30</till></period>{bt}<dagar>30</dagar>
        <bruttobelopp>{BELOPP.format(s="9000")}</bruttobelopp></utbetalningsdetalj>
    </preliminarautbetalningar>"""


UTBETALNINGSUPPGIFT = f"""
    <utbetalningsuppgift><typ><id>1</id><beskrivning>Effektuerad</beskrivning></typ>
      <datum>2024-03-25</datum><bruttobelopp>{BELOPP.format(s="812.5")}</bruttobelopp>
      <utbetalningsdetalj><forman><id>SJP</id><beskrivning>Sjukpenning</beskrivning></forman>
        <beloppstyp><id>KAR</id><beskrivning>Karensavdrag</beskrivning></beloppstyp></utbetalningsdetalj>
    </utbetalningsuppgift>"""


def svar(ns: str, formansinformation: str) -> bytes:
    return f"""<hamtaFormansinformationSvar xmlns="{ns}">
  <utlamnare><utlamnare><kod>FK</kod><namn>Försäkringskassan</namn></utlamnare>
    <tillstand><kod>OK</kod><beskrivning>I drift</beskrivning></tillstand></utlamnare>
  <avvikelser><utbetalningar><avvikelse><kod>OBEHORIG</kod><beskrivning>Ej behörig</beskrivning></avvikelse>
    <formansgrupp><kod>FK:BOB</kod><beskrivning>Bostadsbidrag</beskrivning></formansgrupp></utbetalningar></avvikelser>
  <formansinformation>{formansinformation}</formansinformation>
</hamtaFormansinformationSvar>""".encode()


HARMONISED_PRELIM = prelim(("DAG", "Dagersättning"), ("SJP", "Sjukpenning"), ("TDB", "Tim/dagberäknad"))
LEGACY_PRELIM = prelim(("DAG", "Dagersättning för Sjukpenning"), ("SJP", "Sjukpenning"), None)


def v8_content(with_fsjp: bool = True, with_beloppstyp: bool = True) -> str:
    """formansinformation children in v9 order: bostadsbidrag, förebyggande, preliminära, sjukpenning, utbetalningar."""
    return (
        BOSTADSBIDRAG
        + (FOREBYGGANDE if with_fsjp else "")
        + (HARMONISED_PRELIM if with_beloppstyp else LEGACY_PRELIM)
        + SJUKPENNING
        + UTBETALNINGSUPPGIFT
    )


def errors(number: str, doc: bytes) -> list[str]:
    return [f"{e.path} {e.reason}" for e in xml_schema(number).iter_errors(doc)]


def test_v8_response_instance_validates_against_v8() -> None:
    v8 = REG.get("8")
    doc = svar(v8.namespace, v8_content())
    assert errors("8", doc) == []
    assert lxml_schema("8").validate(etree.fromstring(doc))
    decoded = xml_schema("8").to_dict(doc)
    assert len(decoded["formansinformation"]["bostadsbidragsarende"][0]["beslut"]) == 2


@pytest.mark.parametrize("number", ["5", "6", "7"])
def test_v8_response_instance_fails_against_older_versions(number: str) -> None:
    ns = REG.get(number).namespace
    found = errors(number, svar(ns, v8_content()))
    assert found, f"v{number} accepted v8-only content"
    assert any("forebyggandeSjukpenningsarende" in e for e in found)
    # each v8-only part alone is enough to fail, and nothing else is v8-only
    only_beloppstyp = errors(number, svar(ns, v8_content(with_fsjp=False)))
    assert any("beloppstyp" in e for e in only_beloppstyp)
    assert errors(number, svar(ns, v8_content(with_beloppstyp=False)))
    assert errors(number, svar(ns, v8_content(with_fsjp=False, with_beloppstyp=False))) == []


@pytest.mark.parametrize("info", SOAP_VERSIONS, ids=IDS)
def test_legacy_response_instance_validates(info: VersionInfo) -> None:
    """A legacy (pre-2024) preliminary payment and sjukpenning without förebyggande set: valid in 5-8."""
    doc = svar(info.namespace, BOSTADSBIDRAG + LEGACY_PRELIM + SJUKPENNING + UTBETALNINGSUPPGIFT)
    assert errors(info.number, doc) == []


@pytest.mark.parametrize("info", SOAP_VERSIONS, ids=IDS)
@pytest.mark.parametrize(
    ("value", "valid"),
    [("2024-05-19", True), ("2024-05", True), ("", True), ("2024-13-01", False), ("19 maj 2024", False)],
)
def test_fk_dates_accept_v9s_free_forms(info: VersionInfo, value: str, valid: bool) -> None:
    content = f"<sjukpenningarende><startades>{value}</startades></sjukpenningarende>"
    assert lxml_schema(info.number).validate(etree.fromstring(svar(info.namespace, content))) == valid


@pytest.mark.parametrize("info", SOAP_VERSIONS, ids=IDS)
def test_fault_detail_element(info: VersionInfo) -> None:
    schema = lxml_schema(info.number)
    ok = f'<fel xmlns="{info.namespace}"><kod>OKAND_AKTOR</kod><meddelande>Okänd aktör</meddelande></fel>'
    bad = f'<fel xmlns="{info.namespace}"><kod>PANIK</kod><meddelande>x</meddelande></fel>'
    assert schema.validate(etree.fromstring(ok))
    assert not schema.validate(etree.fromstring(bad))


def test_committed_soap_contracts_match_their_generator() -> None:
    """The XSD/WSDL files are data, but they must stay what tools/gen_soap_contracts.py makes of v9 + the overlay."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    proc = subprocess.run(
        [sys.executable, str(root / "tools" / "gen_soap_contracts.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
