"""Our v9 OpenAPI document: valid OpenAPI 3.0, self-consistent, and covering the published v9 contract.

The coverage walk here is deliberately small (names, types, enums, required, patterns): the full
compatibility diff lives in lefi_contracts.compat. This test only proves that nothing a consumer of the
published contract relies on is missing from ours, and lists what is missing when it is.
"""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from lefi_contracts.contracts import registry

OURS_PATH = registry().get("9").contract_file("openapi")
PUBLISHED_NAME = "lefi-formansinformation-v9.openapi.yaml"
# Deliberate differences from the published document, each recorded in contracts/v9/README.md.
KNOWN_PATTERN_FIXES = {
    "LefiPmFormanBeslutTillaggEfterlevandeformanerAvliden.dodsfallsdatum",
    "LefiMottagareAvBarnbidragUnderlag.utbetalningsmottagare",
}
COMPARED_KEYWORDS = ("format", "minItems", "maxItems", "uniqueItems", "minLength", "minimum", "maximum")
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def _published_path() -> Path:
    env = os.environ.get("LEFI_SHARED_DIR")
    base = Path(env) if env else Path(__file__).resolve().parents[2] / "shared"
    return base / "lefi" / PUBLISHED_NAME


@pytest.fixture(scope="module")
def ours() -> dict[str, Any]:
    return yaml.safe_load(OURS_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def published() -> dict[str, Any]:
    path = _published_path()
    if not path.is_file():
        pytest.skip(f"published v9 contract not found at {path} (set LEFI_SHARED_DIR): coverage not checked")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# ------------------------------------------------------------------------------------------- helpers


def _walk(node: Any, path: str = "#") -> Iterator[tuple[str, Any]]:
    yield path, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _walk(v, f"{path}/{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(v, f"{path}/{i}")


def _resolve(doc: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), f"only local $refs are used: {ref}"
    node: Any = doc
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _json_schema(node: Any) -> Any:
    """An OpenAPI 3.0 schema as plain draft-4 JSON Schema: drop extensions, turn nullable into a type list."""
    if isinstance(node, list):
        return [_json_schema(x) for x in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for k, v in node.items():
        if k.startswith("x-") or k in (
            "example",
            "nullable",
            "discriminator",
            "readOnly",
            "writeOnly",
            "xml",
        ):
            continue
        if k == "properties":
            out[k] = {name: _json_schema(sub) for name, sub in v.items()}
        else:
            out[k] = _json_schema(v)
    if node.get("nullable") and "type" in out:
        out["type"] = [out["type"], "null"]
    return out


def _validator(doc: dict[str, Any], schema: dict[str, Any]) -> jsonschema.Draft4Validator:
    """A validator for `schema` whose #/components/... refs resolve inside `doc`."""
    root = {**_json_schema(schema), "components": {"schemas": _json_schema(doc["components"]["schemas"])}}
    return jsonschema.Draft4Validator(root, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def _operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in doc["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def _response(doc: dict[str, Any], resp: dict[str, Any]) -> dict[str, Any]:
    return _resolve(doc, resp["$ref"]) if "$ref" in resp else resp


def _parameter(doc: dict[str, Any], param: dict[str, Any]) -> dict[str, Any]:
    return _resolve(doc, param["$ref"]) if "$ref" in param else param


def _media_schema(content: dict[str, Any] | None) -> Any:
    return ((content or {}).get("application/json") or {}).get("schema")


# ---------------------------------------------------------------------------------- coverage walk


def _compare_schema(pub: Any, our: Any, where: str, gaps: list[str], *, response_only: bool = False) -> None:
    """Everything in `pub` that a consumer may rely on must be in `our`, with the same meaning.

    A schema only ever sent by the provider (response_only) may promise more than the published one: a field made
    required, or a minimum count, narrows what the provider sends and breaks no consumer.
    """
    if not isinstance(pub, dict):
        return
    if not isinstance(our, dict):
        gaps.append(f"{where}: missing")
        return
    if "$ref" in pub:
        if pub["$ref"] != our.get("$ref"):
            gaps.append(f"{where}: refers to {our.get('$ref')} instead of {pub['$ref']}")
        return
    if "type" in pub and pub["type"] != our.get("type"):
        gaps.append(f"{where}: type {our.get('type')!r} instead of {pub['type']!r}")
    for kw in COMPARED_KEYWORDS:
        if response_only and kw == "minItems" and (our.get(kw) or 0) >= (pub.get(kw) or 0):
            continue
        if pub.get(kw) != our.get(kw):
            gaps.append(f"{where}: {kw} {our.get(kw)!r} instead of {pub.get(kw)!r}")
    if pub.get("pattern") != our.get("pattern") and where not in KNOWN_PATTERN_FIXES:
        gaps.append(f"{where}: pattern {our.get('pattern')!r} instead of {pub.get('pattern')!r}")
    for value in pub.get("enum", []):
        if value not in our.get("enum", []):
            gaps.append(f"{where}: enum value {value!r} missing")
    pub_req, our_req = set(pub.get("required", [])), set(our.get("required", []))
    for name in sorted(pub_req - our_req):
        gaps.append(f"{where}: {name} no longer required")
    for name in sorted(our_req - pub_req) if not response_only else ():
        gaps.append(f"{where}: {name} required by us but not by the published contract")
    if our.get("additionalProperties") is False and pub.get("additionalProperties") is not False:
        gaps.append(f"{where}: closed (additionalProperties: false) but the published one is open")
    for name, sub in pub.get("properties", {}).items():
        if name not in our.get("properties", {}):
            gaps.append(f"{where}.{name}: property missing")
        else:
            _compare_schema(
                sub, our["properties"][name], f"{where}.{name}", gaps, response_only=response_only
            )
    if "items" in pub:
        _compare_schema(pub["items"], our.get("items"), f"{where}[]", gaps, response_only=response_only)


def _request_schemas(doc: dict[str, Any]) -> set[str]:
    """Names of the component schemas a request (body or parameter) can reach through $ref."""
    seen: set[str] = set()
    todo: list[Any] = []
    for _path, _method, op in _operations(doc):
        todo.append((op.get("requestBody") or {}).get("content"))
        todo.extend(_parameter(doc, p) for p in op.get("parameters", []))
    while todo:
        node = todo.pop()
        for _where, value in _walk(node):
            if isinstance(value, dict) and isinstance(value.get("$ref"), str):
                name = value["$ref"].rsplit("/", 1)[-1]
                if name not in seen:
                    seen.add(name)
                    todo.append(doc.get("components", {}).get("schemas", {}).get(name))
    return seen


def coverage_gaps(published: dict[str, Any], ours: dict[str, Any]) -> list[str]:
    """What of the published contract ours lacks or changes in a way that breaks its consumers."""
    gaps: list[str] = []
    our_ops = {(p, m): op for p, m, op in _operations(ours)}
    for path, method, pop in _operations(published):
        key = f"{method.upper()} {path}"
        oop = our_ops.get((path, method))
        if oop is None:
            gaps.append(f"{key}: operation missing")
            continue
        if pop.get("operationId") != oop.get("operationId"):
            gaps.append(
                f"{key}: operationId {oop.get('operationId')!r} instead of {pop.get('operationId')!r}"
            )
        pub_params = {
            (p["name"], p["in"]): p
            for p in map(lambda x: _parameter(published, x), pop.get("parameters", []))
        }
        our_params = {
            (p["name"], p["in"]): p for p in map(lambda x: _parameter(ours, x), oop.get("parameters", []))
        }
        for pk, pp in pub_params.items():
            if pk not in our_params:
                gaps.append(f"{key}: parameter {pk[1]} {pk[0]} missing")
            else:
                _compare_schema(
                    pp.get("schema"), our_params[pk].get("schema"), f"{key} parameter {pk[0]}", gaps
                )
        for pk, op_ in our_params.items():
            if op_.get("required") and pk not in pub_params:
                gaps.append(f"{key}: parameter {pk[1]} {pk[0]} required by us only")
        pub_body = _media_schema((pop.get("requestBody") or {}).get("content"))
        our_body = _media_schema((oop.get("requestBody") or {}).get("content"))
        _compare_schema(pub_body, our_body, f"{key} request body", gaps)
        for status, presp in pop.get("responses", {}).items():
            if status not in oop.get("responses", {}):
                gaps.append(f"{key}: response {status} missing")
                continue
            pub_schema = _media_schema(_response(published, presp).get("content"))
            our_schema = _media_schema(_response(ours, oop["responses"][status]).get("content"))
            _compare_schema(pub_schema, our_schema, f"{key} response {status}", gaps, response_only=True)
    our_schemas = ours.get("components", {}).get("schemas", {})
    in_requests = _request_schemas(published) | _request_schemas(ours)
    for name, psch in published.get("components", {}).get("schemas", {}).items():
        if name not in our_schemas:
            gaps.append(f"{name}: schema missing")
        else:
            _compare_schema(psch, our_schemas[name], name, gaps, response_only=name not in in_requests)
    return gaps


# ------------------------------------------------------------------------------------------- tests


def test_document_is_valid_openapi_30(ours: dict[str, Any]) -> None:
    assert ours["openapi"] == "3.0.3"
    definitions = pytest.importorskip("schemathesis.specs.openapi.definitions")
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:160]}"
        for e in jsonschema.Draft4Validator(definitions.OPENAPI_30).iter_errors(ours)
    ]
    assert not errors, "not valid against the OpenAPI 3.0 meta-schema:\n" + "\n".join(errors[:20])


def test_schemathesis_loads_both_operations() -> None:
    import schemathesis

    schema = schemathesis.openapi.from_path(str(OURS_PATH))
    ops = [result.ok() for result in schema.get_all_operations()]
    assert {op.definition.raw["operationId"] for op in ops} == {
        "hamtaFormansinformation",
        "hamtaTillgangligaInformationstyper",
    }
    base = registry().get("9").base_path
    assert all(op.path.startswith(base + "/aktorer/{aktorsId}/") for op in ops)


def test_every_ref_resolves(ours: dict[str, Any]) -> None:
    broken = []
    refs = 0
    for where, node in _walk(ours):
        if isinstance(node, dict) and "$ref" in node:
            refs += 1
            try:
                _resolve(ours, node["$ref"])
            except (KeyError, TypeError, AssertionError):
                broken.append(f"{where}: {node['$ref']}")
    assert refs > 400, refs
    assert not broken, "unresolved $refs:\n" + "\n".join(broken)


def test_every_schema_is_valid_draft4(ours: dict[str, Any]) -> None:
    bad = []
    for name, schema in ours["components"]["schemas"].items():
        try:
            jsonschema.Draft4Validator.check_schema(_json_schema(schema))
        except jsonschema.SchemaError as exc:
            bad.append(f"{name}: {exc.message}")
        for pattern in (n["pattern"] for _, n in _walk(schema) if isinstance(n, dict) and "pattern" in n):
            re.compile(pattern)
    assert not bad, "\n".join(bad)


def test_every_example_validates_against_its_schema(ours: dict[str, Any]) -> None:
    checked, failures = 0, []
    for path, method, op in _operations(ours):
        contents = [("request", (op.get("requestBody") or {}).get("content"))]
        contents += [(s, _response(ours, r).get("content")) for s, r in op["responses"].items()]
        for label, content in contents:
            media = (content or {}).get("application/json") or {}
            if "schema" not in media:
                continue
            validator = _validator(ours, media["schema"])
            for ex_name, ex in (media.get("examples") or {}).items():
                checked += 1
                failures += [
                    f"{method.upper()} {path} {label} example {ex_name}: {e.message[:200]}"
                    for e in validator.iter_errors(ex["value"])
                ]
    assert checked >= 4, checked
    assert not failures, "\n".join(failures)


def test_validator_rejects_a_wrong_example(ours: dict[str, Any]) -> None:
    """The example check is real: a request without period or with a bad group code fails."""
    validator = _validator(ours, {"$ref": "#/components/schemas/LefiExternFormansinformationFraga"})
    assert not list(
        validator.iter_errors(
            {"personnummer": "194408139089", "period": {"from": "2024-01-01", "tom": "2024-12-31"}}
        )
    )
    assert list(validator.iter_errors({"personnummer": "194408139089"}))
    bad_code = {
        "personnummer": "194408139089",
        "period": {"from": "2024-01-01", "tom": "2024-01-01"},
        "formansinformation": ["FK:XYZ"],
    }
    assert list(validator.iter_errors(bad_code))
    dup = {**bad_code, "formansinformation": ["FK:SJP", "FK:SJP"]}
    assert list(validator.iter_errors(dup))


def test_our_additions_are_present_and_marked(ours: dict[str, Any]) -> None:
    params = ours["components"]["parameters"]
    anvandare = params["X-Lefi-Anvandare"]
    assert anvandare["in"] == "header" and anvandare["required"] is False and anvandare["x-lefi-addition"]
    maintenance = ours["components"]["responses"]["503-ServiceUnavailable"]
    assert maintenance["x-lefi-addition"] and "Retry-After" in maintenance["headers"]
    assert _media_schema(maintenance["content"]) == {"$ref": "#/components/schemas/LefiFelsvar"}
    for path, method, op in _operations(ours):
        assert "503" in op["responses"], f"{method} {path}"
        names = {_parameter(ours, p)["name"] for p in op["parameters"]}
        assert {"aktorsId", "X-Lefi-Anvandare"} <= names
    assert ours["components"]["x-lefi-mutual-tls"]["x-lefi-addition"]
    assert ours["info"]["title"] == "LEFI Online förmånsinformation v9 (lefi-contracts model)"
    # The request body stays open, as in the published contract.
    assert "additionalProperties" not in ours["components"]["schemas"]["LefiExternFormansinformationFraga"]


def test_fixed_dodsfallsdatum_pattern_matches_the_documented_formats(ours: dict[str, Any]) -> None:
    schema = ours["components"]["schemas"]["LefiPmFormanBeslutTillaggEfterlevandeformanerAvliden"]
    pattern = re.compile(schema["properties"]["dodsfallsdatum"]["pattern"])
    for ok in ("1950", "1950-02", "1950-02-28", "Datum saknas"):
        assert pattern.search(ok), ok
    for bad in ("1950-13", "1950-02-32", "x1950", "1950-02-28 Datum saknas", "19500228"):
        assert not pattern.search(bad), bad


def test_x_lefi_codes_name_real_properties(ours: dict[str, Any]) -> None:
    wrong = [
        f"{name}.{field}"
        for name, schema in ours["components"]["schemas"].items()
        for field in schema.get("x-lefi-codes", {})
        if field not in schema.get("properties", {})
    ]
    assert not wrong, wrong


def test_ours_covers_the_published_contract(published: dict[str, Any], ours: dict[str, Any]) -> None:
    gaps = coverage_gaps(published, ours)
    assert not gaps, (
        f"{len(gaps)} differences that break consumers of the published v9 contract:\n" + "\n".join(gaps)
    )
    # and the walk really visited everything: same schema names, same operations
    assert set(published["components"]["schemas"]) <= set(ours["components"]["schemas"])


def test_coverage_walk_reports_a_damaged_copy(ours: dict[str, Any]) -> None:
    """Damage a copy in memory: every kind of damage is reported by name (baseline: ours, so no shared/ needed)."""
    damaged = copy.deepcopy(ours)
    schemas = damaged["components"]["schemas"]
    del schemas["LefiSjukpenningBeslut"]["properties"]["karens"]
    schemas["LefiFkFormanGruppKod"]["enum"].remove("FK:FSJP")
    schemas["LefiBelopp"]["properties"]["summa"]["type"] = "string"
    schemas["LefiExternFormansinformationFraga"]["required"].append("formansinformation")
    del schemas["LefiPmLevnadsintyg"]
    del damaged["paths"][next(iter(damaged["paths"]))]["post"]["responses"]["403"]
    gaps = coverage_gaps(ours, damaged)
    expected = [
        "LefiSjukpenningBeslut.karens: property missing",
        "LefiFkFormanGruppKod: enum value 'FK:FSJP' missing",
        "LefiBelopp.summa: type 'string' instead of 'number'",
        "LefiExternFormansinformationFraga: formansinformation required by us but not by the published contract",
        "LefiPmLevnadsintyg: schema missing",
        "response 403 missing",
    ]
    for item in expected:
        assert any(item in g for g in gaps), f"{item!r} not reported; got:\n" + "\n".join(gaps)
    assert coverage_gaps(ours, ours) == []


def test_coverage_walk_reports_a_damaged_copy_of_the_published_contract(
    published: dict[str, Any], ours: dict[str, Any]
) -> None:
    damaged = copy.deepcopy(ours)
    damaged["components"]["schemas"]["LefiUtbetalningDetalj"]["properties"].pop("beloppstyp")
    damaged["components"]["schemas"]["LefiTillstandKod"]["enum"].remove("OTILLGANGLIG")
    gaps = coverage_gaps(published, damaged)
    assert "LefiUtbetalningDetalj.beloppstyp: property missing" in gaps
    assert "LefiTillstandKod: enum value 'OTILLGANGLIG' missing" in gaps
