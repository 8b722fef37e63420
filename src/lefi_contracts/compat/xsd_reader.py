"""Read XSD and WSDL 1.1 (via xmlschema) into the normalised model.

xmlschema resolves imports, includes, groups, attribute groups and extension/restriction; we walk
its component graph once per type (memoised by identity), which keeps big standard schemas linear
and makes recursive types terminate. Constructs we do not compare become notes, never errors.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

import xmlschema
from xmlschema.extras.wsdl import Wsdl11Document, WsdlParseError
from xmlschema.validators import XsdAnyElement

from lefi_contracts.compat.model import (
    BINARY,
    BOOLEAN,
    DATE,
    DATETIME,
    DURATION,
    INTEGER,
    NUMBER,
    SCALAR_FACETS,
    STRING,
    TIME,
    ContractModel,
    Field,
    Message,
    Operation,
    Reading,
    Shape,
    place_document,
)
from lefi_contracts.compat.xsd_loading import ALLOW_LOCAL, load_schema, unreadable

_PRIMITIVES = {
    "decimal": NUMBER,
    "float": NUMBER,
    "double": NUMBER,
    "boolean": BOOLEAN,
    "date": DATE,
    "dateTime": DATETIME,
    "dateTimeStamp": DATETIME,
    "time": TIME,
    "duration": DURATION,
    "base64Binary": BINARY,
    "hexBinary": BINARY,
}
_INTEGER_TYPES = {
    "integer",
    "int",
    "long",
    "short",
    "byte",
    "nonNegativeInteger",
    "positiveInteger",
    "nonPositiveInteger",
    "negativeInteger",
    "unsignedLong",
    "unsignedInt",
    "unsignedShort",
    "unsignedByte",
}


def _local(qname: str | None) -> str:
    if not qname:
        return ""
    return qname.rsplit("}", 1)[-1]


def _ns(qname: str | None) -> str | None:
    if qname and qname.startswith("{"):
        return qname[1:].split("}", 1)[0]
    return None


def _category(simple: Any) -> str:
    """The primitive category of an atomic simple type (integers recognised by their builtin ancestor)."""
    t = simple
    while t is not None:
        name = _local(getattr(t, "name", None))
        if getattr(t, "target_namespace", None) == xmlschema.names.XSD_NAMESPACE or (
            name and getattr(t, "is_builtin", lambda: False)()
        ):
            if name in _INTEGER_TYPES:
                return INTEGER
            if name in _PRIMITIVES:
                return _PRIMITIVES[name]
        t = getattr(t, "base_type", None)
    prim = getattr(simple, "primitive_type", None)
    return _PRIMITIVES.get(_local(getattr(prim, "name", None)), STRING)


class XsdReader:
    """Builds shapes from xmlschema components, memoised by component identity."""

    def __init__(self) -> None:
        self._types: dict[int, Shape] = {}
        self._simple: dict[int, Shape] = {}
        self.notes: list[str] = []

    def all_notes(self) -> list[str]:
        """Every construct we skipped, once, for the report's 'not compared' section."""
        found = set(self.notes)
        for shape in [*self._types.values(), *self._simple.values()]:
            found.update(shape.notes)
        return sorted(found)

    def element_field(self, el: Any, min_occurs: int | None = None, max_occurs: Any = -1) -> Field:
        mn = el.min_occurs if min_occurs is None else min_occurs
        mx = el.max_occurs if max_occurs == -1 else max_occurs
        shape = self.type_shape(el.type)
        if el.nillable or el.default is not None or el.fixed is not None:
            # nillable/default/fixed belong to the element, not the type: a per-element copy.
            shape = _copy(shape)
            shape.nullable = bool(el.nillable)
            shape.default = el.default
            shape.fixed = el.fixed
        sigs = identity_signatures(el)
        if sigs:  # identity constraints belong to the element: a per-element copy
            shape = _copy(shape)
            shape.identities = sigs
            self.notes.append(
                "identity constraints (key/keyref/unique) compared as declared (selector, fields); "
                "witnesses do not generate duplicate keys"
            )
        return Field(
            name=_local(el.name),
            shape=shape,
            min_occurs=mn,
            max_occurs=mx,
            required=mn >= 1,
            namespace=_ns(el.name),
            source=el,
        )

    def type_shape(self, t: Any) -> Shape:
        if t is None:  # unresolved in a leniently read schema
            self.notes.append("unresolved type reference not compared")
            return Shape(kind="any")
        if t.is_simple():
            return self.simple_shape(t)
        if getattr(t, "name", None) == xmlschema.names.XSD_ANY_TYPE:
            self.notes.append("xs:anyType content not compared")
            return Shape(kind="any")
        key = id(t)
        if key in self._types:
            return self._types[key]
        shape = Shape(kind="object", ordered=True, source=t)
        self._types[key] = shape  # registered before descending: recursion terminates here
        try:
            self._fill_complex(t, shape)
        except (AttributeError, TypeError, ValueError, KeyError) as exc:  # an unknown construct: degrade
            shape.kind = "any"
            shape.fields.clear()
            self.notes.append(
                f"complex type {_local(getattr(t, 'name', None)) or '(anonymous)'} not compared "
                f"({exc.__class__.__name__})"
            )
        return shape

    def _fill_complex(self, t: Any, shape: Shape) -> None:
        for name, attr in t.attributes.items():
            if name is None:  # xs:anyAttribute: compared by namespace and processContents
                shape.wildcards = (*shape.wildcards, ("anyAttribute", attr))
                shape.notes.append(
                    "xs:anyAttribute: namespace and processContents compared, the attributes it admits are not"
                )
                continue
            ashape = self.simple_shape(attr.type)
            if attr.default is not None or attr.fixed is not None:
                ashape = _copy(ashape)
                ashape.default, ashape.fixed = attr.default, attr.fixed
            required = attr.use == "required"
            shape.fields["@" + _local(name)] = Field(
                name="@" + _local(name),
                shape=ashape,
                min_occurs=int(required),
                required=required,
                source=attr,
            )
        content = t.content
        if hasattr(content, "model"):  # XsdGroup
            if content.model == "all":
                shape.ordered = False
            if getattr(t, "mixed", False):
                shape.notes.append("mixed content not compared")
            self._walk_group(content, shape, 1, 1, False)
        elif content is not None and content.is_simple():  # simple content (+ attributes)
            scalar = self.simple_shape(content)
            shape.kind = "scalar"
            for attr_name in SCALAR_FACETS:
                setattr(shape, attr_name, getattr(scalar, attr_name))
        if getattr(t, "assertions", None):
            shape.notes.append("XSD 1.1 assertions not compared")

    def _walk_group(self, group: Any, shape: Shape, gmin: int, gmax: int | None, in_choice: bool) -> None:
        """Flatten nested groups into fields with effective occurrences (nesting is not semantics)."""
        choice = group.model == "choice" and len(group) > 1
        names: list[str] = []
        for item in group:
            if isinstance(item, XsdAnyElement):  # XSD 1.0 and 1.1 wildcards alike
                shape.open = True  # compared by namespace and processContents; its content is not read
                label = f"any#{sum(w[0].startswith('any#') for w in shape.wildcards)}"
                shape.wildcards = (*shape.wildcards, (label, item))
                shape.notes.append(
                    "xs:any wildcard: namespace and processContents compared, the content it admits is not"
                )
                continue
            imin = gmin * group.min_occurs * item.min_occurs
            imax = _mul(_mul(gmax, group.max_occurs), item.max_occurs)
            if choice:
                imin = 0
            if hasattr(item, "model"):
                self._walk_group(item, shape, gmin * group.min_occurs, _mul(gmax, group.max_occurs), choice)
                names.extend(n for n in shape.fields if n not in names)
                continue
            members = [item]
            # sorted: xmlschema yields substitutes in no stable order, and their order has no meaning
            subs = (
                sorted(item.iter_substitutes(), key=lambda m: str(m.name))
                if hasattr(item, "iter_substitutes")
                else []
            )
            if subs:
                members = [m for m in [item, *subs] if not getattr(m, "abstract", False)]
            for m in members:
                f = self.element_field(m, 0 if (subs or choice or in_choice) else imin, imax)
                f.in_choice = bool(subs) or choice or in_choice
                existing = shape.fields.get(f.name)
                if existing is not None:  # the same name twice in a content model: merge occurrences
                    existing.min_occurs += f.min_occurs
                    existing.max_occurs = (
                        None
                        if existing.max_occurs is None or f.max_occurs is None
                        else (existing.max_occurs + f.max_occurs)
                    )
                    existing.required = existing.min_occurs >= 1
                else:
                    shape.fields[f.name] = f
                names.append(f.name)
            if subs:
                shape.choices = (*shape.choices, frozenset(_local(m.name) for m in members))
        if choice:
            shape.choices = (*shape.choices, frozenset(names))

    def simple_shape(self, t: Any) -> Shape:
        key = id(t)
        if key in self._simple:
            return self._simple[key]
        shape = Shape(kind="scalar", source=t)
        self._simple[key] = shape
        cls = t.__class__.__name__
        if cls == "XsdList" or getattr(t, "is_list", lambda: False)():
            shape.types = frozenset({"list"})
            shape.notes.append("xs:list item facets not compared")
        elif cls == "XsdUnion" or getattr(t, "member_types", None):
            members = [self.simple_shape(m) for m in t.member_types]
            shape.types = frozenset(x for m in members for x in m.types)
            enums = [m.enum for m in members]
            if all(e is not None for e in enums):
                shape.enum = frozenset(v for e in enums for v in e)  # type: ignore[union-attr]
        elif getattr(t, "name", None) == xmlschema.names.XSD_ANY_SIMPLE_TYPE or _local(
            getattr(t, "name", "")
        ) in ("anySimpleType", "anyAtomicType"):
            shape.kind = "any"
        else:
            shape.types = frozenset({_category(t)})
            enum = _effective(t, "enumeration")
            if enum is not None:
                shape.enum = frozenset(str(v) for v in enum)
            shape.patterns = tuple(sorted(_patterns(t)))
            shape.min_length = _effective(t, "min_length")
            shape.max_length = _effective(t, "max_length")
            length = _facet_value(t, "length")
            if length is not None:
                shape.min_length = shape.max_length = int(length)
            mn, mx = _safe(t, "min_value"), _safe(t, "max_value")
            shape.minimum = float(mn) if isinstance(mn, int | float) or _is_decimal(mn) else None
            shape.maximum = float(mx) if isinstance(mx, int | float) or _is_decimal(mx) else None
            shape.min_exclusive = _facet_value(t, "minExclusive") is not None
            shape.max_exclusive = _facet_value(t, "maxExclusive") is not None
            td, fd = _facet_value(t, "totalDigits"), _facet_value(t, "fractionDigits")
            shape.total_digits = int(td) if td is not None else None
            shape.fraction_digits = int(fd) if fd is not None else None
        return shape


