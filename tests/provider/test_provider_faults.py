"""Each named fault is visible in the provider's answers, and the same probe on a clean provider holds the rule.

One provider per fault (a start on the shared database takes about 0.1 s). Each probe returns True when the rule
holds; the test asserts it holds on the clean provider and is broken with the fault switched on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from provider_testkit import CLEAN_NOW, Answer, hamta

from lefi_contracts.contracts import VersionInfo, registry
from lefi_contracts.errors import UsageError
from lefi_contracts.oracles import Exchange, check
from lefi_contracts.provider import ProviderConfig, list_faults, running_provider
from lefi_contracts.provider.faults import affects

Probe = Callable[[httpx.Client, dict[str, Any], VersionInfo], bool]
PERIOD = {"from": "2024-01-01", "tom": "2024-12-31"}


def q(
    http: httpx.Client,
    cat: dict[str, Any],
    v: VersionInfo,
    persona: str,
    actor: str = "municipality",
    period: dict[str, str] | None = None,
    anvandare: str | None = None,
    pnr: str | None = None,
    **lists: list[str],
) -> Answer:
    p = cat.get(persona, {})
    return hamta(
        http,
        v,
        cat[actor]["aktorsId"],
        pnr or p["personnummer"],
        period or p.get("period", PERIOD),
        anvandare,
        **lists,
    )


def beslut(answer: Answer, key: str) -> list[dict[str, Any]]:
    return [b for a in answer.fi.get(key, []) for b in a.get("beslut", [])]


def ok_and_valid(answer: Answer) -> bool:
    return answer.status == 200 and answer.schema_errors == []


def set_clock(http: httpx.Client, now: str | None) -> None:
    assert http.post("/_lefi/clock", json={"now": now}).status_code == 200


PROBES: dict[str, Probe] = {
    "fsjp-leaks-into-old-versions": lambda h, c, v: all(
        b["fattades"] <= "2024-05-19"
        for b in beslut(
            q(h, c, v, "forebyggande-sjukpenning-after-cutoff", formansinformation=["FK:SJP"]),
            "sjukpenningarende",
        )
    ),
    "fsjp-own-set-missing": lambda h, c, v: bool(
        q(h, c, v, "forebyggande-sjukpenning-after-cutoff", formansinformation=["FK:FSJP"]).fi.get(
            "forebyggandeSjukpenningsarende"
        )
    ),
    "beloppstyp-missing": lambda h, c, v: all(
        "beloppstyp" in d
        for up in q(h, c, v, "preliminara-dagersattning-sjukpenning", preliminaraUtbetalningar=["FK:SJP"]).fi[
            "preliminarautbetalningar"
        ]
        for d in up["utbetalningsdetalj"]
    ),
    "harmonised-leaks-into-old-versions": lambda h, c, v: (
        ok_and_valid(
            a := q(h, c, v, "preliminara-dagersattning-sjukpenning", preliminaraUtbetalningar=["FK:SJP"])
        )
        and "beloppstyp" not in a.text
    ),
    "bostadsbidrag-beloppsperiod-dropped": lambda h, c, v: (
        len(
            beslut(
                q(h, c, v, "bostadsbidrag-flera-beloppsperioder", formansinformation=["FK:BOB"]),
                "bostadsbidragsarende",
            )
        )
        == c["bostadsbidrag-flera-beloppsperioder"]["beloppsperioder"]
    ),
    "duplicate-arenden-merged": lambda h, c, v: (
        len(
            q(h, c, v, "flera-sjukpenningarenden-samma-anmalningsdatum", formansinformation=["FK:SJP"]).fi[
                "sjukpenningarende"
            ]
        )
        == c["flera-sjukpenningarenden-samma-anmalningsdatum"]["arenden"]
    ),
    "karens-as-arende": lambda h, c, v: (
        "sjukpenningarende" not in q(h, c, v, "karensersattning", formansinformation=["FK:SJP"]).fi
    ),
    "pm-in-fk-model": lambda h, c, v: (
        ok_and_valid(a := q(h, c, v, "pensionsmyndigheten-allman-pension", utbetalningar=["PM:AP"]))
        and "utbetalningsuppgift" not in a.fi
        and bool(a.data.get("utbetalningar"))
    ),
    "period-over-two-years-accepted": lambda h, c, v: (
        q(
            h,
            c,
            v,
            "effected-payments",
            period={"from": "2021-01-01", "tom": "2024-01-01"},
            formansinformation=["FK:SJP"],
        ).status
        != 200
    ),
    "no-group-accepted": lambda h, c, v: q(h, c, v, "effected-payments").status != 200,
    "unknown-actor-accepted": lambda h, c, v: (
        q(h, c, v, "effected-payments", actor="unknown-actor", formansinformation=["FK:SJP"]).status != 200
    ),
    "obehorig-delivered": lambda h, c, v: (
        "bostadsbidragsarende"
        not in q(
            h,
            c,
            v,
            "bostadsbidrag-flera-beloppsperioder",
            actor="actor-without-FK:BOB",
            formansinformation=["FK:BOB"],
        ).fi
    ),
    "personnummer-in-error": lambda h, c, v: (
        c["effected-payments"]["personnummer"]
        not in q(
            h,
            c,
            v,
            "effected-payments",
            period={"from": "2021-01-01", "tom": "2024-01-01"},
            formansinformation=["FK:SJP"],
        ).text
    ),
    "wrong-namespace": lambda h, c, v: (
        q(h, c, v, "effected-payments", formansinformation=["FK:SJP"]).element_ns == v.namespace
    ),
    "required-element-missing": lambda h, c, v: bool(
        (q(h, c, v, "effected-payments", formansinformation=["FK:SJP"]).data or {}).get("utlamnare")
    ),
    "maintenance-ignored": lambda h, c, v: _at(
        h,
        "2025-03-17T10:00:00+01:00",
        lambda: q(h, c, v, "effected-payments", formansinformation=["FK:SJP"]).status == 503,
    ),
    "expired-user-accepted": lambda h, c, v: not _user_answered(h, c, v, "expired-user-3-years"),
    "behorighet-three-years": lambda h, c, v: not _user_answered(h, c, v, "expired-user-2-years"),
    "fsjp-dropped-before-cutoff": lambda h, c, v: any(
        b["fattades"] == c["forebyggande-sjukpenning-before-cutoff"]["fattades"]
        for b in beslut(
            q(h, c, v, "forebyggande-sjukpenning-before-cutoff", formansinformation=["FK:SJP"]),
            "sjukpenningarende",
        )
    ),
    "old-grants-two-years": lambda h, c, v: _user_answered(h, c, v, "old-grant-within-3-years"),
    "unknown-version-answered": lambda h, c, v: (
        h.post(
            v.base_path.rsplit("/v", 1)[0]
            + "/v99"
            + ("/soap" if v.transport == "soap" else "/aktorer/x/formansinformation/fraga"),
            content=b"{}",
        ).status_code
        == 404
    ),
    "netto-mismatch": lambda h, c, v: all(
        abs(u["nettobelopp"]["summa"] - (u["bruttobelopp"]["summa"] - u["avdragsbelopp"]["summa"])) < 0.005
        for u in q(h, c, v, "effected-payments", utbetalningar=["FK:SJP"]).fi["utbetalningsuppgift"]
    ),
    "agency-down-delivers-data": lambda h, c, v: _agency_down(
        h, lambda: not q(h, c, v, "effected-payments", formansinformation=["FK:SJP"]).fi
    ),
    "invalid-personnummer-accepted": lambda h, c, v: (
        q(
            h,
            c,
            v,
            "effected-payments",
            formansinformation=["FK:SJP"],
            pnr=c["effected-payments"]["personnummer"][:-1]
            + str((int(c["effected-payments"]["personnummer"][-1]) + 1) % 10),
        ).status
        != 200
    ),
    "server-error-on-rare-input": lambda h, c, v: (
        q(
            h,
            c,
            v,
            "effected-payments",
            period={"from": "2024-02-29", "tom": "2024-02-29"},
            formansinformation=["FK:SJP"],
        ).status
        == 200
    ),
    "schema-violation-on-rare-branch": lambda h, c, v: (
        ok_and_valid(a := q(h, c, v, "studiemedel", ovrigInformation=["FK:STAV"]))
        and bool(a.fi.get("studiemedelsavisering"))
    ),
    "obehorig-data-delivered": lambda h, c, v: (
        "bostadsbidragsarende"
        not in q(
            h,
            c,
            v,
            "bostadsbidrag-flera-beloppsperioder",
            actor="actor-without-FK:BOB",
            formansinformation=["FK:BOB"],
        ).fi
    ),
    "ten-digit-personnummer-refused": lambda h, c, v: (
        q(
            h,
            c,
            v,
            "effected-payments",
            pnr=c["effected-payments"]["personnummer"][2:],
            formansinformation=["FK:SJP"],
        ).status
        == 200
    ),
    "served-contract-drift": lambda h, c, v: _serves_its_contract(h, v),
    # -- disclosure faults (issue 12): each probe is the oracle's own rule over the answer ---------
    "period-ignored": lambda h, c, v: _rule_holds(
        "lefi_disclosure_within_period",
        v,
        c,
        "bostadsbidrag-flera-beloppsperioder",
        h,
        first_days=20,
        formansinformation=["FK:BOB"],
        utbetalningar=["FK:BOB"],
    ),
    "unasked-group-delivered": lambda h, c, v: _rule_holds(
        "lefi_disclosure_only_asked_groups",
        v,
        c,
        "bostadsbidrag-flera-beloppsperioder",
        h,
        ovrigInformation=["FK:GEPI"],
    ),
    "other-person-in-answer": lambda h, c, v: _rule_holds(
        "lefi_disclosure_person_asked", v, c, "effected-payments", h, formansinformation=["FK:SJP"]
    ),
    "later-structure-leaks": lambda h, c, v: _rule_holds(
        "lefi_disclosure_no_later_structure",
        v,
        c,
        "forebyggande-sjukpenning-after-cutoff",
        h,
        formansinformation=["FK:SJP"],
    ),
    "later-group-code-leaks": lambda h, c, v: _rule_holds(
        "lefi_disclosure_no_later_structure",
        v,
        c,
        "forebyggande-sjukpenning-after-cutoff",
        h,
        formansinformation=["FK:SJP"],
    ),
    # --- issue 13 (fuzzing helper): HTTP method, header and request-schema rules
    "undeclared-method-not-found": lambda h, c, v: _undeclared_method_refused(h, c, v),
    "user-header-length-unchecked": lambda h, c, v: all(
        h.get(
            f"{v.base_path}/aktorer/{c['municipality']['aktorsId']}/tillgangligaInformationstyper",
            headers={"X-Lefi-Anvandare": user},
        ).status_code
        in (400, 403)
        for user in ("", "x" * 65)
    ),
    "request-schema-unchecked": lambda h, c, v: _off_schema_refused(h, c, v),
}


def _rule_holds(
    name: str,
    v: VersionInfo,
    cat: dict[str, Any],
    persona: str,
    http: httpx.Client,
    first_days: int | None = None,
    **lists: list[str],
) -> bool:
    """The oracle's rule `name` finds nothing in the answer about `persona` (optionally over a narrow period)."""
    period = dict(cat[persona].get("period", PERIOD))
    if first_days is not None:
        start = dt.date.fromisoformat(period["from"])
        period["tom"] = (start + dt.timedelta(days=first_days)).isoformat()
    answer = q(http, cat, v, persona, period=period, **lists)
    request = {"personnummer": cat[persona]["personnummer"], "period": period, **lists}
    exchange = Exchange(
        v, "hamtaFormansinformation", request, answer.status, answer.text.encode(), {}, answer.data
    )
    return answer.status == 200 and check(name, exchange) == []


