"""Per-version rendering of the engine's answer: JSON for REST versions, XML (through the version's XSD) for SOAP.

XML is encoded with xmlschema against the version's own XSD, with unordered=True so that element order follows
the schema's sequences, not the dict. The schemas are cached: building one takes about 100 ms.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from typing import Any

import xmlschema
from lxml import etree

from lefi_contracts.contracts import VersionInfo
from lefi_contracts.errors import ContractError

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
_schemas: dict[str, Any] = {}
_lock = threading.Lock()


def schema_for(v: VersionInfo) -> xmlschema.XMLSchema:
    """The version's XSD, built once per process."""
    path = v.contract_file("xsd")
    key = str(path)
    with _lock:
        cached = _schemas.get(key)
        if cached is None:
            try:
                cached = xmlschema.XMLSchema(str(path))
            except (OSError, xmlschema.XMLSchemaException) as exc:
                raise ContractError(
                    f"the XSD of version {v.number} ({path}) cannot be loaded: {exc}"
                ) from None
            _schemas[key] = cached
        return cached


def to_json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def felsvar(meddelande: str, now: dt.datetime) -> bytes:
    """LefiFelsvar {meddelande, timestamp}."""
    return to_json({"meddelande": meddelande, "timestamp": now.isoformat(timespec="seconds")})


def encode_xml(
    v: VersionInfo, element: str, data: dict[str, Any], namespace: str | None = None
) -> etree._Element:
    """Encode `data` as the XSD's global `element` (validating: an invalid answer is an internal error).

    With `namespace` given (the wrong-namespace fault), the valid tree is re-labelled into that namespace afterwards.
    """
    schema = schema_for(v)
    ns = v.namespace or schema.target_namespace
    elem = schema.encode(
        data,
        path=f"{{{ns}}}{element}",
        namespaces={"": ns},
        unordered=True,
        etree_element_class=etree.Element,
    )
    if isinstance(elem, tuple):  # lax mode returns (data, errors); strict mode (the default) raises instead
        elem = elem[0]
    if namespace and namespace != ns:
        elem = relabel(elem, ns, namespace)
    return elem


def relabel(elem: etree._Element, old: str, new: str) -> etree._Element:
    """The same tree in another namespace (the wrong-namespace fault, and donor encodings)."""
    for node in elem.iter():
        if isinstance(node.tag, str) and node.tag.startswith(f"{{{old}}}"):
            node.tag = f"{{{new}}}{node.tag[len(old) + 2 :]}"
    etree.cleanup_namespaces(elem)
    return elem


class UnknownElement(ValueError):
    """The data has a key the version's XSD has no element for."""


class _Plan:
    """Child elements of one XSD element declaration, in the schema's sequence order (computed once)."""

    __slots__ = ("children", "names", "simple")

    def __init__(self, decl: Any) -> None:
        self.simple = decl.type.is_simple() or decl.type.has_simple_content()
        self.children: list[tuple[str, Any]] = []
        if not self.simple and decl.type.content is not None:
            self.children = [(c.local_name, c) for c in decl.type.content.iter_elements()]
        self.names = frozenset(name for name, _ in self.children)


_plans: dict[int, _Plan] = {}


def _plan(decl: Any) -> _Plan:
    plan = _plans.get(id(decl))
    if plan is None:
        plan = _plans[id(decl)] = _Plan(decl)
    return plan


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(elem: etree._Element, decl: Any, ns: str, value: Any) -> None:
    plan = _plan(decl)
    if plan.simple or not isinstance(value, dict):
        elem.text = _text(value)
        return
    known = plan.names
    if not known.issuperset(value):
        raise UnknownElement(f"{decl.local_name}: {sorted(set(value) - known)}")
    for name, child in plan.children:
        if name in value and value[name] is not None:
            items = value[name] if isinstance(value[name], list) else [value[name]]
            for item in items:
                _fill(etree.SubElement(elem, f"{{{ns}}}{name}"), child, ns, item)


def build_xml(v: VersionInfo, element: str, data: dict[str, Any]) -> etree._Element:
    """Fast XSD-guided encoding: elements in the XSD's sequence order; a key the XSD lacks raises UnknownElement.

    About 40 times faster than xmlschema's encoder; the caller validates the tree with lxml against the same XSD
    and, on any doubt, falls back to encode_xml (xmlschema), which says what is wrong.
    """
    schema = schema_for(v)
    ns = v.namespace or schema.target_namespace
    root = etree.Element(f"{{{ns}}}{element}", nsmap={None: ns})
    _fill(root, schema.elements[element], ns, data)
    return root


def validator_for(v: VersionInfo) -> etree.XMLSchema:
    key = f"lxml:{v.contract_file('xsd')}"
    with _lock:
        cached = _schemas.get(key)
        if cached is None:
            cached = _schemas[key] = etree.XMLSchema(etree.parse(str(v.contract_file("xsd"))))
        return cached


def encode_xml_lax(v: VersionInfo, element: str, data: dict[str, Any]) -> etree._Element:
    """Encode without validation: used only by faults whose point is an XSD violation."""
    schema = schema_for(v)
    ns = v.namespace or schema.target_namespace
    result = schema.encode(
        data,
        path=f"{{{ns}}}{element}",
        namespaces={"": ns},
        unordered=True,
        validation="lax",
        etree_element_class=etree.Element,
    )
    elem = result[0] if isinstance(result, tuple) else result
    return elem


def envelope(body_child: etree._Element) -> bytes:
    env = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soap": SOAP_ENV})
    body = etree.SubElement(env, f"{{{SOAP_ENV}}}Body")
    body.append(body_child)
    return etree.tostring(env, xml_declaration=True, encoding="UTF-8")


def fault_envelope(ns: str, faultcode: str, faultstring: str, kod: str, meddelande: str) -> bytes:
    """SOAP 1.1 Fault with detail <fel xmlns=ns><kod/><meddelande/></fel>."""
    env = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soap": SOAP_ENV})
    body = etree.SubElement(env, f"{{{SOAP_ENV}}}Body")
    fault = etree.SubElement(body, f"{{{SOAP_ENV}}}Fault")
    etree.SubElement(fault, "faultcode").text = faultcode
    etree.SubElement(fault, "faultstring").text = faultstring
    detail = etree.SubElement(fault, "detail")
    fel = etree.SubElement(detail, f"{{{ns}}}fel", nsmap={None: ns})
    etree.SubElement(fel, f"{{{ns}}}kod").text = kod
    etree.SubElement(fel, f"{{{ns}}}meddelande").text = meddelande
    return etree.tostring(env, xml_declaration=True, encoding="UTF-8")
