"""JSON Schema (draft 4 to 2020-12, and the OpenAPI Schema Object) into the normalised model.

$ref targets are memoised by pointer, so recursive schemas terminate and shared components are
walked once; allOf is merged into one effective schema (disjoint types make it unsatisfiable);
oneOf/anyOf become alternatives. Every node is checked against its dialect's meta-schema (shallowly:
its own keywords), so an invalid schema is one line naming the file and the pointer, never a crash
later in validation. Keywords without a rule are kept with their value (keywords.py): the diff reports
a change of one as "not compared".
"""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import jsonschema.exceptions
from referencing.jsonschema import DRAFT4, DRAFT6, DRAFT7, DRAFT201909, DRAFT202012, Specification

from lefi_contracts.compat.keywords import SCHEMA_LISTS, SCHEMA_MAPS, SCHEMA_VALUED, N, category, shallow
from lefi_contracts.compat.model import BINARY, DATE, DATETIME, DURATION, TIME, Field, Shape
from lefi_contracts.errors import ContractError

MAP_VALUES = "{*}"  # the values of a map (additionalProperties schema), any key
JSON_TYPES = frozenset({"object", "array", "string", "integer", "number", "boolean", "null"})

_FORMATS = {
    "date": DATE,
    "date-time": DATETIME,
    "time": TIME,
    "duration": DURATION,
    "binary": BINARY,
    "byte": BINARY,
}

# dialect -> (validator class, referencing specification)
DIALECTS: dict[str, tuple[Any, Specification[Any]]] = {
    "draft4": (jsonschema.Draft4Validator, DRAFT4),
    "draft6": (jsonschema.Draft6Validator, DRAFT6),
    "draft7": (jsonschema.Draft7Validator, DRAFT7),
    "2019-09": (jsonschema.Draft201909Validator, DRAFT201909),
    "2020-12": (jsonschema.Draft202012Validator, DRAFT202012),
}


def _fast_meta(meta_schema: Any) -> Any:
    """jsonschema_rs (installed with schemathesis) compiled for a meta-schema, or None without it."""
    try:
        import jsonschema_rs

        return jsonschema_rs.validator_for(meta_schema, validate_formats=True)
    except Exception:  # not installed, or a meta-schema it cannot compile: the Python validator alone
        return None


def dialect_of(schema_uri: str) -> str:
    for marker, name in (
        ("draft-04", "draft4"),
        ("draft-06", "draft6"),
        ("draft-07", "draft7"),
        ("2019-09", "2019-09"),
    ):
        if marker in schema_uri:
            return name
    return "2020-12"


def escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def _is_num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _enum_str(v: Any) -> str:
    return v if isinstance(v, str) else json.dumps(v, sort_keys=True)


