"""Step definitions of every scenario in features/: thin, each one a call into lefi_contracts.behaviour or the client.

Run as its own pytest invocation: `pytest steps [--target URL] [--lefi-version N]`; for Allure add
`-p no:allure_pytest -p allure_pytest_bdd --alluredir=reports/allure-results` (see README / pyproject).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import allure
from pytest_bdd import given, parsers, scenarios, then, when

from lefi_contracts import behaviour

scenarios(".")  # every feature under bdd_features_base_dir (features/, set in pyproject.toml)


def _attach(response: Any, name: str) -> None:
    allure.attach(response.describe(masked=True), name=name, attachment_type=allure.attachment_type.TEXT)


def _ask(state: Any, clients: Any, version: str, query: Any) -> Any:
    response = behaviour.run_query(clients(version), query)
    _attach(response, f"version {version}: request and response")
    return response


# ------------------------------------------------------------------------------------------------ Given


@given(parsers.parse("a person with preliminära utbetalningar of förmån {forman} and delförmån {delforman}"))
def given_preliminary_person(state: Any, lefi_catalogue: dict[str, Any], forman: str, delforman: str) -> None:
    state.person = behaviour.preliminary_persona(lefi_catalogue, forman, delforman)


@given(parsers.re(r"a person with (?!preliminära utbetalningar of )(?P<what>.+)"))
def given_person(state: Any, lefi_catalogue: dict[str, Any], what: str) -> None:
    state.person = behaviour.persona(lefi_catalogue, what)


@given(parsers.re(r"the caller (?:names|is) (?P<who>.+)"))
def given_actor(state: Any, lefi_catalogue: dict[str, Any], who: str) -> None:
    state.actor = behaviour.actor(lefi_catalogue, who)


@given(parsers.parse("the handläggare is {who}"))
def given_user(state: Any, lefi_catalogue: dict[str, Any], control: Any, who: str) -> None:
    state.user = behaviour.user(lefi_catalogue, who)
    if state.user.get("clock"):
        control.set_clock(str(state.user["clock"]))


@given(parsers.parse("the utlämnare {agency} is in tillstånd {tillstand}"))
def given_agency_state(control: Any, agency: str, tillstand: str) -> None:
    control.set_agency_state(agency, tillstand)


@given(parsers.re(r"the target's clock is (?P<day>\d{4}-\d{2}-\d{2}) (?P<time>\d{2}:\d{2}) inside .+"))
def given_clock(control: Any, day: str, time: str) -> None:
    control.set_clock(f"{day}T{time}:00")


# ------------------------------------------------------------------------------------------------ When


@when(parsers.re(r"version (?P<version>\S+) is asked for (?!the information types available)(?P<request>.+)"))
def when_asked(state: Any, clients: Any, lefi_catalogue: dict[str, Any], version: str, request: str) -> None:
    spec = behaviour.parse_request(request, state.person)
    actor = state.actor or behaviour.actor(lefi_catalogue)
    query = behaviour.build_query(
        spec,
        state.person,
        aktors_id=actor.get("aktorsId"),
        anvandare=(state.user or {}).get("anvandare"),
    )
    state.version = version
    state.response = _ask(state, clients, version, query)
    state.responses.append(state.response)


@when(
    parsers.parse(
        "version {version} is asked, for every test person, for every group and type of information it serves"
    )
)
def when_asked_everything(
    state: Any, clients: Any, lefi_catalogue: dict[str, Any], lefi_registry: Any, version: str
) -> None:
    spec = behaviour.everything_served(lefi_registry.get(version))
    aktors_id = behaviour.actor(lefi_catalogue).get("aktorsId")
    state.version = version
    for _, person in behaviour.test_persons(lefi_catalogue):
        state.responses.append(
            _ask(state, clients, version, behaviour.build_query(spec, person, aktors_id=aktors_id))
        )
    refusal = behaviour.build_query(
        behaviour.RequestSpec(), behaviour.test_persons(lefi_catalogue)[0][1], aktors_id=aktors_id
    )
    state.responses.append(_ask(state, clients, version, refusal))


@when(parsers.parse("version {version} is asked for the information types available to the aktör"))
def when_available_types(state: Any, clients: Any, lefi_catalogue: dict[str, Any], version: str) -> None:
    response = clients(version).available_types(behaviour.actor(lefi_catalogue).get("aktorsId"))
    _attach(response, f"version {version}: available information types")
    state.responses.append(response)


@when(parsers.parse("interface version {number} is asked for"))
def when_unserved_version(
    state: Any, lefi_target: str, lefi_registry: Any, lefi_tls: Any, number: str
) -> None:
    state.problems = behaviour.unserved_version_problems(lefi_target, number, lefi_registry, tls=lefi_tls)


# ------------------------------------------------------------------------------------------------ Then


@then("the answer is delivered")
def then_delivered(state: Any) -> None:
    problems = behaviour.delivery_problems(state.response)
    assert not problems, "; ".join(problems)


@then(
    parsers.re(
        r"förebyggande sjukpenning decided after (?P<cutoff>[\d-]+) is (?P<where>present|absent) inside sjukpenningarende"
    )
)
def then_fsjp_after_inside(state: Any, cutoff: str, where: str) -> None:
    found = behaviour.forebyggande_inside_sjukpenning(
        state.response.data, after=dt.date.fromisoformat(cutoff)
    )
    assert bool(found) == behaviour.presence(where), (
        f"{len(found)} such beslut inside sjukpenningarende, expected {where}"
    )


@then(parsers.re(r"förebyggande sjukpenning is (?P<where>present|absent) inside sjukpenningarende"))
def then_fsjp_inside(state: Any, where: str) -> None:
    found = behaviour.forebyggande_inside_sjukpenning(state.response.data)
    assert bool(found) == behaviour.presence(where), (
        f"{len(found)} such beslut inside sjukpenningarende, expected {where}"
    )


@then(
    parsers.re(
        r"the förebyggande sjukpenning decided after (?P<cutoff>[\d-]+) is (?P<where>present|absent) in forebyggandeSjukpenningsarende"
    )
)
def then_fsjp_after_own(state: Any, cutoff: str, where: str) -> None:
    found = behaviour.forebyggande_own_set(state.response.data, after=dt.date.fromisoformat(cutoff))
    assert bool(found) == behaviour.presence(where), (
        f"{len(found)} such beslut in forebyggandeSjukpenningsarende, expected {where}"
    )


@then(parsers.re(r"förebyggande sjukpenning is (?P<where>present|absent) in forebyggandeSjukpenningsarende"))
def then_fsjp_own(state: Any, where: str) -> None:
    found = behaviour.forebyggande_own_set(state.response.data)
    assert bool(found) == behaviour.presence(where), (
        f"{len(found)} beslut in forebyggandeSjukpenningsarende, expected {where}"
    )


@then(
    parsers.parse("a preliminary payment has formansfamilj {familj} with utbetalningsdetalj forman {forman}")
)
def then_classification(state: Any, familj: str, forman: str) -> None:
    payments = behaviour.fk_items(state.response.data, "preliminarautbetalningar")
    assert behaviour.has_classification(payments, familj, forman), (
        f"no preliminary payment classified {familj}/{forman}; seen {behaviour.classifications(payments)}"
    )


@then(
    parsers.parse(
        "every utbetalningsdetalj of the preliminary payments carries a beloppstyp of version {version}"
    )
)
def then_prelim_beloppstyp(state: Any, version: str) -> None:
    payments = behaviour.fk_items(state.response.data, "preliminarautbetalningar")
    assert behaviour.details(payments), "no preliminary payment details delivered"
    missing = behaviour.details_without_beloppstyp(payments)
    assert not missing, f"{len(missing)} of {len(behaviour.details(payments))} details have no beloppstyp"
    unknown = behaviour.beloppstyper_not_of_version(payments, version)
    assert not unknown, f"beloppstyper not of version {version}: {unknown}"


@then("no utbetalningsdetalj of the preliminary payments carries a beloppstyp")
def then_prelim_no_beloppstyp(state: Any) -> None:
    payments = behaviour.fk_items(state.response.data, "preliminarautbetalningar")
    assert behaviour.details(payments), "no preliminary payment details delivered"
    carrying = behaviour.details_with_beloppstyp(payments)
    assert not carrying, f"{len(carrying)} preliminary details carry a beloppstyp"


@then("every sjukpenningärende of the person with that anmälningsdatum is delivered separately")
def then_same_anmalningsdatum(state: Any) -> None:
    startades, expected = str(state.person["startades"]), int(state.person.get("arenden", 2))
    found = behaviour.arenden_with_startades(state.response.data, "sjukpenningarende", startades)
    assert len(found) >= expected, (
        f"{len(found)} sjukpenningärenden with anmälningsdatum {startades}, expected {expected}"
    )


@then("every beslut of those ärenden is delivered")
def then_beslut_of_arenden(state: Any) -> None:
    found = behaviour.arenden_with_startades(
        state.response.data, "sjukpenningarende", str(state.person["startades"])
    )
    without = [a for a in found if not a.get("beslut")]
    assert not without and behaviour.beslut_count(found) >= int(state.person.get("arenden", 2)), (
        f"{behaviour.beslut_count(found)} beslut over {len(found)} ärenden, {len(without)} ärenden without beslut"
    )


@then("every beloppsperiod of the bostadsbidrag is delivered as its own beslut")
def then_bostadsbidrag(state: Any) -> None:
    arenden = behaviour.fk_items(state.response.data, "bostadsbidragsarende")
    expected = int(state.person["beloppsperioder"])
    periods = behaviour.distinct_beslut_periods(arenden)
    assert behaviour.beslut_count(arenden) == expected and len(periods) == expected, (
        f"{behaviour.beslut_count(arenden)} beslut with {len(periods)} distinct periods, expected {expected} beloppsperioder"
    )


@then("the karensersättning is delivered as sjukpenning payments")
def then_karens_payments(state: Any) -> None:
    found = behaviour.karens_payments(
        state.response.data, str(state.person["karensdag"]), state.person.get("beloppstyp")
    )
    assert found, "no sjukpenning payment for the karens day with sjukpenning's beloppstyp"


@then("no sjukpenningärende or beslut is delivered for the karensersättning")
def then_karens_not_arende(state: Any) -> None:
    found = behaviour.karens_as_arende(state.response.data, str(state.person["karensdag"]))
    assert not found, f"{len(found)} sjukpenning beslut present the karensersättning as an ärende"


@then("Pensionsmyndigheten's ansprak, beslut and utbetalningar are delivered in its own structure")
def then_pm_structure(state: Any) -> None:
    problems = behaviour.pm_structure_problems(state.response.data)
    assert not problems, "; ".join(problems)


@then("no Pensionsmyndigheten data is delivered under formansinformation")
def then_no_pm_in_fk(state: Any) -> None:
    found = behaviour.pm_data_under_formansinformation(state.response.data)
    assert not found, f"Pensionsmyndigheten data under formansinformation at {found[:5]}"


@then(parsers.parse("the query is refused with {refusal}"))
def then_refused_with(state: Any, refusal: str) -> None:
    problems = behaviour.refusal_matches(state.response, refusal)
    assert not problems, "; ".join(problems)


@then("the query is refused")
def then_refused(state: Any) -> None:
    assert behaviour.is_refused(state.response), (
        f"answered with HTTP {state.response.http_status}, expected a refusal"
    )


@then("no data is delivered")
def then_no_data(state: Any) -> None:
    found = behaviour.delivered_data(state.response.data)
    assert not found, f"data delivered: {found}"


@then("the refusal names no personnummer or organisationsnummer")
def then_refusal_names_nobody(state: Any) -> None:
    found = behaviour.identity_numbers_in(
        behaviour.refusal_text(state.response), [str(state.person["personnummer"])]
    )
    assert not found, f"the refusal contains {', '.join(found)}"


@then(parsers.parse("{kod} is reported as an avvikelse {avvikelse}"))
def then_avvikelse(state: Any, kod: str, avvikelse: str) -> None:
    found = [a.get("kod") for a in behaviour.avvikelser_for(state.response.data, kod)]
    assert avvikelse in found, f"avvikelser for {kod}: {found}, expected {avvikelse}"


@then(parsers.re(r"formansinformation has no (?P<key>\w+)"))
def then_key_absent(state: Any, key: str) -> None:
    found = behaviour.fk_items(state.response.data, key)
    assert not found, f"{len(found)} {key} delivered"


@then(parsers.re(r"formansinformation has (?P<key>\w+)"))
def then_key_present(state: Any, key: str) -> None:
    assert behaviour.fk_items(state.response.data, key), f"no {key} delivered"


@then(parsers.parse("the utlämnare {agency} is reported in tillstånd {tillstand}"))
def then_agency_state(state: Any, agency: str, tillstand: str) -> None:
    found = behaviour.agency_state(state.response.data, agency)
    assert found == tillstand, f"utlämnare {agency} in tillstånd {found}, expected {tillstand}"


@then(parsers.parse("the utlämnare {agency} contributes no data and no avvikelser"))
def then_agency_silent(state: Any, agency: str) -> None:
    data = state.response.data
    found = behaviour.agency_data(data, agency) + [
        str(a) for a in behaviour.avvikelser_of_agency(data, agency)
    ]
    assert not found, f"utlämnare {agency} contributed {found[:5]}"


@then(parsers.parse("the target answers unavailable with {status} and a Retry-After"))
def then_unavailable(state: Any, status: str) -> None:
    problems = behaviour.refusal_matches(state.response, status)
    assert not problems, "; ".join(problems)
    assert state.response.retry_after is not None, "no Retry-After"


@then(parsers.parse("every answer is valid against the contract of version {version}"))
def then_valid(state: Any, version: str) -> None:
    assert state.responses, "no answer to validate"
    broken = [(r, v) for r in state.responses for v in r.violations()]
    assert not broken, f"{len(broken)} violations, first: {broken[0][1].path}: {broken[0][1].message}"


@then("the request is refused with a message naming the served versions")
def then_unserved_refused(state: Any) -> None:
    assert not state.problems, "; ".join(state.problems)


@then("every utbetalningsuppgift adds up")
def then_arithmetic(state: Any) -> None:
    payments = behaviour.fk_items(state.response.data, "utbetalningsuppgift")
    assert payments, "no utbetalningsuppgift delivered"
    problems = [p for u in payments for p in behaviour.uppgift_arithmetic(u)]
    assert not problems, "; ".join(problems[:3])


@then("every utbetalningsdetalj of the utbetalningsuppgifter carries a beloppstyp")
def then_effected_beloppstyp(state: Any) -> None:
    payments = behaviour.fk_items(state.response.data, "utbetalningsuppgift")
    missing = behaviour.details_without_beloppstyp(payments)
    assert not missing, f"{len(missing)} effected payment details without beloppstyp"
