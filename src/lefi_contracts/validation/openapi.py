"""OpenApiContract: REST versions validated against their OpenAPI 3.0 document with jsonschema.

OpenAPI 3.0 schemas are almost JSON Schema draft 4; the differences that matter are `nullable` (turned into
a type list) and `$ref` into #/components (kept: the converted components travel with every schema).
A response is judged against the schema chosen by operation + HTTP status + media type.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from jsonschema import Draft4Validator, FormatChecker

from lefi_contracts.errors import ContractError, ResponseRejected
from lefi_contracts.validation.base import Contract, OperationBinding, Violation, header_value
from lefi_contracts.validation.xmlsafe import DEFAULT_MAX_BYTES, parse_json
from lefi_contracts.yamlio import load_yaml

_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")

FORMATS = FormatChecker(formats=())


@FORMATS.checks("date", raises=ValueError)
def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATE.match(value):
        return False
    dt.date.fromisoformat(value)
    return True


@FORMATS.checks("date-time", raises=ValueError)
def _is_datetime(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATETIME.match(value):
        return False
    dt.datetime.fromisoformat(value.replace("z", "+00:00").replace("Z", "+00:00"))
    return True


def to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 schema object -> JSON Schema draft 4 (nullable -> type list; OpenAPI-only keys dropped)."""
    if isinstance(node, list):
        return [to_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key in (
            "nullable",
            "discriminator",
            "xml",
            "externalDocs",
            "example",
            "deprecated",
            "readOnly",
            "writeOnly",
        ):
            continue
        if key in ("properties", "patternProperties", "definitions"):
            out[key] = {k: to_json_schema(v) for k, v in value.items()} if isinstance(value, dict) else value
        else:
            out[key] = to_json_schema(value)
    if node.get("nullable") is True:
        if "type" in out:
            types = out["type"] if isinstance(out["type"], list) else [out["type"]]
            out["type"] = [*types, "null"] if "null" not in types else types
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
        if "$ref" in out:
            out = {"anyOf": [{"$ref": out.pop("$ref")}, {"type": "null"}], **out}
    return out


def _template_regex(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}/]+\})", template)
    body = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(f"(?:^|.*?){body}/?$")