def _undeclared_method_refused(http: httpx.Client, cat: dict[str, Any], v: VersionInfo) -> bool:
    """PUT on the version's query path is 405 with an Allow header naming what the path takes."""
    path = (
        f"{v.base_path}/soap"
        if v.transport == "soap"
        else f"{v.base_path}/aktorer/{cat['municipality']['aktorsId']}/formansinformation/fraga"
    )
    answer = http.put(path, content=b"{}")
    return answer.status_code == 405 and "POST" in answer.headers.get("allow", "")


def _off_schema_refused(http: httpx.Client, cat: dict[str, Any], v: VersionInfo) -> bool:
    """A query the request schema forbids is refused (400 / soap:Client), though the engine could answer it:
    REST ovrigInformation as a number, SOAP period before personnummer (the XSD's sequence)."""
    p = cat["effected-payments"]
    actor = cat["municipality"]["aktorsId"]
    if v.transport == "rest":
        body = {"personnummer": p["personnummer"], "period": PERIOD, "formansinformation": ["FK:SJP"]}
        answer = http.post(
            f"{v.base_path}/aktorer/{actor}/formansinformation/fraga", json={**body, "ovrigInformation": 0}
        )
        return answer.status_code == 400
    ns = v.namespace
    xml = (
        f'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:l="{ns}"><soap:Body>'
        f"<l:hamtaFormansinformation><l:aktorsId>{actor}</l:aktorsId>"
        f"<l:period><l:from>{PERIOD['from']}</l:from><l:tom>{PERIOD['tom']}</l:tom></l:period>"
        f"<l:personnummer>{p['personnummer']}</l:personnummer><l:formansinformation>FK:SJP</l:formansinformation>"
        "</l:hamtaFormansinformation></soap:Body></soap:Envelope>"
    )
    answer = http.post(f"{v.base_path}/soap", content=xml.encode(), headers={"Content-Type": "text/xml"})
    return answer.status_code == 500 and b"soap:Client" in answer.content


