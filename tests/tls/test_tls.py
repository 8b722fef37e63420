"""Mutual TLS on the reference provider and in the client: a throw-away CA, certificates per actor.

Proves: the provider serves the certificate we gave it; a query with the right client certificate is answered
(every served version); no client certificate is refused at the TLS handshake; a certificate of another actor is
refused for that actor's aktörsId (REST 403 LefiFelsvar, SOAP Client fault OKAND_AKTOR); a client that trusts
another CA refuses the provider (TargetUnavailable, exit 3 from a command).
"""

from __future__ import annotations

import socket
import ssl
import subprocess
import sys
from typing import Any
from urllib.parse import urlsplit

import pytest
from tlskit import ClientCert

from lefi_contracts.client import LefiClient, Query, TlsConfig
from lefi_contracts.contracts import registry
from lefi_contracts.errors import LefiContractsError, TargetUnavailable

SERVED = [v.number for v in registry().served()]
PERSONA = "bostadsbidrag-flera-beloppsperioder"


def _query(personas: dict[str, Any]) -> Query:
    p = personas[PERSONA]
    return Query(p["personnummer"], p["period"]["from"], p["period"]["tom"], formansinformation=p["groups"])


def _raw_tls(
    url: str, ca: str, cert: ClientCert | None, max_version: ssl.TLSVersion | None = None
) -> ssl.SSLSocket:
    parts = urlsplit(url)
    ctx = ssl.create_default_context(cafile=ca)
    if max_version is not None:
        ctx.maximum_version = max_version
    if cert is not None:
        ctx.load_cert_chain(cert.cert, cert.key)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=5)
    return ctx.wrap_socket(sock, server_hostname=parts.hostname)


def _http_get(tls: ssl.SSLSocket) -> bytes:
    tls.sendall(b"GET /_lefi/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    chunks = []
    while chunk := tls.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def test_provider_serves_the_certificate_it_was_given(
    mtls_url: str, pki: dict[str, Any], certs: dict
) -> None:
    expected = ssl.PEM_cert_to_DER_cert(pki["server_obj"].cert_chain_pems[0].bytes().decode())
    with _raw_tls(mtls_url, pki["ca"], certs["municipality"]) as tls:
        assert tls.getpeercert(binary_form=True) == expected
        assert (("commonName", "lefi-provider.test"),) in tls.getpeercert()["subject"]
        assert _http_get(tls).startswith(b"HTTP/1.1 200")


@pytest.mark.parametrize("version", SERVED)
def test_right_client_certificate_is_answered(
    version: str, mtls_url: str, pki: dict, certs: dict, personas: dict
) -> None:
    actor = personas["municipality"]["aktorsId"]
    with LefiClient(
        mtls_url, version, aktors_id=actor, tls=TlsConfig(*certs["municipality"].pair, ca=pki["ca"])
    ) as c:
        resp = c.query(_query(personas))
        types = c.available_types()
    assert resp.http_status == 200 and resp.ok, resp.describe()
    assert resp.violations() == []
    assert resp.formansinformation["bostadsbidragsarende"], "the persona's bostadsbidrag came back"
    assert types.ok and types.violations() == []


def _answer(
    url: str, ca: str, cert: ClientCert | None, max_version: ssl.TLSVersion | None = None
) -> bytes | Exception:
    """What a raw TLS client gets: the HTTP bytes, or the error that ended the connection."""
    try:
        with _raw_tls(url, ca, cert, max_version) as tls:
            return _http_get(tls)  # TLS 1.3: the server hangs up only after the client's handshake
    except (ssl.SSLError, ConnectionError) as exc:
        return exc


def test_no_client_certificate_is_refused_at_the_handshake(mtls_url: str, pki: dict, certs: dict) -> None:
    for max_version in (None, ssl.TLSVersion.TLSv1_2):
        refused = _answer(mtls_url, pki["ca"], None, max_version)
        assert isinstance(refused, Exception) or refused == b"", (
            f"answered without a certificate: {refused!r}"
        )
    answered = _answer(mtls_url, pki["ca"], certs["municipality"])
    assert isinstance(answered, bytes) and answered.startswith(b"HTTP/1.1 200")


def test_client_without_certificate_gets_one_clear_error(mtls_url: str, pki: dict, personas: dict) -> None:
    actor = personas["municipality"]["aktorsId"]
    client = LefiClient(mtls_url, "9", aktors_id=actor, tls=TlsConfig(ca=pki["ca"]), timeout=10)
    with client, pytest.raises(LefiContractsError) as info:
        client.query(_query(personas))
    message = str(info.value)
    assert isinstance(info.value, TargetUnavailable), (
        message
    )  # exit 3: we cannot talk to it, not a broken contract
    assert "\n" not in message and mtls_url.split("//")[1] in message
    assert "client certificate" in message.lower(), message


def test_certificate_signed_by_another_ca_is_refused(mtls_url: str, pki: dict, certs: dict) -> None:
    refused = _answer(mtls_url, pki["ca"], certs["untrusted-municipality"])
    assert isinstance(refused, Exception) or refused == b"", (
        f"answered a foreign CA's certificate: {refused!r}"
    )


@pytest.mark.parametrize("version", SERVED)
def test_certificate_of_another_actor_is_refused_for_that_actor(
    version: str, mtls_url: str, pki: dict, certs: dict, personas: dict
) -> None:
    municipality = personas["municipality"]["aktorsId"]
    with LefiClient(
        mtls_url, version, aktors_id=municipality, tls=TlsConfig(*certs["insurer"].pair, ca=pki["ca"])
    ) as c:
        resp = c.query(_query(personas))
        types = c.available_types()
    for answer in (resp, types):
        assert not answer.ok
        if answer.transport == "rest":
            assert answer.http_status == 403
            assert answer.fault is not None and answer.fault.code == "HTTP-403"
            assert set(answer.fault.detail or {}) >= {"meddelande", "timestamp"}, answer.describe()
        else:
            assert answer.http_status == 500
            assert answer.fault is not None and answer.fault.code == "OKAND_AKTOR"
            assert answer.fault.faultcode and answer.fault.faultcode.endswith("Client")
        assert answer.violations() == [], "the refusal itself follows the contract"
    # the same certificate is fine for its own actor
    insurer = personas["insurer"]["aktorsId"]
    with LefiClient(
        mtls_url, version, aktors_id=insurer, tls=TlsConfig(*certs["insurer"].pair, ca=pki["ca"])
    ) as c:
        assert c.available_types().ok


def test_certificate_of_an_unknown_actor_is_refused(
    mtls_url: str, pki: dict, certs: dict, personas: dict
) -> None:
    municipality = personas["municipality"]["aktorsId"]
    with LefiClient(
        mtls_url, "9", aktors_id=municipality, tls=TlsConfig(*certs["unknown-actor"].pair, ca=pki["ca"])
    ) as c:
        assert c.available_types().http_status == 403


def test_ombud_certificate_may_represent_but_not_the_unrepresentable(
    mtls_url: str, pki: dict, certs: dict, personas: dict
) -> None:
    vendor = certs["system-vendor"].pair
    with LefiClient(mtls_url, "8", tls=TlsConfig(*vendor, ca=pki["ca"])) as c:
        assert c.available_types(personas["municipality"]["aktorsId"]).ok
        refused = c.available_types(personas["not-representable-actor"]["aktorsId"])
    assert refused.fault is not None and refused.fault.code == "OKAND_AKTOR"


def test_client_trusting_another_ca_refuses_the_provider(
    mtls_url: str, pki: dict, certs: dict, personas: dict
) -> None:
    actor = personas["municipality"]["aktorsId"]
    client = LefiClient(
        mtls_url, "9", aktors_id=actor, tls=TlsConfig(*certs["municipality"].pair, ca=pki["other_ca"])
    )
    with client, pytest.raises(TargetUnavailable) as info:
        client.available_types()
    assert "certificate verify failed" in str(info.value).lower()


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lefi_contracts.cli", *args], capture_output=True, text=True, timeout=60
    )


