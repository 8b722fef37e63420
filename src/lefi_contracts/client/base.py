"""Query and LefiResponse (one shape for every version) and the abstract per-transport protocol.

Scenarios, fuzzing and the gate read `resp.data` in the v9 JSON shape whatever the version's transport,
so a behaviour is written once and compared across versions.
"""

from __future__ import annotations

import abc
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from lefi_contracts.client.transport import RawResponse, RequestRecord
from lefi_contracts.contracts import QUERY_SECTIONS, VersionInfo
from lefi_contracts.errors import ContractError, UsageError
from lefi_contracts.personnummer import mask_text
from lefi_contracts.validation.base import Violation

OP_QUERY = "hamtaFormansinformation"
OP_TYPES = "hamtaTillgangligaInformationstyper"
DESCRIBE_LIMIT = 64_000

# Python field -> wire name (v9 JSON property = SOAP element name, by the wire design).
QUERY_LISTS = {
    "formansinformation": "formansinformation",
    "ansprak": "ansprak",
    "beslut": "beslut",
    "preliminara_utbetalningar": "preliminaraUtbetalningar",
    "utbetalningar": "utbetalningar",
    "ovrig_information": "ovrigInformation",
}
AVVIKELSE_SECTIONS = QUERY_SECTIONS


def _iso(value: dt.date | str) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


@dataclass
class Query:
    """One hämtningsfråga. Values are sent as given (invalid ones too: the provider's answer is the test)."""

    personnummer: str
    period_from: dt.date | str
    period_tom: dt.date | str
    formansinformation: list[str] = field(default_factory=list)
    preliminara_utbetalningar: list[str] = field(default_factory=list)
    utbetalningar: list[str] = field(default_factory=list)
    ovrig_information: list[str] = field(default_factory=list)
    ansprak: list[str] = field(default_factory=list)
    beslut: list[str] = field(default_factory=list)
    aktors_id: str | None = None
    anvandare: str | None = None

    def payload(self) -> dict[str, Any]:
        """The request in the v9 JSON shape (LefiExternFormansinformationFraga); empty lists left out."""
        out: dict[str, Any] = {
            "personnummer": self.personnummer,
            "period": {"from": _iso(self.period_from), "tom": _iso(self.period_tom)},
        }
        for attr, wire in QUERY_LISTS.items():
            values = list(getattr(self, attr) or [])
            if values:
                out[wire] = values
        return out


@dataclass(frozen=True)
class Fault:
    """An error answer: SOAP Fault (code from detail/fel/kod) or REST error status (code HTTP-400 ...)."""

    code: str
    message: str
    faultcode: str | None = None
    http_status: int | None = None
    detail: Any = None