def _serves_its_contract(http: httpx.Client, v: VersionInfo) -> bool:
    """The contract documents the provider serves are byte for byte the contract of record."""
    kinds = ("wsdl", "xsd") if v.transport == "soap" else ("openapi",)
    for kind in kinds:
        path = v.contract_file(kind)
        served = http.get(f"{v.base_path}/{path.name}")
        if served.status_code != 200:
            return False
        if kind == "wsdl":  # the provider points soap:address at itself; compare the rest
            continue
        if served.content != path.read_bytes():
            return False
    return True


def _user_answered(http: httpx.Client, cat: dict[str, Any], v: VersionInfo, user: str) -> bool:
    """At the catalogue user's own instant, is a query made by that user (handläggare) answered?"""
    entry = cat[user]
    return _at(
        http,
        entry["clock"],
        lambda: (
            q(
                http, cat, v, "effected-payments", anvandare=entry["anvandare"], formansinformation=["FK:SJP"]
            ).status
            == 200
        ),
    )


def _at(http: httpx.Client, now: str, check: Callable[[], bool]) -> bool:
    set_clock(http, now)
    try:
        return check()
    finally:
        set_clock(http, CLEAN_NOW.isoformat())


def _agency_down(http: httpx.Client, check: Callable[[], bool]) -> bool:
    assert http.post("/_lefi/agency-state", json={"FK": "FELANDE"}).status_code == 200
    try:
        return check()
    finally:
        http.post("/_lefi/agency-state", json={"FK": "OK"})


