"""XsdContract on a small fixture XSD: valid documents pass; each kind of violation has its rule and path."""

from __future__ import annotations

from pathlib import Path

import pytest

from lefi_contracts.errors import ContractError
from lefi_contracts.validation import XsdContract

FIX = Path(__file__).parent / "fixtures"
NS = "urn:test:mini"
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"

SVAR = f"""<m:hamtaFormansinformationSvar xmlns:m="{NS}">
<m:utlamnare><m:kod>FK</m:kod><m:tillstand>OK</m:tillstand></m:utlamnare>
<m:formansinformation><m:sjukpenningarende><m:startades>2024-02-26</m:startades><m:aktivt>true</m:aktivt>
<m:beslut><m:fattades>2024-03-01</m:fattades><m:period><m:fran>2024-03-01</m:fran></m:period><m:dagar>5</m:dagar></m:beslut>
<m:beslut><m:fattades>2024-04-01</m:fattades>{{PERIOD}}<m:summa>12.5</m:summa></m:beslut>
</m:sjukpenningarende></m:formansinformation></m:hamtaFormansinformationSvar>"""


def svar(period: str = "<m:period><m:fran>2024-04-01</m:fran><m:till>2024-04-30</m:till></m:period>") -> str:
    return SVAR.replace("{PERIOD}", period)


def env(payload: str, ns: str = SOAP) -> bytes:
    return f'<soap:Envelope xmlns:soap="{ns}"><soap:Body>{payload}</soap:Body></soap:Envelope>'.encode()


def fault(detail: str, faultstring: str = "Felaktiga indata", code: str = "soap:Client") -> bytes:
    return env(
        f"<soap:Fault><faultcode>{code}</faultcode><faultstring>{faultstring}</faultstring>"
        f"<detail>{detail}</detail></soap:Fault>"
    )


FEL = f'<fel xmlns="{NS}"><kod>FELAKTIGA_INDATA</kod><meddelande>Perioden saknas</meddelande></fel>'


@pytest.fixture(scope="module")
def contract() -> XsdContract:
    return XsdContract(FIX / "mini.xsd", version="mini")


def rules(violations: list) -> list[tuple[str, str]]:
    return [(v.rule, v.path) for v in violations]


def test_valid_response_and_fault_pass(contract: XsdContract) -> None:
    assert contract.validate_response(env(svar()), operation="hamtaFormansinformation", status=200) == []
    assert contract.validate_response(fault(FEL), status=500, content_type="text/xml; charset=utf-8") == []


def test_operations_come_from_the_xsd(contract: XsdContract) -> None:
    ops = contract.operations()
    assert [(o.name, o.response) for o in ops] == [("hamtaFormansinformation", "hamtaFormansinformationSvar")]


def test_missing_required_element_has_the_full_path(contract: XsdContract) -> None:
    bad = env(svar("<m:period><m:till>2024-04-30</m:till></m:period>"))
    [v] = contract.validate_response(bad, operation="hamtaFormansinformation")
    assert v.rule == "xsd:missing-element"
    assert str(v) == (
        "/hamtaFormansinformationSvar/formansinformation/sjukpenningarende[1]/beslut[2]/period: "
        "missing required element 'fran' (found 'till')"
    )
    [v] = contract.validate_response(env(svar("<m:period></m:period>")))
    assert v.message == "missing required element 'fran'"


def test_value_errors(contract: XsdContract) -> None:
    doc = svar().replace("<m:dagar>5</m:dagar>", "<m:dagar>fem</m:dagar>").replace(">OK<", ">KANSKE<")
    found = contract.validate_response(env(doc))
    assert rules(found) == [
        ("xsd:enumeration", "/hamtaFormansinformationSvar/utlamnare[1]/tillstand"),
        ("xsd:type", "/hamtaFormansinformationSvar/formansinformation/sjukpenningarende[1]/beslut[1]/dagar"),
    ]
    assert "'KANSKE' is not one of" in found[0].message
    assert found[1].message == "value 'fem' is not a valid xs:int"


def test_unexpected_element(contract: XsdContract) -> None:
    doc = svar().replace("<m:summa>", "<m:karens>true</m:karens><m:summa>")
    [v] = contract.validate_response(env(doc))
    assert (v.rule, v.path) == (
        "xsd:unexpected-element",
        "/hamtaFormansinformationSvar/formansinformation/sjukpenningarende[1]/beslut[2]",
    )
    assert "'karens'" in v.message


