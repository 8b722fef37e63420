"""Step definitions of every scenario in features/: thin, each one call and one assertion.

Given/When steps go through lefi_contracts.behaviour (phrases -> catalogue entries and queries); every Then step
asks the oracle (lefi_contracts.oracles: the registered rules, or facts.py for what a persona must show), so a rule
means here exactly what it means to the fuzzers.

Run as its own pytest invocation: `pytest steps [--target URL] [--lefi-version N]`; for Allure add
`-p lefi_contracts.report.bdd_plugin --lefi-allure-dir=reports/allure-results` (our own writer; see pyproject).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import allure
from pytest_bdd import given, parsers, scenarios, then, when

from lefi_contracts import behaviour, oracles, target_control
from lefi_contracts.oracles import answer, facts

scenarios(".")  # every feature under bdd_features_base_dir (features/, set in pyproject.toml)


def _attach(response: Any, name: str) -> None:
    allure.attach(response.describe(masked=True), name=name, attachment_type=allure.attachment_type.TEXT)


def _ask(state: Any, clients: Any, version: str, query: Any) -> Any:
    """Ask without turning a maintenance answer into an exception (scenarios inspect the answer itself); keep the
    exchange (query and answer) the oracle's rules read."""
    client = clients(version)
    response = client.query(query, raise_on_unavailable=False)
    _attach(response, f"version {version}: request and response")
    state.responses.append(response)
    state.exchanges.append(oracles.exchange_of(response, query, client.info))
    return response


def _rule(state: Any, name: str) -> list[str]:
    """What rule `name` finds in every exchange of the scenario."""
    return [p for ex in state.exchanges for p in oracles.check(name, ex)]


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
        _ask(state, clients, version, behaviour.build_query(spec, person, aktors_id=aktors_id))
    refusal = behaviour.build_query(
        behaviour.RequestSpec(), behaviour.test_persons(lefi_catalogue)[0][1], aktors_id=aktors_id
    )
    _ask(state, clients, version, refusal)


@when(parsers.parse("version {version} is asked for the information types available to the aktör"))
def when_available_types(state: Any, clients: Any, lefi_catalogue: dict[str, Any], version: str) -> None:
    response = clients(version).available_types(behaviour.actor(lefi_catalogue).get("aktorsId"))
    _attach(response, f"version {version}: available information types")
    state.responses.append(response)
    state.exchanges.append(oracles.exchange_of(response, None, clients(version).info))


@when(parsers.parse("interface version {number} is asked for"))
def when_unserved_version(
    state: Any, lefi_target: str, lefi_registry: Any, lefi_tls: Any, number: str
) -> None:
    state.problems = target_control.unserved_version_problems(
        lefi_target, number, lefi_registry, tls=lefi_tls
    )


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
    found = facts.forebyggande(state.response.data, own_set=False, after=dt.date.fromisoformat(cutoff))
    assert bool(found) == behaviour.presence(where), (
        f"{len(found)} such beslut inside sjukpenningarende, expected {where}"
    )


@then(parsers.re(r"förebyggande sjukpenning is (?P<where>present|absent) inside sjukpenningarende"))
def then_fsjp_inside(state: Any, where: str) -> None:
    found = facts.forebyggande(state.response.data, own_set=False)
    assert bool(found) == behaviour.presence(where), (
        f"{len(found)} such beslut inside sjukpenningarende, expected {where}"
    )


@then(
    parsers.re(
        r"the förebyggande sjukpenning decided after (?P<cutoff>[\d-]+) is (?P<where>present|absent) in forebyggandeSjukpenningsarende"
    )
)
def then_fsjp_after_own(state: Any, cutoff: str, where: str) -> None:
    found = facts.forebyggande(state.response.data, own_set=True, after=dt.date.fromisoformat(cutoff))
    assert bool(found) == behaviour.presence(where), (
        f"{len(found)} such beslut in forebyggandeSjukpenningsarende, expected {where}"
    )


@then(parsers.re(r"förebyggande sjukpenning is (?P<where>present|absent) in forebyggandeSjukpenningsarende"))
def then_fsjp_own(state: Any, where: str) -> None:
    found = facts.forebyggande(state.response.data, own_set=True)
    assert bool(found) == behaviour.presence(where), (
        f"{len(found)} beslut in forebyggandeSjukpenningsarende, expected {where}"
    )


