"""Every JSON Schema (draft 4 to 2020-12) and OpenAPI 3.0/3.1 keyword, and what the diff does with it.

compared: a rule of the catalogue judges a change. annotation: cannot change which instances are valid,
so no change of it can break a reader. not compared: read, and a change of its value (at the same place in
both versions) is a `keyword-not-compared` finding, potentially breaking until a witness proves it: so
`--fail-on potential` never passes over what the diff did not judge. docs/compat-rules.md lists these
tables; a test fails when a keyword of the meta-schemas is in none of them.
"""

from __future__ import annotations

import json
from typing import Any, Literal

Category = Literal["compared", "annotation", "not compared"]
C: Category = "compared"
A: Category = "annotation"
N: Category = "not compared"

SCHEMA_KEYWORDS: dict[str, Category] = {
    # compared: each has a rule
    "type": C,
    "enum": C,
    "const": C,
    "properties": C,
    "required": C,
    "additionalProperties": C,
    "items": C,  # a schema; the tuple form (a list) is not compared
    "minItems": C,
    "maxItems": C,
    "uniqueItems": C,
    "minLength": C,
    "maxLength": C,
    "pattern": C,
    "format": C,
    "minimum": C,
    "maximum": C,
    "exclusiveMinimum": C,
    "exclusiveMaximum": C,
    "minProperties": C,
    "maxProperties": C,
    "allOf": C,
    "anyOf": C,
    "oneOf": C,  # alternatives; the exclusivity of overlapping alternatives is not compared
    "$ref": C,
    "definitions": C,
    "$defs": C,  # compared where they are used
    "default": C,
    "nullable": C,
    "readOnly": C,
    "writeOnly": C,
    # annotations: no effect on validity
    "title": A,
    "description": A,
    "examples": A,
    "example": A,
    "$comment": A,
    "deprecated": A,
    "externalDocs": A,
    "xml": A,  # xml: how a JSON value is written as XML, not which values are valid
    "$id": A,
    "id": A,
    "$anchor": A,
    "$dynamicAnchor": A,
    "$recursiveAnchor": A,
    "$vocabulary": A,
    # not compared: a change is reported as potentially breaking
    "not": N,
    "if": N,
    "then": N,
    "else": N,
    "dependentSchemas": N,
    "dependentRequired": N,
    "dependencies": N,
    "patternProperties": N,
    "propertyNames": N,
    "unevaluatedItems": N,
    "unevaluatedProperties": N,
    "contains": N,
    "minContains": N,
    "maxContains": N,
    "prefixItems": N,
    "additionalItems": N,
    "multipleOf": N,
    "contentMediaType": N,
    "contentEncoding": N,
    "contentSchema": N,
    "discriminator": N,
    "$dynamicRef": N,
    "$recursiveRef": N,
    "$schema": N,
    "x-extensible-enum": N,
}

# The Parameter Object's fields (the Header Object's too, but name and in).
_PARAMETER_OBJECT: dict[str, Category] = {
    "name": C,
    "in": C,
    "description": A,
    "required": C,
    "deprecated": A,
    "allowEmptyValue": N,
    "style": N,
    "explode": N,
    "allowReserved": N,
    "schema": C,
    "example": A,
    "examples": A,
    "content": N,
}

