"""LefiClient: one client for every interface version; the registry decides SOAP or REST."""

from __future__ import annotations

from types import TracebackType

from lefi_contracts.client.base import OP_QUERY, OP_TYPES, LefiResponse, Query, require_aktor
from lefi_contracts.client.protocols import protocol_for, resolve
from lefi_contracts.client.transport import GuardedTransport, RateLimiter, TlsConfig
from lefi_contracts.contracts import Registry, VersionInfo
from lefi_contracts.errors import TargetUnavailable, UsageError


class LefiClient:
    """Query a LEFI Online target in one version.

    Errors: TargetUnavailable (unreachable, or a maintenance answer when raise_on_unavailable) and
    ResponseRejected (an answer we refuse to read); contract violations are not errors: resp.violations().
    """

    def __init__(
        self,
        base_url: str,
        version: VersionInfo | str,
        *,
        timeout: float = 30.0,
        connect_timeout: float = 5.0,
        max_response_bytes: int = 10_000_000,
        tls: TlsConfig | None = None,
        aktors_id: str | None = None,
        raise_on_unavailable: bool = True,
        registry: Registry | None = None,
        limiter: RateLimiter | None = None,
    ) -> None:
        if not base_url or not base_url.startswith(("http://", "https://")):
            raise UsageError(f"target must be an http:// or https:// URL, not {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self.info = resolve(version, registry)
        if not self.info.served:
            raise UsageError(f"version {self.info.number} is retired and not served")
        self.version = self.info.number
        self.aktors_id = aktors_id
        self.raise_on_unavailable = raise_on_unavailable
        self.protocol = protocol_for(self.info)
        self.transport = GuardedTransport(
            timeout=timeout,
            connect_timeout=connect_timeout,
            max_response_bytes=max_response_bytes,
            tls=tls,
            limiter=limiter,
        )

    def query(self, q: Query, *, raise_on_unavailable: bool | None = None) -> LefiResponse:
        """Send a hämtningsfråga and return the decoded, version-tagged answer."""
        aktor = require_aktor(q.aktors_id, self.aktors_id)
        method, url, headers, body = self.protocol.query_request(self.base_url, q, aktor)
        return self._call(OP_QUERY, method, url, headers, body, raise_on_unavailable)

    def available_types(
        self,
        aktors_id: str | None = None,
        *,
        anvandare: str | None = None,
        raise_on_unavailable: bool | None = None,
    ) -> LefiResponse:
        """The groups and övrig information the aktör may fetch."""
        aktor = require_aktor(aktors_id, self.aktors_id)
        method, url, headers, body = self.protocol.types_request(self.base_url, aktor, anvandare)
        return self._call(OP_TYPES, method, url, headers, body, raise_on_unavailable)

    def _call(
        self,
        operation: str,
        method: str,
        url: str,
        headers: dict[str, str],
        body: bytes,
        raise_on_unavailable: bool | None,
    ) -> LefiResponse:
        raw = self.transport.send(method, url, headers=headers, body=body)
        resp = self.protocol.read(raw, operation)
        should_raise = self.raise_on_unavailable if raise_on_unavailable is None else raise_on_unavailable
        if should_raise and resp.unavailable:
            when = f"; retry after {resp.retry_after}" if resp.retry_after else ""
            raise TargetUnavailable(
                f"version {self.version} at {self.base_url} is unavailable (maintenance window){when}",
                retry_after=resp.retry_after,
            )
        return resp

    def close(self) -> None:
        self.transport.close()

    def __enter__(self) -> LefiClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