class JsonReader:
    """Builds shapes from JSON Schema nodes of one document."""

    def __init__(self, doc: Any, source: str, dialect: str = "2020-12") -> None:
        self.doc = doc
        self.source = source
        self.dialect = dialect
        cls = DIALECTS.get(dialect, DIALECTS["2020-12"])[0]
        self._meta = cls(cls.META_SCHEMA, format_checker=cls.FORMAT_CHECKER)
        self._fast = _fast_meta(cls.META_SCHEMA)
        self._memo: dict[str, Shape] = {}
        self._checked: set[str] = set()
        self._filling: set[int] = (
            set()
        )  # shapes being filled: an alternative that is one of them is recursive
        self._deferred: list[tuple[Shape, dict[str, Any], str, str]] = []
        self.notes: set[str] = set()

    def resolve(self, node: Any, ptr: str, seen: frozenset[str] = frozenset()) -> tuple[Any, str]:
        """Follow $ref chains to the target node and its pointer."""
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if not ref.startswith("#"):
                self.notes.add(f"external $ref {ref} not followed")
                return {}, ptr
            if ref in seen:
                return {}, ptr
            seen = seen | {ref}
            ptr = ref[1:]
            node = self.doc
            for tok in [t for t in ptr.split("/") if t]:
                try:
                    node = node[int(tok)] if isinstance(node, list) else node[_unescape(tok)]
                except (KeyError, IndexError, ValueError, TypeError):
                    raise ContractError(f"{self.source}: unresolvable $ref {ref}") from None
        return node, ptr

    def check(self, node: Any, ptr: str) -> None:
        """The node's own keywords against the dialect's meta-schema: exit 2 naming file and pointer."""
        if ptr in self._checked or not isinstance(node, dict | bool):
            if not isinstance(node, dict | bool):
                raise ContractError(f"{self.source}: invalid schema at #{ptr}: not an object or boolean")
            return
        self._checked.add(ptr)
        if isinstance(node, bool):
            return
        own = shallow(node)
        if self._fast is not None and self._fast.is_valid(own):
            return  # the Rust validator vouches (6x faster on big documents); jsonschema explains a failure
        self.raise_first(self._meta.iter_errors(own), ptr)

    def check_document(self, doc: Any) -> None:
        """A whole JSON Schema document against its meta-schema (definitions nobody references included)."""
        self.raise_first(self._meta.iter_errors(doc), "")

    def raise_first(self, errors: Any, ptr: str) -> None:
        err = jsonschema.exceptions.best_match(errors)
        if err is not None:
            where = "/".join(escape(str(p)) for p in err.absolute_path)
            msg = " ".join(str(err.message).split())
            msg = msg if len(msg) <= 120 else msg[:117] + "..."
            raise ContractError(
                f"{self.source}: invalid schema at #{ptr}{'/' + where if where else ''}: {msg}"
            )

    def effective(self, node: Any, ptr: str, depth: int = 0) -> dict[str, Any]:
        """allOf merged into one schema (properties united, required united, types intersected)."""
        node, ptr = self.resolve(node, ptr)
        self.check(node, ptr)
        if node is True or node is None:
            return {}
        if node is False:
            return {"x-lefi-unsatisfiable": True}
        if "allOf" not in node or depth > 32 or not isinstance(node["allOf"], list):
            return dict(node)
        merged: dict[str, Any] = {}
        props: dict[str, Any] = {}
        req: list[str] = []
        types: set[str] | None = None
        parts = [self.effective(m, f"{ptr}/allOf/{i}", depth + 1) for i, m in enumerate(node["allOf"])]
        for part in [*parts, {k: v for k, v in node.items() if k != "allOf"}]:
            t = part.get("type")
            if isinstance(t, str | list):
                values = _values({t} if isinstance(t, str) else {x for x in t if isinstance(x, str)})
                types = values if types is None else types & values
            for k, v in part.items():
                if k == "properties" and isinstance(v, dict):
                    props.update(v)
                elif k == "required" and isinstance(v, list):
                    req.extend(x for x in v if x not in req)
                else:
                    merged[k] = v
        if props:
            merged["properties"] = props
        if req:
            merged["required"] = req
        if types is not None:
            if not types:
                merged["x-lefi-unsatisfiable"] = True
            else:
                merged["type"] = _types(types)
        return merged

    def shape(self, node: Any, ptr: str) -> Shape:
        target, tptr = self.resolve(node, ptr)
        key = tptr if (isinstance(node, dict) and "$ref" in node) else f"{tptr}@{id(target)}"
        if key in self._memo:
            return self._memo[key]
        shape = Shape(kind="scalar", source=tptr)
        self._memo[key] = shape  # before descending: recursion terminates
        self._filling.add(id(shape))
        try:
            self._fill(shape, self.effective(target, tptr), tptr)
        finally:
            self._filling.discard(id(shape))
        return shape

    def finish(self) -> None:
        """Alternatives that reached a shape still being filled (recursion) are merged again, now it is whole.

        Without this the merge would depend on the order the document is walked in (a reordering refactor
        would change verdicts).
        """
        for _ in range(3):
            for shape, s, key, ptr in self._deferred:
                for attr in ("fields", "choices", "types", "enum", "json_types", "kind", "open"):
                    setattr(shape, attr, getattr(Shape(), attr))
                self._alternatives(shape, s, key, ptr, deferred=True)

    def _not_compared(self, shape: Shape, s: dict[str, Any], ptr: str) -> None:
        """Keep what no rule compares: subschemas as shapes (so renaming or inlining changes nothing), values as text."""
        for k, v in s.items():
            if not (category(k) == N or (k == "items" and isinstance(v, list))):
                continue
            shape.notes.append(f"{k} not compared")
            kptr = f"{ptr}/{escape(k)}"
            if k in SCHEMA_VALUED and isinstance(v, dict | bool):
                shape.subschemas[k] = self.shape(v, kptr)
            elif k in SCHEMA_MAPS and isinstance(v, dict):
                for name, sub in v.items():
                    if isinstance(sub, dict | bool):
                        shape.subschemas[f"{k}/{name}"] = self.shape(sub, f"{kptr}/{escape(name)}")
                    else:  # draft-4 `dependencies` with a list of names
                        shape.uncompared[f"{k}/{name}"] = json.dumps(sub, sort_keys=True, default=str)
            elif k in SCHEMA_LISTS and isinstance(v, list):
                shape.uncompared[k] = f"{len(v)} schemas"
                for i, sub in enumerate(v):
                    shape.subschemas[f"{k}/{i}"] = self.shape(sub, f"{kptr}/{i}")
            else:
                shape.uncompared[k] = json.dumps(v, sort_keys=True, default=str)

    def _fill(self, shape: Shape, s: dict[str, Any], ptr: str) -> None:
        self._not_compared(shape, s, ptr)
        if s.get("x-lefi-unsatisfiable"):
            shape.unsatisfiable = True
            shape.kind = "any"
            return
        types = s.get("type")
        tset = set(types) if isinstance(types, list) else ({types} if isinstance(types, str) else set())
        if s.get("nullable") is True or "null" in tset:
            shape.nullable = True
        tset.discard("null")
        shape.json_types = frozenset(tset)
        for alt_key in ("oneOf", "anyOf"):
            if isinstance(s.get(alt_key), list) and s[alt_key]:
                self._alternatives(shape, s, alt_key, ptr)
                return
        if isinstance(s.get("minProperties"), int):
            shape.min_properties = s["minProperties"]
        if isinstance(s.get("maxProperties"), int):
            shape.max_properties = s["maxProperties"]
        if "properties" in s or "object" in tset or (not tset and "additionalProperties" in s):
            self._object(shape, s, ptr)
            return
        if "array" in tset or (not tset and "items" in s):
            shape.kind = "array"
            items = s.get("items", {})
            if isinstance(items, list):  # tuple items: positions are not compared (keyword-not-compared)
                shape.fields["[]"] = Field(name="[]", shape=Shape(kind="any", source=None), source=None)
                self._not_compared(shape.fields["[]"].shape, {"items": items}, ptr)
            else:
                shape.fields["[]"] = self.field("[]", items, f"{ptr}/items", True)
            return
        if not tset and not any(
            k in s for k in ("enum", "const", "pattern", "format", "minimum", "maxLength")
        ):
            shape.kind = "any"
            return
        self._scalar(shape, s, tset)

    def _object(self, shape: Shape, s: dict[str, Any], ptr: str) -> None:
        shape.kind = "object"
        required = set(s.get("required") or [])
        for name, sub in (s.get("properties") or {}).items():
            shape.fields[name] = self.field(name, sub, f"{ptr}/properties/{escape(name)}", name in required)
        ap = s.get("additionalProperties", True)
        shape.open = ap is not False
        if isinstance(ap, dict) and ap:  # a map: its values are compared as the field "{*}"
            mf = self.field(MAP_VALUES, ap, f"{ptr}/additionalProperties", False)
            if not mf.is_array:  # any number of keys; for array values occurs stay the item counts
                mf.min_occurs, mf.max_occurs = 0, None
            shape.fields[MAP_VALUES] = mf
        if s.get("type") is not None and any(t not in ("object", "null") for t in shape.json_types):
            self._scalar(shape, s, set(shape.json_types) - {"object", "array"}, types_only=True)

    def _scalar(self, shape: Shape, s: dict[str, Any], tset: set[str], types_only: bool = False) -> None:
        fmt = s.get("format")
        if "string" in tset and fmt in _FORMATS:
            tset = (tset - {"string"}) | {_FORMATS[fmt]}
        if {"integer", "number"} <= tset:
            tset = tset - {"integer"}
        shape.types = frozenset(tset or ({"string"} if not types_only else set()))
        if types_only:
            return
        if "const" in s:
            shape.enum = frozenset({_enum_str(s["const"])})
        elif isinstance(s.get("enum"), list):
            shape.enum = frozenset(_enum_str(v) for v in s["enum"] if v is not None)
        if isinstance(s.get("pattern"), str):
            shape.patterns = (s["pattern"],)
        shape.min_length = s.get("minLength") if isinstance(s.get("minLength"), int) else None
        shape.max_length = s.get("maxLength") if isinstance(s.get("maxLength"), int) else None
        shape.minimum = s["minimum"] if _is_num(s.get("minimum")) else None
        shape.maximum = s["maximum"] if _is_num(s.get("maximum")) else None
        for bound, excl in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
            v = s.get(excl)
            if v is True:
                setattr(shape, "min_exclusive" if bound == "minimum" else "max_exclusive", True)
            elif _is_num(v):
                setattr(shape, bound, v)
                setattr(shape, "min_exclusive" if bound == "minimum" else "max_exclusive", True)
        if "default" in s:
            shape.default = _enum_str(s["default"])

    def _alternatives(
        self, shape: Shape, s: dict[str, Any], key: str, ptr: str, deferred: bool = False
    ) -> None:
        """oneOf/anyOf: null alternatives make it nullable; object alternatives become choices."""
        alts = []
        for i, alt in enumerate(s[key]):
            a = self.effective(alt, f"{ptr}/{key}/{i}")
            if a.get("type") == "null":
                shape.nullable = True
                continue
            alts.append((a, self.shape(alt, f"{ptr}/{key}/{i}")))
        if not deferred and any(id(a) in self._filling for _, a in alts):
            self._deferred.append((shape, s, key, ptr))
        if not alts:
            return
        if len(alts) == 1 and not deferred:
            only = alts[0][1]
            nullable, uncompared = shape.nullable, dict(shape.uncompared)
            shape.__dict__.update({k: v for k, v in only.__dict__.items() if k != "source"})
            shape.nullable = nullable or only.nullable
            shape.uncompared = {**only.uncompared, **uncompared}
            return
        kinds = [a.kind for _, a in alts]
        shape.json_types = frozenset(t for _, a in alts for t in (a.json_types or _kind_types(a)))
        if key == "oneOf" and _may_overlap([a for _, a in alts]):
            # an instance valid for two alternatives is rejected by oneOf: judged by evidence, not by a rule
            shape.uncompared["oneOf"] = "alternatives that may overlap (an instance matching two is rejected)"
            shape.notes.append("oneOf with overlapping alternatives: exclusivity not compared")
        objects = [alt for _, alt in alts if alt.kind == "object"]
        if objects:
            shape.kind = "object"
            for obj in objects:
                for name, f in obj.fields.items():
                    if name not in shape.fields:
                        g = Field(**{**f.__dict__, "in_choice": True})
                        g.required = all(name in b.fields and b.fields[name].required for b in objects)
                        g.min_occurs = g.min_occurs if g.required else 0
                        shape.fields[name] = g
                shape.open = shape.open or obj.open
            shape.choices = tuple(frozenset(o.fields) for o in objects)
            if len(objects) < len(alts):
                shape.notes.append(
                    f"{key} mixing objects and other types: the other alternatives by type only"
                )
            shape.types = frozenset(t for _, a in alts if a.kind == "scalar" for t in a.types)
            return
        if "array" in kinds:
            shape.kind = "array"
            first = next(a for _, a in alts if a.kind == "array")
            shape.fields = dict(first.fields)
            shape.notes.append(f"{key} of arrays: only the first array alternative's items compared")
            return
        shape.types = frozenset(t for _, a in alts for t in a.types) or frozenset({"any"})
        enums = [a.enum for _, a in alts]
        if enums and all(e is not None for e in enums):
            shape.enum = frozenset(v for e in enums if e is not None for v in e)

    def field(self, name: str, node: Any, ptr: str, required: bool) -> Field:
        target, tptr = self.resolve(node, ptr)
        eff = self.effective(target, tptr)
        read_only, write_only = eff.get("readOnly") is True, eff.get("writeOnly") is True
        t = eff.get("type")
        only_array = t == "array" or (isinstance(t, list) and set(t) - {"null"} == {"array"})
        if only_array and not (eff.get("oneOf") or eff.get("anyOf")):
            items = eff.get("items", {})
            if isinstance(items, list):  # tuple items: positions are not compared (keyword-not-compared)
                item_shape = Shape(kind="any", source=None)
                self._not_compared(item_shape, {"items": items}, tptr)
            else:
                items_ptr = f"{tptr}/items" if "items" in eff else tptr
                item_shape = (
                    self.shape(items, items_ptr) if "items" in eff else Shape(kind="any", source=None)
                )
            self._not_compared(item_shape, {k: v for k, v in eff.items() if k != "items"}, tptr)
            if eff.get("uniqueItems") is True:
                if item_shape.unique_items is False and item_shape.source is not None and "items" in eff:
                    item_shape = _copy(item_shape)
                item_shape.unique_items = True
            if (isinstance(t, list) and "null" in t) or eff.get("nullable"):
                item_shape.notes.append("nullable array not compared")
            min_items = eff.get("minItems", 0)
            max_items = eff.get("maxItems")
            return Field(
                name=name,
                shape=item_shape,
                min_occurs=min_items if isinstance(min_items, int) else 0,
                max_occurs=max_items if isinstance(max_items, int) else None,
                required=required,
                is_array=True,
                source=tptr,
                read_only=read_only,
                write_only=write_only,
            )
        return Field(
            name=name,
            shape=self.shape(node, ptr),
            min_occurs=int(required),
            required=required,
            source=tptr,
            read_only=read_only,
            write_only=write_only,
        )

    def all_notes(self) -> list[str]:
        return sorted(self.notes | {n for sh in self._memo.values() for n in sh.notes})