def test_query_command_over_mutual_tls(mtls_url: str, pki: dict, certs: dict, personas: dict) -> None:
    p, cert = personas[PERSONA], certs["municipality"]
    common = ["query", "--target", mtls_url, "--version", "8", "--personnummer", p["personnummer"],
              "--from", p["period"]["from"], "--tom", p["period"]["tom"], "--groups", ",".join(p["groups"]),
              "--aktor", personas["municipality"]["aktorsId"], "--cert", cert.cert, "--key", cert.key]  # fmt: skip
    ok = _cli(*common, "--ca", pki["ca"])
    assert ok.returncode == 0, ok.stderr
    assert p["personnummer"] not in ok.stdout and '"bostadsbidragsarende"' in ok.stdout
    wrong_ca = _cli(*common, "--ca", pki["other_ca"])
    assert wrong_ca.returncode == 3
    lines = wrong_ca.stderr.strip().splitlines()
    assert len(lines) == 1 and "certificate verify failed" in lines[0].lower(), wrong_ca.stderr
    assert "Traceback" not in wrong_ca.stderr


def test_fuzzing_over_mutual_tls(mtls_url: str, pki: dict, certs: dict, personas: dict) -> None:
    """fuzz --cert/--key/--ca reaches an mTLS target; without the certificate it is one clear exit-3 error.

    Over mutual TLS the caller is its certificate's actor, so its catalogue holds that actor only (any other
    aktorsId is rightly refused with 403 before the query is read)."""
    from lefi_contracts.errors import TargetUnavailable
    from lefi_contracts.fuzz import run_fuzz

    own = personas["municipality"]["aktorsId"]
    catalogue = {k: v for k, v in personas.items() if v.get("aktorsId") in (None, own)}
    result = run_fuzz(
        mtls_url,
        "8,9",
        examples=5,
        seed=1,
        catalogue=catalogue,
        tls=TlsConfig(*certs["municipality"].pair, ca=pki["ca"]),
    )
    assert result.cases > 0
    assert not result.failed, [(r.name, r.message) for r in result.results if r.failed]
    with pytest.raises(TargetUnavailable):
        run_fuzz(mtls_url, "9", examples=2, seed=1, tls=TlsConfig(ca=pki["ca"]))
