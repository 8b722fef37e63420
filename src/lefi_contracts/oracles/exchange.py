"""One request and its decoded answer, transport-neutral: what every rule reads.

The fuzzers build it from what they sent and received (fuzz/rest.py, fuzz/soap.py); the scenarios and the probes
build it from the client's `Query` and `LefiResponse` (`exchange_of`). The answer is in the v9 JSON shape whatever
the transport, so a rule is written once for XML and JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lefi_contracts.contracts import VersionInfo


@dataclass
class Exchange:
    """One request and its answer, transport-neutral."""

    version: VersionInfo
    operation: str
    request: dict[str, Any]  # v9 JSON shape of the query, plus aktorsId and anvandare
    status: int
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    data: dict[str, Any] | None = None  # decoded answer (v9 JSON shape) when it is not an error
    fault_code: str | None = None  # SOAP fel/kod, or "HTTP-<status>" for a REST error
    fault_side: str | None = None  # "client" / "server" (SOAP faultcode), None for REST
    contract_violations: list[str] = field(default_factory=list)  # filled by the transport (XSD / OpenAPI)
    fault_text: str = ""  # the fault's message and faultstring, when the transport decoded them

    @property
    def is_error(self) -> bool:
        return self.fault_code is not None or self.status >= 400

    @property
    def is_query(self) -> bool:
        return "personnummer" in self.request

    def error_text(self) -> str:
        """Everything of an error answer a consumer may log: the fault's texts and the whole body."""
        return "\n".join([self.fault_text, self.body.decode("utf-8", "replace")])


def exchange_of(response: Any, query: Any, version: VersionInfo) -> Exchange:
    """A client `LefiResponse` to a client `Query` as an Exchange (no contract validation here: that is the
    contract rule's job, and a scenario asks for it by its own step)."""
    request = dict(query.payload()) if query is not None else {}
    if query is not None and query.aktors_id is not None:
        request["aktorsId"] = query.aktors_id
    if query is not None and query.anvandare is not None:
        request["anvandare"] = query.anvandare
    fault = getattr(response, "fault", None)
    side = None
    if fault is not None and fault.faultcode:
        side = "server" if "server" in fault.faultcode.lower() else "client"
    status = int(getattr(response, "http_status", 0))
    code = fault.code if fault is not None else (f"HTTP-{status}" if status >= 400 else None)
    texts = [str(getattr(fault, "message", "") or ""), str(getattr(fault, "faultcode", "") or "")]
    raw = getattr(response, "raw", b"") or b""
    return Exchange(
        version=version,
        operation=str(getattr(response, "operation", "hamtaFormansinformation")),
        request=request,
        status=status,
        body=raw if isinstance(raw, bytes) else str(raw).encode(),
        headers=dict(getattr(response, "headers", None) or {}),
        data=getattr(response, "data", None),
        fault_code=code,
        fault_side=side,
        fault_text="\n".join(t for t in texts if t),
    )
