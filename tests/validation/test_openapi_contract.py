"""OpenApiContract on a small fixture: schema chosen by operation + status + media type; readable paths."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lefi_contracts.errors import ContractError, UsageError
from lefi_contracts.validation import OpenApiContract

FIX = Path(__file__).parent / "fixtures"
OP = "hamtaFormansinformation"
JSON = "application/json"


@pytest.fixture(scope="module")
def contract() -> OpenApiContract:
    return OpenApiContract(FIX / "mini-openapi.yaml", version="mini")


def body(**over: object) -> bytes:
    doc = {
        "utlamnare": [{"kod": "FK", "tillstand": "OK"}],
        "formansinformation": {
            "sjukpenningarende": [
                {
                    "startades": "2024-02-26",
                    "anteckning": None,
                    "beslut": [{"period": {"fran": "2024-03-01"}}, {"dagar": 3}],
                }
            ]
        },
    }
    doc.update(over)
    return json.dumps(doc).encode()


def rules(found: list) -> list[tuple[str, str]]:
    return [(v.rule, v.path) for v in found]


def test_valid_response_passes_with_nullable(contract: OpenApiContract) -> None:
    assert contract.validate_response(body(), operation=OP, status=200, content_type=JSON) == []
    felsvar = b'{"meddelande": "Felaktiga indata", "timestamp": "2025-03-17T08:00:00Z"}'
    assert (
        contract.validate_response(
            felsvar, operation=OP, status=400, content_type="application/json; charset=utf-8"
        )
        == []
    )


def test_missing_required_property_path(contract: OpenApiContract) -> None:
    doc = json.loads(body())
    doc["formansinformation"]["sjukpenningarende"][0]["beslut"][1]["period"] = {"till": "2024-03-31"}
    [v] = contract.validate_response(json.dumps(doc).encode(), operation=OP, status=200, content_type=JSON)
    assert (
        str(v)
        == "/formansinformation/sjukpenningarende[1]/beslut[2]/period: missing required property 'fran'"
    )
    assert v.rule == "openapi:required"


def test_type_enum_format_and_additional(contract: OpenApiContract) -> None:
    doc = json.loads(body(extra=1))
    doc["utlamnare"][0]["tillstand"] = "KANSKE"
    doc["formansinformation"]["sjukpenningarende"][0]["startades"] = "2024-02-30"
    doc["formansinformation"]["sjukpenningarende"][0]["beslut"][1]["dagar"] = "3"
    found = contract.validate_response(doc, operation=OP, status=200, content_type=JSON)
    assert sorted(rules(found)) == sorted(
        [
            ("openapi:additional-property", "/"),
            ("openapi:enum", "/utlamnare[1]/tillstand"),
            ("openapi:format", "/formansinformation/sjukpenningarende[1]/startades"),
            ("openapi:type", "/formansinformation/sjukpenningarende[1]/beslut[2]/dagar"),
        ]
    )


def test_status_media_type_and_headers(contract: OpenApiContract) -> None:
    assert rules(contract.validate_response(body(), operation=OP, status=418, content_type=JSON)) == [
        ("openapi:status", "/")
    ]
    assert rules(contract.validate_response(body(), operation=OP, status=200, content_type="text/html")) == [
        ("openapi:content-type", "/")
    ]
    assert rules(contract.validate_response(body(), operation=OP, status=200, content_type=None)) == [
        ("openapi:content-type", "/")
    ]
    assert rules(contract.validate_response(b'{"a": ', operation=OP, status=200, content_type=JSON)) == [
        ("json:malformed", "/")
    ]
    felsvar = b'{"meddelande": "Underh\xc3\xa5ll"}'
    assert rules(
        contract.validate_response(felsvar, operation=OP, status=503, content_type=JSON, headers={})
    ) == [("openapi:header", "/")]
    ok = contract.validate_response(
        felsvar, operation=OP, status=503, content_type=JSON, headers={"Retry-After": "120"}
    )
    assert ok == []


def test_request_and_document(contract: OpenApiContract) -> None:
    good = {
        "personnummer": "191212121212",
        "period": {"from": "2024-01-01", "tom": "2024-12-31"},
        "formansinformation": ["FK:SJP"],
    }
    assert contract.validate_request(json.dumps(good).encode(), operation=OP) == []
    bad = {"personnummer": "19121212-1212", "period": {"from": "2024-01-01"}, "formansinformation": ["FK:XX"]}
    found = contract.validate_request(bad, operation=OP)
    assert sorted(rules(found)) == [
        ("openapi:enum", "/formansinformation[1]"),
        ("openapi:pattern", "/personnummer"),
        ("openapi:required", "/period"),
    ]
    assert all("1212-1212" not in v.message for v in found)  # a violation never shows a personnummer
    assert contract.validate_document({"from": "2024-01-01", "tom": "2024-01-02"}, element="Period") == []
    assert rules(contract.validate_document(b"{}", element="Period")) == [
        ("openapi:required", "/"),
        ("openapi:required", "/"),
    ]


def test_operations_and_lookup(contract: OpenApiContract) -> None:
    assert {o.name for o in contract.operations()} == {OP, "hamtaTillgangligaInformationstyper"}
    assert contract.operation_for("POST", "/base/v9/aktorer/abc-1/formansinformation/fraga") == OP
    assert (
        contract.operation_for("GET", "/base/v9/aktorer/abc-1/tillgangligaInformationstyper")
        == "hamtaTillgangligaInformationstyper"
    )
    assert contract.operation_for("GET", "/base/v9/aktorer/abc-1/formansinformation/fraga") is None
    with pytest.raises(UsageError, match="unknown operation"):
        contract.validate_response(body(), operation="nope", status=200, content_type=JSON)


@pytest.mark.parametrize("name", ["broken-openapi.yaml", "not-openapi.yaml", "missing.yaml"])
def test_malformed_openapi_is_a_one_line_contract_error(name: str) -> None:
    with pytest.raises(ContractError) as exc:
        OpenApiContract(FIX / name)
    assert "\n" not in str(exc.value) and name in str(exc.value)