@then(
    parsers.parse("a preliminary payment has formansfamilj {familj} with utbetalningsdetalj forman {forman}")
)
def then_classification(state: Any, familj: str, forman: str) -> None:
    payments = answer.fk_items(state.response.data, "preliminarautbetalningar")
    assert facts.has_classification(payments, familj, forman), (
        f"no preliminary payment classified {familj}/{forman}; seen {facts.classifications(payments)}"
    )


@then(
    parsers.parse(
        "every utbetalningsdetalj of the preliminary payments carries a beloppstyp of version {version}"
    )
)
def then_prelim_beloppstyp(state: Any, version: str) -> None:
    problems = facts.beloppstyp_problems(
        answer.fk_items(state.response.data, "preliminarautbetalningar"), version
    )
    assert not problems, "; ".join(problems)


@then("no utbetalningsdetalj of the preliminary payments carries a beloppstyp")
def then_prelim_no_beloppstyp(state: Any) -> None:
    payments = answer.fk_items(state.response.data, "preliminarautbetalningar")
    carrying = (
        facts.details_with_beloppstyp(payments) if answer.details(payments) else ["no details delivered"]
    )
    assert not carrying, f"{len(carrying)} preliminary details carry a beloppstyp (or none delivered)"


@then("every sjukpenningärende of the person with that anmälningsdatum is delivered separately")
def then_same_anmalningsdatum(state: Any) -> None:
    startades, expected = str(state.person["startades"]), int(state.person.get("arenden", 2))
    found = facts.arenden_with_startades(state.response.data, "sjukpenningarende", startades)
    assert len(found) >= expected, (
        f"{len(found)} sjukpenningärenden with anmälningsdatum {startades}, expected {expected}"
    )


@then("every beslut of those ärenden is delivered")
def then_beslut_of_arenden(state: Any) -> None:
    found = facts.arenden_with_startades(
        state.response.data, "sjukpenningarende", str(state.person["startades"])
    )
    without = [a for a in found if not a.get("beslut")]
    assert not without and facts.beslut_count(found) >= int(state.person.get("arenden", 2)), (
        f"{facts.beslut_count(found)} beslut over {len(found)} ärenden, {len(without)} ärenden without beslut"
    )


@then("every beloppsperiod of the bostadsbidrag is delivered as its own beslut")
def then_bostadsbidrag(state: Any) -> None:
    arenden = answer.fk_items(state.response.data, "bostadsbidragsarende")
    expected = int(state.person["beloppsperioder"])
    periods = facts.distinct_beslut_periods(arenden)
    assert facts.beslut_count(arenden) == expected and len(periods) == expected, (
        f"{facts.beslut_count(arenden)} beslut with {len(periods)} distinct periods, expected {expected} beloppsperioder"
    )


@then("the karensersättning is delivered as sjukpenning payments")
def then_karens_payments(state: Any) -> None:
    found = facts.karens_payments(
        state.response.data, str(state.person["karensdag"]), state.person.get("beloppstyp")
    )
    assert found, "no sjukpenning payment for the karens day with sjukpenning's beloppstyp"


@then("no sjukpenningärende or beslut is delivered for the karensersättning")
def then_karens_not_arende(state: Any) -> None:
    found = facts.karens_as_arende(state.response.data, str(state.person["karensdag"]))
    assert not found, f"{len(found)} sjukpenning beslut present the karensersättning as an ärende"


@then("Pensionsmyndigheten's ansprak, beslut and utbetalningar are delivered in its own structure")
def then_pm_structure(state: Any) -> None:
    problems = facts.pm_structure_problems(state.response.data)
    assert not problems, "; ".join(problems)


@then("no Pensionsmyndigheten data is delivered under formansinformation")
def then_no_pm_in_fk(state: Any) -> None:
    found = facts.pm_data_under_formansinformation(state.response.data)
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
    found = answer.delivered_data(state.response.data)
    assert not found, f"data delivered: {found}"


