"""XsdContract: SOAP versions validated against their XSD.

lxml (libxml2) decides valid/invalid fast; only an invalid document pays for xmlschema, which gives the
readable message and the element path. xmlschema also decodes to dicts (schema-guided: repeated elements
become lists, booleans and numbers typed) and encodes requests, so the XSD is the single source of truth.
"""

from __future__ import annotations

import re
import threading
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import xmlschema
from lxml import etree

from lefi_contracts.errors import ContractError, ResponseRejected
from lefi_contracts.validation.base import Contract, OperationBinding, Violation
from lefi_contracts.validation.soap_envelope import (
    SOAP11_NS,
    SOAP12_NS,
    envelope_payload,
    fault_violations,
    local,
    namespace_of,
    namespace_violation,
)
from lefi_contracts.validation.xmlsafe import DEFAULT_MAX_BYTES, parse_xml

XS_NS = "http://www.w3.org/2001/XMLSchema"
RESPONSE_SUFFIX = "Svar"

_TAG_IN_QUOTES = re.compile(r"'([^']+)'")


class XsdContract(Contract):
    """A SOAP version's contract: its XSD (global elements = operation payloads and the fault detail `fel`)."""

    kind = "xsd"

    def __init__(
        self, xsd_path: Path | str, *, version: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
    ):
        self.path = Path(xsd_path)
        self.version = version
        self.max_bytes = max_bytes
        if not self.path.is_file():
            raise ContractError(f"XSD {self.path} does not exist")
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
        try:
            doc = etree.parse(str(self.path), parser)
            self._lx = etree.XMLSchema(doc)
        except etree.XMLSyntaxError as exc:
            raise ContractError(f"XSD {self.path.name} is not well-formed XML: {_first_line(exc)}") from None
        except etree.XMLSchemaParseError as exc:
            raise ContractError(f"XSD {self.path.name} is not a valid schema: {_first_line(exc)}") from None
        root = doc.getroot()
        if root.tag != f"{{{XS_NS}}}schema":
            raise ContractError(f"XSD {self.path.name}: root element is not xs:schema")
        self.namespace: str | None = root.get("targetNamespace")
        self.globals: tuple[str, ...] = tuple(
            el.get("name") for el in root.findall(f"{{{XS_NS}}}element") if el.get("name")
        )
        self._lock = threading.Lock()
        self._xs: xmlschema.XMLSchema | None = None
        self._child_cache: dict[tuple[int, str], Any] = {}

    # -- the schema objects ---------------------------------------------------------------------------

    @property
    def xmlschema(self) -> xmlschema.XMLSchema:
        """The xmlschema model, built on first need (about 0.2 s): messages, decoding, encoding."""
        if self._xs is None:
            try:
                self._xs = xmlschema.XMLSchema(str(self.path))
            except (xmlschema.XMLSchemaException, OSError, ValueError) as exc:
                raise ContractError(f"XSD {self.path.name}: {_first_line(exc)}") from None
        return self._xs

    def qname(self, name: str) -> str:
        return f"{{{self.namespace}}}{name}" if self.namespace else name

    def operations(self) -> list[OperationBinding]:
        """Operations from the XSD's global elements: X is an operation when X and XSvar are both global."""
        names = set(self.globals)
        return [
            OperationBinding(name=n, method="POST", path="/soap", request=n, response=n + RESPONSE_SUFFIX)
            for n in self.globals
            if n + RESPONSE_SUFFIX in names
        ]

    def soap_action(self, operation: str) -> str:
        return f"{self.namespace}#{operation}"

    def child_names(self, element: str) -> list[str]:
        """Child element names of a global element, in schema order (what a request may carry)."""
        decl = self.xmlschema.elements.get(element)
        if decl is None:
            raise ContractError(f"XSD {self.path.name} has no global element {element!r}")
        content = getattr(decl.type, "content", None)
        if content is None or not hasattr(content, "iter_elements"):
            return []
        return [local(e.name) for e in content.iter_elements()]

    # -- validation -------------------------------------------------------------------------------------

    def validate_element(self, el: etree._Element) -> list[Violation]:
        """Validate one payload element (a global element of the XSD): lxml first, xmlschema only if invalid."""
        name = local(el.tag)
        if name not in self.globals:
            return [
                Violation(
                    f"/{name}",
                    f"element '{name}' is not a global element of the contract",
                    "xsd:unknown-element",
                )
            ]
        with self._lock:
            if self._lx.validate(el):
                return []
            lx_errors = [(e.path, e.message) for e in self._lx.error_log]
        return self._explain(el, lx_errors)

    def validate_document(self, data: bytes | Any, *, element: str | None = None) -> list[Violation]:
        try:
            root = data if isinstance(data, etree._Element) else parse_xml(data, max_bytes=self.max_bytes)
        except ResponseRejected as exc:
            return [Violation("/", str(exc), "xml:malformed")]
        found = (
            []
            if element is None or local(root.tag) == element
            else [
                Violation(
                    f"/{local(root.tag)}",
                    f"expected element '{element}', found '{local(root.tag)}'",
                    "xsd:root-element",
                )
            ]
        )
        ns_problem = namespace_violation(root, self.namespace)
        if ns_problem:
            return [*found, ns_problem]
        return found + self.validate_element(root)

    def validate_response(
        self,
        body: bytes | Any,
        *,
        operation: str | None = None,
        status: int | None = None,
        content_type: str | None = None,
        headers: Any | None = None,
    ) -> list[Violation]:
        expected = None
        if operation is not None:
            expected = {self.operation(operation).response or ""}
        return self._validate_envelope(
            body, expected, status=status, content_type=content_type, headers=headers
        )

    def validate_request(
        self, body: bytes | Any, *, operation: str | None = None, content_type: str | None = None
    ) -> list[Violation]:
        expected = (
            {self.operation(operation).request or ""}
            if operation
            else {o.request or "" for o in self.operations()}
        )
        return self._validate_envelope(body, expected, content_type=content_type, request=True)

    def envelope_payload(self, root: etree._Element) -> tuple[etree._Element | None, list[Violation]]:
        """The element inside soap:Body (or the Fault), with the envelope's own violations."""
        return envelope_payload(root)

    def _validate_fault(
        self, fault: etree._Element, status: int | None, headers: Any | None, request: bool
    ) -> list[Violation]:
        out, detail = fault_violations(fault, status, headers, request, namespace=self.namespace)
        return out if detail is None else out + self.validate_element(detail)

    def _validate_envelope(
        self,
        body: bytes | Any,
        expected: set[str] | None,
        *,
        status: int | None = None,
        content_type: str | None = None,
        headers: Any | None = None,
        request: bool = False,
    ) -> list[Violation]:
        out: list[Violation] = []
        if content_type is not None and content_type.split(";")[0].strip().lower() != "text/xml":
            out.append(
                Violation(
                    "/", f"content type {content_type!r}, expected text/xml (SOAP 1.1)", "soap:content-type"
                )
            )
        try:
            root = body if isinstance(body, etree._Element) else parse_xml(body, max_bytes=self.max_bytes)
        except ResponseRejected as exc:
            return [*out, Violation("/", str(exc), "xml:malformed")]
        payload, env = self.envelope_payload(root)
        out += env
        if payload is None:
            return out
        if namespace_of(payload.tag) in (SOAP11_NS, SOAP12_NS) and local(payload.tag) == "Fault":
            return out + self._validate_fault(payload, status, headers, request)
        if status is not None and status != 200:
            out.append(
                Violation(
                    "/Envelope/Body",
                    f"HTTP {status} with a non-fault body (SOAP 1.1: only a Fault may go with an error status)",
                    "soap:status",
                )
            )
        ns_problem = namespace_violation(payload, self.namespace)
        if ns_problem:
            return [*out, ns_problem]
        name = local(payload.tag)
        if expected is not None and name not in expected:
            want = " or ".join(sorted(expected))
            return [
                *out,
                Violation(
                    f"/{name}", f"expected element '{want}' in soap:Body, found '{name}'", "soap:operation"
                ),
            ]
        return out + self.validate_element(payload)

    # -- messages -----------------------------------------------------------------------------------------

    def _explain(self, el: etree._Element, lx_errors: list[tuple[str, str]]) -> list[Violation]:
        """Readable violations from xmlschema; lxml's own messages if xmlschema (oddly) finds nothing."""
        xs = self.xmlschema
        out: list[Violation] = []
        try:
            errors = list(xs.iter_errors(el))
        except (xmlschema.XMLSchemaException, ValueError, TypeError) as exc:
            errors = []
            out.append(Violation(f"/{local(el.tag)}", f"cannot explain: {_first_line(exc)}", "xsd:invalid"))
        for err in errors:
            node = err.elem if isinstance(getattr(err, "elem", None), etree._Element) else el
            out.append(self._violation(err, node, el))
        if not out:
            for path, message in lx_errors:
                out.append(Violation(_strip_prefixes(path) or "/", _strip_ns(message), "xsd:invalid"))
        return out

    def _violation(self, err: Any, node: etree._Element, root: etree._Element) -> Violation:
        path = self.path_of(node, root)
        reason = str(getattr(err, "reason", "") or err)
        expected = getattr(err, "expected", None) or []
        expected_names = [local(getattr(e, "name", "") or "") for e in expected if getattr(e, "name", None)]
        invalid = getattr(err, "invalid_tag", None)
        if "is not complete" in reason:
            names = expected_names or [
                local(t) for t in _TAG_IN_QUOTES.findall(reason.split("expected")[0])[1:]
            ]
            return Violation(path, f"missing required element {_names(names)}", "xsd:missing-element")
        if invalid is not None or reason.startswith("Unexpected child"):
            bad = local(invalid) if invalid else "?"
            siblings = {local(getattr(d, "name", "")) for d in self._children_of(node)}
            required = [e for e in expected if getattr(e, "min_occurs", 0) >= 1]
            if bad in siblings and required:
                names = [local(e.name) for e in required]
                return Violation(
                    path, f"missing required element {_names(names)} (found '{bad}')", "xsd:missing-element"
                )
            if bad in siblings:
                tail = f" (expected {_names(expected_names)})" if expected_names else ""
                return Violation(path, f"element '{bad}' out of order or repeated{tail}", "xsd:order")
            tail = f" (expected {_names(expected_names)})" if expected_names else ""
            return Violation(path, f"unexpected element '{bad}'{tail}", "xsd:unexpected-element")
        value = (node.text or "").strip() if len(node) == 0 else None
        shown = f"value {value!r}" if value is not None else "value"
        if "pattern" in reason:
            return Violation(
                path, f"{shown} does not match the pattern {_after(reason, 'of ')}", "xsd:pattern"
            )
        if "must be one of" in reason:
            return Violation(path, f"{shown} is not one of {_after(reason, 'one of ')}", "xsd:enumeration")
        validator = getattr(err, "validator", None)
        type_name = getattr(validator, "name", None)
        if type_name and str(type_name).startswith(f"{{{XS_NS}}}"):
            return Violation(path, f"{shown} is not a valid xs:{local(type_name)}", "xsd:type")
        return Violation(path, f"{shown}: {_strip_ns(reason)}", "xsd:value")

    def _children_of(self, node: etree._Element) -> list[Any]:
        decl = self._decl_for(node)
        content = getattr(getattr(decl, "type", None), "content", None)
        return (
            list(content.iter_elements()) if content is not None and hasattr(content, "iter_elements") else []
        )

    def _decl_for(self, node: etree._Element) -> Any:
        chain = [node, *node.iterancestors()]
        chain.reverse()
        decl = None
        for i, el in enumerate(chain):
            if i == 0 or decl is None:
                decl = self.xmlschema.elements.get(local(el.tag)) if local(el.tag) in self.globals else None
                if decl is None:
                    continue
            else:
                decl = self._child_decl(decl, el.tag)
        return decl

    def _child_decl(self, decl: Any, tag: str) -> Any:
        key = (id(decl), tag)
        if key not in self._child_cache:
            found = None
            content = getattr(decl.type, "content", None)
            if content is not None and hasattr(content, "iter_elements"):
                found = next((e for e in content.iter_elements() if e.name == tag), None)
            self._child_cache[key] = found
        return self._child_cache[key]

    def path_of(self, node: etree._Element, root: etree._Element) -> str:
        """/a/b[2]/c: elements the schema lets repeat carry their 1-based index, like JSON array items."""
        chain = [node]
        while chain[-1] is not root and chain[-1].getparent() is not None:
            chain.append(chain[-1].getparent())
        chain.reverse()
        decl = (
            self.xmlschema.elements.get(local(chain[0].tag)) if local(chain[0].tag) in self.globals else None
        )
        parts = [local(chain[0].tag)]
        for el in chain[1:]:
            decl = self._child_decl(decl, el.tag) if decl is not None else None
            name = local(el.tag)
            repeated = decl is None and (
                el.getparent() is not None and len(el.getparent().findall(el.tag)) > 1
            )
            if repeated or (decl is not None and not decl.is_single()):
                idx = 1 + sum(1 for _ in el.itersiblings(el.tag, preceding=True))
                name += f"[{idx}]"
            parts.append(name)
        return "/" + "/".join(parts)

    # -- decoding and encoding ----------------------------------------------------------------------------

    def decode(self, el: etree._Element) -> tuple[Any, list[str]]:
        """The element as plain data (namespaces stripped, lists where the schema repeats), and decode errors."""
        try:
            result = self.xmlschema.decode(
                el, validation="lax", strip_namespaces=True, decimal_type=float, datetime_types=False
            )
        except (xmlschema.XMLSchemaException, ValueError, TypeError, KeyError) as exc:
            return None, [_first_line(exc)]
        data, errors = result if isinstance(result, tuple) else (result, [])
        return data, [str(getattr(e, "reason", e)) for e in errors]

    def encode(self, element: str, data: dict[str, Any]) -> tuple[bytes, list[str]]:
        """A request element from a dict in any key order; invalid values are still written (fuzzing needs them)."""
        try:
            result = self.xmlschema.encode(
                data,
                path=self.qname(element),
                namespaces={"": self.namespace or ""},
                unordered=True,
                validation="lax",
            )
        except (xmlschema.XMLSchemaException, ValueError, TypeError, KeyError) as exc:
            raise ContractError(f"cannot encode {element}: {_first_line(exc)}") from None
        elem, errors = result if isinstance(result, tuple) else (result, [])
        if elem is None:
            raise ContractError(f"cannot encode {element}: {errors[0] if errors else 'no element'}")
        if isinstance(elem, etree._Element):
            xml = etree.tostring(elem)
        else:
            xml = ET.tostring(
                elem, encoding="utf-8", default_namespace=self.namespace or None, xml_declaration=False
            )
        return xml, [str(getattr(e, "reason", e)) for e in errors]


def _names(names: list[str]) -> str:
    if not names:
        return "(unknown)"
    return " or ".join(f"'{n}'" for n in names)


def _after(text: str, marker: str) -> str:
    return text.split(marker, 1)[1] if marker in text else text


def _strip_ns(text: str) -> str:
    return re.sub(r"\{[^}]*\}", "", text)


def _strip_prefixes(path: str) -> str:
    return re.sub(r"(?<=/)[A-Za-z_][\w.-]*:", "", path)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else exc.__class__.__name__