# OpenAPI objects: field -> category (the Schema Object is SCHEMA_KEYWORDS). Objects that are not compared
# as a whole (servers, security, callbacks, links, encoding, webhooks) list their own fields as not compared.
OPENAPI_FIELDS: dict[str, dict[str, Category]] = {
    "OpenAPI": {
        "openapi": N,
        "info": A,
        "jsonSchemaDialect": N,
        "servers": N,
        "paths": C,
        "webhooks": N,
        "components": C,
        "security": N,
        "tags": A,
        "externalDocs": A,
    },
    "Info": {
        "title": A,
        "summary": A,
        "description": A,
        "termsOfService": A,
        "contact": A,
        "license": A,
        "version": A,
    },
    "Contact": {"name": A, "url": A, "email": A},
    "License": {"name": A, "identifier": A, "url": A},
    "Server": {"url": N, "description": A, "variables": N},
    "Server Variable": {"enum": N, "default": N, "description": A},
    "Components": {
        "schemas": C,
        "responses": C,
        "parameters": C,
        "examples": A,
        "requestBodies": C,
        "headers": C,
        "securitySchemes": N,
        "links": N,
        "callbacks": N,
        "pathItems": C,
    },
    "Path Item": {
        "$ref": C,
        "summary": A,
        "description": A,
        "get": C,
        "put": C,
        "post": C,
        "delete": C,
        "options": C,
        "head": C,
        "patch": C,
        "trace": C,
        "servers": N,
        "parameters": C,
    },
    "Operation": {
        "tags": A,
        "summary": A,
        "description": A,
        "externalDocs": A,
        "operationId": A,
        "parameters": C,
        "requestBody": C,
        "responses": C,
        "callbacks": N,
        "deprecated": A,
        "security": N,
        "servers": N,
    },
    "Parameter": _PARAMETER_OBJECT,
    "Request Body": {"description": A, "content": C, "required": C},
    "Media Type": {"schema": C, "example": A, "examples": A, "encoding": N},
    "Encoding": {"contentType": N, "headers": N, "style": N, "explode": N, "allowReserved": N},
    "Responses": {"default": C},  # and the status codes
    "Response": {"description": A, "headers": C, "content": C, "links": N},
    # OpenAPI 3.1: a Header Object follows the structure of the Parameter Object, without name and in
    "Header": {f: c for f, c in _PARAMETER_OBJECT.items() if f not in ("name", "in")},
    "Example": {"summary": A, "description": A, "value": A, "externalValue": A},
    "Link": {
        "operationRef": N,
        "operationId": N,
        "parameters": N,
        "requestBody": N,
        "description": A,
        "server": N,
        "body": N,  # the 3.1 meta-schema names `server` so (a known slip of the published schema)
    },
    "Tag": {"name": A, "description": A, "externalDocs": A},
    "Reference": {"$ref": C, "summary": A, "description": A},
    "Discriminator": {"propertyName": N, "mapping": N},
    "XML": {"name": A, "namespace": A, "prefix": A, "attribute": A, "wrapped": A},
    "Security Scheme": {
        "type": N,
        "description": A,
        "name": N,
        "in": N,
        "scheme": N,
        "bearerFormat": N,
        "flows": N,
        "openIdConnectUrl": N,
    },
    "OAuth Flows": {"implicit": N, "password": N, "clientCredentials": N, "authorizationCode": N},
    "OAuth Flow": {"authorizationUrl": N, "tokenUrl": N, "refreshUrl": N, "scopes": N},
    "External Documentation": {"description": A, "url": A},
}

# Where the OpenAPI reader looks for fields it does not compare (object -> its not-compared fields).
NOT_COMPARED_FIELDS: dict[str, tuple[str, ...]] = {
    obj: tuple(k for k, c in fields.items() if c == N) for obj, fields in OPENAPI_FIELDS.items()
}

# Keywords whose value is a schema, a list of schemas, or a map of schemas (for the shallow validity check).
SCHEMA_VALUED = (
    "additionalItems",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
    "items",
)
SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems", "items")
SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "dependencies")


def category(keyword: str) -> Category:
    """Unknown keywords and x- extensions are ignored by validators: they cannot change validity."""
    return SCHEMA_KEYWORDS.get(keyword, A)


def canonical(value: Any, resolve: Any, depth: int = 0) -> str:
    """A stable text of a keyword's value, $refs inlined (bounded), to tell whether it changed."""
    return json.dumps(_inline(value, resolve, depth, frozenset()), sort_keys=True, default=str)


def _inline(value: Any, resolve: Any, depth: int, seen: frozenset[str]) -> Any:
    if depth > 12:
        return "..."
    if isinstance(value, dict):
        ref = value.get("$ref")
        if isinstance(ref, str) and ref.startswith("#") and ref in seen:
            return "<recursive>"  # the name of a recursive target is not part of what it means
        if isinstance(ref, str) and ref.startswith("#"):
            try:
                target, _ = resolve(value, ref[1:])
            except Exception:  # an unresolvable $ref is compared as written
                return value
            rest = {k: v for k, v in value.items() if k != "$ref" and SCHEMA_KEYWORDS.get(k) != A}
            inlined = _inline(target, resolve, depth + 1, seen | {ref})
            return {**_inline(rest, resolve, depth + 1, seen), "$ref": inlined} if rest else inlined
        kept = {k: v for k, v in value.items() if SCHEMA_KEYWORDS.get(k) != A}  # annotations cannot break
        return {k: _inline(v, resolve, depth + 1, seen) for k, v in kept.items()}
    if isinstance(value, list):
        return [_inline(v, resolve, depth + 1, seen) for v in value]
    return value


def shallow(node: dict[str, Any]) -> dict[str, Any]:
    """The node with its subschemas replaced by `{}`: checking it costs O(1), not O(subtree)."""
    out: dict[str, Any] = {}
    for k, v in node.items():
        if k in SCHEMA_MAPS and isinstance(v, dict):
            out[k] = {name: ({} if isinstance(sub, dict | bool) else sub) for name, sub in v.items()}
        elif k in SCHEMA_LISTS and isinstance(v, list):
            out[k] = [{} if isinstance(sub, dict | bool) else sub for sub in v]
        elif k in SCHEMA_VALUED and isinstance(v, dict | bool):
            out[k] = {}
        else:
            out[k] = v
    return out
