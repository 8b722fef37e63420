"""The XML versions' coverage phase: the boundaries of each XSD, every one sent once per run.

Random generation rarely lands on a boundary, so, like schemathesis' coverage phase for OpenAPI, each request
element's XSD is walked and one case made per boundary: every enumeration value (and one outside it), each length
facet (min, max and one past), pattern edge cases (each quantifier's bound and one past, empty, white space,
non-ASCII), occurrence bounds (min, max, max+1, absent), numeric and date bounds, each choice branch, each optional
element present and absent. A case starts from one valid request (the catalogue's, else the XSD's smallest) and
changes one thing. Whether the case is inside the contract is decided by the XSD itself (lxml validates it), never
by this code's intent: a case outside must be refused with a soap:Client fault; a case inside must be answered
without a server error. The cases are a pure function of the XSD, the base request and the seed.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import xmlschema
from hypothesis import HealthCheck, find, settings
from hypothesis.errors import NoSuchExample, Unsatisfiable
from lxml import etree

from lefi_contracts.cache import cache_folder, write_atomically
from lefi_contracts.fuzz.xml_strategies import _facet, _local, _type_names, simple_strategy

KINDS = ("enumeration", "length", "pattern", "occurs", "numeric", "date", "choice", "optional")
MAX_DEPTH = 6
_QUANTIFIER = re.compile(r"\{(\d+)(?:,(\d*))?\}")
_NUMERIC = {
    "decimal",
    "integer",
    "int",
    "long",
    "short",
    "byte",
    "nonNegativeInteger",
    "positiveInteger",
    "unsignedInt",
    "unsignedLong",
    "unsignedShort",
    "nonPositiveInteger",
    "negativeInteger",
    "float",
    "double",
}


@dataclass(frozen=True)
class CoverageCase:
    """One boundary: what kind, where, the request element to send and whether the XSD accepts it."""

    kind: str
    path: str
    description: str
    payload: etree._Element
    valid: bool


def _fill(sample: str, n: int) -> str:
    """A string of length n from the sample's own characters (so a pattern's character class still matches)."""
    chars = sample or "a"
    return (chars * (n // len(chars) + 1))[:n]


def _numeric_step(xsd_type: Any) -> Decimal:
    digits = _facet(xsd_type, "fractionDigits")
    names = set(_type_names(xsd_type))
    if names & {"decimal", "float", "double"} and digits != 0:
        return Decimal(1).scaleb(-int(digits)) if digits else Decimal("0.01")
    return Decimal(1)


def _as_decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def simple_values(xsd_type: Any, sample: str) -> Iterator[tuple[str, str, str]]:
    """(kind, description, text) of the boundary values of a simple type, around a valid sample value."""
    enumeration = list(getattr(xsd_type, "enumeration", None) or [])
    for value in enumeration:
        yield "enumeration", f"enumeration value {value}", str(value)
    if enumeration:
        yield "enumeration", "a value outside the enumeration", f"{enumeration[0]}X"
    for facet in ("length", "minLength", "maxLength"):
        bound = _facet(xsd_type, facet)
        if isinstance(bound, int):
            for n in sorted({bound - 1, bound, bound + 1} - {-1}):
                yield "length", f"{facet} {bound}: length {n}", _fill(sample, n)
    patterns = [getattr(p, "pattern", p) for p in getattr(getattr(xsd_type, "patterns", None), "regexps", [])]
    if patterns:
        for text in patterns:
            for low, high in _QUANTIFIER.findall(str(text)):
                for n in sorted(
                    {int(low) - 1, int(low), int(low) + 1} | ({int(high), int(high) + 1} if high else set())
                ):
                    if n >= 0:
                        yield "pattern", f"pattern {text}: {n} characters", _fill(sample, n)
        edges = [
            ("empty", ""),
            ("a space inside", sample[:1] + " " + sample[1:]),
            ("one character more", sample + sample[-1:]),
            ("one character less", sample[:-1]),
            ("non-ASCII letter", sample[:-1] + "å"),
            ("a letter", sample[:-1] + "x"),
        ]
        for label, text in edges:
            yield "pattern", f"pattern edge: {label}", text
    names = set(_type_names(xsd_type))
    if names & _NUMERIC:
        step = _numeric_step(xsd_type)
        for facet in ("minInclusive", "maxInclusive", "minExclusive", "maxExclusive"):
            bound = _as_decimal(_facet(xsd_type, facet))
            if bound is not None:
                for value in (bound - step, bound, bound + step):
                    yield "numeric", f"{facet} {bound}: {value}", str(value)
        total = _facet(xsd_type, "totalDigits")
        if isinstance(total, int):
            yield "numeric", f"totalDigits {total}: {total} digits", "9" * total
            yield "numeric", f"totalDigits {total}: {total + 1} digits", "9" * (total + 1)
        yield "numeric", "not a number", "x"
    if "date" in names:
        for facet in ("minInclusive", "maxInclusive", "minExclusive", "maxExclusive"):
            bound = _facet(xsd_type, facet)
            day = getattr(bound, "year", None) and dt.date(bound.year, bound.month, bound.day)
            if isinstance(day, dt.date):
                for value in (day - dt.timedelta(days=1), day, day + dt.timedelta(days=1)):
                    yield "date", f"{facet} {day}: {value}", value.isoformat()
        for label, text in (
            ("leap day", "2024-02-29"),
            ("29 February of a common year", "2023-02-29"),
            ("month 13", "2024-13-01"),
            ("day 32", "2024-01-32"),
            ("month 0", "2024-00-10"),
            ("no leading zeros", "2024-1-1"),
            ("first day of year 1", "0001-01-01"),
            ("last day of year 9999", "9999-12-31"),
            ("a time zone", "2024-01-01Z"),
        ):
            yield "date", f"date: {label}", text


def _group_elements(group: Any) -> Iterator[tuple[Any, Any]]:
    """(element particle, the group directly holding it) in document order, through nested groups."""
    for item in group:
        if isinstance(item, xmlschema.validators.XsdElement):
            yield item, group
        elif hasattr(item, "model"):
            yield from _group_elements(item)


def _children(node: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in node if isinstance(c.tag, str) and etree.QName(c).localname == name]


def _insert(parent: etree._Element, order: list[str], new: etree._Element) -> None:
    """Put `new` where the XSD's sequence wants it: after the last sibling that comes before it."""
    before = set(order[: order.index(_local(new.tag))]) if _local(new.tag) in order else set()
    position = 0
    for index, child in enumerate(parent):
        if isinstance(child.tag, str) and etree.QName(child).localname in before:
            position = index + 1
    parent.insert(position, new)


