"""Provider-side SOAP 1.1: a safe parse of the request envelope into a ProviderQuery, and the operation it names.

Hostile XML (a DTD, entities) is refused before lxml sees it; lxml then parses without entity resolution or
network access. Every refusal is a Rejected(400, FELAKTIGA_INDATA) that the app turns into a soap:Client fault.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import defusedxml.ElementTree as safe_et
from defusedxml import DefusedXmlException
from lxml import etree

from lefi_contracts.provider.rules import LISTS, ProviderQuery, Rejected, bad_request

SOAP11_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
OPERATIONS = ("hamtaFormansinformation", "hamtaTillgangligaInformationstyper")
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
)
_XML_TYPES = ("text/xml", "application/xml", "application/soap+xml")


@dataclass(frozen=True)
class SoapRequest:
    operation: str
    query: ProviderQuery
    payload: etree._Element | None = None  # the operation element, for the XSD check (request_check.py)


def check_content_type(content_type: str | None) -> None:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media not in _XML_TYPES:
        raise bad_request("Fel innehållstyp: en SOAP 1.1-fråga skickas som text/xml.")


class _Discard:
    """A parser target that keeps nothing: the screen needs defusedxml's verdict, not its tree."""

    def close(self) -> None:
        return None


def _screen(body: bytes) -> None:
    """defusedxml.ElementTree.fromstring's checks (same parser, same handlers) without building a tree."""
    parser = safe_et.DefusedXMLParser(
        target=_Discard(), forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    # ElementTree's default handler only resolves entities of a DTD, which the DTD handler has refused already
    parser.parser.DefaultHandlerExpand = None
    parser.feed(body)
    parser.close()


def parse_request(body: bytes, namespace: str, soap_action: str | None) -> SoapRequest:
    if not body.strip():
        raise bad_request("Tom fråga: ett SOAP-kuvert saknas.")
    try:
        _screen(body)
    except DefusedXmlException:
        raise bad_request("XML med DTD eller entiteter tas inte emot.") from None
    except safe_et.ParseError:
        raise bad_request("Frågan är inte välformad XML.") from None
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError:
        raise bad_request("Frågan är inte välformad XML.") from None
    if root.tag != f"{{{SOAP11_ENV}}}Envelope":
        raise bad_request("Frågan är inget SOAP 1.1-kuvert (soap:Envelope saknas).")
    bodies = root.findall(f"{{{SOAP11_ENV}}}Body")
    if len(bodies) != 1:
        raise bad_request("SOAP-kuvertet ska ha exakt ett soap:Body.")
    children = [c for c in bodies[0] if isinstance(c.tag, str)]
    if len(children) != 1:
        raise bad_request("soap:Body ska innehålla exakt ett element.")
    op_elem = children[0]
    qname = etree.QName(op_elem)
    if qname.namespace != namespace:
        raise bad_request("Frågans element har fel namnrymd för denna version.")
    if qname.localname not in OPERATIONS:
        raise bad_request(f"Okänd operation {qname.localname[:60]}.")
    if soap_action:
        action = soap_action.strip().strip('"')
        if action and action != f"{namespace}#{qname.localname}":
            raise bad_request("SOAPAction stämmer inte med frågans operation.")
    return SoapRequest(qname.localname, _query(op_elem, namespace, qname.localname), op_elem)


def _text(elem: etree._Element) -> str:
    if len(elem):
        raise bad_request(f"{etree.QName(elem).localname} ska vara ett enkelt värde.")
    return (elem.text or "").strip()


@functools.cache
def _tags(ns: str, operation: str) -> tuple[dict[str, str], dict[str, str]]:
    """{"{ns}name": name} of the elements the operation takes, and of period's: a tag is looked up, not parsed."""
    allowed = (
        {"aktorsId"}
        if operation == "hamtaTillgangligaInformationstyper"
        else {"aktorsId", "anvandare", "personnummer", "period", *LISTS}
    )
    return {f"{{{ns}}}{n}": n for n in allowed}, {f"{{{ns}}}{n}": n for n in ("from", "tom")}


def _query(op: etree._Element, ns: str, operation: str) -> ProviderQuery:
    allowed, period_parts = _tags(ns, operation)
    q = ProviderQuery(aktors_id="")
    seen: set[str] = set()
    for child in op:
        if not isinstance(child.tag, str):
            continue
        name = allowed.get(child.tag)
        if name is None:
            raise bad_request(f"Okänt element {etree.QName(child).localname[:60]} i frågan.")
        if name in LISTS:
            q.lists.setdefault(name, []).append(_text(child))
            continue
        if name in seen:
            raise bad_request(f"Elementet {name} förekommer flera gånger.")
        seen.add(name)
        if name == "aktorsId":
            q.aktors_id = _text(child)
        elif name == "anvandare":
            q.anvandare = _text(child)
        elif name == "personnummer":
            q.personnummer = _text(child)
        elif name == "period":
            for part in child:
                if not isinstance(part.tag, str):
                    continue
                part_name = period_parts.get(part.tag)
                if part_name is None:
                    raise bad_request(f"Okänt element {etree.QName(part).localname[:60]} i period.")
                setattr(q, "period_from" if part_name == "from" else "period_tom", _text(part))
    if "aktorsId" not in seen or not q.aktors_id:
        raise bad_request("aktorsId saknas.")
    if operation == "hamtaFormansinformation" and "period" not in seen:
        raise bad_request("Perioden saknas.")
    return q


def fault_for(rejected: Rejected) -> tuple[str, str]:
    """(faultcode, faultstring) of a refusal."""
    return rejected.soap_faultcode, rejected.meddelande


__all__ = ["OPERATIONS", "Rejected", "SoapRequest", "check_content_type", "fault_for", "parse_request"]