def render_path(parts: Any) -> str:
    """JSON Pointer-ish path with 1-based [n] for array items, the same shape as the XSD paths."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += f"/{part}"
    return out or "/"


class OpenApiContract(Contract):
    """A REST version's contract: an OpenAPI 3.0 document."""

    kind = "openapi"

    def __init__(
        self,
        source: Path | str | dict[str, Any],
        *,
        version: str | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ):
        self.version = version
        self.max_bytes = max_bytes
        if isinstance(source, dict):
            self.path: Path | None = None
            doc = source
        else:
            self.path = Path(source)
            doc = self._load(self.path)
        if not isinstance(doc, dict) or not str(doc.get("openapi", "")).startswith("3."):
            raise ContractError(f"{self._name}: not an OpenAPI 3 document (no 'openapi: 3.x')")
        if not isinstance(doc.get("paths"), dict):
            raise ContractError(f"{self._name}: OpenAPI document without 'paths'")
        self.document = doc
        self._components = to_json_schema(doc.get("components") or {})
        self._ops: dict[str, tuple[str, str, dict[str, Any]]] = {}
        for path, item in doc["paths"].items():
            if not isinstance(item, dict):
                raise ContractError(f"{self._name}: path {path!r} is not a mapping")
            for method in _METHODS:
                op = item.get(method)
                if isinstance(op, dict):
                    op_id = op.get("operationId") or f"{method.upper()} {path}"
                    merged = dict(op)
                    merged["parameters"] = [*(item.get("parameters") or []), *(op.get("parameters") or [])]
                    self._ops[op_id] = (method.upper(), path, merged)
        self._regex = {name: _template_regex(path) for name, (_, path, _) in self._ops.items()}
        self._validators: dict[tuple[Any, ...], Draft4Validator] = {}
        self._lock = threading.Lock()
        try:
            Draft4Validator.check_schema({"components": self._components})
        except jsonschema.SchemaError as exc:
            raise ContractError(f"{self._name}: invalid schema in components: {exc.message}") from None

    @property
    def _name(self) -> str:
        return self.path.name if self.path else "OpenAPI document"

    @staticmethod
    def _load(path: Path) -> Any:
        if not path.is_file():
            raise ContractError(f"OpenAPI document {path} does not exist")
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ContractError(f"{path.name}: cannot read ({exc.__class__.__name__})") from None
        try:
            return load_yaml(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark is not None else ""
            raise ContractError(f"{path.name}: not valid YAML{where}") from None

    # -- operations -------------------------------------------------------------------------------------

    def operations(self) -> list[OperationBinding]:
        return [OperationBinding(name=n, method=m, path=p) for n, (m, p, _) in self._ops.items()]

    def operation_for(self, method: str, url_path: str) -> str | None:
        """The operationId whose path template matches the end of a request path (servers' base path aside)."""
        url_path = url_path.split("?", 1)[0]
        for name, (m, _, _) in self._ops.items():
            if m == method.upper() and self._regex[name].match(url_path):
                return name
        return None

    def _op(self, operation: str | None) -> tuple[str, str, dict[str, Any]]:
        if operation is None:
            if len(self._ops) == 1:
                return next(iter(self._ops.values()))
            raise ContractError("operation is required to validate against an OpenAPI contract")
        if operation in self._ops:
            return self._ops[operation]
        self.operation(operation)  # raises UsageError naming the known ones
        raise AssertionError("unreachable")

    def _deref(self, node: Any) -> Any:
        seen = 0
        while isinstance(node, dict) and "$ref" in node and seen < 20:
            ref = node["$ref"]
            if not ref.startswith("#/"):
                raise ContractError(f"{self._name}: only local $ref are supported, not {ref!r}")
            target: Any = self.document
            for part in ref[2:].split("/"):
                part = part.replace("~1", "/").replace("~0", "~")
                if not isinstance(target, dict) or part not in target:
                    raise ContractError(f"{self._name}: unresolvable $ref {ref!r}")
                target = target[part]
            node, seen = target, seen + 1
        return node

    def _validator(self, key: tuple[Any, ...], schema: Any) -> Draft4Validator:
        with self._lock:
            v = self._validators.get(key)
            if v is None:
                root = {**to_json_schema(schema), "components": self._components}
                v = Draft4Validator(root, format_checker=FORMATS)
                self._validators[key] = v
            return v

    # -- validation -------------------------------------------------------------------------------------

    def _check(self, validator: Draft4Validator, data: Any) -> list[Violation]:
        out = []
        errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
        for err in errors:
            out.append(self._violation(err))
        return out

    @staticmethod
    def _violation(err: jsonschema.ValidationError) -> Violation:
        path = render_path(err.absolute_path)
        kw = err.validator
        if kw == "required":
            missing = _TAG.search(err.message)
            name = missing.group(1) if missing else err.message
            return Violation(path, f"missing required property '{name}'", "openapi:required")
        if kw == "additionalProperties":
            return Violation(
                path,
                err.message.replace("were unexpected", "are not in the contract"),
                "openapi:additional-property",
            )
        if kw == "type":
            return Violation(
                path, f"{_short(err.instance)} is not of type {err.validator_value!r}", "openapi:type"
            )
        if kw == "enum":
            return Violation(
                path, f"{_short(err.instance)} is not one of {err.validator_value}", "openapi:enum"
            )
        if kw == "pattern":
            return Violation(
                path,
                f"{_short(err.instance)} does not match the pattern {err.validator_value!r}",
                "openapi:pattern",
            )
        if kw == "format":
            return Violation(
                path, f"{_short(err.instance)} is not a valid {err.validator_value}", "openapi:format"
            )
        return Violation(path, err.message, f"openapi:{kw}")

    def validate_document(self, data: bytes | Any, *, element: str | None = None) -> list[Violation]:
        """Validate JSON against a components/schemas entry (element = its name)."""
        if element is None:
            raise ContractError("validate_document on an OpenAPI contract needs element=<schema name>")
        if element not in (self.document.get("components") or {}).get("schemas", {}):
            raise ContractError(f"{self._name}: no schema {element!r} in components/schemas")
        try:
            value = (
                parse_json(data, max_bytes=self.max_bytes) if isinstance(data, bytes | bytearray) else data
            )
        except ResponseRejected as exc:
            return [Violation("/", str(exc), "json:malformed")]
        validator = self._validator(("schema", element), {"$ref": f"#/components/schemas/{element}"})
        return self._check(validator, value)

    def validate_response(
        self,
        body: bytes | Any,
        *,
        operation: str | None = None,
        status: int | None = 200,
        content_type: str | None = None,
        headers: Any | None = None,
    ) -> list[Violation]:
        name = operation
        _, _, op = self._op(operation)
        name = op.get("operationId") or name
        status = 200 if status is None else status
        responses = op.get("responses") or {}
        key = str(status)
        if key not in responses:
            key = f"{str(status)[0]}XX" if f"{str(status)[0]}XX" in responses else "default"
        if key not in responses:
            documented = ", ".join(str(k) for k in responses)
            return [
                Violation(
                    "/",
                    f"HTTP {status} is not a documented response of {name} ({documented})",
                    "openapi:status",
                )
            ]
        response = self._deref(responses[key])
        out = self._check_headers(response, headers)
        content = response.get("content") or {}
        media = (content_type or "").split(";")[0].strip().lower()
        if not content:
            if body not in (None, b"", ""):
                out.append(
                    Violation("/", f"HTTP {status} of {name} has no documented body", "openapi:content")
                )
            return out
        if not media:
            return [*out, Violation("/", "response without a content type", "openapi:content-type")]
        media_key = (
            media
            if media in content
            else next((m for m in content if m.endswith("/*") and media.startswith(m[:-1])), None)
        )
        if media_key is None:
            documented = ", ".join(content)
            return [
                *out,
                Violation(
                    "/",
                    f"content type {media!r} is not documented for HTTP {status} ({documented})",
                    "openapi:content-type",
                ),
            ]
        schema = (content[media_key] or {}).get("schema")
        if schema is None:
            return out
        try:
            value = (
                parse_json(body, max_bytes=self.max_bytes) if isinstance(body, bytes | bytearray) else body
            )
        except ResponseRejected as exc:
            return [*out, Violation("/", str(exc), "json:malformed")]
        validator = self._validator(("response", name, key, media_key), schema)
        return out + self._check(validator, value)

    def _check_headers(self, response: dict[str, Any], headers: Any | None) -> list[Violation]:
        if headers is None:
            return []
        out = []
        for hname, spec in (response.get("headers") or {}).items():
            spec = self._deref(spec)
            if spec.get("required") and not header_value(headers, hname):
                out.append(Violation("/", f"missing required header {hname}", "openapi:header"))
        return out

    def validate_request(
        self,
        body: bytes | Any,
        *,
        operation: str | None = None,
        content_type: str | None = "application/json",
    ) -> list[Violation]:
        _, _, op = self._op(operation)
        request_body = self._deref(op.get("requestBody") or {})
        content = request_body.get("content") or {}
        if not content:
            return (
                []
                if body in (None, b"", "")
                else [Violation("/", "operation takes no request body", "openapi:content")]
            )
        media = (content_type or "application/json").split(";")[0].strip().lower()
        if media not in content:
            return [
                Violation(
                    "/",
                    f"request content type {media!r} is not accepted ({', '.join(content)})",
                    "openapi:content-type",
                )
            ]
        schema = (content[media] or {}).get("schema")
        if schema is None:
            return []
        try:
            value = (
                parse_json(body, max_bytes=self.max_bytes) if isinstance(body, bytes | bytearray) else body
            )
        except ResponseRejected as exc:
            return [Violation("/", str(exc), "json:malformed")]
        return self._check(self._validator(("request", operation, media), schema), value)


_TAG = re.compile(r"'([^']+)' is a required property")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


__all__ = ["OpenApiContract", "render_path", "to_json_schema"]