def identity_signatures(el: Any) -> frozenset[str]:
    """xs:key / xs:keyref / xs:unique of an element, as what they constrain (kind, name, selector, fields)."""
    out = set()
    for ident in getattr(el, "identities", None) or []:
        try:
            selector = ident.selector.path if ident.selector is not None else "?"
            fields = ",".join(f.path for f in ident.fields)
            refer = getattr(ident, "refer", None)
            ref = f" refer={_local(getattr(refer, 'name', None))}" if refer is not None else ""
            kind = type(ident).__name__.replace("Xsd", "").lower()
            out.add(f"{kind} {_local(ident.name)} selector={selector} fields={fields}{ref}")
        except AttributeError:  # an identity xmlschema could not build (lenient read): named, not compared
            out.add(f"{type(ident).__name__} (unreadable)")
    return frozenset(out)


def _is_decimal(v: Any) -> bool:
    return v.__class__.__name__ == "Decimal"


def _safe(t: Any, attr: str) -> Any:
    try:
        return getattr(t, attr, None)
    except Exception:  # xmlschema computes some of these lazily; a failure just means "unknown"
        return None


def _effective(t: Any, attr: str) -> Any:
    """The facet of the nearest type in the derivation chain that has it."""
    while t is not None:
        v = _safe(t, attr)
        if v is not None:
            return v
        t = getattr(t, "base_type", None)
    return None


