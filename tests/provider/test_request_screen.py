"""The provider's request screen (request_check._screen) gives the contract's own verdict on every body.

The screen is the request body schema with its $refs inlined, checked with jsonschema like the contract's validator:
it only saves resolving references per request. These tests hold it to the contract's verdict on the served REST
versions' bodies and mutations of them, and on schemas that inlining must treat with care (recursion, a $ref's
siblings, a draft-4 id, references that fan out), where it has to agree or stand aside (None).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from provider_testkit import served

from lefi_contracts.provider import request_check
from lefi_contracts.provider.request_check import _screen, check_rest_body
from lefi_contracts.provider.rules import Rejected
from lefi_contracts.validation import contract_for
from lefi_contracts.validation.openapi import OpenApiContract

REST = [v for v in served() if v.transport == "rest"]
OPERATION = "hamtaFormansinformation"
VALID = {
    "personnummer": "194408139089",
    "period": {"from": "2024-01-01", "tom": "2024-12-31"},
    "formansinformation": ["FK:SJP", "FK:BOB"],
    "preliminaraUtbetalningar": ["FK:SJP"],
    "ovrigInformation": ["FK:GEPI"],
}
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(
        ["", "FK:SJP", "FK:XX", "PM:AP", "2024-02-30", "2024-02-29", "19440813908", "194408139089"]
    )
    | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)
KEYS = [*VALID, "from", "tom", "ansprak", "beslut", "utbetalningar", "extra"]


@st.composite
def mutated_bodies(draw: st.DrawFn) -> Any:
    """A valid query with a few values replaced, keys dropped or added, at the top or inside period and lists."""
    body: Any = copy.deepcopy(VALID)
    for _ in range(draw(st.integers(0, 3))):
        target = body if draw(st.booleans()) or not isinstance(body.get("period"), dict) else body["period"]
        action = draw(st.sampled_from(["set", "drop", "item"]))
        key = draw(st.sampled_from(KEYS))
        if action == "drop":
            target.pop(key, None)
        elif action == "item" and isinstance(target.get(key), list):
            target[key].append(draw(json_values))
        else:
            target[key] = draw(json_values)
    return body if draw(st.integers(0, 20)) else draw(json_values)  # now and then not an object at all


def _contract_verdict(contract: Any, body: Any) -> bool:
    return not contract.validate_request(body, operation=OPERATION)


@pytest.mark.parametrize("v", REST, ids=lambda v: f"v{v.number}")
def test_served_rest_versions_have_a_screen(v: Any) -> None:
    contract = contract_for(v)
    screen = _screen(contract, OPERATION)
    assert screen is not None
    assert "$ref" not in repr({k: val for k, val in screen.schema.items() if k != "components"})
    assert screen.is_valid(VALID) and _contract_verdict(contract, VALID)


@pytest.mark.parametrize("v", REST, ids=lambda v: f"v{v.number}")
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=mutated_bodies())
def test_screen_agrees_with_the_contract(v: Any, body: Any) -> None:
    contract = contract_for(v)
    screen = _screen(contract, OPERATION)
    assert screen is not None
    assert screen.is_valid(body) == _contract_verdict(contract, body), body


@pytest.mark.parametrize("v", REST, ids=lambda v: f"v{v.number}")
def test_a_refused_body_is_named_by_the_contract(v: Any) -> None:
    with pytest.raises(Rejected) as caught:
        check_rest_body(v, OPERATION, dict(VALID, period={"from": "2024-02-30", "tom": "2024-12-31"}))
    assert caught.value.status == 400 and "/period/from" in caught.value.meddelande


def _contract(schema: dict[str, Any], schemas: dict[str, Any]) -> OpenApiContract:
    body = {"content": {"application/json": {"schema": schema}}}
    op = {"operationId": OPERATION, "requestBody": body, "responses": {"200": {"description": "ok"}}}
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/q": {"post": op}},
        "components": {"schemas": schemas},
    }
    return OpenApiContract(doc)


NODE = {
    "type": "object",
    "properties": {"name": {"type": "string", "maxLength": 3}, "next": {"$ref": "#/components/schemas/Node"}},
}


@pytest.mark.parametrize(
    ("schema", "schemas", "bodies"),
    [
        pytest.param(  # a recursive type stays a reference into the components
            {"$ref": "#/components/schemas/Node"},
            {"Node": NODE},
            [{"name": "ab", "next": {"name": "abc", "next": {"name": "abcd"}}}, {"next": {"next": {}}}],
            id="recursive",
        ),
        pytest.param(  # draft 4: a $ref's siblings do not count
            {"type": "object", "properties": {"n": {"$ref": "#/components/schemas/Small", "maximum": 1}}},
            {"Small": {"type": "integer", "maximum": 5}},
            [{"n": 3}, {"n": 6}, {"n": "3"}],
            id="ref-siblings",
        ),
        pytest.param(  # nullable through to_json_schema, a reference inside items and a pointer into a property
            {
                "type": "array",
                "items": {"$ref": "#/components/schemas/Pair/properties/left"},
                "uniqueItems": True,
            },
            {"Pair": {"type": "object", "properties": {"left": {"type": "integer", "nullable": True}}}},
            [[1, None], [1, 1], [1, True], ["1"]],
            id="pointer-items",
        ),
    ],
)
def test_inlined_screen_agrees_on_tricky_schemas(
    schema: dict[str, Any], schemas: dict[str, Any], bodies: list[Any]
) -> None:
    contract = _contract(schema, schemas)
    screen = _screen(contract, OPERATION)
    assert screen is not None
    for body in bodies:
        assert screen.is_valid(body) == _contract_verdict(contract, body), body


def test_screen_stands_aside_where_inlining_is_not_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    with_id = _contract({"$ref": "#/components/schemas/A"}, {"A": {"id": "other.json", "type": "object"}})
    assert _screen(with_id, OPERATION) is None
    chain: dict[str, Any] = {
        f"S{i}": {"allOf": [{"$ref": f"#/components/schemas/S{i + 1}"}] * 2} for i in range(14)
    }
    chain["S14"] = {"type": "string"}
    monkeypatch.setattr(request_check, "_MAX_INLINED_NODES", 10_000)
    fanned_out = _contract({"$ref": "#/components/schemas/S0"}, chain)  # 2**14 paths if inlined
    assert _screen(fanned_out, OPERATION) is None
    assert _contract_verdict(fanned_out, "x") and not _contract_verdict(fanned_out, 1)


def test_screen_stands_aside_for_a_recursive_reference_outside_the_components() -> None:
    looped = _contract({"type": "object", "properties": {"self": {"$ref": "#"}}}, {})
    assert _screen(looped, OPERATION) is None
    assert _contract_verdict(looped, {"self": {"self": {}}}) and not _contract_verdict(looped, {"self": 1})
