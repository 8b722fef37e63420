"""The provider refuses what its own contract does not allow: header parameters and body (REST), payload (SOAP).

The rules come from the version's contract (the OpenAPI header parameters' schemas, the request body schema, the
XSD), never from code: a contract that tightens a limit tightens the provider with it. Business rules that no schema
can express (a personnummer's check digit, a period of at most two years) stay in rules.py.
"""

from __future__ import annotations

import threading
from typing import Any

from jsonschema import Draft4Validator
from lxml import etree

from lefi_contracts.contracts import VersionInfo
from lefi_contracts.provider.render import validator_for
from lefi_contracts.provider.rules import Rejected, bad_request
from lefi_contracts.validation import Contract, contract_for
from lefi_contracts.validation.openapi import FORMATS, OpenApiContract, to_json_schema

_lock = threading.Lock()
_headers: dict[tuple[str, str], list[tuple[str, Draft4Validator]]] = {}
# per (contract, operation): the request body's screen, or None where the contract's own check must decide
_screens: dict[tuple[int, str], tuple[Contract, Draft4Validator | None]] = {}
_MAX_INLINED_NODES = 20_000


def _header_rules(v: VersionInfo, operation: str) -> list[tuple[str, Draft4Validator]]:
    """(lower-case header name, validator of its schema) for every header parameter of the operation."""
    key = (v.number, operation)
    with _lock:
        cached = _headers.get(key)
    if cached is not None:
        return cached
    contract = contract_for(v)
    out: list[tuple[str, Draft4Validator]] = []
    if isinstance(contract, OpenApiContract):
        _, _, op = contract._op(operation)
        for param in op.get("parameters") or []:
            param = contract._deref(param)
            if (
                isinstance(param, dict)
                and param.get("in") == "header"
                and isinstance(param.get("schema"), dict)
            ):
                out.append((str(param["name"]).lower(), Draft4Validator(to_json_schema(param["schema"]))))
    with _lock:
        _headers[key] = out
    return out


def _declares(v: VersionInfo, operation: str, status: str) -> bool:
    contract = contract_for(v)
    if not isinstance(contract, OpenApiContract):
        return False
    _, _, op = contract._op(operation)
    return status in {str(k) for k in (op.get("responses") or {})}


def check_rest_headers(v: VersionInfo, operation: str, headers: Any) -> None:
    """A header the contract constrains (X-Lefi-Anvandare: 1-64 characters) that breaks its schema is refused:
    400 where the operation declares it, otherwise 403 (no user of that shape can be entitled)."""
    for name, validator in _header_rules(v, operation):
        value = headers.get(name)
        if value is None:
            continue
        error = next(iter(validator.iter_errors(value)), None)
        if error is None:
            continue
        text = f"Huvudet {name} följer inte kontraktet ({error.validator})."
        if _declares(v, operation, "400"):
            raise bad_request(text)
        raise Rejected(403, "ANVANDARE_OBEHORIG", text)


_SCHEMA_VALUED = ("additionalItems", "additionalProperties", "not")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
_SCHEMA_MAPS = ("properties", "patternProperties", "definitions")


class _Unsure(Exception):
    """The schema uses something the inlining does not reproduce exactly (a draft-4 `id`): keep the references."""


def _pointer(root: Any, ref: str) -> Any:
    """The node a local JSON Pointer reference names in `root`, as jsonschema resolves it."""
    target = root
    if "%" in ref:
        raise _Unsure(ref)  # percent-escapes: leave their reading to jsonschema
    for part in ref[2:].split("/") if ref != "#" else []:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(target, list) and part.isdigit() and int(part) < len(target):
            target = target[int(part)]
        elif isinstance(target, dict) and part in target:
            target = target[part]
        else:
            raise _Unsure(ref)
    return target


