"""REST/JSON versions (9): JSON requests to the aktörs path, answers read with the size cap and strict UTF-8."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlsplit

from lefi_contracts.client.base import Fault, LefiResponse, Query, VersionProtocol
from lefi_contracts.client.transport import RawResponse
from lefi_contracts.errors import ResponseRejected, UsageError
from lefi_contracts.validation import contract_for
from lefi_contracts.validation.base import Violation
from lefi_contracts.validation.openapi import OpenApiContract
from lefi_contracts.validation.xmlsafe import parse_json

USER_HEADER = "X-Lefi-Anvandare"


def _is_json(media: str) -> bool:
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


class RestProtocol(VersionProtocol):
    def _base(self, base_url: str, aktors_id: str) -> str:
        return f"{base_url.rstrip('/')}{self.info.base_path}/aktorer/{quote(aktors_id, safe='')}"

    @staticmethod
    def _headers(anvandare: str | None, *, body: bool) -> dict[str, str]:
        headers = {"Accept": "application/json", "Accept-Encoding": "identity"}
        if body:
            headers["Content-Type"] = "application/json"
        if anvandare:
            headers[USER_HEADER] = anvandare
        return headers

    def query_request(
        self, base_url: str, q: Query, aktors_id: str
    ) -> tuple[str, str, dict[str, str], bytes]:
        body = json.dumps(q.payload(), ensure_ascii=False).encode("utf-8")
        url = f"{self._base(base_url, aktors_id)}/formansinformation/fraga"
        return "POST", url, self._headers(q.anvandare, body=True), body

    def types_request(
        self, base_url: str, aktors_id: str, anvandare: str | None
    ) -> tuple[str, str, dict[str, str], bytes]:
        return (
            "GET",
            f"{self._base(base_url, aktors_id)}/tillgangligaInformationstyper",
            self._headers(anvandare, body=False),
            b"",
        )

    def read(self, raw: RawResponse, operation: str) -> LefiResponse:
        media = raw.content_type.split(";")[0].strip().lower()
        if not raw.body and raw.status != 200:
            return self._response(
                raw, operation, fault=Fault(f"HTTP-{raw.status}", "", http_status=raw.status)
            )
        if not _is_json(media):
            if raw.status == 503:
                return self._response(raw, operation, fault=Fault("HTTP-503", "", http_status=503))
            raise ResponseRejected(
                f"HTTP {raw.status} with content type {media or 'none'!r}, expected application/json"
            )
        value: Any = parse_json(raw.body, max_bytes=len(raw.body) + 1)
        if 200 <= raw.status < 300:
            if not isinstance(value, dict):
                return self._response(raw, operation, data={}, decode_errors=["answer is not a JSON object"])
            return self._response(raw, operation, data=value)
        message = value.get("meddelande", "") if isinstance(value, dict) else ""
        fault = Fault(f"HTTP-{raw.status}", str(message), http_status=raw.status, detail=value)
        return self._response(raw, operation, fault=fault)

    def violations(self, resp: LefiResponse) -> list[Violation]:
        contract = contract_for(self.info)
        assert isinstance(contract, OpenApiContract)
        operation = resp.operation
        try:
            contract.operation(operation)
        except UsageError:
            found = contract.operation_for(resp.request.method, urlsplit(resp.request.url).path)
            if found is None:
                return [
                    Violation(
                        "/",
                        f"no operation of the contract matches {resp.request.method} {urlsplit(resp.request.url).path}",
                        "openapi:operation",
                    )
                ]
            operation = found
        return contract.validate_response(
            resp.raw,
            operation=operation,
            status=resp.http_status,
            content_type=resp.content_type,
            headers=resp.headers,
        )
