"""Our checks on hand-made exchanges: each one holds on a correct answer and reports the rule it guards."""

from __future__ import annotations

import json
from typing import Any

import pytest

from lefi_contracts.contracts import registry
from lefi_contracts.fuzz.checks import Exchange, invalid_reasons, run_checks
from lefi_contracts.personnummer import make

REG = registry()
PNR = make(__import__("datetime").date(1974, 7, 2), 123)


def _version(pred):
    return next(v for v in REG.served() if pred(v))


V_OLD = _version(lambda v: v.behaviour.forebyggande_sjukpenning.mode == "inside_sjukpenning")
V_NEW = _version(lambda v: v.behaviour.preliminara_utbetalningar == "harmonised" and v.transport == "soap")
V_REST = _version(lambda v: v.transport == "rest")

QUERY = {"aktorsId": "a1", "personnummer": PNR, "period": {"from": "2024-01-01", "tom": "2024-06-30"},
         "formansinformation": ["FK:SJP"]}  # fmt: skip


def _checks(ex: Exchange) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in run_checks(ex):
        out.setdefault(f.check, []).append(f.message)
    return out


def _answer(version, data: dict[str, Any], request: dict[str, Any] | None = None) -> Exchange:
    return Exchange(version, "hamtaFormansinformation", request or dict(QUERY), 200, b"{}", {}, data)


def _payment(
    netto: int = 700, skatt: int = 300, avdrag: int = 300, rows: tuple[int, ...] = (600, 400)
) -> dict:
    return {
        "bruttobelopp": {"summa": 1000, "valuta": "SEK"}, "skattebelopp": {"summa": skatt, "valuta": "SEK"},
        "avdragsbelopp": {"summa": avdrag, "valuta": "SEK"}, "nettobelopp": {"summa": netto, "valuta": "SEK"},
        "utbetalningsdetalj": [{"bruttobelopp": {"summa": r}, "beloppstyp": {"id": "TDB"}} for r in rows]
        + [{"skattebelopp": {"summa": skatt}, "beloppstyp": {"id": "PS"}}],
    }  # fmt: skip


def test_a_correct_answer_passes_every_check() -> None:
    data = {
        "utlamnare": [{"utlamnare": {"kod": "FK"}, "tillstand": {"kod": "OK"}}],
        "formansinformation": {"utbetalningsuppgift": [_payment()], "preliminarautbetalningar": [_payment()]},
    }
    asked = dict(QUERY, utbetalningar=["FK:SJP"], preliminaraUtbetalningar=["FK:SJP"])
    assert _checks(_answer(V_NEW, data, asked)) == {}


@pytest.mark.parametrize(
    ("payment", "fragment"),
    [
        (_payment(netto=650), "nettobelopp 650 != bruttobelopp 1000 - avdragsbelopp 300"),
        (_payment(avdrag=200, netto=800), "does not include skattebelopp"),
        (_payment(rows=(600, 300)), "bruttobelopp 1000 != the details' bruttobelopp 900"),
    ],
)
def test_payment_arithmetic(payment: dict, fragment: str) -> None:
    found = _checks(_answer(V_NEW, {"formansinformation": {"utbetalningsuppgift": [payment]}}))
    assert any(fragment in m for m in found["lefi_payment_arithmetic"])


def test_obehorig_group_with_data_is_reported() -> None:
    data = {
        "avvikelser": {
            "formansinformation": [{"avvikelse": {"kod": "OBEHORIG"}, "formansgrupp": {"kod": "FK:BOB"}}]
        },
        "formansinformation": {"bostadsbidragsarende": [{"startades": "2024-01-01"}]},
    }
    assert "FK:BOB is OBEHORIG" in _checks(_answer(V_NEW, data))["lefi_obehorig_no_data"][0]