def test_envelope_problems(contract: XsdContract) -> None:
    soap12 = "http://www.w3.org/2003/05/soap-envelope"
    assert rules(contract.validate_response(env(svar(), ns=soap12))) == [
        ("soap:envelope-namespace", "/Envelope")
    ]
    assert rules(contract.validate_response(f'<soap:Envelope xmlns:soap="{SOAP}"/>'.encode())) == [
        ("soap:body", "/Envelope")
    ]
    assert rules(contract.validate_response(env(""))) == [("soap:body", "/Envelope/Body")]
    assert rules(contract.validate_response(svar().encode())) == [
        ("soap:envelope", "/hamtaFormansinformationSvar")
    ]
    wrong_ns = svar().replace(NS, "urn:test:other")
    [v] = contract.validate_response(env(wrong_ns))
    assert (v.rule, v.path) == ("xml:namespace", "/hamtaFormansinformationSvar")
    assert "urn:test:other" in v.message
    req = f'<hamtaFormansinformation xmlns="{NS}"><aktorsId>a</aktorsId></hamtaFormansinformation>'
    assert (
        rules(contract.validate_response(env(req), operation="hamtaFormansinformation"))[0][0]
        == "soap:operation"
    )
    assert rules(contract.validate_response(b"<a><b></a>"))[0][0] == "xml:malformed"
    assert (
        rules(contract.validate_response(env(svar()), content_type="text/html"))[0][0] == "soap:content-type"
    )
    assert rules(contract.validate_response(env(svar()), status=500)) == [("soap:status", "/Envelope/Body")]


def test_fault_problems(contract: XsdContract) -> None:
    assert rules(contract.validate_response(fault(FEL), status=200)) == [("soap:fault-status", "/Fault")]
    assert rules(contract.validate_response(fault(""), status=500)) == [
        ("soap:fault-detail", "/Fault/detail")
    ]
    assert rules(contract.validate_response(fault(FEL, code="Sender"), status=500)) == [
        ("soap:fault", "/Fault/faultcode")
    ]
    assert rules(contract.validate_response(fault(FEL), status=503, headers={})) == [
        ("soap:retry-after", "/Fault")
    ]
    leaked = contract.validate_response(fault(FEL, faultstring="Okänd person 191212121212"), status=500)
    assert rules(leaked) == [("privacy:identity-number", "/Fault/faultstring")]
    bad_kod = FEL.replace("FELAKTIGA_INDATA", "OKLART")
    assert rules(contract.validate_response(fault(bad_kod), status=500)) == [("xsd:enumeration", "/fel/kod")]


def test_request_validation_and_document(contract: XsdContract) -> None:
    xml, errors = contract.encode(
        "hamtaFormansinformation",
        {
            "period": {"tom": "2024-12-31", "from": "2024-01-01"},
            "personnummer": "191212121212",
            "aktorsId": "A",
        },
    )
    assert errors == []
    assert contract.validate_request(env(xml.decode()), operation="hamtaFormansinformation") == []
    xml, errors = contract.encode(
        "hamtaFormansinformation",
        {"aktorsId": "A", "personnummer": "19121212-1212", "period": {"from": "x", "tom": "2024-01-01"}},
    )
    assert len(errors) == 2  # still written: the provider's answer to bad input is what a test wants
    found = contract.validate_request(env(xml.decode()), operation="hamtaFormansinformation")
    assert {v.rule for v in found} == {"xsd:pattern", "xsd:type"}
    assert all("1212-1212" not in v.message for v in found)  # masked
    assert contract.validate_document(svar().encode()) == []
    assert rules(contract.validate_document(svar().encode(), element="fel"))[0][0] == "xsd:root-element"


def test_decode_lists_types_and_no_namespaces(contract: XsdContract) -> None:
    from lefi_contracts.validation import parse_xml

    data, errors = contract.decode(parse_xml(svar().encode()))
    assert errors == []
    arende = data["formansinformation"]["sjukpenningarende"]
    assert isinstance(arende, list) and len(arende) == 1  # repeated in the schema: a list even with one
    assert arende[0]["aktivt"] is True
    assert arende[0]["beslut"][0]["dagar"] == 5
    assert arende[0]["beslut"][1]["summa"] == 12.5
    assert data["utlamnare"] == [{"kod": "FK", "tillstand": "OK"}]


@pytest.mark.parametrize("name", ["broken.xsd", "notwellformed.xsd", "missing.xsd"])
def test_malformed_xsd_is_a_one_line_contract_error(name: str) -> None:
    with pytest.raises(ContractError) as exc:
        XsdContract(FIX / name)
    assert "\n" not in str(exc.value) and name in str(exc.value)