def _facet_value(t: Any, local: str) -> Any:
    while t is not None:
        facets = getattr(t, "facets", None) or {}
        f = facets.get(f"{{{xmlschema.names.XSD_NAMESPACE}}}{local}")
        if f is not None:
            return getattr(f, "value", None)
        t = getattr(t, "base_type", None)
    return None


def _patterns(t: Any) -> set[str]:
    """Patterns of every derivation step apply together (XSD ANDs them across steps)."""
    out: set[str] = set()
    while t is not None:
        p = getattr(t, "patterns", None)
        if p is not None:
            out.add("|".join(p.regexps))
        t = getattr(t, "base_type", None)
    return out


def _mul(a: int | None, b: int | None) -> int | None:
    if a is None or b is None:
        return None
    return a * b


def _copy(shape: Shape) -> Shape:
    new = Shape.__new__(Shape)
    new.__dict__.update(shape.__dict__)
    new.notes = list(shape.notes)
    return new


def read_xsd(path: Path, *, direction: Reading = "response") -> ContractModel:
    """A bare XSD: every global element is a 'document' operation read in `direction`."""
    schema, load_notes = load_schema(path)
    reader = XsdReader()
    model = ContractModel(format="xsd", source=str(path), namespace=schema.target_namespace or None)
    model.notes.extend(load_notes)
    for qname, el in sorted(schema.elements.items()):
        op = Operation(id=f"element {_local(qname)}", meta={"namespace": _ns(qname)})
        msg = Message(key="document", root=reader.element_field(el, 1, 1))
        place_document(op, msg, direction)
        model.operations[op.id] = op
    if getattr(schema, "XSD_VERSION", "1.0") == "1.1":
        model.notes.append("read as XSD 1.1: assertions and alternatives are not compared")
    model.notes.extend(reader.all_notes())
    return model


