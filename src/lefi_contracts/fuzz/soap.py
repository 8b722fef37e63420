"""Fuzzing a SOAP 1.1 version: requests generated from its XSD, answers validated against the same XSD.

The operations, their request/answer elements and SOAPActions are read from the version's WSDL (never listed
here); each request is a Hypothesis example of the input element (xml_strategies), wrapped in a SOAP 1.1 envelope
and posted over real HTTP. The answer is parsed safely, the element in soap:Body (answer or Fault detail `fel`)
validated with lxml (fast) and, when invalid, explained by xmlschema (path and reason), decoded into the v9 JSON
shape with xmlschema, and given to the transport-neutral checks.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import xmlschema
from hypothesis import strategies as st
from lxml import etree

from lefi_contracts.client.transport import GuardedTransport
from lefi_contracts.contracts import VersionInfo
from lefi_contracts.errors import ContractError, ResponseRejected, TargetUnavailable
from lefi_contracts.fuzz.checks import Exchange
from lefi_contracts.fuzz.hints import FuzzHints, mix, without_repeats
from lefi_contracts.fuzz.xml_strategies import XsdStrategies

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
WSDL_NS = "http://schemas.xmlsoap.org/wsdl/"
WSDL_SOAP_NS = "http://schemas.xmlsoap.org/wsdl/soap/"
MAX_ANSWER_BYTES = 10_000_000


@dataclass(frozen=True)
class SoapOperation:
    name: str
    soap_action: str
    input_element: str  # local name of the request element
    output_element: str


@lru_cache(maxsize=16)
def wsdl_operations(wsdl_path: Path) -> tuple[SoapOperation, ...]:
    """Operations of a WSDL 1.1 document/literal binding: name, SOAPAction, input and output elements."""
    try:
        root = etree.parse(str(wsdl_path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    except (OSError, etree.XMLSyntaxError) as exc:
        raise ContractError(f"cannot read WSDL {wsdl_path}: {str(exc).splitlines()[0]}") from None
    ns = {"w": WSDL_NS, "s": WSDL_SOAP_NS}
    messages = {
        m.get("name"): (m.find("w:part", ns).get("element") or "").split(":")[-1]
        for m in root.findall("w:message", ns)
        if m.find("w:part", ns) is not None
    }
    actions = {
        op.get("name"): (
            op.find("s:operation", ns).get("soapAction") if op.find("s:operation", ns) is not None else ""
        )
        for op in root.findall("w:binding/w:operation", ns)
    }
    ops: list[SoapOperation] = []
    for op in root.findall("w:portType/w:operation", ns):
        name = op.get("name") or ""
        inp, out = op.find("w:input", ns), op.find("w:output", ns)
        if inp is None or out is None:
            continue
        ops.append(
            SoapOperation(
                name=name,
                soap_action=actions.get(name) or "",
                input_element=messages.get((inp.get("message") or "").split(":")[-1], ""),
                output_element=messages.get((out.get("message") or "").split(":")[-1], ""),
            )
        )
    if not ops:
        raise ContractError(f"WSDL {wsdl_path} defines no operation")
    return tuple(ops)


@lru_cache(maxsize=16)
def _schemas(xsd_path: Path) -> tuple[xmlschema.XMLSchema, etree.XMLSchema]:
    """Both views of one XSD (building xmlschema's takes ~100 ms: once per run)."""
    try:
        xs = xmlschema.XMLSchema(str(xsd_path))
        lx = etree.XMLSchema(
            etree.parse(str(xsd_path), etree.XMLParser(resolve_entities=False, no_network=True))
        )
    except (xmlschema.XMLSchemaException, etree.XMLSchemaParseError, etree.XMLSyntaxError, OSError) as exc:
        raise ContractError(f"cannot read XSD {xsd_path}: {str(exc).splitlines()[0]}") from None
    return xs, lx


def xsd_views(xsd_path: Path) -> tuple[xmlschema.XMLSchema, etree.XMLSchema]:
    """Both views of one XSD, built once a process (fuzz/warm.py builds them ahead in the fork server)."""
    return _schemas(xsd_path)


def _overlay(base_query: tuple[dict[str, Any], dict[str, Any]]) -> dict[str, Any]:
    """The XSD-generated request with a persona's fields laid over it, repeats removed from every list."""
    base, query = base_query
    out = {**base, **query}
    if out.get("anvandare", "") is None:
        del out["anvandare"]
    return {k: without_repeats(v) for k, v in out.items()}


def envelope(payload: etree._Element) -> bytes:
    env = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soap": SOAP_ENV})
    body = etree.SubElement(env, f"{{{SOAP_ENV}}}Body")
    body.append(payload)
    return etree.tostring(env, xml_declaration=True, encoding="utf-8")


def _parse(data: bytes) -> etree._Element:
    try:
        from lefi_contracts.validation.xmlsafe import parse_xml

        return parse_xml(data, max_bytes=MAX_ANSWER_BYTES)
    except ImportError:  # pragma: no cover - the validation package is part of the project
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        try:
            return etree.fromstring(data, parser)
        except etree.XMLSyntaxError as exc:
            raise ResponseRejected(f"malformed XML: {exc}") from None


def post(
    client: GuardedTransport, url: str, body: bytes, headers: dict[str, str]
) -> tuple[int, bytes, dict[str, str]]:
    """POST through the guarded transport (deadline, size cap, TLS). An unreachable target stops the run; an
    answer too big, too slow or broken is the target's failure: status 0, which every check reads as no answer."""
    try:
        raw = client.send("POST", url, headers=headers, body=body)
    except ResponseRejected as exc:
        return 0, f"no usable answer: {exc}".encode(), {}
    return raw.status, raw.body, dict(raw.headers)


class SoapVersionFuzzer:
    """Everything needed to fuzz one SOAP version against one target."""

    def __init__(
        self, version: VersionInfo, base_url: str, hints: FuzzHints, client: GuardedTransport
    ) -> None:
        self.version = version
        self.url = base_url.rstrip("/") + version.base_path + "/soap"
        self.client = client
        self.namespace = version.namespace or ""
        self.xs, self.lxml_schema = _schemas(version.contract_file("xsd"))
        self.operations = wsdl_operations(version.contract_file("wsdl"))
        self.hints = hints

    def strategy(self, op: SoapOperation) -> Any:
        """Request dicts for one operation: the XSD's strategy, hinted where the catalogue knows better."""
        root = op.input_element
        hints: dict[str, st.SearchStrategy[Any]] = {
            f"{root}/aktorsId": self.hints.aktors_id(),
            f"{root}/personnummer": self.hints.personnummer(),
            f"{root}/period": self.hints.period(),
        }
        if self.hints.users:
            hints[f"{root}/anvandare"] = self.hints.anvandare().filter(lambda u: u is not None)
        base = XsdStrategies(self.xs, hints).element(root)
        if "personnummer" not in self._children(root) or not self.hints.personas:
            return base
        groups = tuple(self.version.behaviour.formansgrupper)
        ovrig = tuple(self._enumeration(root, "ovrigInformation"))
        around = st.tuples(base, self.hints.query(groups, ovrig)).map(_overlay)
        return mix(around, base, 7)

    def takes_query(self, op: SoapOperation) -> bool:
        """True for the operation that asks about a person (it has a personnummer)."""
        return "personnummer" in self._children(op.input_element)

    def ovrig_codes(self, op: SoapOperation) -> list[str]:
        return self._enumeration(op.input_element, "ovrigInformation")

    def _children(self, element: str) -> dict[str, Any]:
        elem: Any = self.xs.elements.get(element)
        if elem is None or elem.type.is_simple():
            return {}
        return {str(e.local_name): e for e in elem.type.content.iter_elements()}

    def _enumeration(self, element: str, child: str) -> list[str]:
        e = self._children(element).get(child)
        return list(getattr(e.type, "enumeration", None) or []) if e is not None else []

    def build(self, op: SoapOperation, value: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
        payload = XsdStrategies(self.xs).encode(op.input_element, value)
        headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{op.soap_action}"'}
        return envelope(payload), headers

    def send(self, op: SoapOperation, value: dict[str, Any]) -> tuple[Exchange, bytes, dict[str, str]]:
        body, headers = self.build(op, value)
        status, content, answer_headers = post(self.client, self.url, body, headers)
        return self.exchange(op, value, status, content, answer_headers), body, headers

    def exchange(
        self, op: SoapOperation, request: dict[str, Any], status: int, content: bytes, headers: dict[str, str]
    ) -> Exchange:
        """Read one answer: fault or payload, contract violations, decoded data."""
        ex = Exchange(self.version, op.name, dict(request), status, content, headers)
        try:
            root = _parse(content)
        except ResponseRejected as exc:
            ex.contract_violations.append(f"answer is not readable XML: {exc}")
            ex.fault_code = f"HTTP-{status}" if status >= 400 else None
            return ex
        if root.tag != f"{{{SOAP_ENV}}}Envelope":
            ex.contract_violations.append(f"answer root is {root.tag}, not a SOAP 1.1 Envelope")
            return ex
        body = root.find(f"{{{SOAP_ENV}}}Body")
        payload = next((c for c in body if isinstance(c.tag, str)), None) if body is not None else None
        if payload is None:
            ex.contract_violations.append("soap:Body is missing or empty")
            return ex
        if payload.tag == f"{{{SOAP_ENV}}}Fault":
            self._read_fault(ex, payload)
            return ex
        expected = f"{{{self.namespace}}}{op.output_element}"
        if payload.tag != expected:
            ex.contract_violations.append(f"answer element is {payload.tag}, expected {expected}")
        if status != 200:
            ex.contract_violations.append(f"an answer (not a Fault) with HTTP {status}")
        ex.contract_violations.extend(self.validate(payload))
        ex.data = self.decode(payload)
        return ex

    def _read_fault(self, ex: Exchange, fault: etree._Element) -> None:
        code = (fault.findtext("faultcode") or "").strip()
        ex.fault_side = (
            "client" if code.endswith("Client") else "server" if code.endswith("Server") else code or None
        )
        fel = fault.find(f"detail/{{{self.namespace}}}fel")
        if fel is None:
            ex.contract_violations.append("SOAP Fault without detail/fel in the version's namespace")
            ex.fault_code = f"HTTP-{ex.status}"
        else:
            ex.fault_code = (fel.findtext(f"{{{self.namespace}}}kod") or "").strip() or f"HTTP-{ex.status}"
            ex.contract_violations.extend(self.validate(fel))
        if ex.status not in (500, 503):
            ex.contract_violations.append(f"SOAP Fault with HTTP {ex.status} (SOAP 1.1 says 500)")
        if ex.status == 503 and ex.fault_code == "OTILLGANGLIG":
            raise TargetUnavailable(
                f"v{self.version.number} is in a maintenance window",
                retry_after=ex.headers.get("retry-after"),
            )

    def validate(self, element: etree._Element) -> list[str]:
        """lxml first (fast); xmlschema only to explain what lxml refused."""
        doc = etree.ElementTree(copy.deepcopy(element))
        if self.lxml_schema.validate(doc):
            return []
        try:
            errors = list(self.xs.iter_errors(etree.tostring(doc)))
        except Exception:  # pragma: no cover - xmlschema may refuse what lxml already refused
            errors = []
        if errors:
            return [f"{e.path}: {e.reason}" for e in errors[:3]]
        return [str(e.message) for e in list(self.lxml_schema.error_log)[:3]]

    def decode(self, element: etree._Element) -> dict[str, Any] | None:
        try:
            data, _errors = self.xs.decode(  # type: ignore[misc]
                etree.tostring(element), validation="lax", strip_namespaces=True, decimal_type=str
            )
        except Exception:
            return None
        return data if isinstance(data, dict) else None
