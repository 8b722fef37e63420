"""Safe parsing of untrusted XML and JSON: a provider under test is an adversary until proven otherwise.

The XML rules: UTF-8 only (so that a byte scan for a DTD cannot be fooled by another encoding), no DTD at
all (hence no entity declarations: no XXE, no billion laughs, no quadratic blow-up), no network, no huge
trees, and a size cap checked before a single byte is parsed. lxml never resolves an entity here.
"""

from __future__ import annotations

import codecs
import json
import re
import threading
from typing import Any

from lxml import etree

from lefi_contracts.errors import ResponseRejected

DEFAULT_MAX_BYTES = 10_000_000

_DECL = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_UTF8_NAMES = {"utf-8", "utf8", "us-ascii", "ascii"}
_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)

_local = threading.local()


def _parser() -> etree.XMLParser:
    """One hardened parser a thread: lxml parsers must not be shared between threads."""
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            huge_tree=False,
            load_dtd=False,
            dtd_validation=False,
            remove_comments=False,
            remove_pis=False,
        )
        _local.parser = parser
    return parser


def _check_size(data: bytes, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise ResponseRejected(f"response body larger than {max_bytes} bytes ({len(data)} bytes)")


def check_utf8(data: bytes, what: str = "XML") -> None:
    """Refuse anything but UTF-8, and an encoding declaration that lies about it."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            raise ResponseRejected(f"hostile {what}: {name} byte order mark; only UTF-8 is accepted")
    m = _DECL.match(data[:200])
    if m and m.group(1).decode("ascii").lower() not in _UTF8_NAMES:
        raise ResponseRejected(
            f"hostile {what}: declared encoding {m.group(1).decode('ascii')!r}; only UTF-8 is accepted"
        )
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ResponseRejected(f"invalid UTF-8 in {what} at byte {exc.start}") from None


def refuse_dtd(data: bytes) -> None:
    """A DTD is the door to every entity attack; LEFI never needs one, so any DTD is refused unread."""
    if b"<!DOCTYPE" not in data and b"<!ENTITY" not in data:
        return
    if b"<!ENTITY" in data:
        raise ResponseRejected("hostile XML: entity declaration")
    if re.search(rb"<!DOCTYPE[^>\[]*\b(SYSTEM|PUBLIC)\b", data):
        raise ResponseRejected("hostile XML: DTD with an external reference")
    raise ResponseRejected("hostile XML: document type declaration (DTD)")


def parse_xml(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> etree._Element:
    """Parse untrusted XML into an lxml element, or raise ResponseRejected with a one-line reason."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ResponseRejected("XML must be given as bytes")
    data = bytes(data)
    _check_size(data, max_bytes)
    if not data.strip():
        raise ResponseRejected("empty XML document")
    check_utf8(data)
    refuse_dtd(data)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        msg = str(exc).splitlines()[0] if str(exc) else "syntax error"
        raise ResponseRejected(f"malformed XML: {msg}") from None
    except (ValueError, MemoryError) as exc:
        raise ResponseRejected(f"malformed XML: {exc.__class__.__name__}") from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:  # belt and braces after the byte scan
        raise ResponseRejected("hostile XML: document type declaration (DTD)")
    return root


def parse_json(data: bytes | bytearray | memoryview, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Any:
    """Parse untrusted JSON with the same size cap and strict UTF-8; errors are one-line ResponseRejected."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ResponseRejected("JSON must be given as bytes")
    data = bytes(data)
    _check_size(data, max_bytes)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ResponseRejected(f"invalid UTF-8 in JSON at byte {exc.start}") from None
    if not text.strip():
        raise ResponseRejected("empty JSON document")
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise ResponseRejected(f"malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise ResponseRejected("hostile JSON: nesting too deep") from None
    except ValueError as exc:  # NaN/Infinity, or an integer with too many digits
        raise ResponseRejected(f"malformed JSON: {str(exc).splitlines()[0]}") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")