def read_wsdl(path: Path) -> ContractModel:
    """WSDL 1.1: operations from the portType, request/response/fault elements from the messages."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            wsdl = Wsdl11Document(str(path), allow=ALLOW_LOCAL)
        except (
            xmlschema.XMLSchemaException,
            WsdlParseError,
            ParseError,
            OSError,
            ValueError,
            KeyError,
        ) as exc:
            raise unreadable(path, exc) from None
    reader = XsdReader()
    model = ContractModel(format="wsdl", source=str(path), namespace=wsdl.target_namespace or None)
    actions: dict[str, Any] = {}
    for binding in wsdl.bindings.values():
        for key, bop in binding.operations.items():
            actions[key[0] if isinstance(key, tuple) else _local(str(key))] = getattr(
                bop, "soap_action", None
            )
    for pt in wsdl.port_types.values():
        for key, wop in pt.operations.items():
            name = key[0] if isinstance(key, tuple) else _local(str(key))
            op = Operation(
                id=name, meta={"soap_action": actions.get(name) or getattr(wop, "soap_action", None)}
            )
            for slot, io in (("request", wop.input), ("response", wop.output)):
                if io is None or io.message is None:
                    continue
                for part_name, part in io.message.parts.items():
                    if part is None or not hasattr(part, "type"):
                        continue
                    f = reader.element_field(part, 1, 1) if hasattr(part, "min_occurs") else None
                    if f is None:
                        continue
                    msg = Message(key=f"body {part_name}", root=f)
                    if slot == "request":
                        op.request[msg.key] = msg
                    else:
                        op.responses.setdefault("200", {})[msg.key] = msg
            for fault_name, fault in (wop.faults or {}).items():
                for part in (fault.message.parts if fault.message else {}).values():
                    if hasattr(part, "min_occurs"):
                        op.responses.setdefault("fault", {})[f"fault {fault_name}"] = Message(
                            key=f"fault {fault_name}", root=reader.element_field(part, 1, 1)
                        )
            model.operations[name] = op
    model.notes.extend(reader.all_notes())
    return model


def validate_fragment(component: Any, element: Any) -> bool:
    """Real validation of an XML fragment against an element declaration (global or local)."""
    try:
        return bool(component.is_valid(element))
    except Exception:  # a crash while validating is a rejection, not a witness
        return False
