"""The provider's reading of a SOAP query: the elements it takes, by namespace and name, and what it refuses."""

from __future__ import annotations

import pytest
from lxml import etree
from provider_testkit import SOAP_ENV, served, soap_body

from lefi_contracts.contracts import VersionInfo
from lefi_contracts.provider.rules import Rejected
from lefi_contracts.provider.soap import parse_request

SOAP = [v for v in served() if v.transport == "soap"]
PERIOD = {"from": "2024-01-01", "tom": "2024-12-31"}


def _query(v: VersionInfo, **kw: object) -> bytes:
    return soap_body(v, "hamtaFormansinformation", "A1", personnummer="194408139089", period=PERIOD, **kw)


def _with_extra(body: bytes, parent_local: str, tag: str) -> bytes:
    root = etree.fromstring(body)
    parent = next(
        e for e in root.iter() if isinstance(e.tag, str) and etree.QName(e).localname == parent_local
    )
    etree.SubElement(parent, tag).text = "x"
    return etree.tostring(root)


@pytest.mark.parametrize("v", SOAP, ids=lambda v: f"v{v.number}")
def test_a_query_is_read_element_by_element(v: VersionInfo) -> None:
    parsed = parse_request(
        _query(v, anvandare="u1", formansinformation=["FK:SJP", "FK:BOB"]), v.namespace or "", None
    )
    q = parsed.query
    assert parsed.operation == "hamtaFormansinformation"
    assert (q.aktors_id, q.anvandare, q.personnummer) == ("A1", "u1", "194408139089")
    assert (q.period_from, q.period_tom) == ("2024-01-01", "2024-12-31")
    assert q.lists == {"formansinformation": ["FK:SJP", "FK:BOB"]}


@pytest.mark.parametrize("v", SOAP, ids=lambda v: f"v{v.number}")
@pytest.mark.parametrize(
    ("parent", "tag", "message"),
    [
        ("hamtaFormansinformation", "{ns}okand", "Okänt element okand i frågan."),
        ("hamtaFormansinformation", "{urn:annan}personnummer", "Okänt element personnummer i frågan."),
        ("hamtaFormansinformation", "personnummer", "Okänt element personnummer i frågan."),
        ("period", "{ns}mitt", "Okänt element mitt i period."),
        ("period", "{urn:annan}from", "Okänt element from i period."),
    ],
)
def test_an_element_of_another_name_or_namespace_is_refused(
    v: VersionInfo, parent: str, tag: str, message: str
) -> None:
    body = _with_extra(_query(v), parent, tag.replace("{ns}", f"{{{v.namespace}}}"))
    with pytest.raises(Rejected) as caught:
        parse_request(body, v.namespace or "", None)
    assert (caught.value.status, caught.value.meddelande) == (400, message)


@pytest.mark.parametrize("v", SOAP[:1], ids=lambda v: f"v{v.number}")
def test_tillgangliga_takes_only_aktors_id(v: VersionInfo) -> None:
    body = soap_body(v, "hamtaTillgangligaInformationstyper", "A1")
    assert parse_request(body, v.namespace or "", None).query.aktors_id == "A1"
    with pytest.raises(Rejected, match="Okänt element personnummer i frågan"):
        parse_request(
            _with_extra(body, "hamtaTillgangligaInformationstyper", f"{{{v.namespace}}}personnummer"),
            v.namespace or "",
            None,
        )
    assert SOAP_ENV in body.decode()
