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
from lefi_contracts.validation import contract_for
from lefi_contracts.validation.openapi import OpenApiContract, to_json_schema

_lock = threading.Lock()
_headers: dict[tuple[str, str], list[tuple[str, Draft4Validator]]] = {}


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


def check_rest_body(v: VersionInfo, operation: str, data: Any) -> None:
    """A body that breaks the request schema (a list given as a number, a pattern, a format) is refused with 400."""
    violations = contract_for(v).validate_request(data, operation=operation)
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
