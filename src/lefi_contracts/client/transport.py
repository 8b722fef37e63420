"""HTTP for the client: httpx with a total deadline, a streamed size cap, bounded redirects and TLS options.

A provider under test may be broken or hostile: it may never answer, drip one byte a second, send 50 MB or
loop on redirects. httpx's timeouts are per read, so a watchdog shuts the sockets down at the deadline;
the body is streamed and reading stops at the cap, so memory stays bounded.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpcore
import httpx

from lefi_contracts.errors import ResponseRejected, TargetUnavailable, UsageError

MAX_REDIRECTS = 3


@dataclass
class RequestRecord:
    """What was sent, kept for report attachments (masked when described)."""

    method: str
    url: str
    headers: dict[str, str]
    body: bytes = b""


@dataclass
class RawResponse:
    status: int
    headers: httpx.Headers
    body: bytes
    elapsed: float
    url: str
    request: RequestRecord = field(repr=False, default_factory=lambda: RequestRecord("GET", "", {}))

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


class _TrackedStream(httpcore.NetworkStream):
    """A socket stream the watchdog can shut down from another thread (close() would not wake a blocked read)."""

    def __init__(self, inner: httpcore.NetworkStream, registry: weakref.WeakSet[_TrackedStream]) -> None:
        self._inner = inner
        self._registry = registry
        registry.add(self)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, timeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, timeout)

    def close(self) -> None:
        self._registry.discard(self)
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        self._registry.discard(self)
        return _TrackedStream(self._inner.start_tls(ssl_context, server_hostname, timeout), self._registry)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)

    def kill(self) -> None:
        sock = self._inner.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _TrackingBackend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend, registry: weakref.WeakSet[_TrackedStream]) -> None:
        self._inner = inner
        self._registry = registry

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        return _TrackedStream(
            self._inner.connect_tcp(host, port, timeout, local_address, socket_options), self._registry
        )

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.NetworkStream:
        return _TrackedStream(self._inner.connect_unix_socket(path, timeout, socket_options), self._registry)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


_CONTEXTS: dict[tuple[Any, ...], ssl.SSLContext] = {}
_CONTEXTS_LOCK = threading.Lock()


def _mtime(path: str | None) -> int | None:
    try:
        return Path(path).stat().st_mtime_ns if path else None
    except OSError:
        return None


@dataclass(frozen=True)
class TlsConfig:
    """TLS towards a target: a CA bundle (else the system's) and an optional client certificate (mutual TLS).

    One `ssl.SSLContext` carries both, because httpx 0.28 ignores `cert=` when `verify=` is a path.
    """

    cert: str | None = None
    key: str | None = None
    ca: str | None = None
    verify: bool = True

    @classmethod
    def from_options(cls, cert: str | None, key: str | None, ca: str | None) -> TlsConfig:
        """From --cert/--key/--ca, each file checked: a missing one is a one-line usage error."""
        if bool(cert) != bool(key):
            raise UsageError("--cert and --key go together")
        for label, value in (("--cert", cert), ("--key", key), ("--ca", ca)):
            if value and not Path(value).is_file():
                raise UsageError(f"{label} {value}: no such file")
        return cls(
            cert=str(cert) if cert else None, key=str(key) if key else None, ca=str(ca) if ca else None
        )

    @property
    def client_cert(self) -> tuple[str, str] | None:
        return (self.cert, self.key) if self.cert and self.key else None

    def ssl_context(self) -> ssl.SSLContext:
        """The context of this configuration, built once for the files as they are (loading the system's CA
        bundle costs tens of milliseconds, and a run opens a client per worker, version and contract); a
        context is safe to share between threads."""
        key = (self, *(_mtime(p) for p in (self.cert, self.key, self.ca)))
        with _CONTEXTS_LOCK:
            ctx = _CONTEXTS.get(key)
        if ctx is None:
            ctx = self._build_context()
            with _CONTEXTS_LOCK:
                _CONTEXTS[key] = ctx
        return ctx

    def _build_context(self) -> ssl.SSLContext:
        try:
            ctx = ssl.create_default_context(cafile=self.ca) if self.ca else ssl.create_default_context()
        except (OSError, ssl.SSLError) as exc:
            raise UsageError(f"cannot read CA bundle {self.ca}: {exc.__class__.__name__}") from None
        if not self.verify:
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        if self.client_cert:
            try:
                ctx.load_cert_chain(self.client_cert[0], self.client_cert[1])
            except (OSError, ssl.SSLError) as exc:
                raise UsageError(
                    f"cannot read client certificate {self.cert} / key {self.key}: {exc.__class__.__name__}"
                ) from None
        return ctx


NO_TLS = TlsConfig()


class RateLimiter:
    """At most `rate` requests a second across every transport that shares this object (one a run, passed
    explicitly): a token bucket of depth `burst`, so a production-like target is never hammered, whatever the
    number of workers. acquire() blocks the calling thread until its request may go."""

    def __init__(self, rate: float, burst: int = 1) -> None:
        if not rate > 0 or rate == float("inf"):
            raise UsageError(f"the rate limit must be a positive number of requests a second, not {rate!r}")
        if burst < 1:
            raise UsageError("the rate limit's burst must be at least 1")
        self.rate, self.burst = float(rate), burst
        self._lock = threading.Lock()
        self._tokens = float(burst)
        self._last = time.monotonic()

    def acquire(self) -> None:
        while True:
            with self._lock:
                now = time.monotonic()
                self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
                self._last = now
                if self._tokens >= 1:
                    self._tokens -= 1
                    return
                wait = (1 - self._tokens) / self.rate
            time.sleep(wait)


class GuardedTransport:
    """One HTTP connection pool with our limits; one thread at a time (the watchdog resets every socket of it)."""

    def __init__(
        self,
        *,
        timeout: float = 30.0,
        connect_timeout: float = 5.0,
        max_response_bytes: int = 10_000_000,
        tls: TlsConfig | None = None,
        max_redirects: int = MAX_REDIRECTS,
        limiter: RateLimiter | None = None,
    ) -> None:
        """limiter: the run's shared rate limit (None: none); every request waits for it (its redirect hops
        are part of it)."""
        if timeout <= 0 or connect_timeout <= 0:
            raise UsageError("timeouts must be positive")
        if max_response_bytes <= 0:
            raise UsageError("max_response_bytes must be positive")
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.max_response_bytes = max_response_bytes
        self.max_redirects = max_redirects
        self.limiter = limiter
        tls = tls or NO_TLS
        self.has_client_cert = tls.client_cert is not None
        self._streams: weakref.WeakSet[_TrackedStream] = weakref.WeakSet()
        http = httpx.HTTPTransport(verify=tls.ssl_context(), retries=0, trust_env=False)
        pool = getattr(http, "_pool", None)
        if pool is not None and hasattr(pool, "_network_backend"):
            pool._network_backend = _TrackingBackend(pool._network_backend, self._streams)
        self._client = httpx.Client(transport=http, follow_redirects=False, trust_env=False)

    def close(self) -> None:
        self._client.close()

    def _kill_all(self) -> None:
        for stream in list(self._streams):
            stream.kill()

    def send(
        self, method: str, url: str, *, headers: dict[str, str] | None = None, body: bytes = b""
    ) -> RawResponse:
        """Send and read the whole answer within the deadline and the size cap, or raise a one-line error."""
        record = RequestRecord(method, url, dict(headers or {}), body)
        if self.limiter is not None:  # waiting for the limit is not the target's time: before the deadline
            self.limiter.acquire()
        start = time.monotonic()
        deadline = start + self.timeout
        expired = threading.Event()

        def fire() -> None:
            expired.set()
            self._kill_all()

        watchdog = threading.Timer(self.timeout, fire)
        watchdog.daemon = True
        watchdog.start()
        try:
            return self._send(record, start, deadline, expired)
        finally:
            watchdog.cancel()

    def _send(
        self, record: RequestRecord, start: float, deadline: float, expired: threading.Event
    ) -> RawResponse:
        method, url = record.method, record.url
        try:
            request = self._client.build_request(
                method, url, headers=record.headers, content=record.body or None
            )
        except (httpx.InvalidURL, httpx.UnsupportedProtocol, ValueError, TypeError) as exc:
            raise UsageError(f"invalid target URL {url!r}: {exc}") from None
        redirects = 0
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ResponseRejected(f"no complete answer from {url} within {self.timeout:g} s")
            request.extensions["timeout"] = httpx.Timeout(
                remaining, connect=min(self.connect_timeout, remaining)
            ).as_dict()
            try:
                response = self._client.send(request, stream=True)
            except httpx.ConnectTimeout:
                raise TargetUnavailable(
                    f"cannot reach {request.url}: no connection within {self.connect_timeout:g} s"
                ) from None
            except httpx.ConnectError as exc:
                reason = _reason(exc)
                hint = "" if "verify failed" in reason else self._tls_hint(request)
                raise TargetUnavailable(f"cannot reach {request.url}: {reason}{hint}") from None
            except (httpx.ReadTimeout, httpx.WriteTimeout, httpx.PoolTimeout):
                raise ResponseRejected(f"no answer from {request.url} within {self.timeout:g} s") from None
            except (httpx.TransportError, httpx.DecodingError) as exc:
                if expired.is_set():
                    raise ResponseRejected(
                        f"no complete answer from {request.url} within {self.timeout:g} s"
                    ) from None
                # TLS 1.3: a client refused for lack of a certificate hears of it only after the handshake
                hint = self._tls_hint(request) or self._refused_cert_hint(request, exc)
                if hint and isinstance(exc, httpx.RemoteProtocolError):
                    raise TargetUnavailable(
                        f"cannot use {request.url}: closed the connection without an answer{hint}"
                    ) from None
                raise ResponseRejected(f"broken HTTP answer from {request.url}: {_reason(exc)}") from None
            try:
                if response.is_redirect and response.next_request is not None:
                    redirects += 1
                    if redirects > self.max_redirects:
                        raise ResponseRejected(
                            f"more than {self.max_redirects} redirects from {url} (redirect loop?)"
                        )
                    request = response.next_request
                    continue
                body = self._read_capped(response, expired)
                return RawResponse(
                    status=response.status_code,
                    headers=response.headers,
                    body=body,
                    elapsed=time.monotonic() - start,
                    url=str(response.url),
                    request=record,
                )
            finally:
                response.close()

    def _tls_hint(self, request: httpx.Request) -> str:
        """A server that wants mutual TLS just hangs up on a client without a certificate: say so."""
        if request.url.scheme == "https" and not self.has_client_cert:
            return " (does it require a client certificate? give --cert and --key)"
        return ""

    def _refused_cert_hint(self, request: httpx.Request, exc: Exception) -> str:
        """TLS 1.3: a server that does not trust the client certificate hangs up before any answer, too."""
        if (
            request.url.scheme == "https"
            and self.has_client_cert
            and "without sending a response" in str(exc)
        ):
            return " (does the target trust this client certificate? check --cert, --key and its CA)"
        return ""

    def _read_capped(self, response: httpx.Response, expired: threading.Event) -> bytes:
        cap = self.max_response_bytes
        declared = response.headers.get("content-length")
        if declared and declared.strip().isdigit() and int(declared) > cap:
            raise ResponseRejected(
                f"response body of {int(declared)} bytes is larger than the cap of {cap} bytes"
            )
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > cap:
                    raise ResponseRejected(
                        f"response body larger than the cap of {cap} bytes (stopped reading)"
                    )
                chunks.append(chunk)
                if expired.is_set():
                    break
        except (httpx.TransportError, httpx.DecodingError) as exc:
            if expired.is_set():
                raise ResponseRejected(
                    f"no complete answer from {response.url} within {self.timeout:g} s (slow or endless body)"
                ) from None
            raise ResponseRejected(f"broken HTTP answer from {response.url}: {_reason(exc)}") from None
        if expired.is_set():
            raise ResponseRejected(
                f"no complete answer from {response.url} within {self.timeout:g} s (slow or endless body)"
            )
        return b"".join(chunks)


def _reason(exc: BaseException) -> str:
    text = str(exc).strip()
    if not text and exc.__context__ is not None:
        text = str(exc.__context__).strip()
    text = text.splitlines()[0] if text else exc.__class__.__name__
    lowered = text.lower()
    if (
        "name or service not known" in lowered
        or "nodename nor servname" in lowered
        or "getaddrinfo" in lowered
    ):
        return f"host name not found ({text})"
    if "connection refused" in lowered:
        return "connection refused"
    return text
