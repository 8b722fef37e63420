"""Read OpenAPI 3.0/3.1 and plain JSON Schema into the normalised model.

$ref targets are memoised by pointer, so recursive schemas terminate and shared components are
walked once; allOf is merged into one effective schema; oneOf/anyOf become alternatives. The
document is also normalised for jsonschema (OpenAPI 3.0 `nullable`) so witnesses are validated
by jsonschema against the very same nodes.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import yaml

from lefi_contracts.compat.model import (
    BINARY,
    DATE,
    DATETIME,
    DURATION,
    NUMBER,
    TIME,
    ContractModel,
    Field,
    Message,
    Operation,
    Reading,
    Shape,
    place_document,
)
from lefi_contracts.errors import ContractError

MAP_VALUES = "{*}"  # the values of a map (additionalProperties schema), any key

_FORMATS = {
    "date": DATE,
    "date-time": DATETIME,
    "time": TIME,
    "duration": DURATION,
    "binary": BINARY,
    "byte": BINARY,
}
_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def load_document(path: Path) -> Any:
    """YAML or JSON, with a one-line error for anything unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContractError(f"{path}: cannot read ({exc.__class__.__name__})") from None
    try:
        return json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise ContractError(f"{path}: not valid {'JSON' if path.suffix == '.json' else 'YAML'} "
                            f"({exc.__class__.__name__})") from None  # fmt: skip


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def normalise_openapi30(node: Any) -> Any:
    """OpenAPI 3.0 `nullable: true` as JSON Schema type lists, in place (pointers stay valid)."""
    if isinstance(node, dict):
        if node.get("nullable") is True:
            t = node.get("type")
            if isinstance(t, str):
                node["type"] = [t, "null"]
            if isinstance(node.get("enum"), list) and None not in node["enum"]:
                node["enum"] = [*node["enum"], None]
        for v in node.values():
            normalise_openapi30(v)
    elif isinstance(node, list):
        for v in node:
            normalise_openapi30(v)
    return node


