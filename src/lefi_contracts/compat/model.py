"""The normalised contract model: one shape language for XSD/WSDL and OpenAPI/JSON Schema.

Diffing compares these structures, never type names, so renaming a type, inlining it, moving an
element into an extension base or reordering global declarations changes nothing here.
Shapes form a graph (named types are shared, recursion is a cycle); the diff walks pairs once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Direction = Literal["request", "response"]
Verdict = Literal["breaking", "potentially breaking", "compatible"]

# Primitive categories: XSD built-ins and JSON types/formats are mapped onto these, so that
# xs:int vs xs:long is a range change (both "integer") rather than a type change.
STRING, INTEGER, NUMBER, BOOLEAN = "string", "integer", "number", "boolean"
DATE, DATETIME, TIME, DURATION, BINARY = "date", "dateTime", "time", "duration", "binary"


@dataclass(eq=False, repr=False)
class Shape:
    """What a value may look like: scalar facets, child fields, or both (XSD simple content)."""

    kind: Literal["scalar", "object", "array", "any"] = "scalar"
    types: frozenset[str] = frozenset()
    enum: frozenset[str] | None = None
    patterns: tuple[str, ...] = ()
    min_length: int | None = None
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    min_exclusive: bool = False
    max_exclusive: bool = False
    total_digits: int | None = None
    fraction_digits: int | None = None
    nullable: bool = False
    default: str | None = None
    fixed: str | None = None
    fields: dict[str, Field] = field(default_factory=dict)
    ordered: bool = False  # xs:sequence: children must come in this order
    open: bool = False  # xs:any / additionalProperties: unknown children are accepted
    choices: tuple[frozenset[str], ...] = ()  # alternatives (xs:choice, oneOf/anyOf): their field names
    notes: list[str] = field(default_factory=list)  # constructs this shape has that we do not compare
    source: Any = None  # validator handle: an xmlschema component or a JSON pointer

    def __repr__(self) -> str:
        return f"Shape({self.kind}, {self.describe()}, {len(self.fields)} fields)"

    def describe(self) -> str:
        """A short human label, used in explanations."""
        if self.kind != "scalar":
            return self.kind
        return "|".join(sorted(self.types)) or "any"


@dataclass(eq=False, repr=False)
class Field:
    """A named child: an XML element/attribute or a JSON property (arrays are occurrences)."""

    name: str  # local name; attributes start with "@"; array items of a nested array are "[]"
    shape: Shape
    min_occurs: int = 1
    max_occurs: int | None = 1  # None = unbounded
    required: bool = True  # JSON: listed in required; XML: min_occurs >= 1
    is_array: bool = False  # JSON arrays; XML repetition is expressed through occurs only
    namespace: str | None = None
    source: Any = None  # xmlschema XsdElement, or a JSON pointer of the field's schema
    in_choice: bool = False

    def __repr__(self) -> str:
        return f"Field({self.name}, {self.min_occurs}..{self.max_occurs}, {self.shape!r})"


@dataclass(eq=False)
class Message:
    """One payload slot of an operation: a body per media type, a parameter, a header, a fault."""

    key: str
    root: Field
    required: bool = True


@dataclass(eq=False)
class Operation:
    """An operation: WSDL operation, OpenAPI method+path, or a bare-XSD/JSON-Schema document."""

    id: str
    request: dict[str, Message] = field(default_factory=dict)  # "body application/json", "query x", ...
    responses: dict[str, dict[str, Message]] = field(default_factory=dict)  # status -> key -> message
    meta: dict[str, Any] = field(default_factory=dict)  # soap_action, ...


@dataclass(eq=False)
class ContractModel:
    """A whole contract, read from one file (with everything it imports)."""

    format: Literal["xsd", "wsdl", "openapi", "jsonschema"]
    source: str
    namespace: str | None = None
    operations: dict[str, Operation] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    validator_kind: Literal["xml", "json"] = "xml"
    json_document: Any = None  # the (normalised) JSON document, for jsonschema validation
    json_dialect: str = "2020-12"

    def size(self) -> int:
        """Distinct shapes reachable (for benchmarks and sanity checks)."""
        seen: set[int] = set()
        stack = [m.root.shape for op in self.operations.values() for m in _messages(op)]
        while stack:
            s = stack.pop()
            if id(s) in seen:
                continue
            seen.add(id(s))
            stack.extend(f.shape for f in s.fields.values())
        return len(seen)


def _messages(op: Operation) -> list[Message]:
    out = list(op.request.values())
    for msgs in op.responses.values():
        out.extend(msgs.values())
    return out