# The smallest value of a simple type: a derandomized search (the same for a type whatever the seed) that
# shrinks, the dearest step of the coverage cases, and the same type recurs in every element and every
# version that uses it. Keyed by the type's definition (type_key), in memory and in the suite's cache folder
# (lefi_contracts/cache.py); a value is reused only if the type still accepts it.
_SMALLEST: dict[str, str] = {}
XSD_NAMESPACE = "http://www.w3.org/2001/XMLSchema"


def _entry(key: str) -> Path | None:
    folder = cache_folder("xsd-smallest")  # kept across runs and worker processes: a type is searched once
    return folder / f"{hashlib.sha256(key.encode()).hexdigest()}.json" if folder is not None else None


def _stored_smallest(key: str) -> str | None:
    path = _entry(key)
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path is not None else None
    except (OSError, ValueError):
        return None
    return data["value"] if isinstance(data, dict) and data.get("key") == key else None


def _store_smallest(key: str, value: str) -> None:
    path = _entry(key)
    if path is not None:
        write_atomically(path, json.dumps({"key": key, "value": value}, ensure_ascii=False))


def type_key(xsd_type: Any, depth: int = 0) -> str:
    """The definition of a simple type, its base types' and its members' (name and XSD source), as text."""
    if xsd_type is None or depth > 20:
        return ""
    if getattr(xsd_type, "target_namespace", "") == XSD_NAMESPACE:  # a built-in type: its name says it all
        return str(xsd_type.name)
    elem = getattr(xsd_type, "elem", None)
    source = ElementTree.tostring(elem, encoding="unicode") if isinstance(elem, ElementTree.Element) else ""
    related = [getattr(xsd_type, "base_type", None), getattr(xsd_type, "item_type", None)]
    related += list(getattr(xsd_type, "member_types", None) or [])
    inner = "|".join(type_key(t, depth + 1) for t in related if t is not None and t is not xsd_type)
    return f"{getattr(xsd_type, 'name', None)}:{source}({inner})"