FAULTS = list_faults()


def _versions_for(name: str) -> list[VersionInfo]:
    return [v for v in registry().served() if affects(name, v)]


def test_every_fault_has_a_probe_and_at_least_eighteen() -> None:
    assert {f.name for f in FAULTS} == set(PROBES)
    assert len(FAULTS) >= 18
    assert {f.name for f in FAULTS if f.only_fuzzing} == {
        "invalid-personnummer-accepted",
        "server-error-on-rare-input",
        "schema-violation-on-rare-branch",
        "ten-digit-personnummer-refused",
        "undeclared-method-not-found",
        "user-header-length-unchecked",
        "request-schema-unchecked",
    }
    assert {f.name for f in FAULTS if f.only_compat} == {"served-contract-drift"}
    assert all(f.versions and f.description for f in FAULTS)


def test_unknown_fault_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"known faults: .*netto-mismatch"):
        ProviderConfig(db_path=tmp_path / "x.sqlite", faults=frozenset({"no-such-fault"}))


@pytest.mark.parametrize("fault", [f.name for f in FAULTS])
def test_fault_is_visible(fault: str, provider_db: Path, clean_url: str, cat: dict[str, Any]) -> None:
    versions = _versions_for(fault)
    assert versions, f"{fault} affects no served version"
    probe = PROBES[fault]
    with httpx.Client(base_url=clean_url, timeout=10) as clean:
        for v in versions:
            assert probe(clean, cat, v), f"the clean provider breaks the rule of {fault} in v{v.number}"
    config = ProviderConfig(db_path=provider_db, now=CLEAN_NOW, faults=frozenset({fault}))
    with running_provider(config) as url, httpx.Client(base_url=url, timeout=10) as faulty:
        for v in versions:
            assert not probe(faulty, cat, v), f"{fault} is not visible in v{v.number}"
        assert faulty.get("/_lefi/faults").json() == [fault]