@dataclass
class LefiResponse:
    """A version-tagged answer with its payload decoded to the v9 JSON shape."""

    version: str
    transport: str
    operation: str
    http_status: int
    headers: Any
    content_type: str
    raw: bytes
    elapsed: float
    request: RequestRecord
    data: dict[str, Any] | None = None
    fault: Fault | None = None
    retry_after: str | None = None
    decode_errors: list[str] = field(default_factory=list)
    url: str = ""
    # The protocol that decoded this answer, injected by it: its contract is the one violations() checks against.
    protocol: VersionProtocol | None = field(default=None, repr=False, compare=False)
    _violations: list[Violation] | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return 200 <= self.http_status < 300 and self.fault is None

    @property
    def unavailable(self) -> bool:
        """A maintenance answer: HTTP 503, or a SOAP fault OTILLGANGLIG."""
        return self.http_status == 503 or (self.fault is not None and self.fault.code == "OTILLGANGLIG")

    def violations(self) -> list[Violation]:
        """Contract violations of this answer against the contract of the protocol that decoded it (once)."""
        if self._violations is None:
            if self.protocol is None:
                raise ContractError(f"an answer of version {self.version} without the protocol that read it")
            self._violations = self.protocol.violations(self)
        return self._violations

    # -- accessors for scenario steps ---------------------------------------------------------------------

    @property
    def formansinformation(self) -> dict[str, Any]:
        value = (self.data or {}).get("formansinformation")
        return value if isinstance(value, dict) else {}

    def section(self, key: str) -> list[Any]:
        """A top-level list of the answer (utlamnare, ansprak, beslut, ...), [] when absent."""
        value = (self.data or {}).get(key)
        return value if isinstance(value, list) else []

    def avvikelser(self, group: str | None = None, section: str | None = None) -> list[dict[str, Any]]:
        """Avvikelse entries (each {avvikelse{kod,beskrivning}, formansgrupp|ovrigInformationstyp{kod,...}}),
        optionally only those of one group code and/or one section (formansinformation, utbetalningar, ...)."""
        block = (self.data or {}).get("avvikelser")
        if not isinstance(block, dict):
            return []
        out = []
        for name in AVVIKELSE_SECTIONS if section is None else (section,):
            for entry in block.get(name) or []:
                if not isinstance(entry, dict):
                    continue
                grp = entry.get("formansgrupp") or entry.get("ovrigInformationstyp") or {}
                if group is None or (isinstance(grp, dict) and grp.get("kod") == group):
                    out.append({**entry, "section": name})
        return out

    def avvikelse_kod(self, group: str) -> str | None:
        found = self.avvikelser(group)
        return ((found[0].get("avvikelse") or {}).get("kod")) if found else None

    def utlamnare_state(self, kod: str) -> str | None:
        """tillstand.kod (OK / FELANDE / OTILLGANGLIG) of utlämnare `kod` (FK, PM), None if not listed."""
        for entry in self.section("utlamnare"):
            if isinstance(entry, dict) and (entry.get("utlamnare") or {}).get("kod") == kod:
                return (entry.get("tillstand") or {}).get("kod")
        return None

    def describe(self, masked: bool = True) -> str:
        """Request and response as text for a report attachment; personnummer masked unless masked=False."""
        req = self.request
        lines = [f"{req.method} {req.url}"]
        lines += [f"{k}: {v}" for k, v in req.headers.items()]
        lines += [
            "",
            _text(req.body),
            "",
            f"HTTP {self.http_status} ({self.elapsed * 1000:.1f} ms) version {self.version}",
        ]
        lines += [f"{k}: {v}" for k, v in (self.headers.items() if self.headers is not None else [])]
        lines += ["", _text(self.raw)]
        text = "\n".join(lines)
        return mask_text(text) if masked else text


def _text(body: bytes) -> str:
    shown = body[:DESCRIBE_LIMIT].decode("utf-8", errors="replace")
    return shown + (f"\n... ({len(body) - DESCRIBE_LIMIT} more bytes)" if len(body) > DESCRIBE_LIMIT else "")


class VersionProtocol(abc.ABC):
    """How one transport builds requests and reads answers for one version (SOAP or REST)."""

    def __init__(self, info: VersionInfo) -> None:
        self.info = info

    @abc.abstractmethod
    def query_request(
        self, base_url: str, q: Query, aktors_id: str
    ) -> tuple[str, str, dict[str, str], bytes]:
        """(method, url, headers, body) of a hämtningsfråga."""

    @abc.abstractmethod
    def types_request(
        self, base_url: str, aktors_id: str, anvandare: str | None
    ) -> tuple[str, str, dict[str, str], bytes]:
        """(method, url, headers, body) of a tillgängliga informationstyper call."""

    @abc.abstractmethod
    def read(self, raw: RawResponse, operation: str) -> LefiResponse:
        """Decode an answer (raises ResponseRejected for what we refuse to read)."""

    @abc.abstractmethod
    def violations(self, resp: LefiResponse) -> list[Violation]:
        """Contract violations of an answer."""

    def _response(self, raw: RawResponse, operation: str, **kwargs: Any) -> LefiResponse:
        return LefiResponse(
            version=self.info.number,
            transport=self.info.transport,
            operation=operation,
            http_status=raw.status,
            headers=raw.headers,
            content_type=raw.content_type,
            raw=raw.body,
            elapsed=raw.elapsed,
            request=raw.request,
            retry_after=raw.headers.get("retry-after"),
            url=raw.url,
            protocol=self,
            **kwargs,
        )


def require_aktor(*candidates: str | None) -> str:
    for c in candidates:
        if c:
            return c
    raise UsageError("no aktörsId: give aktors_id to LefiClient or to the Query")