class JsonReader:
    """Builds shapes from JSON Schema nodes of one document."""

    def __init__(self, doc: Any, source: str) -> None:
        self.doc = doc
        self.source = source
        self._memo: dict[str, Shape] = {}
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

    def effective(self, node: Any, ptr: str, depth: int = 0) -> dict[str, Any]:
        """allOf merged into one schema (properties united, required united, last facet wins)."""
        node, ptr = self.resolve(node, ptr)
        if node is True or node is None:
            return {}
        if node is False:
            return {"not": {}}
        if isinstance(node, list):  # draft-04 tuple `items: [...]`: positions are not compared
            self.notes.add("tuple items (items as a list) not compared")
            return {}
        if not isinstance(node, dict):
            raise ContractError(f"{self.source}: schema at #{ptr} is not an object")
        if "allOf" not in node or depth > 32:
            return node
        merged: dict[str, Any] = {}
        props: dict[str, Any] = {}
        req: list[str] = []
        parts = [self.effective(m, f"{ptr}/allOf/{i}", depth + 1) for i, m in enumerate(node["allOf"])]
        for part in [*parts, {k: v for k, v in node.items() if k != "allOf"}]:
            for k, v in part.items():
                if k == "properties":
                    props.update(v)
                elif k == "required":
                    req.extend(x for x in v if x not in req)
                else:
                    merged[k] = v
        if props:
            merged["properties"] = props
        if req:
            merged["required"] = req
        return merged

    def shape(self, node: Any, ptr: str) -> Shape:
        target, tptr = self.resolve(node, ptr)
        key = tptr if (isinstance(node, dict) and "$ref" in node) else f"{tptr}@{id(target)}"
        if key in self._memo:
            return self._memo[key]
        shape = Shape(kind="scalar", source=tptr)
        self._memo[key] = shape  # before descending: recursion terminates
        self._fill(shape, self.effective(target, tptr), tptr)
        return shape

    def _fill(self, shape: Shape, s: dict[str, Any], ptr: str) -> None:
        types = s.get("type")
        tset = set(types) if isinstance(types, list) else ({types} if isinstance(types, str) else set())
        if s.get("nullable") is True or "null" in tset:
            shape.nullable = True
        tset.discard("null")
        for alt_key in ("oneOf", "anyOf"):
            if alt_key in s:
                self._alternatives(shape, s, alt_key, ptr)
                return
        for k in ("not", "if", "patternProperties", "dependentSchemas", "discriminator"):
            if k in s:
                shape.notes.append(f"{k} not compared")
        if "properties" in s or tset == {"object"} or (not tset and "additionalProperties" in s):
            shape.kind = "object"
            required = set(s.get("required") or [])
            for name, sub in (s.get("properties") or {}).items():
                shape.fields[name] = self.field(
                    name, sub, f"{ptr}/properties/{_escape(name)}", name in required
                )
            ap = s.get("additionalProperties", True)
            shape.open = ap is not False
            if isinstance(ap, dict) and ap:  # a map: its values are compared as the field "{*}"
                mf = self.field(MAP_VALUES, ap, f"{ptr}/additionalProperties", False)
                if not mf.is_array:  # any number of keys; for array values occurs stay the item counts
                    mf.min_occurs, mf.max_occurs = 0, None
                shape.fields[MAP_VALUES] = mf
            return
        if tset == {"array"} or "items" in s:
            shape.kind = "array"
            shape.fields["[]"] = self.field("[]", s.get("items", {}), f"{ptr}/items", True, array_of=s)
            return
        if not tset and not any(
            k in s for k in ("enum", "const", "pattern", "format", "minimum", "maxLength")
        ):
            shape.kind = "any"
            return
        fmt = s.get("format")
        if "string" in tset and fmt in _FORMATS:
            tset = (tset - {"string"}) | {_FORMATS[fmt]}
        if tset == {"integer", "number"}:
            tset = {NUMBER}
        shape.types = frozenset(tset or {"string"})
        if "const" in s:
            shape.enum = frozenset({_enum_str(s["const"])})
        elif isinstance(s.get("enum"), list):
            shape.enum = frozenset(_enum_str(v) for v in s["enum"] if v is not None)
        if isinstance(s.get("pattern"), str):
            shape.patterns = (s["pattern"],)
        shape.min_length = s.get("minLength")
        shape.max_length = s.get("maxLength")
        shape.minimum, shape.maximum = s.get("minimum"), s.get("maximum")
        for bound, excl in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
            v = s.get(excl)
            if v is True:
                setattr(shape, "min_exclusive" if bound == "minimum" else "max_exclusive", True)
            elif isinstance(v, int | float) and not isinstance(v, bool):
                setattr(shape, bound, v)
                setattr(shape, "min_exclusive" if bound == "minimum" else "max_exclusive", True)
        if "multipleOf" in s:
            shape.notes.append("multipleOf not compared")
        if "default" in s:
            shape.default = _enum_str(s["default"])

    def _alternatives(self, shape: Shape, s: dict[str, Any], key: str, ptr: str) -> None:
        """oneOf/anyOf: null alternatives make it nullable; object alternatives become choices."""
        alts = []
        for i, alt in enumerate(s[key]):
            a = self.effective(alt, f"{ptr}/{key}/{i}")
            if a.get("type") == "null":
                shape.nullable = True
                continue
            alts.append((a, self.shape(alt, f"{ptr}/{key}/{i}")))
        if len(alts) == 1:
            only = alts[0][1]
            nullable = shape.nullable
            shape.__dict__.update({k: v for k, v in only.__dict__.items() if k != "source"})
            shape.nullable = nullable or only.nullable
            return
        if alts and all(a.kind == "object" for _, a in alts):
            shape.kind = "object"
            for _, a in alts:
                for name, f in a.fields.items():
                    if name not in shape.fields:
                        g = Field(**{**f.__dict__, "in_choice": True})
                        g.required = all(name in b.fields and b.fields[name].required for _, b in alts)
                        g.min_occurs = g.min_occurs if g.required else 0
                        shape.fields[name] = g
                shape.open = shape.open or a.open
            shape.choices = tuple(frozenset(a.fields) for _, a in alts)
            return
        shape.types = frozenset(t for _, a in alts for t in a.types) or frozenset({"any"})
        enums = [a.enum for _, a in alts]
        if enums and all(e is not None for e in enums):
            shape.enum = frozenset(v for e in enums for v in e)  # type: ignore[union-attr]
        if any(a.kind != "scalar" for _, a in alts):
            shape.notes.append(f"{key} mixing objects and scalars not compared")

    def field(self, name: str, node: Any, ptr: str, required: bool, array_of: Any = None) -> Field:
        target, tptr = self.resolve(node, ptr)
        eff = self.effective(target, tptr) if isinstance(target, dict) else {}
        if eff.get("type") == "array" or (isinstance(eff.get("type"), list) and "array" in eff["type"]):
            items_ptr = f"{tptr}/items" if "items" in eff else tptr
            item_shape = self.shape(eff.get("items", {}), items_ptr)
            if "null" in (eff.get("type") if isinstance(eff.get("type"), list) else []) or eff.get(
                "nullable"
            ):
                item_shape.notes.append("nullable array not compared")
            return Field(
                name=name, shape=item_shape, min_occurs=int(eff.get("minItems", 0)),
                max_occurs=eff.get("maxItems"), required=required, is_array=True, source=tptr,
            )  # fmt: skip
        return Field(
            name=name, shape=self.shape(node, ptr), min_occurs=int(required), required=required, source=tptr
        )


def _enum_str(v: Any) -> str:
    return v if isinstance(v, str) else json.dumps(v, sort_keys=True)


