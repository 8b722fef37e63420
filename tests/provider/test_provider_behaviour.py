"""The reference provider behaves, per version, as the release notes and the v9 contract say (real HTTP, loopback).

Every answer is validated against the version's own contract (XSD with lxml, v9 OpenAPI with jsonschema).
Which behaviour a version has is read from the registry, never from its number.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from provider_testkit import Answer, hamta, refused, served, tillgangliga, version_ids

from lefi_contracts.contracts import VersionInfo

VERSIONS = served()
INSIDE = [v for v in VERSIONS if v.behaviour.forebyggande_sjukpenning.mode == "inside_sjukpenning"]
OWN_SET = [v for v in VERSIONS if v.behaviour.forebyggande_sjukpenning.mode == "own_set"]


def ask(
    http: httpx.Client,
    cat: dict[str, Any],
    v: VersionInfo,
    persona: str,
    actor: str = "municipality",
    period: dict[str, str] | None = None,
    anvandare: str | None = None,
    **lists: list[str],
) -> Answer:
    p = cat[persona]
    answer = hamta(
        http, v, cat[actor]["aktorsId"], p["personnummer"], period or p["period"], anvandare, **lists
    )
    assert answer.schema_errors == [], answer.schema_errors[:5]
    return answer


def all_beslut(arenden: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [b for a in arenden for b in a.get("beslut", [])]


@pytest.mark.parametrize("v", VERSIONS, ids=version_ids(VERSIONS))
def test_every_version_answers_and_lists_fk_state(
    http: httpx.Client, cat: dict[str, Any], v: VersionInfo
) -> None:
    answer = ask(http, cat, v, "bostadsbidrag-flera-beloppsperioder", formansinformation=["FK:BOB"])
    assert answer.status == 200
    states = {u["utlamnare"]["kod"]: u["tillstand"]["kod"] for u in answer.data["utlamnare"]}
    assert states["FK"] == "OK"
    assert ("PM" in states) == v.behaviour.pensionsmyndigheten


@pytest.mark.parametrize("v", INSIDE, ids=version_ids(INSIDE))
def test_fsjp_after_cutoff_never_in_versions_with_it_inside_sjukpenning(http, cat, v) -> None:
    answer = ask(http, cat, v, "forebyggande-sjukpenning-after-cutoff", formansinformation=["FK:SJP"])
    beslut = all_beslut(answer.fi.get("sjukpenningarende", []))
    assert beslut, "the ordinary sjukpenning ärende is delivered"
    assert all(b.get("ersattning") != "FOREBYGGANDE_SJUKPENNING" for b in beslut)
    assert "forebyggandeSjukpenningsarende" not in answer.fi


@pytest.mark.parametrize("v", INSIDE, ids=version_ids(INSIDE))
def test_fsjp_before_cutoff_inside_sjukpenning(http, cat, v) -> None:
    until = v.behaviour.forebyggande_sjukpenning.until.isoformat()
    answer = ask(http, cat, v, "forebyggande-sjukpenning-before-cutoff", formansinformation=["FK:SJP"])
    fsjp = [
        b
        for b in all_beslut(answer.fi.get("sjukpenningarende", []))
        if b["ersattning"] == "FOREBYGGANDE_SJUKPENNING"
    ]
    assert [b["fattades"] for b in fsjp] == [cat["forebyggande-sjukpenning-before-cutoff"]["fattades"]]
    assert all(b["fattades"] <= until for b in fsjp)
    across = ask(http, cat, v, "forebyggande-sjukpenning-across-cutoff", formansinformation=["FK:SJP"])
    dates = [b["fattades"] for b in all_beslut(across.fi.get("sjukpenningarende", []))]
    assert dates == [cat["forebyggande-sjukpenning-across-cutoff"]["fattades_before"]]


@pytest.mark.parametrize("v", OWN_SET, ids=version_ids(OWN_SET))
def test_fsjp_own_set_delivers_all_of_it(http, cat, v) -> None:
    for persona, key in (
        ("forebyggande-sjukpenning-after-cutoff", "fattades"),
        ("forebyggande-sjukpenning-before-cutoff", "fattades"),
    ):
        answer = ask(http, cat, v, persona, formansinformation=["FK:FSJP"])
        dates = [b["fattades"] for b in all_beslut(answer.fi["forebyggandeSjukpenningsarende"])]
        assert dates == [cat[persona][key]]
        assert "sjukpenningarende" not in answer.fi
    across = ask(
        http, cat, v, "forebyggande-sjukpenning-across-cutoff", formansinformation=["FK:FSJP", "FK:SJP"]
    )
    assert len(all_beslut(across.fi["forebyggandeSjukpenningsarende"])) == 2
    assert "sjukpenningarende" not in across.fi, "in own_set versions FSJP is never inside sjukpenning"


def _prelim_cases() -> list[Any]:
    from lefi_contracts.provider import catalogue

    cases = []
    for name, p in catalogue(20250317).items():
        if name.startswith("preliminara-"):
            for v in VERSIONS:
                if p["group"] in v.behaviour.formansgrupper:
                    cases.append(pytest.param(name, v, id=f"{name}-v{v.number}"))
    return cases


@pytest.mark.parametrize(("persona", "v"), _prelim_cases())
def test_preliminary_payments_classified_per_version(http, cat, persona: str, v: VersionInfo) -> None:
    p = cat[persona]
    answer = ask(http, cat, v, persona, preliminaraUtbetalningar=[p["group"]])
    ups = answer.fi["preliminarautbetalningar"]
    assert len(ups) == p["payments"]
    assert "_legacy" not in answer.text, "the canonical model's private keys never leave the provider"
    for up in ups:
        details = up["utbetalningsdetalj"]
        if v.behaviour.preliminara_utbetalningar == "harmonised":
            assert up["formansfamilj"]["id"] == p["forman"]["id"]
            assert {d["forman"]["id"] for d in details} == {p["delforman"]["id"]}
            assert all("beloppstyp" in d for d in details)
            assert details[0]["beloppstyp"]["id"] == p["beloppstyp"]["id"]
        else:
            assert up["formansfamilj"]["id"] == p["legacy_formansfamilj"]["id"]
            assert {d["forman"]["id"] for d in details} == {p["legacy_forman"]["id"]}
            assert all("beloppstyp" not in d for d in details)


@pytest.mark.parametrize("v", VERSIONS, ids=version_ids(VERSIONS))
def test_several_sjukpenning_arenden_share_anmalningsdatum(http, cat, v) -> None:
    p = cat["flera-sjukpenningarenden-samma-anmalningsdatum"]
    answer = ask(
        http, cat, v, "flera-sjukpenningarenden-samma-anmalningsdatum", formansinformation=["FK:SJP"]
    )
    arenden = answer.fi["sjukpenningarende"]
    assert len(arenden) == p["arenden"]
    assert {a["startades"] for a in arenden} == {p["startades"]}


@pytest.mark.parametrize("v", VERSIONS, ids=version_ids(VERSIONS))
def test_every_bostadsbidrag_beloppsperiod_is_its_own_beslut(http, cat, v) -> None:
    p = cat["bostadsbidrag-flera-beloppsperioder"]
    answer = ask(http, cat, v, "bostadsbidrag-flera-beloppsperioder", formansinformation=["FK:BOB"])
    beslut = all_beslut(answer.fi["bostadsbidragsarende"])
    assert len(beslut) == p["beloppsperioder"]
    assert [b["beslutatBruttobelopp"]["summa"] for b in beslut] == p["belopp"]
    assert len({(b["period"]["fran"], b["period"]["till"]) for b in beslut}) == p["beloppsperioder"]


@pytest.mark.parametrize("v", VERSIONS, ids=version_ids(VERSIONS))
def test_karensersattning_only_as_sjukpenning_payment(http, cat, v) -> None:
    p = cat["karensersattning"]
    answer = ask(http, cat, v, "karensersattning", formansinformation=["FK:SJP"], utbetalningar=["FK:SJP"])
    assert "sjukpenningarende" not in answer.fi
    ups = answer.fi["utbetalningsuppgift"]
    assert [u["datum"] for u in ups] == [p["datum"]]
    assert ups[0]["utbetalningsdetalj"][0]["beloppstyp"]["id"] == p["beloppstyp"]


@pytest.mark.parametrize("v", VERSIONS, ids=version_ids(VERSIONS))
def test_effected_payment_arithmetic(http, cat, v) -> None:
    p = cat["effected-payments"]
    answer = ask(http, cat, v, "effected-payments", utbetalningar=["FK:SJP"])
    ups = answer.fi["utbetalningsuppgift"]
    assert len(ups) == p["utbetalningar"]
    for up in ups:
        details = up["utbetalningsdetalj"]

        def total(field: str, rows: list[dict[str, Any]] = details) -> float:
            return sum(float(d[field]["summa"]) for d in rows if field in d)

        assert float(up["bruttobelopp"]["summa"]) == pytest.approx(total("bruttobelopp"))
        assert float(up["skattebelopp"]["summa"]) == pytest.approx(total("skattebelopp"))
        assert float(up["avdragsbelopp"]["summa"]) == pytest.approx(
            total("skattebelopp") + total("avdragsbelopp")
        )
        netto = float(up["bruttobelopp"]["summa"]) - float(up["avdragsbelopp"]["summa"])
        assert float(up["nettobelopp"]["summa"]) == pytest.approx(netto)
        assert {d["beloppstyp"]["id"] for d in details} >= {"PS", "KVI"}


@pytest.mark.parametrize("v", VERSIONS, ids=version_ids(VERSIONS))
def test_pensionsmyndigheten_only_where_the_registry_says(http, cat, v) -> None:
    persona = "pensionsmyndigheten-allman-pension"
    if v.behaviour.pensionsmyndigheten:
        answer = ask(
            http,
            cat,
            v,
            persona,
            ansprak=["PM:AP"],
            beslut=["PM:AP"],
            utbetalningar=["PM:AP", "FK:SJP"],
            ovrigInformation=["PM:PBH"],
            formansinformation=["FK:SJP"],
        )
        assert [a["ansprakid"] for a in answer.data["ansprak"]] == [cat[persona]["ansprakid"]]
        assert [b["beslutsid"] for b in answer.data["beslut"]] == [cat[persona]["beslutsid"]]
        assert len(answer.data["utbetalningar"]) == cat[persona]["utbetalningar"]
        assert "utbetalningsuppgift" not in answer.fi, "PM payments stay in PM's structure"
        assert answer.data["ovrigInformation"][0]["informationstyp"]["kod"] == "PM:PBH"
    else:
        answer = ask(http, cat, v, persona, utbetalningar=["PM:AP"])
        assert refused(answer) == (500, "FELAKTIGA_INDATA")
        assert answer.fault["faultcode"].endswith("Client")


@pytest.mark.parametrize("v", VERSIONS, ids=version_ids(VERSIONS))
def test_programjobdagar_only_where_fk_pjob_is_served(http, cat, v) -> None:
    answer = ask(http, cat, v, "programjobdagar", formansinformation=["FK:PJOB"])
    if "FK:PJOB" in v.behaviour.formansgrupper:
        assert (
            answer.fi["programjobdagar"][0]["antalForbrukade"] == cat["programjobdagar"]["antal_forbrukade"]
        )
    else:
        assert refused(answer)[1] == "FELAKTIGA_INDATA"


def _expect_refusal(answer: Answer, status: int, kod: str) -> None:
    assert answer.schema_errors == []
    if answer.version.transport == "rest":
        assert answer.status == status, answer.text
        assert set(answer.data) == {"meddelande", "timestamp"}
    else:
        assert (answer.status, answer.fault["kod"]) == (500, kod), answer.text
        assert answer.fault["faultcode"] == ("soap:Server" if status >= 500 else "soap:Client")
    assert cat_pnr_free(answer.text)


def cat_pnr_free(text: str) -> bool:
    from lefi_contracts.personnummer import contains_identity_number

    return not contains_identity_number(text)


RULES = [
    ("no-group", {}, 400, "FELAKTIGA_INDATA"),
    ("over-two-years", {"period": {"from": "2022-01-01", "tom": "2024-01-02"}}, 400, "FELAKTIGA_INDATA"),
    ("tom-before-from", {"period": {"from": "2024-05-01", "tom": "2024-04-30"}}, 400, "FELAKTIGA_INDATA"),
    ("unknown-code", {"formansinformation": ["FK:NOPE"]}, 400, "FELAKTIGA_INDATA"),
    ("bad-date", {"period": {"from": "2024-02-30", "tom": "2024-03-30"}}, 400, "FELAKTIGA_INDATA"),
]


@pytest.mark.parametrize("v", VERSIONS, ids=version_ids(VERSIONS))
@pytest.mark.parametrize(("case", "change", "status", "kod"), RULES, ids=[r[0] for r in RULES])
def test_request_rules(http, cat, v, case, change, status, kod) -> None:
    lists = {"formansinformation": change.get("formansinformation", [] if case == "no-group" else ["FK:SJP"])}
    answer = ask(http, cat, v, "effected-payments", period=change.get("period"), **lists)
    _expect_refusal(answer, status, kod)


@pytest.mark.parametrize("v", VERSIONS, ids=version_ids(VERSIONS))
def test_exactly_two_years_is_accepted(http, cat, v) -> None:
    answer = ask(
        http,
        cat,
        v,
        "effected-payments",
        period={"from": "2023-01-01", "tom": "2025-01-01"},
        formansinformation=["FK:SJP"],
    )
    assert answer.status == 200


@pytest.mark.parametrize("v", VERSIONS, ids=version_ids(VERSIONS))
@pytest.mark.parametrize("how", ["shape", "luhn", "date"])
def test_invalid_personnummer_refused(http, cat, v, how: str) -> None:
    good = cat["effected-payments"]["personnummer"]
    bad = {"shape": good[:-2], "luhn": good[:-1] + str((int(good[-1]) + 1) % 10), "date": "199013320000"}[how]
    answer = hamta(
        http,
        v,
        cat["municipality"]["aktorsId"],
        bad,
        {"from": "2024-01-01", "tom": "2024-12-31"},
        formansinformation=["FK:SJP"],
    )
    _expect_refusal(answer, 400, "FELAKTIGA_INDATA")


@pytest.mark.parametrize("v", VERSIONS, ids=version_ids(VERSIONS))
@pytest.mark.parametrize("actor", ["unknown-actor", "not-representable-actor"])
def test_unknown_or_unrepresentable_actor_403(http, cat, v, actor: str) -> None:
    answer = ask(http, cat, v, "effected-payments", actor=actor, formansinformation=["FK:SJP"])
    _expect_refusal(answer, 403, "OKAND_AKTOR")
    listing = tillgangliga(http, v, cat[actor]["aktorsId"])
    assert refused(listing) == ((403, None) if v.transport == "rest" else (500, "OKAND_AKTOR"))


@pytest.mark.parametrize("v", VERSIONS, ids=version_ids(VERSIONS))
def test_obehorig_group_gives_avvikelse_and_rest_is_delivered(http, cat, v) -> None:
    answer = ask(
        http,
        cat,
        v,
        "bostadsbidrag-flera-beloppsperioder",
        actor="actor-without-FK:BOB",
        formansinformation=["FK:BOB"],
        ovrigInformation=["FK:GEPI"],
    )
    assert answer.status == 200
    avv = answer.data["avvikelser"]["formansinformation"]
    assert [(a["avvikelse"]["kod"], a["formansgrupp"]["kod"]) for a in avv] == [("OBEHORIG", "FK:BOB")]
    assert "bostadsbidragsarende" not in answer.fi
    assert answer.fi["generellPersoninformation"], "the entitled part is delivered"


@pytest.mark.parametrize("v", VERSIONS, ids=version_ids(VERSIONS))
def test_tillgangliga_informationstyper_follow_actor_and_version(http, cat, v) -> None:
    answer = tillgangliga(http, v, cat["insurer"]["aktorsId"])
    assert answer.status == 200 and answer.schema_errors == []
    codes = {g["kod"] for g in answer.data["formansinformation"]}
    assert codes == set(cat["insurer"]["groups"]) & set(v.behaviour.formansgrupper)
    assert "FK:BOB" not in codes


def test_rest_error_bodies_carry_no_identity_numbers(http, cat) -> None:
    v = next(v for v in VERSIONS if v.transport == "rest")
    answer = ask(
        http,
        cat,
        v,
        "effected-payments",
        period={"from": "2020-01-01", "tom": "2024-01-01"},
        formansinformation=["FK:SJP"],
    )
    assert answer.status == 400
    assert cat["effected-payments"]["personnummer"] not in answer.text
    assert cat_pnr_free(answer.data["meddelande"])


def test_ingen_data_and_samordningsnummer(http, cat) -> None:
    for v in VERSIONS:
        empty = ask(http, cat, v, "ingen-data", formansinformation=["FK:SJP"], ovrigInformation=["FK:GEPI"])
        assert empty.status == 200 and not empty.fi
        sam = ask(http, cat, v, "samordningsnummer", formansinformation=["FK:SJP"])
        assert int(cat["samordningsnummer"]["personnummer"][6:8]) > 60
        assert sam.fi["sjukpenningarende"]
