"""LefiClient against a stub/hostile server on loopback: decoding, maintenance, and every refusal."""

from __future__ import annotations

import json
import socket
import time
import tracemalloc
from collections.abc import Callable

import pytest

from lefi_contracts.client import LefiClient, Query
from lefi_contracts.contracts import registry
from lefi_contracts.errors import ResponseRejected, TargetUnavailable, UsageError
from lefi_contracts.validation import contract_for

from .stubserver import SOAP, Seen, Stub, drip, endless, reply

PNR = "191212121212"


def _version(transport: str) -> str:
    for v in registry().served():
        kind = "xsd" if v.transport == "soap" else "openapi"
        if v.transport == transport and v.contract_file(kind).is_file():
            return v.number
    pytest.skip(f"no {transport} contract written yet")


@pytest.fixture
def soap_v() -> str:
    return _version("soap")


@pytest.fixture
def rest_v() -> str:
    return _version("rest")


def q(**kw: object) -> Query:
    return Query(PNR, "2024-01-01", "2024-12-31", formansinformation=["FK:SJP"], aktors_id="aktor-1", **kw)  # type: ignore[arg-type]


def soap_body(ns: str, inner: str) -> bytes:
    return f'<soap:Envelope xmlns:soap="{SOAP}"><soap:Body>{inner}</soap:Body></soap:Envelope>'.encode()


def svar(ns: str) -> str:
    return (
        f'<hamtaFormansinformationSvar xmlns="{ns}"><utlamnare><utlamnare><kod>FK</kod><namn>Försäkringskassan</namn>'
        "</utlamnare><tillstand><kod>OK</kod></tillstand></utlamnare><formansinformation><sjukpenningarende>"
        "<startades>2024-02-26</startades><aktivt>true</aktivt><beslut><fattades>2024-03-01</fattades><dagar>5</dagar>"
        "</beslut></sjukpenningarende></formansinformation></hamtaFormansinformationSvar>"
    )


def soap_fault(
    ns: str, kod: str, status: str, extra: dict[str, str] | None = None
) -> Callable[[Seen, socket.socket], None]:
    body = soap_body(
        ns,
        f"<soap:Fault><faultcode>soap:Server</faultcode><faultstring>Tjänsten är inte tillgänglig</faultstring>"
        f'<detail><fel xmlns="{ns}"><kod>{kod}</kod><meddelande>Underhåll pågår</meddelande></fel></detail></soap:Fault>',
    )
    return lambda seen, sock: reply(
        sock, status, {"Content-Type": "text/xml; charset=utf-8", **(extra or {})}, body
    )


def test_soap_query_is_encoded_from_the_xsd_and_decoded(stub: Stub, soap_v: str) -> None:
    ns = contract_for(soap_v).namespace  # type: ignore[attr-defined]
    stub.route(
        "lefi-online",
        lambda seen, sock: reply(
            sock, "200 OK", {"Content-Type": "text/xml; charset=utf-8"}, soap_body(ns, svar(ns))
        ),
    )
    with LefiClient(stub.url, soap_v) as client:
        resp = client.query(q(anvandare="hl-1"))
    assert resp.ok and resp.version == soap_v and resp.transport == "soap"
    assert resp.formansinformation.get("sjukpenningarende", [])[0]["beslut"][0]["dagar"] == 5
    assert resp.utlamnare_state("FK") == "OK"
    assert resp.violations() == []
    [seen] = stub.seen
    assert seen.path == f"{registry().get(soap_v).base_path}/soap"
    assert seen.headers["soapaction"] == f'"{ns}#hamtaFormansinformation"'
    assert contract_for(soap_v).validate_request(seen.body, operation="hamtaFormansinformation") == []
    assert b"<anvandare>hl-1</anvandare>" in seen.body
    text = resp.describe()
    assert PNR not in text and "19121212-****" in text and "SOAPAction" in text
    assert PNR in resp.describe(masked=False)