def _norm_path(path: str) -> str:
    """Path parameter names are not part of the route: /a/{x} == /a/{id}."""
    import re

    return re.sub(r"\{[^}]*\}", "{}", path)


def read_openapi(path: Path, doc: Any | None = None) -> ContractModel:
    """OpenAPI 3.0/3.1: operations are METHOD + path; bodies per media type; parameters; headers."""
    doc = load_document(path) if doc is None else doc
    version = str(doc.get("openapi", ""))
    if not version.startswith("3."):
        raise ContractError(f"{path}: only OpenAPI 3.0/3.1 is supported (found {version or 'swagger 2'})")
    doc = copy.deepcopy(doc)
    if version.startswith("3.0"):
        normalise_openapi30(doc)
    reader = JsonReader(doc, str(path))
    model = ContractModel(
        format="openapi", source=str(path), validator_kind="json", json_document=doc,
        json_dialect="draft4" if version.startswith("3.0") else "2020-12",
    )  # fmt: skip
    for raw_path, item in (doc.get("paths") or {}).items():
        item, item_ptr = reader.resolve(item, f"/paths/{_escape(raw_path)}")
        if not isinstance(item, dict):
            continue
        shared = item.get("parameters") or []
        for method in _METHODS:
            if method not in item:
                continue
            o = item[method]
            optr = f"{item_ptr}/{method}"
            op = Operation(id=f"{method.upper()} {_norm_path(raw_path)}", meta={"path": raw_path})
            params = [(p, f"{item_ptr}/parameters/{i}") for i, p in enumerate(shared)]
            params += [(p, f"{optr}/parameters/{i}") for i, p in enumerate(o.get("parameters") or [])]
            for p, pptr in params:
                p, pptr = reader.resolve(p, pptr)
                if not isinstance(p, dict) or "name" not in p:
                    continue
                req = bool(p.get("required")) or p.get("in") == "path"
                key = f"{p.get('in')} {p['name'].lower() if p.get('in') == 'header' else p['name']}"
                f = reader.field(p["name"], p.get("schema", {}), f"{pptr}/schema", req)
                op.request[key] = Message(key=key, root=f, required=req)
            body, bptr = reader.resolve(o.get("requestBody"), f"{optr}/requestBody")
            if isinstance(body, dict):
                for media, mt in (body.get("content") or {}).items():
                    f = reader.field("body", (mt or {}).get("schema", {}), f"{bptr}/content/{_escape(media)}/schema",
                                     True)  # fmt: skip
                    op.request[f"body {media}"] = Message(
                        key=f"body {media}", root=f, required=bool(body.get("required"))
                    )
            for status, resp in (o.get("responses") or {}).items():
                resp, rptr = reader.resolve(resp, f"{optr}/responses/{_escape(str(status))}")
                msgs = op.responses.setdefault(str(status), {})
                for media, mt in ((resp or {}).get("content") or {}).items():
                    f = reader.field("body", (mt or {}).get("schema", {}), f"{rptr}/content/{_escape(media)}/schema",
                                     True)  # fmt: skip
                    msgs[f"body {media}"] = Message(key=f"body {media}", root=f)
                for hname, h in ((resp or {}).get("headers") or {}).items():
                    h, hptr = reader.resolve(h, f"{rptr}/headers/{_escape(hname)}")
                    key = f"header {hname.lower()}"
                    f = reader.field(
                        hname, (h or {}).get("schema", {}), f"{hptr}/schema", bool((h or {}).get("required"))
                    )
                    msgs[key] = Message(key=key, root=f, required=bool((h or {}).get("required")))
            model.operations[op.id] = op
    model.notes.extend(sorted(reader.notes | {n for sh in reader._memo.values() for n in sh.notes}))
    return model


def read_jsonschema(path: Path, doc: Any | None = None, *, direction: Reading = "response") -> ContractModel:
    """A plain JSON Schema: one 'document' operation, read in `direction` (response unless told)."""
    doc = load_document(path) if doc is None else doc
    if not isinstance(doc, dict | bool):
        raise ContractError(f"{path}: a JSON Schema must be an object")
    schema_uri = str(doc.get("$schema", "")) if isinstance(doc, dict) else ""
    dialect = "draft4" if "draft-04" in schema_uri else ("draft7" if "draft-07" in schema_uri else "2020-12")
    model = ContractModel(format="jsonschema", source=str(path), validator_kind="json", json_document=doc,
                          json_dialect=dialect)  # fmt: skip
    reader = JsonReader(doc, str(path))
    op = Operation(id="document")
    msg = Message(key="document", root=reader.field("document", doc, "", True))
    place_document(op, msg, direction)
    model.operations[op.id] = op
    model.notes.extend(sorted(reader.notes | {n for sh in reader._memo.values() for n in sh.notes}))
    return model
