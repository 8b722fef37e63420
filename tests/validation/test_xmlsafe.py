"""Hostile XML and JSON never get parsed into something dangerous, and every refusal is one readable line."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from lxml import etree

from lefi_contracts.errors import ResponseRejected
from lefi_contracts.validation.xmlsafe import parse_json, parse_xml

SOAP = b"http://schemas.xmlsoap.org/soap/envelope/"


def _one_line(exc: pytest.ExceptionInfo[ResponseRejected]) -> str:
    text = str(exc.value)
    assert "\n" not in text
    return text


def test_valid_xml_parses() -> None:
    root = parse_xml(
        b'<?xml version="1.0" encoding="UTF-8"?><a xmlns="urn:x"><b>\xc3\xa5</b></a>', max_bytes=1000
    )
    assert root.tag == "{urn:x}a"
    assert root[0].text == "å"


def test_xxe_reading_a_local_file_does_not_leak(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET-4711")
    doc = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file://' + str(secret).encode() + b'">]>'
        b"<r>&xxe;</r>"
    )
    # The attack is real: a careless parser leaks the file.
    careless = etree.fromstring(doc, etree.XMLParser(resolve_entities=True))
    assert "TOPSECRET-4711" in (careless.text or "")
    with pytest.raises(ResponseRejected) as exc:
        parse_xml(doc, max_bytes=10_000)
    assert _one_line(exc) == "hostile XML: entity declaration"
    assert "TOPSECRET" not in str(exc.value)


def test_undeclared_entity_reference_is_malformed_not_resolved() -> None:
    with pytest.raises(ResponseRejected) as exc:
        parse_xml(b"<r>&xxe;</r>", max_bytes=1000)
    assert _one_line(exc).startswith("malformed XML")


def test_billion_laughs_is_refused_fast() -> None:
    entities = b'<!ENTITY lol "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    doc = b'<?xml version="1.0"?><!DOCTYPE lolz [' + entities + b"]><lolz>&lol9;</lolz>"
    start = time.perf_counter()
    with pytest.raises(ResponseRejected, match="entity declaration"):
        parse_xml(doc, max_bytes=100_000)
    assert time.perf_counter() - start < 0.5


def test_quadratic_blowup_is_refused() -> None:
    doc = b'<!DOCTYPE q [<!ENTITY a "' + b"x" * 50_000 + b'">]><q>' + b"&a;" * 20_000 + b"</q>"
    with pytest.raises(ResponseRejected, match="entity declaration"):
        parse_xml(doc, max_bytes=1_000_000)


def test_external_dtd_and_plain_dtd_are_refused() -> None:
    with pytest.raises(ResponseRejected, match="external reference"):
        parse_xml(b'<!DOCTYPE r SYSTEM "http://evil.example/r.dtd"><r/>', max_bytes=1000)
    with pytest.raises(ResponseRejected, match="DTD"):
        parse_xml(b"<!DOCTYPE r><r/>", max_bytes=1000)


def test_oversize_is_refused_before_parsing() -> None:
    doc = b"<a>" + b"x" * 5000 + b"</a>"
    with pytest.raises(ResponseRejected) as exc:
        parse_xml(doc, max_bytes=1000)
    assert "larger than 1000 bytes" in _one_line(exc)


@pytest.mark.parametrize(
    ("doc", "fragment"),
    [
        (b'<soap:Envelope xmlns:soap="' + SOAP + b'"><soap:Body><hamta', "malformed XML"),
        (b"", "empty XML"),
        (b"<r>\xff\xfe\xc3\x28</r>", "invalid UTF-8"),
        (b'<?xml version="1.0" encoding="ISO-8859-1"?><r>\xe5</r>', "declared encoding 'ISO-8859-1'"),
        ('<?xml version="1.0" encoding="UTF-16"?><r/>'.encode("utf-16"), "UTF-16 byte order mark"),
        (b'<?xml version="1.0" encoding="UTF-16"?><r/>', "declared encoding 'UTF-16'"),
    ],
)
def test_broken_or_lying_documents_are_rejected(doc: bytes, fragment: str) -> None:
    with pytest.raises(ResponseRejected) as exc:
        parse_xml(doc, max_bytes=10_000)
    assert fragment in _one_line(exc)


def test_json_parses_and_refuses() -> None:
    assert parse_json(b'{"a": [1, 2.5, null, "\xc3\xa5"]}', max_bytes=100) == {"a": [1, 2.5, None, "å"]}
    cases = {
        b'{"utlamnare": [{"utlamnare": {"kod": "FK"': "malformed JSON",
        b'{"a": "\xff\xfe"}': "invalid UTF-8",
        b'{"a": NaN}': "NaN is not JSON",
        b"[" * 100_000 + b"]" * 100_000: "nesting too deep",
        b" " * 200: "larger than 100 bytes",
    }
    for doc, fragment in cases.items():
        with pytest.raises(ResponseRejected) as exc:
            parse_json(doc, max_bytes=100 if fragment.startswith("larger") else 1_000_000)
        assert fragment in _one_line(exc), doc[:40]