@then("the refusal names no personnummer or organisationsnummer")
def then_refusal_names_nobody(state: Any) -> None:
    found = _rule(state, "lefi_no_identity_in_error")
    assert not found, "; ".join(found)


@then(parsers.parse("{kod} is reported as an avvikelse {avvikelse}"))
def then_avvikelse(state: Any, kod: str, avvikelse: str) -> None:
    found = facts.avvikelse_codes(state.response.data, kod)
    assert avvikelse in found, f"avvikelser for {kod}: {found}, expected {avvikelse}"


@then(parsers.re(r"formansinformation has no (?P<key>\w+)"))
def then_key_absent(state: Any, key: str) -> None:
    found = answer.fk_items(state.response.data, key)
    assert not found, f"{len(found)} {key} delivered"


@then(parsers.re(r"formansinformation has (?P<key>\w+)"))
def then_key_present(state: Any, key: str) -> None:
    assert answer.fk_items(state.response.data, key), f"no {key} delivered"


@then(parsers.parse("the utlämnare {agency} is reported in tillstånd {tillstand}"))
def then_agency_state(state: Any, agency: str, tillstand: str) -> None:
    found = answer.agency_state(state.response.data, agency)
    assert found == tillstand, f"utlämnare {agency} in tillstånd {found}, expected {tillstand}"


@then(parsers.parse("the utlämnare {agency} contributes no data and no avvikelser"))
def then_agency_silent(state: Any, agency: str) -> None:
    found = _rule(state, "lefi_agency_not_ok_no_data")
    assert not found, f"utlämnare {agency}: {'; '.join(found[:5])}"


@then(parsers.parse("the target answers unavailable with {status} and a Retry-After"))
def then_unavailable(state: Any, status: str) -> None:
    problems = behaviour.refusal_matches(state.response, status)
    assert not problems, "; ".join(problems)
    assert state.response.retry_after is not None, "no Retry-After"


@then(parsers.parse("every answer is valid against the contract of version {version}"))
def then_valid(state: Any, version: str) -> None:
    found = [p for r, ex in zip(state.responses, state.exchanges, strict=True) for p in _validated(r, ex)]
    assert state.responses and not found, f"{len(found)} violations, first: {found[:1]}"


@then("the request is refused with a message naming the served versions")
def then_unserved_refused(state: Any) -> None:
    assert not state.problems, "; ".join(state.problems)


@then("every utbetalningsuppgift adds up")
def then_arithmetic(state: Any) -> None:
    problems = _rule(state, "lefi_payment_arithmetic") or facts.nothing_in(
        state.response.data, "utbetalningsuppgift"
    )
    assert not problems, "; ".join(problems[:3])


@then("every utbetalningsdetalj of the utbetalningsuppgifter carries a beloppstyp")
def then_effected_beloppstyp(state: Any) -> None:
    problems = facts.beloppstyp_problems(answer.fk_items(state.response.data, "utbetalningsuppgift"), None)
    assert not problems, "; ".join(problems)


def _validated(response: Any, ex: Any) -> list[str]:
    """The contract rule over one exchange, its violations filled from the client's validation."""
    ex.contract_violations = [f"{v.path}: {v.message}" for v in response.violations()]
    return oracles.check("lefi_contract_valid", ex)


# ------------------------------------------------------------------------------------------------ disclosure


# Then-steps that assert one registered rule over every exchange of the scenario: phrase -> rule name.
RULE_STEPS = {
    "nothing outside the asked period is delivered": "lefi_disclosure_within_period",
    "only the groups asked carry data": "lefi_disclosure_only_asked_groups",
    "the answer concerns only the person asked": "lefi_disclosure_person_asked",
    "nothing of a later version's structure is delivered": "lefi_disclosure_no_later_structure",
    "a group reported OBEHORIG carries no data": "lefi_obehorig_no_data",
    "förebyggande sjukpenning decided after the cut-off is not delivered inside sjukpenning": "lefi_version_invariants",
}


def _asserting(name: str) -> Any:
    def step(state: Any) -> None:
        found = _rule(state, name)
        assert not found, f"{name}: " + "; ".join(found[:3])

    step.__name__ = f"then_{name}"
    return step


for _phrase, _name in RULE_STEPS.items():
    then(_phrase)(_asserting(_name))
