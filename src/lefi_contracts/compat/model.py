"""The normalised contract model: one shape language for XSD/WSDL and OpenAPI/JSON Schema.

Diffing compares these structures, never type names, so renaming a type, inlining it, moving an
element into an extension base or reordering global declarations changes nothing here.
Shapes form a graph (named types are shared, recursion is a cycle); the diff walks pairs once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Direction = Literal["request", "response"]  # who reads: the provider (request) or the consumer (response)
FindingDirection = Literal["request", "response", "both"]
Verdict = Literal["breaking", "potentially breaking", "compatible"]
Reader = Literal["strict", "tolerant"]  # does the reader validate what it receives, or ignore the unknown?
EnumPolicy = Literal["default", "open", "closed"]
# Confluent's names for bare schemas: BACKWARD = the new schema reads what the old one allowed (read as a
# request: old writer, new reader), FORWARD = the old schema reads what the new one allows (a response), FULL = both.
Mode = Literal["backward", "forward", "full"]
Reading = Literal["request", "response", "both"]  # how a bare schema's document is read
MODE_READING: dict[str, Reading] = {"backward": "request", "forward": "response", "full": "both"}

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
    json_types: frozenset[str] = frozenset()  # JSON Schema `type` as written (object, array, string, ...)
    unsatisfiable: bool = False  # no instance is valid (`false`, allOf of disjoint types)
    min_properties: int | None = None
    max_properties: int | None = None
    unique_items: bool = False  # on an array's item shape: the array's uniqueItems
    # keywords read but not compared, with a canonical form of their value: a change is "not compared"
    uncompared: dict[str, str] = field(default_factory=dict)
    subschemas: dict[str, Shape] = field(
        default_factory=dict
    )  # schema-valued ones: "not", "if", "prefixItems/0"
    identities: frozenset[str] = frozenset()  # XSD key/keyref/unique, as "kind name selector fields"
    wildcards: tuple[Any, ...] = ()  # XSD xs:any / xs:anyAttribute components (namespace, processContents)

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
    read_only: bool = False  # OpenAPI readOnly: never sent in a request
    write_only: bool = False  # OpenAPI writeOnly: never sent in a response

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
    # document-level keywords read but not compared (OpenAPI webhooks, security, servers...): location -> value
    uncompared: dict[str, str] = field(default_factory=dict)

    @property
    def bare(self) -> bool:
        """A schema without operations (XSD, JSON Schema): its direction comes from the mode."""
        return self.format in ("xsd", "jsonschema")

    def size(self) -> int:
        """Distinct shapes reachable (for benchmarks and sanity checks)."""
        seen: set[int] = set()
        stack = [m.root.shape for op in self.operations.values() for m in messages(op)]
        while stack:
            s = stack.pop()
            if id(s) in seen:
                continue
            seen.add(id(s))
            stack.extend(f.shape for f in s.fields.values())
        return len(seen)


def messages(op: Operation) -> list[Message]:
    out = list(op.request.values())
    for msgs in op.responses.values():
        out.extend(msgs.values())
    return out


def place_document(op: Operation, msg: Message, reading: Reading) -> None:
    """A bare schema's document: read by the new side (request), the old side (response), or both (full)."""
    if reading in ("request", "both"):
        op.request["document"] = msg
    if reading in ("response", "both"):
        op.responses["document"] = {"document": msg}


# The facets of a scalar: what an XSD simple type (or simple content) carries over to the shape that holds it.
SCALAR_FACETS = (
    "types",
    "enum",
    "patterns",
    "min_length",
    "max_length",
    "minimum",
    "maximum",
    "min_exclusive",
    "max_exclusive",
    "total_digits",
    "fraction_digits",
)
_SAME_ATTRS = (
    "kind",
    *SCALAR_FACETS,
    "nullable",
    "default",
    "fixed",
    "open",
    "ordered",
    "json_types",
    "unsatisfiable",
    "min_properties",
    "max_properties",
    "unique_items",
    "uncompared",
    "identities",
)
_SAME_FIELD = ("min_occurs", "max_occurs", "required", "is_array", "read_only", "write_only", "in_choice")


def same_shapes(a: Shape, b: Shape) -> bool:
    """Structural equality of two shape graphs (names of types and refs play no part; cycles are equal)."""
    assumed: set[tuple[int, int]] = set()
    stack = [(a, b)]
    while stack:
        x, y = stack.pop()
        if x is y or (id(x), id(y)) in assumed:
            continue
        assumed.add((id(x), id(y)))
        if any(getattr(x, k) != getattr(y, k) for k in _SAME_ATTRS):
            return False
        if set(x.choices) != set(y.choices) or x.fields.keys() != y.fields.keys():
            return False
        if x.subschemas.keys() != y.subschemas.keys():
            return False
        for name, f in x.fields.items():
            g = y.fields[name]
            if any(getattr(f, k) != getattr(g, k) for k in _SAME_FIELD):
                return False
            stack.append((f.shape, g.shape))
        stack.extend((x.subschemas[k], y.subschemas[k]) for k in x.subschemas)
    return True