def _values(types: set[str]) -> set[str]:
    """JSON types as sets of values: number is integers plus fractions, so that allOf can intersect them."""
    return (types - {"number"}) | ({"integer", "fraction"} if "number" in types else set())


def _types(values: set[str]) -> list[str] | str:
    out = values - {"integer", "fraction"}
    out |= {"number"} if "fraction" in values else ({"integer"} if "integer" in values else set())
    return sorted(out)[0] if len(out) == 1 else sorted(out)


def _copy(shape: Shape) -> Shape:
    new = Shape.__new__(Shape)
    new.__dict__.update(shape.__dict__)
    new.uncompared = dict(shape.uncompared)
    return new


def _kind_types(a: Shape) -> frozenset[str]:
    if a.kind in ("object", "array"):
        return frozenset({a.kind})
    return frozenset("number" if t == "integer" else t for t in a.types if t in JSON_TYPES)


def _may_overlap(alts: list[Shape]) -> bool:
    """Two alternatives of one kind may both accept an instance (objects, or overlapping scalar types)."""
    seen: list[tuple[frozenset[str], frozenset[str] | None]] = []
    for a in alts:
        kinds = _kind_types(a) or frozenset({"any"})
        for k, enum in seen:
            if not (kinds & k or "any" in k or "any" in kinds):
                continue
            if a.kind == "scalar" and enum is not None and a.enum is not None and not (enum & a.enum):
                continue  # distinct code values (oneOf of consts): never both
            return True
        seen.append((kinds, a.enum if a.kind == "scalar" else None))
    return False
