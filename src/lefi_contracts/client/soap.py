"""SOAP 1.1 document/literal versions (5-8): requests encoded from the version's XSD, answers decoded by it."""

from __future__ import annotations

from typing import Any

from lefi_contracts.client.base import OP_QUERY, OP_TYPES, Fault, LefiResponse, Query, VersionProtocol
from lefi_contracts.client.transport import RawResponse
from lefi_contracts.errors import ResponseRejected, UsageError
from lefi_contracts.validation import contract_for
from lefi_contracts.validation.base import Violation
from lefi_contracts.validation.soap_envelope import SOAP11_NS, local, namespace_of
from lefi_contracts.validation.xmlsafe import parse_xml
from lefi_contracts.validation.xsd import XsdContract

XML_TYPES = ("text/xml", "application/soap+xml", "application/xml")


def envelope(payload: bytes) -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<soap:Envelope xmlns:soap="' + SOAP11_NS.encode() + b'">'
        b"<soap:Body>" + payload + b"</soap:Body></soap:Envelope>"
    )


class SoapProtocol(VersionProtocol):
    @property
    def contract(self) -> XsdContract:
        c = contract_for(self.info)
        assert isinstance(c, XsdContract)
        return c

    def url(self, base_url: str) -> str:
        return f"{base_url.rstrip('/')}{self.info.base_path}/soap"

    def _request(
        self, base_url: str, operation: str, data: dict[str, Any]
    ) -> tuple[str, str, dict[str, str], bytes]:
        contract = self.contract
        allowed = set(contract.child_names(operation))
        unknown = sorted(k for k, v in data.items() if k not in allowed and v not in (None, [], ""))
        if unknown:
            raise UsageError(
                f"version {self.info.number} ({operation}) has no {', '.join(unknown)} in its request"
            )
        body, _errors = contract.encode(
            operation, {k: v for k, v in data.items() if k in allowed and v is not None}
        )
        headers = {
            "Content-Type": "text/xml; charset=utf-8",
            "SOAPAction": f'"{contract.soap_action(operation)}"',
            "Accept": "text/xml",
            "Accept-Encoding": "identity",
        }
        return "POST", self.url(base_url), headers, envelope(body)

    def query_request(
        self, base_url: str, q: Query, aktors_id: str
    ) -> tuple[str, str, dict[str, str], bytes]:
        data = {"aktorsId": aktors_id, "anvandare": q.anvandare, **q.payload()}
        return self._request(base_url, OP_QUERY, data)

    def types_request(
        self, base_url: str, aktors_id: str, anvandare: str | None
    ) -> tuple[str, str, dict[str, str], bytes]:
        return self._request(base_url, OP_TYPES, {"aktorsId": aktors_id})

    def read(self, raw: RawResponse, operation: str) -> LefiResponse:
        media = raw.content_type.split(";")[0].strip().lower()
        if raw.status == 503 and media not in XML_TYPES:
            return self._response(raw, operation, fault=Fault("OTILLGANGLIG", "HTTP 503", http_status=503))
        if media not in XML_TYPES:
            shown = media or "none"
            raise ResponseRejected(
                f"HTTP {raw.status} with content type {shown!r}, expected text/xml (SOAP 1.1)"
            )
        root = parse_xml(raw.body, max_bytes=len(raw.body) + 1)
        contract = self.contract
        payload, _env = contract.envelope_payload(root)
        if payload is None:
            return self._response(raw, operation)
        if (
            local(payload.tag) == "Fault" and namespace_of(payload.tag) != contract.namespace
        ):  # any SOAP namespace
            fault = self._fault(payload, raw.status)
            if raw.status == 200:
                raise ResponseRejected(
                    f"SOAP Fault {fault.code} with HTTP 200 (SOAP 1.1 faults go with HTTP 500)"
                )
            return self._response(raw, operation, fault=fault)
        if namespace_of(payload.tag) != contract.namespace:
            return self._response(
                raw, operation, decode_errors=[f"payload namespace {namespace_of(payload.tag)!r}"]
            )
        data, errors = contract.decode(payload)
        return self._response(
            raw, operation, data=data if isinstance(data, dict) else {}, decode_errors=errors
        )

    def _fault(self, fault_el: Any, status: int) -> Fault:
        children = {local(c.tag): c for c in fault_el if isinstance(c.tag, str)}
        faultcode = (children["faultcode"].text or "").strip() if "faultcode" in children else None
        faultstring = (children["faultstring"].text or "").strip() if "faultstring" in children else ""
        code, message, detail = "", faultstring, None
        det = children.get("detail")
        fel = (
            next((c for c in det if isinstance(c.tag, str) and local(c.tag) == "fel"), None)
            if det is not None
            else None
        )
        if fel is not None:
            parts = {local(c.tag): (c.text or "").strip() for c in fel if isinstance(c.tag, str)}
            code = parts.get("kod", "")
            message = parts.get("meddelande") or faultstring
            detail = parts
        if not code:
            code = f"SOAP-{(faultcode or 'Fault').rpartition(':')[2]}"
        return Fault(code=code, message=message, faultcode=faultcode, http_status=status, detail=detail)

    def violations(self, resp: LefiResponse) -> list[Violation]:
        return self.contract.validate_response(
            resp.raw,
            operation=resp.operation,
            status=resp.http_status,
            content_type=resp.content_type,
            headers=resp.headers,
        )
