"""The oracle: one implementation per rule, the decided disagreements, the disclosure rules on hand-made answers,
and docs/rules.md in step with the registry."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from lefi_contracts import oracles
from lefi_contracts.contracts import registry
from lefi_contracts.fuzz.checks import CHECKS, run_checks
from lefi_contracts.oracles import RULES, Exchange, check
from lefi_contracts.oracles.answer import is_forebyggande
from lefi_contracts.oracles.docs import rules_markdown
from lefi_contracts.oracles.facts import forebyggande
from lefi_contracts.personnummer import make
from lefi_contracts.provider import list_faults

ROOT = Path(__file__).resolve().parents[1]
REG = registry()
V = {v.number: v for v in REG.served()}
PNR = make(dt.date(1974, 7, 2), 123)
OTHER = make(dt.date(1951, 3, 4), 417)
QUERY = {"aktorsId": "a1", "personnummer": PNR, "period": {"from": "2024-01-01", "tom": "2024-06-30"}}


def ex(version: str, data: dict[str, Any], **request: Any) -> Exchange:
    return Exchange(V[version], "hamtaFormansinformation", {**QUERY, **request}, 200, b"{}", {}, data)


def _defs(paths: list[Path]) -> dict[str, list[str]]:
    """Function name -> the files that define it (module level or in a class)."""
    found: dict[str, list[str]] = {}
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                found.setdefault(node.name, []).append(str(path.relative_to(ROOT)))
    return found


CHECKING_SIDE = [
    p
    for p in [*ROOT.glob("src/lefi_contracts/**/*.py"), *ROOT.glob("steps/*.py")]
    if "provider" not in p.parts
]


def test_every_rule_has_exactly_one_implementation_and_its_phases_call_it() -> None:
    defs = _defs(CHECKING_SIDE)
    steps = (ROOT / "steps" / "test_scenarios.py").read_text(encoding="utf-8")
    decorated = "".join(p.read_text(encoding="utf-8") for p in ROOT.glob("src/lefi_contracts/**/*.py"))
    assert len(RULES) >= 13
    for item in RULES:
        function = item.function
        assert function.__module__.startswith("lefi_contracts.oracles."), item.name
        assert defs[function.__name__] == [defs[function.__name__][0]], (item.name, defs[function.__name__])
        registered = re.findall(rf'@rule\(\s*"{re.escape(item.name)}"', decorated)
        assert len(registered) == 1, f"{item.name} is registered {len(registered)} times"
        assert ("scenarios" in item.phases) == (f'"{item.name}"' in steps), f"{item.name}: scenario call site"
        assert ("fuzzing" in item.phases) == (item.name in CHECKS), f"{item.name}: fuzzing call site"
    # the copies the oracle replaced are gone from the checking side
    for old in (
        "_is_fsjp",
        "uppgift_arithmetic",
        "_payment_errors",
        "_plus_years",
        "_add_years",
        "identity_numbers",
    ):
        assert old not in defs, (old, defs.get(old))
    assert "AMOUNT_TOLERANCE" not in "".join(p.read_text(encoding="utf-8") for p in CHECKING_SIDE)


def test_one_add_years_in_the_whole_project() -> None:
    defs = _defs(list(ROOT.glob("src/lefi_contracts/**/*.py")))
    years = {
        name: files for name, files in defs.items() if "years" in name and ("add" in name or "plus" in name)
    }
    assert years == {"add_years": ["src/lefi_contracts/calendar.py"]}


def test_every_fault_a_rule_names_exists() -> None:
    known = {f.name for f in list_faults()}
    for item in RULES:
        assert item.broken_by and set(item.broken_by) <= known, item.name


def test_docs_rules_md_is_generated_from_the_registry() -> None:
    doc = ROOT / "docs" / "rules.md"
    assert doc.read_text(encoding="utf-8") == rules_markdown(), (
        "regenerate: python -m lefi_contracts.oracles.docs > docs/rules.md"
    )


# -- the disagreements, decided once ----------------------------------------------------------------------------
def _uppgift(netto_delta: str = "0") -> dict[str, Any]:
    from decimal import Decimal

    return {
        "bruttobelopp": {"summa": 1000.0}, "skattebelopp": {"summa": 300.0}, "avdragsbelopp": {"summa": 350.0},
        "nettobelopp": {"summa": float(Decimal("650") + Decimal(netto_delta))},
        "utbetalningsdetalj": [
            {"bruttobelopp": {"summa": 1000.0}}, {"skattebelopp": {"summa": 300.0}}, {"avdragsbelopp": {"summa": 50.0}}
        ],
    }  # fmt: skip


@pytest.mark.parametrize("delta", ["0.004", "-0.004", "0.01", "100"])
def test_a_netto_off_by_any_amount_fails_the_scenarios_and_fuzzing_alike(delta: str) -> None:
    exchange = ex(
        "9", {"formansinformation": {"utbetalningsuppgift": [_uppgift(delta)]}}, utbetalningar=["FK:SJP"]
    )
    scenario = check("lefi_payment_arithmetic", exchange)  # what the Then-step asserts
    fuzz = [f.message for f in run_checks(exchange) if f.check == "lefi_payment_arithmetic"]
    assert scenario and scenario == fuzz and "nettobelopp" in scenario[0]


def test_exact_amounts_hold_without_a_tolerance() -> None:
    exchange = ex(
        "9", {"formansinformation": {"utbetalningsuppgift": [_uppgift()]}}, utbetalningar=["FK:SJP"]
    )
    assert check("lefi_payment_arithmetic", exchange) == []
    odd = _uppgift()
    odd["bruttobelopp"] = {"summa": 1000.1}
    odd["nettobelopp"] = {"summa": 650.1}  # 1000.1 - 350 in binary floating point is 650.1000000000001
    odd["utbetalningsdetalj"][0]["bruttobelopp"] = {"summa": 1000.1}
    assert (
        check("lefi_payment_arithmetic", ex("9", {"formansinformation": {"utbetalningsuppgift": [odd]}}))
        == []
    )


FSJP_CRITERIA = [
    {"ersattning": "FOREBYGGANDE_SJUKPENNING"},
    {"ersattning": "FOREBYGGANDE_SJUKPENNING_SF"},
    {"forman": {"id": "FSJP", "beskrivning": "x"}},
    {"delforman": {"id": "FSJP", "beskrivning": "x"}},
    {"formansgrupp": {"kod": "FK:FSJP", "beskrivning": "x"}},
    {"beloppstyp": {"id": "FSJP", "beskrivning": "x"}},
    {"forman": {"id": "X", "beskrivning": "Förebyggande sjukpenning"}},
]


@pytest.mark.parametrize("criterion", FSJP_CRITERIA, ids=lambda c: next(iter(c)))
def test_forebyggande_by_every_criterion_in_scenarios_and_fuzzing_alike(criterion: dict[str, Any]) -> None:
    late = {"fattades": "2024-06-03", "period": {"fran": "2024-06-03", "till": "2024-06-30"}, **criterion}
    data = {"formansinformation": {"sjukpenningarende": [{"startades": "2024-06-01", "beslut": [late]}]}}
    assert is_forebyggande(late)
    cutoff = V["5"].behaviour.forebyggande_sjukpenning.until
    assert forebyggande(data, own_set=False, after=cutoff) == [late]  # the scenario's view
    fuzz = run_checks(ex("5", data, formansinformation=["FK:SJP"]))
    assert "lefi_version_invariants" in {f.check for f in fuzz}  # the fuzzer's view


def test_plain_sjukpenning_is_not_forebyggande() -> None:
    plain = {
        "fattades": "2024-06-03",
        "ersattning": "SJUKPENNING_UNDER_REDARSKYDDAD_TID",
        "forman": {"id": "SJP"},
    }
    data = {"formansinformation": {"sjukpenningarende": [{"startades": "2024-06-01", "beslut": [plain]}]}}
    assert not is_forebyggande(plain) and forebyggande(data, own_set=False) == []
    assert run_checks(ex("5", data, formansinformation=["FK:SJP"])) == []
    own = {"formansinformation": {"forebyggandeSjukpenningsarende": [{"beslut": [plain]}]}}
    assert forebyggande(own, own_set=True) == [plain]  # everything in the own set is förebyggande


# -- the disclosure rules on hand-made answers ---------------------------------------------------------------
def _arende(fran: str, till: str | None, fattades: str) -> dict[str, Any]:
    period = {"fran": fran} if till is None else {"fran": fran, "till": till}
    return {"startades": fran, "beslut": [{"fattades": fattades, "period": period}]}


@pytest.mark.parametrize(
    ("arende", "outside"),
    [
        (_arende("2024-02-01", "2024-02-28", "2024-03-01"), False),
        (_arende("2023-06-01", "2023-07-31", "2024-01-15"), False),  # decided inside: by one reading it is in
        (_arende("2023-06-01", None, "2023-06-10"), False),  # an open period reaches into the asked one
        (_arende("2023-06-01", "2023-07-31", "2023-08-01"), True),
        (_arende("2024-07", "2024-08", "2024-07"), True),  # month granularity: July lies after June
        (_arende("2024-06", "2024-06", "2024-06"), False),
    ],
)
def test_within_period_by_every_date_of_an_item(arende: dict[str, Any], outside: bool) -> None:
    exchange = ex(
        "9", {"formansinformation": {"bostadsbidragsarende": [arende]}}, formansinformation=["FK:BOB"]
    )
    assert bool(check("lefi_disclosure_within_period", exchange)) == outside


def test_within_period_for_payments_and_pm() -> None:
    pay = {"datum": "2025-01-25", "period": {"fran": "2025-01-01", "till": "2025-01-31"}}
    pm = {
        "utbetalningsdatum": "2023-01-19",
        "utbetalningsperiod": {"from": "2023-01-01", "tom": "2023-01-31"},
    }
    ansprak = {
        "ankomstdatum": "2023-01-01",
        "yrkadPeriod": {"from": "2023-02-01"},
        "formansgrupp": {"kod": "PM:AP"},
    }
    data = {"formansinformation": {"utbetalningsuppgift": [pay]}, "utbetalningar": [pm], "ansprak": [ansprak]}
    found = check("lefi_disclosure_within_period", ex("9", data))
    assert [f.split(" ")[0] for f in found] == [
        "formansinformation/utbetalningsuppgift[1]",
        "utbetalningar[1]",
    ]


def test_only_asked_groups() -> None:
    data = {"formansinformation": {"bostadsbidragsarende": [{"startades": "2024-02-01"}]}}
    assert check("lefi_disclosure_only_asked_groups", ex("9", data, formansinformation=["FK:BOB"])) == []
    found = check("lefi_disclosure_only_asked_groups", ex("9", data, formansinformation=["FK:SJP"]))
    assert found and "FK:BOB" in found[0]
    pay = {"formansinformation": {"utbetalningsuppgift": [{"datum": "2024-02-01"}]}}
    assert check("lefi_disclosure_only_asked_groups", ex("9", pay, formansinformation=["FK:SJP"]))
    pm = {"ansprak": [{"formansgrupp": {"kod": "PM:AP"}}]}
    assert check("lefi_disclosure_only_asked_groups", ex("9", pm, ansprak=["PM:AP"])) == []
    assert check("lefi_disclosure_only_asked_groups", ex("9", pm, beslut=["PM:AP"]))


def test_person_asked() -> None:
    mine = {"formansinformation": {"generellPersoninformation": [{"personnummer": PNR}]}}
    assert check("lefi_disclosure_person_asked", ex("9", mine, ovrigInformation=["FK:GEPI"])) == []
    other = {"utlamnare": [{"tillstand": {"kod": "OK", "beskrivning": f"även {OTHER[2:8]}-{OTHER[8:]}"}}]}
    assert check("lefi_disclosure_person_asked", ex("9", other))
    not_a_person = {"formansinformation": {"skatteuppgift": [{"skatteredovisningsnummer": f"DE{OTHER[2:]}"}]}}
    assert check("lefi_disclosure_person_asked", ex("9", not_a_person)) == []


def test_no_later_structure() -> None:
    own_set = {"formansinformation": {"forebyggandeSjukpenningsarende": [{"startades": "2024-06-01"}]}}
    assert check("lefi_disclosure_no_later_structure", ex("5", own_set))
    assert check("lefi_disclosure_no_later_structure", ex("8", own_set)) == []
    code = {
        "avvikelser": {
            "formansinformation": [{"avvikelse": {"kod": "OBEHORIG"}, "formansgrupp": {"kod": "FK:BTI"}}]
        }
    }
    assert check("lefi_disclosure_no_later_structure", ex("8", code))
    assert (
        check("lefi_disclosure_no_later_structure", ex("9", code)) == []
    )  # nothing is later than the newest
    pm = {"ansprak": [{"ansprakid": "A-1"}]}
    assert check("lefi_disclosure_no_later_structure", ex("8", pm))


def test_exchange_of_a_client_answer() -> None:
    from lefi_contracts.client import Query

    query = Query(
        PNR, dt.date(2024, 1, 1), dt.date(2024, 6, 30), formansinformation=["FK:SJP"], aktors_id="a1"
    )

    class Answer:
        http_status, raw, data, fault, headers, operation = 200, b"{}", {"utlamnare": []}, None, {}, "hamta"

    found = oracles.exchange_of(Answer(), query, V["9"])
    assert found.request["formansinformation"] == ["FK:SJP"] and found.request["aktorsId"] == "a1"
    assert not found.is_error and found.data == {"utlamnare": []}


def test_unreadable_code_lists_are_a_finding_not_a_weaker_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """No fallback quietly weakens a rule: without its code lists a rule cannot run, and says so."""
    from lefi_contracts.errors import ContractError
    from lefi_contracts.oracles import disclosure, requests

    def broken(*_: Any, **__: Any) -> Any:
        raise ContractError("contracts/codes/formansgrupper.yaml: unreadable")

    monkeypatch.setattr(disclosure, "load_codes", broken)
    monkeypatch.setattr(requests, "load_codes", broken)
    disclosure._keys.cache_clear()
    requests.ovrig_codes.cache_clear()
    try:
        data = {"formansinformation": {"bostadsbidragsarende": [{"startades": "2024-02-01"}]}}
        found = {f.check: f.message for f in run_checks(ex("9", data, formansinformation=["FK:BOB"]))}
        assert found["lefi_obehorig_no_data"] == "check could not read the answer: ContractError"
        assert found["lefi_invalid_request_rejected"] == "check could not read the answer: ContractError"
    finally:
        disclosure._keys.cache_clear()
        requests.ovrig_codes.cache_clear()