def test_agency_not_ok_contributes_nothing() -> None:
    data = {
        "utlamnare": [{"utlamnare": {"kod": "FK"}, "tillstand": {"kod": "OTILLGANGLIG"}}],
        "formansinformation": {"sjukpenningarende": [{"startades": "2024-01-01"}]},
    }
    assert "FK is OTILLGANGLIG" in _checks(_answer(V_NEW, data))["lefi_agency_not_ok_no_data"][0]


def test_forebyggande_sjukpenning_after_cutoff_in_old_version() -> None:
    cutoff = V_OLD.behaviour.forebyggande_sjukpenning.until
    late = {"fattades": "2024-06-03", "ersattning": "FOREBYGGANDE_SJUKPENNING"}
    early = {"fattades": cutoff.isoformat(), "ersattning": "FOREBYGGANDE_SJUKPENNING"}
    data = {"formansinformation": {"sjukpenningarende": [{"beslut": [early, late]}]}}
    found = _checks(_answer(V_OLD, data))["lefi_version_invariants"]
    assert len(found) == 1 and "2024-06-03" in found[0]


def test_beloppstyp_rules_follow_the_registry() -> None:
    legacy_row = {"formansinformation": {"preliminarautbetalningar": [_payment(rows=(1000,))]}}
    assert "legacy" in _checks(_answer(V_OLD, legacy_row))["lefi_disclosure_no_later_structure"][0]
    bare = _payment(rows=(1000,))
    del bare["utbetalningsdetalj"][0]["beloppstyp"]
    found = _checks(_answer(V_NEW, {"formansinformation": {"preliminarautbetalningar": [bare]}}))
    assert "no beloppstyp" in found["lefi_version_invariants"][0]


def test_identity_number_in_error_body() -> None:
    body = json.dumps({"meddelande": f"Personnumret {PNR} är okänt", "timestamp": "2025-01-01T00:00:00Z"})
    ex = Exchange(V_REST, "hamta", dict(QUERY), 400, body.encode(), {}, None, "HTTP-400")
    assert _checks(ex)["lefi_no_identity_in_error"] == ["the personnummer of the query is in the error body"]
    org = json.dumps({"meddelande": "Aktören 556677-8899 saknar behörighet"}).encode()
    found = _checks(Exchange(V_REST, "hamta", {}, 403, org, {}, None, "HTTP-403"))
    assert "an organisationsnummer is in the error body" in found["lefi_no_identity_in_error"]


def test_invalid_request_accepted_and_valid_request_refused() -> None:
    bad = {**QUERY, "personnummer": PNR[:-1] + str((int(PNR[-1]) + 1) % 10)}
    assert invalid_reasons(bad, V_REST) == ["invalid personnummer"]
    assert "accepted" in _checks(_answer(V_REST, {}, bad))["lefi_invalid_request_rejected"][0]
    refused = Exchange(V_NEW, "hamta", dict(QUERY), 500, b"", {}, None, "FELAKTIGA_INDATA", "client")
    assert _checks(refused) == {
        "lefi_valid_request_not_refused": ["a valid query was refused as bad input (FELAKTIGA_INDATA)"]
    }


def test_later_version_codes_are_unknown_to_older_versions() -> None:
    later = sorted(set(V_NEW.behaviour.formansgrupper) - set(V_OLD.behaviour.formansgrupper))
    assert later, "the registry has groups added after the old version"
    reasons = invalid_reasons({**QUERY, "formansinformation": [later[0]]}, V_OLD)
    assert reasons == [f"unknown code(s) {later[0]}"]
    assert invalid_reasons({**QUERY, "formansinformation": [later[0]]}, V_NEW) == []


def test_server_fault_is_reported_but_maintenance_is_not() -> None:
    crash = Exchange(V_NEW, "hamta", dict(QUERY), 500, b"", {}, None, "INTERNT_FEL", "server")
    assert "lefi_no_server_error" in _checks(crash)
    assert _checks(Exchange(V_REST, "hamta", dict(QUERY), 503, b"", {}, None, "HTTP-503")) == {}
