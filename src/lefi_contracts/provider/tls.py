"""Mutual TLS for the reference provider: who is calling, read from the client certificate.

uvicorn 0.54 puts no ASGI "tls" extension in the scope (its h11/httptools protocols never read the peer
certificate), so `PeerCertProtocol` subclasses uvicorn's HTTP protocol: once the TLS handshake is done
(asyncio calls connection_made only after it), it reads `ssl_object.getpeercert()` and adds the standard ASGI
TLS extension (scope["extensions"]["tls"], spec 2.x: client_cert_chain, client_cert_name, tls_version, ...)
plus our parsed subject under "lefi_subject". A server that already fills the extension works the same.

Which actor a certificate is (our choice, documented in DESIGN/README): the subject's serialNumber
(OID 2.5.4.5, where Swedish organisation certificates carry the number) when present, else its commonName,
holds the aktorsId of a catalogue actor. A caller with a certificate may ask only for its own aktorsId; an
ombud (actor kind "systemleverantor") may ask for any actor it may represent. No certificate at all is refused
by the TLS handshake itself (ssl.CERT_REQUIRED when a client CA is configured).
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the auto base is httptools' protocol or h11's: the same interface, h11's is typed
    from uvicorn.protocols.http.h11_impl import H11Protocol as AutoHTTPProtocol
else:
    from uvicorn.protocols.http.auto import AutoHTTPProtocol

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Any, Any], Awaitable[None]]
OMBUD_KIND = "systemleverantor"

_TLS_VERSIONS = {"TLSv1.2": 0x0303, "TLSv1.3": 0x0304}
_ATTR_ORDER = ("serialNumber", "commonName")
_RFC4514 = {
    "commonName": "CN",
    "serialNumber": "serialNumber",
    "organizationName": "O",
    "organizationalUnitName": "OU",
    "countryName": "C",
    "organizationIdentifier": "organizationIdentifier",
}


def subject_attributes(cert: dict[str, Any] | None) -> dict[str, str]:
    """The subject of a getpeercert() dict as {attribute long name: value} (first value of each)."""
    out: dict[str, str] = {}
    for rdn in (cert or {}).get("subject", ()):
        for name, value in rdn:
            out.setdefault(str(name), str(value))
    return out


def actor_of_subject(subject: dict[str, str]) -> str | None:
    """The aktorsId a certificate speaks for: serialNumber, else commonName (None: neither)."""
    for attr in _ATTR_ORDER:
        value = subject.get(attr, "").strip()
        if value:
            return value
    return None


def _rfc4514(subject: dict[str, str]) -> str:
    return ",".join(f"{_RFC4514.get(k, k)}={v}" for k, v in reversed(list(subject.items())))


def tls_extension(ssl_object: ssl.SSLObject | ssl.SSLSocket | None) -> dict[str, Any] | None:
    """The ASGI TLS extension for one connection (None when the connection is not TLS)."""
    if ssl_object is None:
        return None
    cert = ssl_object.getpeercert()  # dict only for a certificate the context verified; {} or None otherwise
    der = ssl_object.getpeercert(binary_form=True)
    subject = subject_attributes(cert)
    cipher = ssl_object.cipher()
    return {
        "server_cert": None,
        "client_cert_chain": [ssl.DER_cert_to_PEM_cert(der)] if der else [],
        "client_cert_name": _rfc4514(subject) if subject else None,
        "client_cert_error": None,
        "tls_version": _TLS_VERSIONS.get(ssl_object.version() or ""),
        "cipher_suite": None,  # the ssl module names the suite but does not give its 16-bit id
        "lefi_cipher": cipher[0] if cipher else None,
        "lefi_subject": subject,
    }


def presented_certificate(scope: Scope) -> bool | None:
    """True: the caller presented a certificate; False: TLS without one; None: no TLS information in the scope."""
    tls = (scope.get("extensions") or {}).get("tls")
    if not isinstance(tls, dict):
        return None
    return bool(tls.get("client_cert_chain") or tls.get("client_cert_name"))


def peer_actor(scope: Scope) -> str | None:
    """The aktorsId of the caller's verified certificate, or None (plain HTTP, or TLS without a client cert)."""
    tls = (scope.get("extensions") or {}).get("tls")
    if not isinstance(tls, dict):
        return None
    subject = tls.get("lefi_subject")
    if not isinstance(subject, dict):
        subject = _parse_rfc4514(tls.get("client_cert_name"))
    return actor_of_subject(subject)


def _parse_rfc4514(name: Any) -> dict[str, str]:
    """Best effort for servers that fill only client_cert_name ("CN=...,O=...")."""
    if not isinstance(name, str):
        return {}
    back = {v: k for k, v in _RFC4514.items()}
    out: dict[str, str] = {}
    for part in name.split(","):
        key, _, value = part.partition("=")
        if value:
            out.setdefault(back.get(key.strip(), key.strip()), value.strip())
    return out


def _with_tls(app: ASGIApp, extension: dict[str, Any]) -> ASGIApp:
    async def wrapped(scope: Scope, receive: Any, send: Any) -> None:
        if scope.get("type") in ("http", "websocket"):
            scope.setdefault("extensions", {})["tls"] = extension
        await app(scope, receive, send)

    return wrapped


class PeerCertProtocol(AutoHTTPProtocol):
    """uvicorn's HTTP protocol that hands the verified client certificate to the app (per connection)."""

    app: ASGIApp  # uvicorn sets it from config.loaded_app, which it leaves untyped

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if not isinstance(
            transport, asyncio.Transport
        ):  # uvicorn's protocols read and write: a full transport
            raise TypeError(
                f"an HTTP connection needs a read/write transport, not {type(transport).__name__}"
            )
        super().connection_made(transport)
        extension = tls_extension(transport.get_extra_info("ssl_object"))
        if extension is not None:
            self.app = _with_tls(self.app, extension)


def caller_may_ask_for(cert_actor: Any, aktors_id: Any) -> bool:
    """May the holder of a certificate of `cert_actor` (an ActorRow, None if unknown) ask for `aktors_id`?"""
    if cert_actor is None:
        return False
    if cert_actor.aktors_id == aktors_id:
        return True
    return bool(cert_actor.kind == OMBUD_KIND)
