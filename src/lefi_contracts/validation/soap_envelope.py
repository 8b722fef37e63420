"""SOAP 1.1 rules around a payload: the envelope (namespace, one Body, one element) and the Fault.

Separate from the XSD because these are the protocol's rules, the same for every version's schema; XsdContract
applies them and then judges the payload (or the fault's detail) against the version's XSD.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from lefi_contracts.personnummer import contains_identity_number
from lefi_contracts.validation.base import Violation, header_value

SOAP11_NS = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_NS = "http://www.w3.org/2003/05/soap-envelope"
FAULT_ELEMENT = "fel"


def local(tag: Any) -> str:
    """Local name of a Clark-notation or prefixed tag."""
    if not isinstance(tag, str):
        return str(tag)
    if tag.startswith("{"):
        return tag.split("}", 1)[1]
    return tag.split(":", 1)[-1]


def namespace_of(tag: str) -> str | None:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else None


def namespace_violation(el: etree._Element, expected: str | None) -> Violation | None:
    """A violation if the element is not in the contract's namespace."""
    ns = namespace_of(el.tag)
    if ns != expected:
        return Violation(
            f"/{local(el.tag)}",
            f"payload namespace is {ns or '(none)'!r}, expected {expected!r}",
            "xml:namespace",
        )
    return None


def envelope_payload(root: etree._Element) -> tuple[etree._Element | None, list[Violation]]:
    """The element inside soap:Body (or the Fault), with the envelope's own violations."""
    out: list[Violation] = []
    if local(root.tag) != "Envelope":
        return None, [
            Violation(
                f"/{local(root.tag)}",
                f"not a SOAP envelope: root element is '{local(root.tag)}'",
                "soap:envelope",
            )
        ]
    env_ns = namespace_of(root.tag)
    if env_ns != SOAP11_NS:
        what = "SOAP 1.2" if env_ns == SOAP12_NS else repr(env_ns or "(none)")
        out.append(
            Violation(
                "/Envelope",
                f"envelope namespace is {what}, expected SOAP 1.1 {SOAP11_NS!r}",
                "soap:envelope-namespace",
            )
        )
    bodies = [c for c in root if isinstance(c.tag, str) and local(c.tag) == "Body"]
    if not bodies:
        out.append(Violation("/Envelope", "missing soap:Body", "soap:body"))
        return None, out
    if len(bodies) > 1:
        out.append(Violation("/Envelope", "more than one soap:Body", "soap:body"))
    children = [c for c in bodies[0] if isinstance(c.tag, str)]
    if not children:
        out.append(Violation("/Envelope/Body", "empty soap:Body", "soap:body"))
        return None, out
    if len(children) > 1:
        out.append(
            Violation(
                "/Envelope/Body", f"soap:Body holds {len(children)} elements, expected one", "soap:body"
            )
        )
    return children[0], out


def fault_violations(
    fault: etree._Element, status: int | None, headers: Any | None, request: bool, *, namespace: str | None
) -> tuple[list[Violation], etree._Element | None]:
    """The SOAP 1.1 rules of a Fault (status, faultcode, faultstring, detail), and its detail element for the
    XSD to judge (None when the fault is unusable: no detail, the wrong namespace, or a request)."""
    out: list[Violation] = []
    if request:
        return [Violation("/Fault", "a request must not be a SOAP Fault", "soap:operation")], None
    if status is not None and status not in (500, 503):
        out.append(
            Violation(
                "/Fault",
                f"SOAP Fault with HTTP {status} (SOAP 1.1: 500; 503 in maintenance)",
                "soap:fault-status",
            )
        )
    if status == 503 and headers is not None and not header_value(headers, "retry-after"):
        out.append(Violation("/Fault", "HTTP 503 without a Retry-After header", "soap:retry-after"))
    children = {local(c.tag): c for c in fault if isinstance(c.tag, str)}
    code_el = children.get("faultcode")
    if code_el is None:
        out.append(Violation("/Fault", "missing faultcode", "soap:fault"))
    else:
        text = (code_el.text or "").strip()
        prefix, _, name = text.rpartition(":")
        ns = code_el.nsmap.get(prefix or None)
        if ns != SOAP11_NS or name not in ("Client", "Server"):
            out.append(
                Violation(
                    "/Fault/faultcode",
                    f"faultcode {text!r} is not soap:Client or soap:Server",
                    "soap:fault",
                )
            )
    string_el = children.get("faultstring")
    if string_el is None or not (string_el.text or "").strip():
        out.append(Violation("/Fault", "missing faultstring", "soap:fault"))
    elif contains_identity_number(string_el.text or ""):
        out.append(
            Violation("/Fault/faultstring", "faultstring holds a personnummer", "privacy:identity-number")
        )
    detail = children.get("detail")
    fel = None
    if detail is not None:
        fel = next((c for c in detail if isinstance(c.tag, str) and local(c.tag) == FAULT_ELEMENT), None)
    if fel is None:
        return [
            *out,
            Violation("/Fault/detail", f"missing detail element '{FAULT_ELEMENT}'", "soap:fault-detail"),
        ], None
    ns_problem = namespace_violation(fel, namespace)
    if ns_problem:
        return [*out, ns_problem], None
    meddelande = next((c for c in fel if isinstance(c.tag, str) and local(c.tag) == "meddelande"), None)
    if meddelande is not None and contains_identity_number(meddelande.text or ""):
        out.append(
            Violation("/fel/meddelande", "fault message holds a personnummer", "privacy:identity-number")
        )
    return out, fel