def test_rest_query_posts_json_to_the_aktor_path(stub: Stub, rest_v: str) -> None:
    answer = {
        "utlamnare": [
            {
                "utlamnare": {"kod": "FK", "namn": "Försäkringskassan"},
                "tillstand": {"kod": "OK", "beskrivning": "ok"},
            }
        ]
    }
    stub.route(
        "lefi-extern-formansinformation",
        lambda s, sock: reply(
            sock, "200 OK", {"Content-Type": "application/json"}, json.dumps(answer).encode()
        ),
    )
    with LefiClient(stub.url, rest_v) as client:
        resp = client.query(q(anvandare="hl-1", ovrig_information=["FK:SGI"]))
    assert resp.ok and resp.data == answer and resp.utlamnare_state("FK") == "OK"
    [seen] = stub.seen
    assert seen.path == f"{registry().get(rest_v).base_path}/aktorer/aktor-1/formansinformation/fraga"
    assert seen.headers["x-lefi-anvandare"] == "hl-1"
    sent = json.loads(seen.body)
    assert sent == {
        "personnummer": PNR,
        "period": {"from": "2024-01-01", "tom": "2024-12-31"},
        "formansinformation": ["FK:SJP"],
        "ovrigInformation": ["FK:SGI"],
    }


def test_rest_maintenance_503(stub: Stub, rest_v: str) -> None:
    body = b'{"meddelande": "Underh\xc3\xa5ll", "timestamp": "2025-03-17T08:00:00Z"}'
    stub.route(
        "m",
        lambda s, sock: reply(
            sock, "503 Service Unavailable", {"Content-Type": "application/json", "Retry-After": "3600"}, body
        ),
    )
    with LefiClient(f"{stub.url}/m", rest_v) as client:
        with pytest.raises(TargetUnavailable) as exc:
            client.query(q())
        assert exc.value.retry_after == "3600" and exc.value.exit_code == 3
        resp = client.query(q(), raise_on_unavailable=False)
    assert (
        resp.unavailable
        and resp.retry_after == "3600"
        and resp.fault is not None
        and resp.fault.code == "HTTP-503"
    )


def test_soap_maintenance_and_ordinary_fault(stub: Stub, soap_v: str) -> None:
    ns = contract_for(soap_v).namespace  # type: ignore[attr-defined]
    stub.route(
        "m",
        soap_fault(
            ns, "OTILLGANGLIG", "503 Service Unavailable", {"Retry-After": "Mon, 17 Mar 2025 12:00:00 GMT"}
        ),
    )
    stub.route("f", soap_fault(ns, "FELAKTIGA_INDATA", "500 Internal Server Error"))
    with LefiClient(f"{stub.url}/m", soap_v, raise_on_unavailable=False) as client:
        resp = client.query(q())
        assert resp.unavailable and resp.fault.code == "OTILLGANGLIG" and resp.retry_after.startswith("Mon")  # type: ignore[union-attr]
        assert resp.violations() == []
        with pytest.raises(TargetUnavailable, match="retry after Mon"):
            client.query(q(), raise_on_unavailable=True)
    with LefiClient(f"{stub.url}/f", soap_v) as client:
        resp = client.query(q())
    assert not resp.ok and resp.fault is not None
    assert (resp.fault.code, resp.fault.faultcode, resp.http_status) == (
        "FELAKTIGA_INDATA",
        "soap:Server",
        500,
    )


def test_refused_connection_and_unknown_host(soap_v: str) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    with LefiClient(f"http://127.0.0.1:{port}", soap_v) as client, pytest.raises(TargetUnavailable) as exc:
        client.query(q())
    assert f"127.0.0.1:{port}" in str(exc.value) and "refused" in str(exc.value)
    start = time.monotonic()
    with (
        LefiClient("http://lefi-target.invalid", soap_v, connect_timeout=2) as client,
        pytest.raises(TargetUnavailable) as exc,
    ):
        client.query(q())
    assert "lefi-target.invalid" in str(exc.value) and time.monotonic() - start < 5