class XsdCoverage:
    """The coverage cases of one global request element of one XSD."""

    def __init__(self, schema: xmlschema.XMLSchema, lxml_schema: etree.XMLSchema, element: str) -> None:
        self.schema = schema
        self.lxml_schema = lxml_schema
        self.element = element
        self.namespace = schema.target_namespace or ""

    def _valid(self, payload: etree._Element) -> bool:
        return bool(self.lxml_schema.validate(payload))

    def _tag(self, name: str) -> str:
        return f"{{{self.namespace}}}{name}" if self.namespace else name

    def _sample_text(self, elem: Any, node: etree._Element | None) -> str:
        """The element's text in the base, else a value its type accepts (the smallest one Hypothesis finds)."""
        if node is not None and node.text:
            return node.text
        enumeration = list(getattr(elem.type, "enumeration", None) or [])
        if enumeration:
            return str(enumeration[0])
        xsd_type = elem.type if elem.type.is_simple() else getattr(elem.type, "content", elem.type)
        key = type_key(xsd_type)
        known = _SMALLEST.get(key)
        if known is None:
            known = _stored_smallest(key)
        if known is not None and xsd_type.is_valid(known):
            _SMALLEST[key] = known
            return known
        try:
            found = str(
                find(
                    simple_strategy(xsd_type),
                    lambda v: bool(xsd_type.is_valid(str(v))),
                    settings=settings(
                        database=None, derandomize=True, suppress_health_check=list(HealthCheck)
                    ),
                )
            )
        except (NoSuchExample, Unsatisfiable, Exception):  # a type we cannot sample: a plain value
            found = "a"
        _SMALLEST[key] = found
        _store_smallest(key, found)
        return found

    def _new_element(self, elem: Any, like: etree._Element | None) -> etree._Element | None:
        """A fresh valid-looking instance of an element (a copy of one in the base, or its smallest value)."""
        if like is not None:
            return copy.deepcopy(like)
        if elem.type.is_simple() or elem.type.has_simple_content():
            node = etree.Element(self._tag(elem.local_name))
            node.text = self._sample_text(elem, None)
            return node
        return None

    def cases(self, base: etree._Element) -> list[CoverageCase]:
        """Every boundary of the element's XSD type around `base` (a valid instance), in document order."""
        if not self._valid(base):
            raise ValueError(f"the base {self.element} request is not valid against its XSD")
        out: list[CoverageCase] = []
        root = self.schema.elements[self.element]
        self._walk(root, base, [], self.element, out, depth=0)
        return out

    def _case(
        self, out: list[CoverageCase], kind: str, path: str, text: str, payload: etree._Element
    ) -> None:
        out.append(CoverageCase(kind, path, text, payload, self._valid(payload)))

    def _locate(self, base: etree._Element, trail: list[str]) -> tuple[etree._Element, etree._Element] | None:
        """(copy of the base, the node at trail in the copy)."""
        doc = copy.deepcopy(base)
        node = doc
        for name in trail:
            found = _children(node, name)
            if not found:
                return None
            node = found[0]
        return doc, node

    def _walk(
        self,
        elem: Any,
        base: etree._Element,
        trail: list[str],
        path: str,
        out: list[CoverageCase],
        depth: int,
    ) -> None:
        if depth > MAX_DEPTH:
            return
        located = self._locate(base, trail)
        if located is None:
            return
        _, here = located
        if elem.type.is_simple() or elem.type.has_simple_content():
            sample = self._sample_text(elem, here)
            for kind, text, value in simple_values(elem.type, sample):
                doc, node = self._locate(base, trail) or (None, None)
                if doc is None or node is None:
                    continue
                node.text = value
                self._case(out, kind, path, text, doc)
            return
        content = getattr(elem.type, "content", None)
        if content is None:
            return
        order = [e.local_name for e, _ in _group_elements(content)]
        for child, group in _group_elements(content):
            name = child.local_name
            child_path = f"{path}/{name}"
            self._occurrences(child, group, base, trail, child_path, order, out)
            if group.model == "choice":
                self._choice(child, group, base, trail, child_path, order, out)
            self._walk(
                child,
                self._with(child, group, base, trail, order),
                [*trail, name],
                child_path,
                out,
                depth + 1,
            )

    def _with(
        self, child: Any, group: Any, base: etree._Element, trail: list[str], order: list[str]
    ) -> etree._Element:
        """The base with one instance of `child` (an optional element or choice branch the base lacks gets one,
        the other branches go), so that the boundaries of its own type are reached too."""
        located = self._locate(base, trail)
        if located is None:
            return base
        doc, parent = located
        if _children(parent, child.local_name):
            return base
        if group.model == "choice":
            others = {e.local_name for e, _ in _group_elements(group)} - {child.local_name}
            for node in [n for n in parent if isinstance(n.tag, str) and etree.QName(n).localname in others]:
                parent.remove(node)
        new = self._new_element(child, None)
        if new is None:
            return base
        _insert(parent, order, new)
        return doc

    def _occurrences(
        self,
        child: Any,
        group: Any,
        base: etree._Element,
        trail: list[str],
        path: str,
        order: list[str],
        out: list[CoverageCase],
    ) -> None:
        low, high = child.min_occurs, child.max_occurs
        counts = {low, low + 1, max(low - 1, 0)} | ({high, high + 1} if high is not None else {low + 2})
        for count in sorted(counts):
            located = self._locate(base, trail)
            if located is None:
                return
            doc, parent = located
            present = _children(parent, child.local_name)
            like = present[0] if present else None
            if count == len(present) and count not in (low, high):
                continue
            for extra in present[count:]:
                parent.remove(extra)
            if group.model == "choice" and count:
                others = {e.local_name for e, _ in _group_elements(group)} - {child.local_name}
                for node in [
                    n for n in parent if isinstance(n.tag, str) and etree.QName(n).localname in others
                ]:
                    parent.remove(node)
            while len(_children(parent, child.local_name)) < count:
                new = self._new_element(child, like)
                if new is None:
                    break
                _insert(parent, order, new)
            if len(_children(parent, child.local_name)) != count:
                continue
            kind = "optional" if low == 0 and count in (0, 1) else "occurs"
            label = "absent" if count == 0 else "present" if kind == "optional" else f"{count} times"
            bounds = f"minOccurs {low}, maxOccurs {'unbounded' if high is None else high}"
            self._case(out, kind, path, f"{bounds}: {label}", doc)

    def _choice(
        self,
        child: Any,
        group: Any,
        base: etree._Element,
        trail: list[str],
        path: str,
        order: list[str],
        out: list[CoverageCase],
    ) -> None:
        located = self._locate(base, trail)
        if located is None:
            return
        doc, parent = located
        others = {e.local_name for e, _ in _group_elements(group)} - {child.local_name}
        like = next(iter(_children(parent, child.local_name)), None)
        for node in list(parent):
            if isinstance(node.tag, str) and etree.QName(node).localname in others:
                parent.remove(node)
        if like is None:
            new = self._new_element(child, None)
            if new is None:
                return
            _insert(parent, order, new)
        self._case(out, "choice", path, f"choice branch {child.local_name}", doc)
