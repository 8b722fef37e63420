"""Hypothesis strategies driven by an XSD through xmlschema's component model.

No maintained package turns an XSD into Hypothesis strategies (stack-feasibility §7), and a second hand-written
copy of the SOAP contracts would drift from the XSDs, so the XSD itself drives generation: sequences, choices,
min/maxOccurs, attributes, enumerations, patterns (XSD regex translated by xmlschema/elementpath, then
`st.from_regex(fullmatch=True)`), length and range facets, dates. Values are dicts in xmlschema's shape, encoded
with `schema.encode(..., unordered=True)` into elements that are valid by construction.

`hints` replace the strategy of an element path ("hamtaFormansinformation/personnummer") with a mix of the hint
and the raw XSD strategy, so that fuzzing reaches real data (known actors, test persons) while still trying
anything the XSD allows.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import xmlschema
from elementpath.regex import translate_pattern
from hypothesis import strategies as st
from lxml import etree

from lefi_contracts.errors import ContractError

XSD_NS = "http://www.w3.org/2001/XMLSchema"
MAX_REPEAT = 3  # unbounded elements: a few occurrences exercise lists without slowing every example down
MAX_DEPTH = 12  # recursion guard for recursive types (optional branches stop here)

# Characters that survive XML 1.0 and are not normalised away by a parser (no CR, no control characters).
_XML_TEXT = st.characters(
    codec="utf-8", exclude_categories=("Cs", "Cc", "Co", "Cn"), exclude_characters="\ufffe\uffff"
)

Hints = Mapping[str, st.SearchStrategy[Any]]


def _local(name: str | None) -> str:
    return (name or "").rsplit("}", 1)[-1]


def _type_names(xsd_type: Any) -> list[str]:
    """Local names of the type and its bases: decides integer/decimal/date beyond `primitive_type`."""
    names: list[str] = []
    t = xsd_type
    while t is not None and len(names) < 50:
        names.append(_local(getattr(t, "name", None)))
        t = getattr(t, "base_type", None)
    primitive = getattr(xsd_type, "primitive_type", None)
    if primitive is not None:
        names.append(_local(primitive.name))
    return names


def _facet(xsd_type: Any, name: str) -> Any:
    t = xsd_type
    while t is not None:
        facets = getattr(t, "facets", None) or {}
        facet = facets.get(f"{{{XSD_NS}}}{name}")
        if facet is not None:
            return getattr(facet, "value", None)
        t = getattr(t, "base_type", None)
    return None


# XSD regex quirks: \\i and \\c (XML name characters) are translated by elementpath to the full Unicode
# ranges of XML 1.1, which libxml2 (lxml) does not accept in full; generate from the ASCII subset both agree on.
_XSD_ESCAPES = {
    "\\i": "[A-Za-z_:]",
    "\\c": "[-.0-9A-Za-z_:]",
    "\\I": "[^A-Za-z_:]",
    "\\C": "[^-.0-9A-Za-z_:]",
}
_ANCHORED = re.compile(r"\^\((?:\?:)?(?P<body>.*)\)\$\(\?!\\n\\Z\)", re.S)


def python_pattern(xsd_regex: str) -> str:
    """A Python regex that generates only strings the XSD pattern (and libxml2) accepts, without anchors.

    Hypothesis cannot generate from lookarounds; with fullmatch=True the anchors are not needed. Character-class
    subtraction and the other XSD-only syntax are translated by elementpath, as xmlschema itself does.
    """
    text = re.sub(r"\\[icIC]", lambda m: _XSD_ESCAPES[m.group(0)], xsd_regex)
    translated = translate_pattern(text)
    m = _ANCHORED.fullmatch(translated)
    return m.group("body") if m else translated.removeprefix("^").removesuffix("$")


def _patterns(xsd_type: Any) -> list[tuple[str, re.Pattern[str]]]:
    """Pattern facets of the type and all its bases: every one must hold (XSD ANDs patterns across derivation)."""
    found: list[tuple[str, re.Pattern[str]]] = []
    t = xsd_type
    while t is not None:
        pats = getattr(t, "patterns", None)
        if pats is not None:
            found.extend(zip(getattr(pats, "regexps", []), getattr(pats, "patterns", []), strict=False))
        t = getattr(t, "base_type", None)
    return found


def simple_strategy(xsd_type: Any) -> st.SearchStrategy[Any]:
    """Values (as text or Python values xmlschema can encode) that are valid for a simple type."""
    enum = getattr(xsd_type, "enumeration", None)
    if enum:
        return st.sampled_from(list(enum))
    if getattr(xsd_type, "is_list", lambda: False)():
        item = getattr(xsd_type, "item_type", None)
        return st.lists(simple_strategy(item), min_size=1, max_size=MAX_REPEAT)
    if getattr(xsd_type, "is_union", lambda: False)():
        members = getattr(xsd_type, "member_types", [])
        return st.one_of([simple_strategy(m) for m in members]) if members else st.just("")
    names = _type_names(xsd_type)
    patterns = _patterns(xsd_type)
    min_len, max_len = _facet(xsd_type, "minLength"), _facet(xsd_type, "maxLength")
    length = _facet(xsd_type, "length")
    if length is not None:
        min_len = max_len = length
    if patterns:
        (first, _), checks = patterns[0], [compiled for _, compiled in patterns]
        strat: st.SearchStrategy[str] = st.from_regex(
            python_pattern(first), fullmatch=True, alphabet=_XML_TEXT
        )
        strat = strat.filter(lambda s: all(p.match(s) for p in checks))
        if min_len is not None or max_len is not None:
            lo, hi = min_len or 0, max_len if max_len is not None else 10**9
            strat = strat.filter(lambda s: lo <= len(s) <= hi)
        return strat
    lo_v = getattr(xsd_type, "min_value", None)
    hi_v = getattr(xsd_type, "max_value", None)
    if "boolean" in names:
        return st.booleans()
    if "integer" in names:
        return st.integers(
            min_value=int(lo_v) if lo_v is not None else -(10**9),
            max_value=int(hi_v) if hi_v is not None else 10**9,
        )
    if "decimal" in names or "double" in names or "float" in names:
        places = _facet(xsd_type, "fractionDigits")
        total = _facet(xsd_type, "totalDigits")
        hi_default = Decimal(10) ** (int(total) - int(places or 0)) - 1 if total else Decimal(10**9)
        return st.decimals(
            min_value=Decimal(str(lo_v)) if lo_v is not None else -hi_default,
            max_value=Decimal(str(hi_v)) if hi_v is not None else hi_default,
            places=int(places) if places is not None else 2,
            allow_nan=False,
            allow_infinity=False,
        )
    if "date" in names:
        return st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)).map(dt.date.isoformat)
    if "dateTime" in names:
        return st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2099, 12, 31)).map(
            lambda d: d.replace(microsecond=0).isoformat()
        )
    if "gYearMonth" in names:
        return st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)).map(
            lambda d: d.strftime("%Y-%m")
        )
    lo, hi = int(min_len or 0), int(max_len) if max_len is not None else max(int(min_len or 0), 20)
    text = st.text(alphabet=_XML_TEXT, min_size=lo, max_size=hi)
    if "token" in names or "normalizedString" in names:
        # whitespace would be collapsed on the way back: keep what is generated what is read
        text = st.text(
            alphabet=st.characters(codec="ascii", categories=("L", "N")), min_size=max(lo, 1), max_size=hi
        )
    return text


class XsdStrategies:
    """Strategies for the global elements of one XSD (an XMLSchema or a path to one)."""

    def __init__(self, schema: xmlschema.XMLSchema | str, hints: Hints | None = None) -> None:
        if not isinstance(schema, xmlschema.XMLSchema):
            try:
                schema = xmlschema.XMLSchema(schema)
            except (xmlschema.XMLSchemaException, OSError, etree.XMLSyntaxError) as exc:
                raise ContractError(f"cannot read XSD {schema}: {str(exc).splitlines()[0]}") from None
        self.schema = schema
        self.namespace: str = schema.target_namespace
        self.hints: dict[str, st.SearchStrategy[Any]] = dict(hints or {})

    # -- components ------------------------------------------------------------------------------------------
    def element(self, name: str) -> st.SearchStrategy[dict[str, Any]]:
        """A dict for the global element `name` (local name), ready for `encode`."""
        elem = self._global(name)
        return self._element_value(elem, name, depth=0)

    def document(self, name: str) -> st.SearchStrategy[etree._Element]:
        """An lxml element for the global element `name`, valid against the XSD by construction."""
        return self.element(name).map(lambda d: self.encode(name, d))

    def encode(self, name: str, value: Mapping[str, Any]) -> etree._Element:
        ns = self.namespace
        data = {"@xmlns": ns, **value} if ns else dict(value)
        encoded = self.schema.encode(
            data, path=f"{{{ns}}}{name}" if ns else name, namespaces={"": ns} if ns else {}, unordered=True
        )
        if isinstance(encoded, tuple):  # lax mode returns (element, errors)
            encoded = encoded[0]
        if encoded is None:
            raise ContractError(f"xmlschema encoded nothing for the element {name!r}")
        text = xmlschema.etree_tostring(encoded, namespaces={"": ns} if ns else {})
        return etree.fromstring(text.encode() if isinstance(text, str) else text)

    def _global(self, name: str) -> Any:
        key = f"{{{self.namespace}}}{name}" if self.namespace else name
        elem = self.schema.elements.get(name) or self.schema.elements.get(key)
        if elem is None:
            known = ", ".join(sorted(_local(k) for k in self.schema.elements))
            raise ContractError(f"the XSD has no global element {name!r} (it has: {known})")
        return elem

    def _hinted(self, path: str, raw: Callable[[], st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
        hint = self.hints.get(path)
        if hint is None:
            return raw()
        # Mostly the hint (realistic data reaches deep paths); the raw XSD branch keeps everything reachable.
        return st.sampled_from([True] * 9 + [False]).flatmap(lambda use: hint if use else raw())

    def _element_value(self, elem: Any, path: str, depth: int) -> st.SearchStrategy[Any]:
        return self._hinted(path, lambda: self._raw_element_value(elem, path, depth))

    def _raw_element_value(self, elem: Any, path: str, depth: int) -> st.SearchStrategy[Any]:
        xsd_type = elem.type
        if xsd_type.is_simple():
            return simple_strategy(xsd_type)
        attrs = self._attributes(elem, path)
        if xsd_type.has_simple_content():
            content = simple_strategy(xsd_type.content)
            return st.fixed_dictionaries({"$": content, **attrs}) if attrs else content
        if xsd_type.is_empty():
            return st.fixed_dictionaries(attrs)
        if depth > MAX_DEPTH:
            return st.fixed_dictionaries(attrs)
        body = self._group(xsd_type.content, path, depth + 1)
        return st.tuples(st.fixed_dictionaries(attrs), body).map(lambda ab: {**ab[0], **ab[1]})

    def _attributes(self, elem: Any, path: str) -> dict[str, st.SearchStrategy[Any]]:
        out: dict[str, st.SearchStrategy[Any]] = {}
        for name, attr in getattr(elem, "attributes", {}).items():
            if name is None or _local(name).startswith("xmlns"):
                continue
            strat = self._hinted(f"{path}/@{_local(name)}", functools.partial(simple_strategy, attr.type))
            out[f"@{_local(name)}"] = strat
        return out

    def _occurs(self, particle: Any, make: Callable[[], st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
        lo = particle.min_occurs
        hi = particle.max_occurs
        if hi == 1:
            return make() if lo >= 1 else st.one_of(st.none(), make())
        upper = lo + MAX_REPEAT if hi is None else min(hi, lo + MAX_REPEAT)
        return st.lists(make(), min_size=lo, max_size=upper).map(lambda xs: xs or None)

    def _group(self, group: Any, path: str, depth: int) -> st.SearchStrategy[dict[str, Any]]:
        """A dict for a model group (sequence/all: every particle; choice: one), merged into the parent."""
        parts: list[st.SearchStrategy[dict[str, Any]]] = []
        for particle in group:
            parts.append(self._particle(particle, path, depth))
        if group.model == "choice":
            if not parts:
                return st.just({})
            return st.one_of(parts)
        return st.tuples(*parts).map(_merge) if parts else st.just({})

    def _particle(self, particle: Any, path: str, depth: int) -> st.SearchStrategy[dict[str, Any]]:
        kind = type(particle).__name__
        if kind == "XsdGroup":
            if particle.max_occurs == 1 and particle.min_occurs == 1:
                return self._group(particle, path, depth)
            # a repeated/optional group: its occurrences merged (children become lists if repeated)
            return self._occurs(particle, lambda: self._group(particle, path, depth)).map(_merge_occurrences)
        if kind.startswith("XsdAny"):
            return st.just({})  # xs:any: nothing generated (encode cannot know what to write)
        name = _local(particle.name)
        child_path = f"{path}/{name}"
        if depth > MAX_DEPTH and particle.min_occurs == 0:
            return st.just({})
        value = self._occurs(particle, lambda: self._element_value(particle, child_path, depth))
        return value.map(functools.partial(_keyed, name))


def _keyed(name: str, value: Any) -> dict[str, Any]:
    """One particle's value under its name; an absent optional particle (None) adds nothing."""
    return {} if value is None else {name: value}


def _merge(parts: tuple[dict[str, Any], ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for part in parts:
        out.update(part)
    return out


def _merge_occurrences(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    out: dict[str, list[Any]] = {}
    for occurrence in value:
        for key, item in occurrence.items():
            out.setdefault(key, []).extend(item if isinstance(item, list) else [item])
    return out


def to_bytes(element: etree._Element) -> bytes:
    return etree.tostring(element, encoding="utf-8")