class _Inliner:
    """Replaces each local $ref of a schema by its target (draft 4 ignores a $ref's siblings, and so does this); a
    reference to itself or an ancestor into the components stays a reference (the screen keeps the components).
    Gives up (_Unsure) on any other kind of reference, and beyond `budget` nodes: references that fan out
    (diamonds of $refs) would grow the copy without bound."""

    def __init__(self, root: Any, budget: int) -> None:
        self.root, self.budget = root, budget

    def schema(self, node: Any, stack: tuple[str, ...] = ()) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise _Unsure("too large")
        if isinstance(node, list):
            return [self.schema(n, stack) for n in node]
        if not isinstance(node, dict):
            return node
        if isinstance(node.get("id"), str):
            raise _Unsure("id")  # a resolution scope: references below it are relative to another base
        ref = node.get("$ref")
        if isinstance(ref, str):
            if ref in stack and ref.startswith("#/components/"):
                return node  # resolves into the same components in the screen's root
            if ref in stack or not (ref == "#" or ref.startswith("#/")):
                raise _Unsure(ref)
            return self.schema(_pointer(self.root, ref), (*stack, ref))
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in _SCHEMA_MAPS and isinstance(value, dict):
                out[key] = {k: self.schema(s, stack) for k, s in value.items()}
            elif key == "dependencies" and isinstance(value, dict):
                out[key] = {k: s if isinstance(s, list) else self.schema(s, stack) for k, s in value.items()}
            elif key in _SCHEMA_VALUED or key in _SCHEMA_LISTS or key == "items":
                out[key] = self.schema(value, stack)
            else:
                out[key] = value  # not a schema (enum, required, default, components, x-...): as it is
        return out


def _build_screen(contract: Contract, operation: str) -> Draft4Validator | None:
    """The request body schema of a JSON operation with its references inlined, checked with the same formats as
    the contract's own validator: the same verdict, without resolving $refs on every request (half the cost)."""
    if not isinstance(contract, OpenApiContract):
        return None
    try:
        _, _, op = contract._op(operation)
        content = contract._deref(op.get("requestBody") or {}).get("content") or {}
        schema = (content.get("application/json") or {}).get("schema")
        if not isinstance(schema, dict):
            return None
        converted = to_json_schema(schema)
        # the contract's validator has this root; references are resolved in it, as jsonschema resolves them
        root = {**converted, "components": contract._components}
        inlined = _Inliner(root, _MAX_INLINED_NODES).schema(converted)
    except (_Unsure, RecursionError, AttributeError):
        return None
    if not isinstance(inlined, dict):
        return None
    return Draft4Validator({**inlined, "components": contract._components}, format_checker=FORMATS)


def _screen(contract: Contract, operation: str) -> Draft4Validator | None:
    key = (id(contract), operation)
    with _lock:
        cached = _screens.get(key)
    if cached is not None and cached[0] is contract:
        return cached[1]
    screen = _build_screen(contract, operation)
    with _lock:
        _screens[key] = (contract, screen)
    return screen


def check_rest_body(v: VersionInfo, operation: str, data: Any) -> None:
    """A body that breaks the request schema (a list given as a number, a pattern, a format) is refused with 400.

    A body the screen passes is valid by the contract's own validator too (same schema, same formats); any other
    body is judged by that validator, which names the first violation."""
    contract = contract_for(v)
    screen = _screen(contract, operation)
    if screen is not None and screen.is_valid(data):
        return
    violations = contract.validate_request(data, operation=operation)
    if violations:
        first = violations[0]
        raise bad_request(f"Frågan följer inte kontraktet vid {first.path[:120]}.")


def check_soap_payload(v: VersionInfo, payload: etree._Element) -> None:
    """The operation element inside soap:Body validated by the version's XSD (facets, enumerations, occurrences)."""
    validator = validator_for(v)
    if validator.validate(payload):
        return
    error = validator.error_log.last_error
    where = (error.path or "") if error is not None else ""
    raise bad_request(f"Frågan följer inte versionens XSD vid {where[:120] or 'frågans element'}.")


__all__ = ["check_rest_body", "check_rest_headers", "check_soap_payload"]
