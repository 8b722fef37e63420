"""Read OpenAPI 3.0/3.1 and plain JSON Schema documents into the normalised model.

Schemas are read by json_reader.JsonReader. The document is also normalised for jsonschema (OpenAPI 3.0
`nullable`, status codes written as YAML numbers, media types without a schema) so witnesses are
validated by jsonschema against the very same nodes. Fields of the OpenAPI objects that no rule compares
(security, servers, callbacks, links, encodings, webhooks...) are kept with their value: a change in one
is reported as "not compared" (keywords.py).
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import yaml

from lefi_contracts.compat.json_reader import JsonReader, dialect_of, escape
from lefi_contracts.compat.keywords import NOT_COMPARED_FIELDS, canonical
from lefi_contracts.compat.model import ContractModel, Message, Operation, Reading, place_document
from lefi_contracts.errors import ContractError
from lefi_contracts.yamlio import load_yaml

_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def load_document(path: Path) -> Any:
    """YAML or JSON, with a one-line error for anything unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContractError(f"{path}: cannot read ({exc.__class__.__name__})") from None
    try:
        return json.loads(text) if path.suffix == ".json" else load_yaml(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        kind = "JSON" if path.suffix == ".json" else "YAML"
        raise ContractError(f"{path}: not valid {kind} ({exc.__class__.__name__})") from None
    except RecursionError:
        raise ContractError(f"{path}: nested too deeply to read") from None


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


def string_keys(node: Any) -> Any:
    """Every mapping key as a string (YAML reads `201:` as a number): JSON pointers then find them."""
    if isinstance(node, dict):
        return {str(k): string_keys(v) for k, v in node.items()}
    if isinstance(node, list):
        return [string_keys(v) for v in node]
    return node


def _norm_path(path: str) -> str:
    """Path parameter names are not part of the route: /a/{x} == /a/{id}."""
    return re.sub(r"\{[^}]*\}", "{}", path)


def _with_schema(holder: Any) -> Any:
    """A media type, parameter or header without `schema` accepts anything: say so in the document."""
    if isinstance(holder, dict) and "schema" not in holder:
        holder["schema"] = {}
    return holder


class _OpenApi:
    def __init__(self, path: Path, doc: dict[str, Any], reader: JsonReader, model: ContractModel) -> None:
        self.path, self.doc, self.reader, self.model = path, doc, reader, model

    def not_compared(self, obj: str, node: Any, where: str, into: dict[str, str]) -> None:
        if not isinstance(node, dict):
            return
        for k in NOT_COMPARED_FIELDS.get(obj, ()):
            if k in node:
                into[f"{where}/{k}".lstrip("/")] = canonical(node[k], self.reader.resolve)

    def read(self) -> None:
        self.not_compared("OpenAPI", self.doc, "", self.model.uncompared)
        paths = self.doc.get("paths") or {}
        if not isinstance(paths, dict):
            raise ContractError(f"{self.path}: malformed contract (`paths` is not a mapping)")
        for raw_path, item in paths.items():
            item, item_ptr = self.reader.resolve(item, f"/paths/{escape(raw_path)}")
            if isinstance(item, dict):
                for method in _METHODS:
                    if isinstance(item.get(method), dict):
                        self.operation(raw_path, item, item_ptr, method)

    def operation(self, raw_path: str, item: dict[str, Any], item_ptr: str, method: str) -> None:
        reader = self.reader
        o = item[method]
        optr = f"{item_ptr}/{method}"
        op = Operation(id=f"{method.upper()} {_norm_path(raw_path)}", meta={"path": raw_path})
        uncompared: dict[str, str] = {}
        self.not_compared("Path Item", item, "", uncompared)
        self.not_compared("Operation", o, "", uncompared)
        params = [(p, f"{item_ptr}/parameters/{i}") for i, p in enumerate(item.get("parameters") or [])]
        params += [(p, f"{optr}/parameters/{i}") for i, p in enumerate(o.get("parameters") or [])]
        for p, pptr in params:
            p, pptr = reader.resolve(p, pptr)
            if not isinstance(p, dict) or not isinstance(p.get("name"), str):
                continue
            req = bool(p.get("required")) or p.get("in") == "path"
            key = f"{p.get('in')} {p['name'].lower() if p.get('in') == 'header' else p['name']}"
            self.not_compared("Parameter", p, key, uncompared)
            f = reader.field(p["name"], _with_schema(p)["schema"], f"{pptr}/schema", req)
            op.request[key] = Message(key=key, root=f, required=req)
        body, bptr = reader.resolve(o.get("requestBody"), f"{optr}/requestBody")
        if isinstance(body, dict):
            for media, mt in (body.get("content") or {}).items():
                if not isinstance(mt, dict):
                    body["content"][media] = mt = {}
                key = f"body {media}"
                self.not_compared("Media Type", mt, key, uncompared)
                mptr = f"{bptr}/content/{escape(media)}/schema"
                f = reader.field("body", _with_schema(mt)["schema"], mptr, True)
                op.request[key] = Message(key=key, root=f, required=bool(body.get("required")))
        for status, resp in (o.get("responses") or {}).items():
            resp, rptr = reader.resolve(resp, f"{optr}/responses/{escape(status)}")
            if not isinstance(resp, dict):
                resp = {}
            msgs = op.responses.setdefault(status, {})
            self.not_compared("Response", resp, status, uncompared)
            for media, mt in (resp.get("content") or {}).items():
                if not isinstance(mt, dict):
                    resp["content"][media] = mt = {}
                self.not_compared("Media Type", mt, f"{status} body {media}", uncompared)
                mptr = f"{rptr}/content/{escape(media)}/schema"
                f = reader.field("body", _with_schema(mt)["schema"], mptr, True)
                msgs[f"body {media}"] = Message(key=f"body {media}", root=f)
            for hname, h in (resp.get("headers") or {}).items():
                h, hptr = reader.resolve(h, f"{rptr}/headers/{escape(hname)}")
                h = _with_schema(h if isinstance(h, dict) else {})
                key = f"header {hname.lower()}"
                self.not_compared("Header", h, f"{status} {key}", uncompared)
                f = reader.field(hname, h["schema"], f"{hptr}/schema", bool(h.get("required")))
                msgs[key] = Message(key=key, root=f, required=bool(h.get("required")))
        op.meta["uncompared"] = uncompared
        self.model.operations[op.id] = op


def read_openapi(path: Path, doc: Any | None = None) -> ContractModel:
    """OpenAPI 3.0/3.1: operations are METHOD + path; bodies per media type; parameters; headers."""
    doc = load_document(path) if doc is None else doc
    if not isinstance(doc, dict):
        raise ContractError(f"{path}: an OpenAPI document must be a mapping")
    version = str(doc.get("openapi", ""))
    if not version.startswith("3."):
        raise ContractError(f"{path}: only OpenAPI 3.0/3.1 is supported (found {version or 'swagger 2'})")
    doc = string_keys(copy.deepcopy(doc))
    if version.startswith("3.0"):
        normalise_openapi30(doc)
    dialect = "draft4" if version.startswith("3.0") else dialect_of(str(doc.get("jsonSchemaDialect", "")))
    reader = JsonReader(doc, str(path), dialect)
    model = ContractModel(
        format="openapi", source=str(path), validator_kind="json", json_document=doc, json_dialect=dialect
    )
    _OpenApi(path, doc, reader, model).read()
    reader.finish()
    model.notes.extend(reader.all_notes())
    if model.uncompared:
        model.notes.append("OpenAPI fields " + ", ".join(sorted(model.uncompared)) + " not compared")
    return model


def read_jsonschema(path: Path, doc: Any | None = None, *, direction: Reading = "response") -> ContractModel:
    """A plain JSON Schema: one 'document' operation, read in `direction` (response unless told)."""
    doc = load_document(path) if doc is None else doc
    if not isinstance(doc, dict | bool):
        raise ContractError(f"{path}: a JSON Schema must be an object")
    doc = string_keys(doc)
    schema_uri = str(doc.get("$schema", "")) if isinstance(doc, dict) else ""
    dialect = dialect_of(schema_uri)
    model = ContractModel(
        format="jsonschema", source=str(path), validator_kind="json", json_document=doc, json_dialect=dialect
    )
    reader = JsonReader(doc, str(path), dialect)
    reader.check_document(doc)
    op = Operation(id="document")
    place_document(op, Message(key="document", root=reader.field("document", doc, "", True)), direction)
    reader.finish()
    model.operations[op.id] = op
    model.notes.extend(reader.all_notes())
    return model
