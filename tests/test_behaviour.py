"""The behaviour checks the scenarios (and the fuzzers) rely on: each finds what it must and passes what is right."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from lefi_contracts import behaviour
from lefi_contracts.errors import UsageError
from lefi_contracts.personnummer import make


def _belopp(summa: float) -> dict[str, Any]:
    return {"summa": summa, "valuta": "SEK"}


def _uppgift(netto_delta: float = 0.0) -> dict[str, Any]:
    rows = [
        {"forman": {"id": "SJP"}, "beloppstyp": {"id": "TDB"}, "bruttobelopp": _belopp(1000.0)},
        {"forman": {"id": "SJP"}, "beloppstyp": {"id": "PS"}, "skattebelopp": _belopp(300.0)},
        {"forman": {"id": "SJP"}, "beloppstyp": {"id": "KVI"}, "avdragsbelopp": _belopp(50.0)},
    ]
    return {
        "formansfamilj": {"id": "DAG"},
        "bruttobelopp": _belopp(1000.0),
        "skattebelopp": _belopp(300.0),
        "avdragsbelopp": _belopp(350.0),
        "nettobelopp": _belopp(650.0 + netto_delta),
        "utbetalningsdetalj": rows,
    }


def test_arithmetic_holds_and_a_wrong_netto_is_named() -> None:
    assert behaviour.uppgift_arithmetic(_uppgift()) == []
    problems = behaviour.uppgift_arithmetic(_uppgift(netto_delta=100.0))
    assert len(problems) == 1 and problems[0].startswith("nettobelopp is bruttobelopp minus avdragsbelopp")


def test_classification_and_beloppstyp() -> None:
    payments = [_uppgift()]
    assert behaviour.has_classification(payments, "DAG", "SJP")
    assert not behaviour.has_classification(payments, "SJP", "SJP")
    assert behaviour.details_without_beloppstyp(payments) == []
    del payments[0]["utbetalningsdetalj"][0]["beloppstyp"]
    assert len(behaviour.details_without_beloppstyp(payments)) == 1


def test_forebyggande_inside_sjukpenning_after_the_cutoff() -> None:
    fsjp = {"fattades": "2024-06-03", "ersattning": "FOREBYGGANDE_SJUKPENNING"}
    before = {"fattades": "2024-03-11", "ersattning": "FOREBYGGANDE_SJUKPENNING"}
    data = {
        "formansinformation": {"sjukpenningarende": [{"beslut": [fsjp, before, {"fattades": "2024-07-01"}]}]}
    }
    cutoff = dt.date(2024, 5, 19)
    assert behaviour.forebyggande_inside_sjukpenning(data, after=cutoff) == [fsjp]
    assert len(behaviour.forebyggande_inside_sjukpenning(data)) == 2


def test_pm_data_under_formansinformation_is_found() -> None:
    data = {
        "formansinformation": {
            "utbetalningsuppgift": [{"utbetalningsrader": [{"formansgrupp": {"kod": "PM:AP"}}]}]
        }
    }
    assert behaviour.pm_data_under_formansinformation(data)
    assert behaviour.pm_structure_problems(data) == [
        "no ansprak delivered",
        "no beslut delivered",
        "no utbetalningar delivered",
    ]


def test_identity_numbers_in_error_texts() -> None:
    pnr = make(dt.date(1979, 1, 26), 123)
    assert behaviour.identity_numbers_in("Perioden får vara högst två år.", [pnr]) == []
    assert "the personnummer of the query" in behaviour.identity_numbers_in(f"fel för {pnr[2:]}", [pnr])
    assert behaviour.identity_numbers_in("organisation 556036-0793") == ["an organisationsnummer"]


def test_request_phrases() -> None:
    spec = behaviour.parse_request(
        "formansinformation FK:SJP FK:FSJP and utbetalningar FK:SJP over two years and one day"
    )
    assert spec.groups == {"formansinformation": ["FK:SJP", "FK:FSJP"], "utbetalningar": ["FK:SJP"]}
    assert spec.over_two_years
    assert behaviour.parse_request("no group at all").groups == {}
    with pytest.raises(UsageError, match="cannot read the request"):
        behaviour.parse_request("sjukpenning please")


def test_an_unknown_persona_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="no entry 'karensersattning'"):
        behaviour.persona({}, "karensersättning")