def test_oversize_body_is_refused_quickly_with_bounded_memory(stub: Stub, soap_v: str) -> None:
    fifty = 50 * 1024 * 1024

    def declared(seen: Seen, sock: socket.socket) -> None:
        sock.sendall(f"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {fifty}\r\n\r\n".encode())
        sock.sendall(b"<a>" + b"x" * 1_000_000)

    stub.route("declared", declared)
    stub.route("chunked", endless("text/xml"))
    for mode in ("declared", "chunked"):
        tracemalloc.start()
        start = time.monotonic()
        with (
            LefiClient(f"{stub.url}/{mode}", soap_v, max_response_bytes=1_000_000) as client,
            pytest.raises(ResponseRejected, match="larger than the cap of 1000000 bytes"),
        ):
            client.query(q())
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert time.monotonic() - start < 3, mode
        assert peak < 8_000_000, (mode, peak)


def test_slow_drip_and_silence_end_at_the_deadline(stub: Stub, soap_v: str) -> None:
    stub.route("drip", drip(b"<soap:Envelope/>" * 4, 0.2))
    stub.route("silent", lambda seen, sock: time.sleep(5))
    for mode in ("drip", "silent"):
        start = time.monotonic()
        with (
            LefiClient(f"{stub.url}/{mode}", soap_v, timeout=1.0) as client,
            pytest.raises(ResponseRejected, match="within 1 s"),
        ):
            client.query(q())
        assert time.monotonic() - start < 2.0, mode


def test_redirect_loop_stops_after_three(stub: Stub, soap_v: str) -> None:
    stub.route("loop", lambda seen, sock: reply(sock, "302 Found", {"Location": seen.path}, b""))
    with (
        LefiClient(f"{stub.url}/loop", soap_v) as client,
        pytest.raises(ResponseRejected, match="more than 3 redirects"),
    ):
        client.query(q())
    assert len(stub.seen) == 4


@pytest.mark.parametrize(
    ("headers", "body", "fragment"),
    [
        (
            {"Content-Type": "text/html"},
            b"<html><body>Welcome to nginx!</body></html>",
            "content type 'text/html'",
        ),
        ({}, b"<r/>", "content type 'none'"),
        (
            {"Content-Type": "text/xml"},
            f'<soap:Envelope xmlns:soap="{SOAP}"><soap:Body><hamta'.encode(),
            "malformed XML",
        ),
        (
            {"Content-Type": "text/xml"},
            b'<?xml version="1.0" encoding="UTF-8"?><r>\xff\xfe\xc3\x28</r>',
            "invalid UTF-8",
        ),
        (
            {"Content-Type": "text/xml"},
            b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>',
            "hostile XML",
        ),
        (
            {"Content-Type": "text/xml"},
            f'<soap:Envelope xmlns:soap="{SOAP}"><soap:Body><soap:Fault><faultcode>soap:Server</faultcode>'
            "<faultstring>Internt fel</faultstring></soap:Fault></soap:Body></soap:Envelope>".encode(),
            "with HTTP 200",
        ),
    ],
)
def test_unreadable_soap_answers_are_rejected(
    stub: Stub, soap_v: str, headers: dict[str, str], body: bytes, fragment: str
) -> None:
    stub.route("x", lambda seen, sock: reply(sock, "200 OK", headers, body))
    with LefiClient(f"{stub.url}/x", soap_v) as client, pytest.raises(ResponseRejected) as exc:
        client.query(q())
    assert fragment in str(exc.value) and "\n" not in str(exc.value)


def test_truncated_json_is_rejected(stub: Stub, rest_v: str) -> None:
    stub.route(
        "t",
        lambda s, sock: reply(
            sock, "200 OK", {"Content-Type": "application/json"}, b'{"utlamnare": [{"utlamnare": {"kod": "FK"'
        ),
    )
    with (
        LefiClient(f"{stub.url}/t", rest_v) as client,
        pytest.raises(ResponseRejected, match="malformed JSON"),
    ):
        client.query(q())


def test_usage_errors(soap_v: str) -> None:
    with pytest.raises(UsageError, match="http"):
        LefiClient("ftp://x", soap_v)
    with LefiClient("http://127.0.0.1:9", soap_v) as client:
        with pytest.raises(UsageError, match="ansprak"):
            client.query(q(ansprak=["PM:AP"]))
        with pytest.raises(UsageError, match="aktörsId"):
            client.query(Query(PNR, "2024-01-01", "2024-12-31", formansinformation=["FK:SJP"]))
