"""Small helpers for the provider tests: raw SOAP/REST calls over HTTP and validation of every answer.

Deliberately independent of lefi_contracts.client: these tests check the provider, not our client.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import xmlschema
import yaml
from lxml import etree

from lefi_contracts.contracts import VersionInfo, registry

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
LISTS = (
    "formansinformation",
    "ansprak",
    "beslut",
    "preliminaraUtbetalningar",
    "utbetalningar",
    "ovrigInformation",
)
CLEAN_NOW = dt.datetime(2026, 1, 15, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))


@cache
def _xsd(path: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(path))


def xsd(v: VersionInfo) -> etree.XMLSchema:
    return _xsd(str(v.contract_file("xsd")))


@cache
def _openapi(path: str) -> dict[str, Any]:
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def openapi(v: VersionInfo) -> dict[str, Any]:
    return _openapi(str(v.contract_file("openapi")))


def json_validator(v: VersionInfo, schema: str) -> jsonschema.Draft4Validator:
    doc = openapi(v)
    return jsonschema.Draft4Validator(
        {"$ref": f"#/components/schemas/{schema}", "components": doc["components"]}
    )


def json_errors(v: VersionInfo, schema: str, data: Any) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in json_validator(v, schema).iter_errors(data)]


@dataclass
class Answer:
    """One answer, version-independent: status, JSON-like data (XML turned into lists/dicts), raw parts."""

    version: VersionInfo
    status: int
    data: Any
    headers: httpx.Headers
    text: str
    fault: dict[str, str] | None = None
    schema_errors: list[str] | None = None
    element_ns: str | None = None

    @property
    def fi(self) -> dict[str, Any]:
        return (self.data or {}).get("formansinformation") or {}


@cache
def _decoder(path: str) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(path)


def decoder(v: VersionInfo) -> xmlschema.XMLSchema:
    return _decoder(str(v.contract_file("xsd")))


def xml_to_data(v: VersionInfo, elem: etree._Element) -> dict[str, Any] | None:
    """The XSD-guided dict of an answer element (lists where the XSD repeats); None if not in the version's ns."""
    if etree.QName(elem).namespace != v.namespace:
        return None
    data = decoder(v).to_dict(elem, validation="skip", strip_namespaces=True)
    if isinstance(data, dict):
        data.pop("@xmlns", None)
        return data
    return {}


def soap_body(v: VersionInfo, operation: str, aktors_id: str, **kw: Any) -> bytes:
    ns = v.namespace
    q = etree.Element(f"{{{ns}}}{operation}", nsmap={"l": ns})
    etree.SubElement(q, f"{{{ns}}}aktorsId").text = aktors_id
    if operation == "hamtaFormansinformation":
        if kw.get("anvandare"):
            etree.SubElement(q, f"{{{ns}}}anvandare").text = kw["anvandare"]
        etree.SubElement(q, f"{{{ns}}}personnummer").text = kw["personnummer"]
        period = etree.SubElement(q, f"{{{ns}}}period")
        etree.SubElement(period, f"{{{ns}}}from").text = kw["period"]["from"]
        etree.SubElement(period, f"{{{ns}}}tom").text = kw["period"]["tom"]
        for name in LISTS:
            for code in kw.get(name) or []:
                etree.SubElement(q, f"{{{ns}}}{name}").text = code
    env = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soap": SOAP_ENV})
    etree.SubElement(env, f"{{{SOAP_ENV}}}Body").append(q)
    return etree.tostring(env, xml_declaration=True, encoding="UTF-8")


def read_soap(v: VersionInfo, response: httpx.Response) -> Answer:
    root = etree.fromstring(response.content, etree.XMLParser(resolve_entities=False, no_network=True))
    assert root.tag == f"{{{SOAP_ENV}}}Envelope", response.text[:300]
    child = next(c for c in root.find(f"{{{SOAP_ENV}}}Body") if isinstance(c.tag, str))
    if child.tag == f"{{{SOAP_ENV}}}Fault":
        fel = child.find("detail").find(f"{{{v.namespace}}}fel")
        errors = [str(e) for e in xsd(v).error_log] if not xsd(v).validate(fel) else []
        fault = {
            "faultcode": child.findtext("faultcode"),
            "faultstring": child.findtext("faultstring"),
            "kod": fel.findtext(f"{{{v.namespace}}}kod"),
            "meddelande": fel.findtext(f"{{{v.namespace}}}meddelande"),
        }
        return Answer(v, response.status_code, None, response.headers, response.text, fault, errors)
    errors = [] if xsd(v).validate(child) else [str(e.message) for e in xsd(v).error_log]
    data = xml_to_data(v, child)
    return Answer(
        v,
        response.status_code,
        data,
        response.headers,
        response.text,
        None,
        errors,
        etree.QName(child).namespace,
    )


def hamta(
    client: httpx.Client,
    v: VersionInfo,
    aktors_id: str,
    personnummer: str,
    period: dict[str, str],
    anvandare: str | None = None,
    **lists: list[str],
) -> Answer:
    """hamtaFormansinformation in the version's own transport; every answer is validated against its contract."""
    if v.transport == "soap":
        body = soap_body(
            v,
            "hamtaFormansinformation",
            aktors_id,
            personnummer=personnummer,
            period=period,
            anvandare=anvandare,
            **lists,
        )
        response = client.post(
            f"{v.base_path}/soap",
            content=body,
            headers={
                "Content-Type": "text/xml; charset=utf-8",
                "SOAPAction": f'"{v.namespace}#hamtaFormansinformation"',
            },
        )
        return read_soap(v, response)
    payload: dict[str, Any] = {"personnummer": personnummer, "period": period}
    payload.update({k: val for k, val in lists.items() if val})
    headers = {"X-Lefi-Anvandare": anvandare} if anvandare else {}
    response = client.post(
        f"{v.base_path}/aktorer/{aktors_id}/formansinformation/fraga", json=payload, headers=headers
    )
    return read_rest(v, response)


def read_rest(v: VersionInfo, response: httpx.Response) -> Answer:
    data = response.json()
    schema = "LefiExternFormansinformationSvar" if response.status_code == 200 else "LefiFelsvar"
    if response.status_code == 200 and "utlamnare" not in data and "formansinformation" not in data:
        schema = "LefiExternTillgangligaInformationstyper" if "meddelande" not in data else "LefiFelsvar"
    return Answer(
        v, response.status_code, data, response.headers, response.text, None, json_errors(v, schema, data)
    )


def tillgangliga(client: httpx.Client, v: VersionInfo, aktors_id: str) -> Answer:
    if v.transport == "soap":
        body = soap_body(v, "hamtaTillgangligaInformationstyper", aktors_id)
        response = client.post(f"{v.base_path}/soap", content=body, headers={"Content-Type": "text/xml"})
        return read_soap(v, response)
    response = client.get(f"{v.base_path}/aktorer/{aktors_id}/tillgangligaInformationstyper")
    data = response.json()
    schema = "LefiExternTillgangligaInformationstyper" if response.status_code == 200 else "LefiFelsvar"
    return Answer(
        v, response.status_code, data, response.headers, response.text, None, json_errors(v, schema, data)
    )


def refused(answer: Answer) -> tuple[int, str | None]:
    """(REST status, None) or (HTTP status, fel kod) of a refusal: the same rule in both transports."""
    if answer.version.transport == "soap":
        return answer.status, (answer.fault or {}).get("kod")
    return answer.status, None


def served() -> list[VersionInfo]:
    return registry().served()


def version_ids(versions: list[VersionInfo]) -> list[str]:
    return [f"v{v.number}" for v in versions]
