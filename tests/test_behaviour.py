"""The scenario glue (phrases -> catalogue entries and queries) and the persona expectations of oracles/facts.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from lefi_contracts import behaviour
from lefi_contracts.errors import UsageError
from lefi_contracts.oracles import facts


def _uppgift() -> dict[str, Any]:
    rows = [
        {"forman": {"id": "SJP"}, "beloppstyp": {"id": "TDB"}, "bruttobelopp": {"summa": 1000.0}},
        {"forman": {"id": "SJP"}, "beloppstyp": {"id": "PS"}, "skattebelopp": {"summa": 300.0}},
    ]
    return {"formansfamilj": {"id": "DAG"}, "utbetalningsdetalj": rows}


def test_classification_and_beloppstyp() -> None:
    payments = [_uppgift()]
    assert facts.has_classification(payments, "DAG", "SJP")
    assert not facts.has_classification(payments, "SJP", "SJP")
    assert facts.beloppstyp_problems(payments, None) == []
    del payments[0]["utbetalningsdetalj"][0]["beloppstyp"]
    assert facts.beloppstyp_problems(payments, None) == ["1 of 2 details have no beloppstyp"]
    assert facts.beloppstyp_problems([], None) == ["no payment details delivered"]


def test_karens_is_found_by_its_day_in_payments_and_arenden() -> None:
    pay = {
        "utbetalningsdetalj": [
            {"period": {"fran": "2024-03-04", "till": "2024-03-04"}, "beloppstyp": {"id": "K"}}
        ]
    }
    data = {
        "formansinformation": {
            "utbetalningsuppgift": [pay],
            "sjukpenningarende": [{"beslut": [{"karens": True}]}],
        }
    }
    assert facts.karens_payments(data, "2024-03-04", "K") == [pay]
    assert facts.karens_payments(data, "2024-03-05", None) == []
    assert len(facts.karens_as_arende(data, "2024-03-04")) == 1


def test_pm_data_under_formansinformation_is_found() -> None:
    data = {
        "formansinformation": {
            "utbetalningsuppgift": [{"utbetalningsrader": [{"formansgrupp": {"kod": "PM:AP"}}]}]
        }
    }
    assert facts.pm_data_under_formansinformation(data)
    assert facts.pm_structure_problems(data) == [
        "no ansprak delivered",
        "no beslut delivered",
        "no utbetalningar delivered",
    ]


def test_request_phrases() -> None:
    spec = behaviour.parse_request(
        "formansinformation FK:SJP FK:FSJP and utbetalningar FK:SJP over two years and one day"
    )
    assert spec.groups == {"formansinformation": ["FK:SJP", "FK:FSJP"], "utbetalningar": ["FK:SJP"]}
    assert spec.over_two_years
    assert behaviour.parse_request("no group at all").groups == {}
    with pytest.raises(UsageError, match="cannot read the request"):
        behaviour.parse_request("sjukpenning please")


def test_a_narrow_period_phrase() -> None:
    person = {"personnummer": "197407021236", "period": {"from": "2024-01-01", "tom": "2024-12-31"}}
    spec = behaviour.parse_request("formansinformation FK:BOB over the first month of its period")
    query = behaviour.build_query(spec, person)
    assert spec.first_month and (query.period_from, query.period_tom) == (
        dt.date(2024, 1, 1),
        dt.date(2024, 1, 31),
    )


def test_personas_come_from_the_phrase_file() -> None:
    with pytest.raises(UsageError, match="no entry 'karensersattning'"):
        behaviour.persona({}, "karensersättning")
    with pytest.raises(UsageError, match="no catalogue name for the test person"):
        behaviour.persona({}, "somebody else")
    assert behaviour.actor({"municipality": {"aktorsId": "x"}}) == {"aktorsId": "x"}
