"""Checks of the versioned behaviour of LEFI Online on decoded answers, shared by the scenarios and the fuzzers.

Every check reads an answer in the ONE shape the client decodes all versions to (the v9 JSON shape: utlamnare,
avvikelser, formansinformation{...}, ansprak, ...) and returns what it found or what is wrong, so that a step
definition is one call and an assertion, and property-based fuzzing can reuse the same rules. The catalogue of a
target (test persons, actors, users named by what they are) is read here too, so steps never see a personnummer.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from lefi_contracts.client.transport import GuardedTransport, TlsConfig
from lefi_contracts.codes import load_codes
from lefi_contracts.contracts import Registry, VersionInfo, registry
from lefi_contracts.errors import ResponseRejected, TargetUnavailable, UsageError
from lefi_contracts.personnummer import contains_identity_number, luhn_check_digit

FSJP_ERSATTNING = "FOREBYGGANDE_SJUKPENNING"
FSJP_FORMAN = "FSJP"
AMOUNT_TOLERANCE = 0.005
# The kinds of information a query names, as written in the scenarios (v9 JSON names) -> Query field names.
REQUEST_KINDS = {
    "formansinformation": "formansinformation",
    "preliminaraUtbetalningar": "preliminara_utbetalningar",
    "utbetalningar": "utbetalningar",
    "ansprak": "ansprak",
    "beslut": "beslut",
    "ovrigInformation": "ovrig_information",
}
# Keys and code prefixes that only Pensionsmyndigheten's own model carries.
PM_ONLY_KEYS = frozenset({"ansprakid", "beslutsid", "utbetalningsrader", "utbetalningsforman", "avdragstyp"})
# Persona phrases of the Given-steps -> catalogue names (the catalogue maps names to a target's data).
PERSONAS = {
    "förebyggande sjukpenning decided after 2024-05-19": "forebyggande-sjukpenning-after-cutoff",
    "förebyggande sjukpenning decided before 2024-05-19": "forebyggande-sjukpenning-before-cutoff",
    "several sjukpenningärenden with the same anmälningsdatum": "flera-sjukpenningarenden-samma-anmalningsdatum",
    "bostadsbidrag with several beloppsperioder": "bostadsbidrag-flera-beloppsperioder",
    "karensersättning": "karensersattning",
    "allmän pension from Pensionsmyndigheten": "pensionsmyndigheten-allman-pension",
    "effected payments": "effected-payments",
    "sjukpenning": "effected-payments",
    "a samordningsnummer": "samordningsnummer",
}
ACTORS = {
    "an unknown aktör": "unknown-actor",
    "an aktör not entitled to FK:BOB": "actor-without-FK:BOB",
}
USERS = {
    "a user granted after 2025-04-11 more than two years ago": "expired-user-2-years",
    "a user granted before 2025-04-11 less than three years ago": "old-grant-within-3-years",
}
DEFAULT_ACTOR = "municipality"
TEST_CONTROL_PREFIX = "/_lefi"


# ------------------------------------------------------------------------------------------------ catalogue


def catalogue_entry(catalogue: dict[str, Any], name: str) -> dict[str, Any]:
    """The catalogue entry `name`, or a one-line error saying the target's catalogue lacks it."""
    entry = catalogue.get(name)
    if not isinstance(entry, dict):
        raise UsageError(f"the fixture catalogue has no entry {name!r} (needed by this scenario)")
    return entry


def persona(catalogue: dict[str, Any], phrase: str) -> dict[str, Any]:
    """The test person a Given-step names by what it is."""
    if phrase not in PERSONAS:
        raise UsageError(f"no catalogue name for the test person {phrase!r}; known: {', '.join(PERSONAS)}")
    return catalogue_entry(catalogue, PERSONAS[phrase])


def preliminary_persona(catalogue: dict[str, Any], forman: str, delforman: str) -> dict[str, Any]:
    """The person whose preliminary payments are of the harmonised förmån/delförmån pair (found by its facts)."""
    for entry in catalogue.values():
        if (
            isinstance(entry, dict)
            and _code_id(entry.get("forman")) == forman
            and _code_id(entry.get("delforman")) == delforman
            and entry.get("personnummer")
        ):
            return entry
    raise UsageError(f"the fixture catalogue has no person with preliminary payments of {forman}/{delforman}")


def actor(catalogue: dict[str, Any], phrase: str | None = None) -> dict[str, Any]:
    name = DEFAULT_ACTOR if phrase is None else ACTORS.get(phrase)
    if name is None:
        raise UsageError(f"no catalogue name for the aktör {phrase!r}; known: {', '.join(ACTORS)}")
    return catalogue_entry(catalogue, name)


def user(catalogue: dict[str, Any], phrase: str) -> dict[str, Any]:
    if phrase not in USERS:
        raise UsageError(f"no catalogue name for the user {phrase!r}; known: {', '.join(USERS)}")
    return catalogue_entry(catalogue, USERS[phrase])


def test_persons(catalogue: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every catalogue entry that is a person (has a personnummer), in catalogue order."""
    return [(k, v) for k, v in catalogue.items() if isinstance(v, dict) and v.get("personnummer")]


def _code_id(value: Any) -> str | None:
    if isinstance(value, dict):
        return str(value.get("id") or value.get("kod") or "") or None
    return str(value) if value is not None else None


# ------------------------------------------------------------------------------------------------ queries


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def person_period(person: dict[str, Any]) -> tuple[dt.date, dt.date]:
    period = person.get("period") or {}
    try:
        return dt.date.fromisoformat(str(period["from"])), dt.date.fromisoformat(str(period["tom"]))
    except (KeyError, ValueError):
        raise UsageError(
            "a catalogue person needs a period {from, tom} (ISO dates) to be asked about"
        ) from None


@dataclass
class RequestSpec:
    """What a When-step asks for, parsed from its text ('formansinformation FK:SJP and utbetalningar FK:SJP')."""

    groups: dict[str, list[str]] = field(default_factory=dict)
    over_two_years: bool = False


def parse_request(text: str, person: dict[str, Any] | None = None) -> RequestSpec:
    """Read a request phrase of the scenarios; the person's own groups come from its catalogue facts."""
    text = text.strip()
    spec = RequestSpec()
    suffix = " over two years and one day"
    if text.endswith(suffix):
        spec.over_two_years = True
        text = text[: -len(suffix)].strip()
    if text == "no group at all":
        return spec
    person = person or {}
    if text == "the person's preliminära utbetalningar":
        spec.groups["preliminara_utbetalningar"] = [str(person.get("group") or "")]
        return spec
    if text == "the person's utbetalningar":
        spec.groups["utbetalningar"] = [str(g) for g in person.get("groups", [])]
        return spec
    for part in re.split(r"\s+and\s+", text):
        words = part.split()
        if not words or words[0] not in REQUEST_KINDS or len(words) < 2:
            raise UsageError(
                f"cannot read the request {part!r} (expected e.g. 'formansinformation FK:SJP FK:FSJP')"
            )
        spec.groups.setdefault(REQUEST_KINDS[words[0]], []).extend(words[1:])
    return spec


def build_query(
    spec: RequestSpec,
    person: dict[str, Any],
    *,
    aktors_id: str | None = None,
    anvandare: str | None = None,
) -> Any:
    """A client Query for the person over its catalogue period (or over two years and one day from its start)."""
    from lefi_contracts.client import Query

    start, end = person_period(person)
    if spec.over_two_years:
        end = add_years(start, 2) + dt.timedelta(days=1)
    return Query(
        personnummer=str(person["personnummer"]),
        period_from=start,
        period_tom=end,
        aktors_id=aktors_id,
        anvandare=anvandare,
        **{k: list(v) for k, v in spec.groups.items()},
    )


def everything_served(version: VersionInfo) -> RequestSpec:
    """Every group and övrig-information type `version` serves, each in every class that can carry it."""
    codes = load_codes()
    fk = [g.kod for g in codes.groups_for_version(version.number, "FK")]
    pm = [g.kod for g in codes.groups_for_version(version.number, "PM")]
    ovrig = [g.kod for g in codes.ovrig_information_for_version(version.number)]
    groups: dict[str, list[str]] = {
        "formansinformation": fk,
        "preliminara_utbetalningar": fk + pm,
        "utbetalningar": fk + pm,
        "ovrig_information": ovrig,
    }
    if pm:
        groups.update(ansprak=pm, beslut=pm)
    return RequestSpec(groups=groups)


def run_query(client: Any, query: Any) -> Any:
    """Ask without turning a maintenance answer into an exception: scenarios inspect the answer itself."""
    params = inspect.signature(client.query).parameters
    if "raise_on_unavailable" in params:
        return client.query(query, raise_on_unavailable=False)
    return client.query(query)


# ------------------------------------------------------------------------------------------------ answers


def presence(word: str) -> bool:
    """'present' / 'absent' of an Examples table as a bool."""
    if word not in ("present", "absent"):
        raise UsageError(f"expected 'present' or 'absent', got {word!r}")
    return word == "present"


def fk_data(data: dict[str, Any] | None) -> dict[str, Any]:
    return (data or {}).get("formansinformation") or {}


def fk_items(data: dict[str, Any] | None, key: str) -> list[dict[str, Any]]:
    value = fk_data(data).get(key) or []
    return [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, dict)]


def _beslut(arenden: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for arende in arenden:
        for beslut in arende.get("beslut") or []:
            if isinstance(beslut, dict):
                yield beslut


def _is_fsjp(beslut: dict[str, Any]) -> bool:
    return beslut.get("ersattning") == FSJP_ERSATTNING or _code_id(beslut.get("forman")) == FSJP_FORMAN


def _fattades(beslut: dict[str, Any]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(beslut.get("fattades"))[:10])
    except ValueError:
        return None


def forebyggande_inside_sjukpenning(
    data: dict[str, Any] | None, *, after: dt.date | None = None
) -> list[dict[str, Any]]:
    """Förebyggande sjukpenning beslut delivered inside sjukpenningarende (optionally only those fattade after)."""
    found = [b for b in _beslut(fk_items(data, "sjukpenningarende")) if _is_fsjp(b)]
    if after is not None:
        found = [b for b in found if (_fattades(b) or dt.date.min) > after]
    return found


def forebyggande_own_set(
    data: dict[str, Any] | None, *, after: dt.date | None = None
) -> list[dict[str, Any]]:
    """Beslut of the own set forebyggandeSjukpenningsarende (optionally only those fattade after)."""
    found = list(_beslut(fk_items(data, "forebyggandeSjukpenningsarende")))
    if after is not None:
        found = [b for b in found if (_fattades(b) or dt.date.min) > after]
    return found


def details(uppgifter: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [d for u in uppgifter for d in (u.get("utbetalningsdetalj") or []) if isinstance(d, dict)]


def has_classification(uppgifter: Iterable[dict[str, Any]], formansfamilj: str, forman: str) -> bool:
    """Some payment has this formansfamilj and a detail whose forman is `forman`."""
    return any(
        _code_id(u.get("formansfamilj")) == formansfamilj
        and any(_code_id(d.get("forman")) == forman for d in details([u]))
        for u in uppgifter
    )


def classifications(uppgifter: Iterable[dict[str, Any]]) -> list[tuple[str | None, str | None]]:
    """(formansfamilj, detail forman) pairs seen, for a readable failure message."""
    return sorted(
        {
            (_code_id(u.get("formansfamilj")), _code_id(d.get("forman")))
            for u in uppgifter
            for d in details([u])
        },
        key=str,
    )


def details_without_beloppstyp(uppgifter: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [d for d in details(uppgifter) if not _code_id(d.get("beloppstyp"))]


def details_with_beloppstyp(uppgifter: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [d for d in details(uppgifter) if "beloppstyp" in d]


def beloppstyper_not_of_version(uppgifter: Iterable[dict[str, Any]], version: str) -> list[str]:
    """Beloppstyp ids of the details that the version's code list does not have."""
    known = {b.id for b in load_codes().beloppstyper_for_version(version)}
    return sorted({str(_code_id(d.get("beloppstyp"))) for d in details(uppgifter)} - known)


def _summa(value: Any) -> float:
    if isinstance(value, dict):
        value = value.get("summa")
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return float("nan")


def uppgift_arithmetic(uppgift: dict[str, Any], tolerance: float = AMOUNT_TOLERANCE) -> list[str]:
    """What does not add up in one LefiUtbetalningUppgift: totals = sums of details, avdrag includes skatt,
    netto = brutto - avdrag. Empty when it holds."""
    rows = details([uppgift])
    brutto, skatt = _summa(uppgift.get("bruttobelopp")), _summa(uppgift.get("skattebelopp"))
    avdrag, netto = _summa(uppgift.get("avdragsbelopp")), _summa(uppgift.get("nettobelopp"))
    rows_brutto = sum(_summa(d.get("bruttobelopp")) for d in rows)
    rows_skatt = sum(_summa(d.get("skattebelopp")) for d in rows)
    rows_avdrag = sum(_summa(d.get("avdragsbelopp")) for d in rows)
    problems = []
    checks = [
        ("bruttobelopp is the sum of the details' bruttobelopp", brutto, rows_brutto),
        ("skattebelopp is the sum of the details' skattebelopp", skatt, rows_skatt),
        ("avdragsbelopp is the details' avdragsbelopp plus skattebelopp", avdrag, rows_avdrag + rows_skatt),
        ("nettobelopp is bruttobelopp minus avdragsbelopp", netto, brutto - avdrag),
    ]
    for rule, got, want in checks:
        if not abs(got - want) <= tolerance:
            problems.append(f"{rule}: {got:.2f} != {want:.2f} (payment {uppgift.get('datum', '?')})")
    return problems


def arenden_with_startades(data: dict[str, Any] | None, key: str, startades: str) -> list[dict[str, Any]]:
    return [a for a in fk_items(data, key) if str(a.get("startades", ""))[:10] == startades]


def _period(value: Any) -> tuple[str, str]:
    value = value if isinstance(value, dict) else {}
    return str(value.get("fran") or value.get("from") or ""), str(value.get("till") or value.get("tom") or "")


def distinct_beslut_periods(arenden: Iterable[dict[str, Any]]) -> list[tuple[str, str]]:
    """The distinct periods of the beslut of these ärenden (one beslut per beloppsperiod => one period each)."""
    return sorted({_period(b.get("period")) for b in _beslut(arenden)})


def beslut_count(arenden: Iterable[dict[str, Any]]) -> int:
    return sum(1 for _ in _beslut(arenden))


def _covers(period: tuple[str, str], day: str) -> bool:
    fran, till = period
    return bool(fran) and fran[:10] <= day <= (till[:10] or fran[:10])


def karens_payments(
    data: dict[str, Any] | None, karensdag: str, beloppstyp: str | None
) -> list[dict[str, Any]]:
    """Effected sjukpenning payments (utbetalningsuppgift) with a detail for the karens day, of sjukpenning's
    own beloppstyp when the catalogue names it."""
    found = []
    for u in fk_items(data, "utbetalningsuppgift"):
        for d in details([u]):
            if _covers(_period(d.get("period")), karensdag) and (
                beloppstyp is None or _code_id(d.get("beloppstyp")) == beloppstyp
            ):
                found.append(u)
                break
    return found


def karens_as_arende(data: dict[str, Any] | None, karensdag: str) -> list[dict[str, Any]]:
    """Sjukpenning beslut that present the karensersättning as an ärende/beslut (karens, or covering the day)."""
    return [
        b
        for b in _beslut(fk_items(data, "sjukpenningarende"))
        if b.get("karens") is True or _covers(_period(b.get("period")), karensdag)
    ]


def pm_data_under_formansinformation(data: dict[str, Any] | None) -> list[str]:
    """Paths under formansinformation that carry Pensionsmyndigheten's model (PM: codes or PM-only keys)."""
    found: list[str] = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k in PM_ONLY_KEYS:
                    found.append(f"{path}/{k}")
                walk(v, f"{path}/{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{path}[{i + 1}]")
        elif isinstance(node, str) and node.startswith("PM:"):
            found.append(path)

    walk(fk_data(data), "/formansinformation")
    return found


def pm_structure_problems(data: dict[str, Any] | None) -> list[str]:
    """What is missing from Pensionsmyndigheten's own structure (ansprak, beslut, utbetalningar) in an answer."""
    data = data or {}
    problems = []
    rules = [
        ("ansprak", "ansprakid"),
        ("beslut", "beslutsid"),
        ("utbetalningar", "utbetalningsrader"),
    ]
    for key, marker in rules:
        items = [i for i in data.get(key) or [] if isinstance(i, dict)]
        if not items:
            problems.append(f"no {key} delivered")
        elif not all(marker in i for i in items):
            problems.append(f"{key} not in Pensionsmyndigheten's structure (no {marker})")
    for pay in data.get("utbetalningar") or []:
        if isinstance(pay, dict) and not all(
            isinstance(pay.get(k), int) for k in ("bruttobelopp", "nettobelopp")
        ):
            problems.append("PM utbetalningar amounts are not whole SEK (integers)")
            break
    return problems


def delivered_data(data: dict[str, Any] | None) -> list[str]:
    """The keys that carry data in an answer (FK keys with items, PM lists with items)."""
    data = data or {}
    keys = [f"formansinformation/{k}" for k, v in fk_data(data).items() if v]
    keys += [
        k
        for k in ("ansprak", "beslut", "preliminaraUtbetalningar", "utbetalningar", "ovrigInformation")
        if data.get(k)
    ]
    return keys


def avvikelser_for(data: dict[str, Any] | None, kod: str) -> list[dict[str, Any]]:
    """Every avvikelse (any class) reported for the group or övrig-information type `kod`."""
    found = []
    for entries in ((data or {}).get("avvikelser") or {}).values():
        for entry in entries or []:
            if not isinstance(entry, dict):
                continue
            grupp = entry.get("formansgrupp") or entry.get("ovrigInformationstyp") or {}
            if _code_id(grupp) == kod:
                found.append(entry.get("avvikelse") or {})
    return found


def avvikelser_of_agency(data: dict[str, Any] | None, agency: str) -> list[dict[str, Any]]:
    found = []
    for entries in ((data or {}).get("avvikelser") or {}).values():
        for entry in entries or []:
            grupp = (entry or {}).get("formansgrupp") or (entry or {}).get("ovrigInformationstyp") or {}
            if str(_code_id(grupp) or "").startswith(f"{agency}:"):
                found.append(entry)
    return found


def agency_state(data: dict[str, Any] | None, agency: str) -> str | None:
    """tillstand.kod of the utlämnare `agency` (FK, PM) in an answer, None when the answer does not name it."""
    for entry in (data or {}).get("utlamnare") or []:
        if isinstance(entry, dict) and _code_id(entry.get("utlamnare") or {}) == agency:
            return _code_id(entry.get("tillstand"))
    return None


def agency_data(data: dict[str, Any] | None, agency: str) -> list[str]:
    """The data an agency contributed: FK's formansinformation keys, PM's own lists."""
    delivered = delivered_data(data)
    if agency == "FK":
        return [k for k in delivered if k.startswith("formansinformation/")]
    return [k for k in delivered if not k.startswith("formansinformation/")]


# ------------------------------------------------------------------------------------------------ refusals


def refusal_matches(response: Any, expected: str) -> list[str]:
    """Compare a refusal with an Examples cell: space-separated tokens 'HTTP-503' (status) or a fel kod."""
    problems = []
    fault = getattr(response, "fault", None)
    for token in expected.split():
        if token.startswith("HTTP-"):
            if str(getattr(response, "http_status", "")) != token[5:]:
                problems.append(f"HTTP status {getattr(response, 'http_status', None)}, expected {token[5:]}")
        elif fault is None or getattr(fault, "code", None) != token:
            problems.append(f"fel kod {getattr(fault, 'code', None)!r}, expected {token!r}")
    return problems


def delivery_problems(response: Any) -> list[str]:
    """Why an answer is not a delivered answer of its version: refused, not decodable, or not valid against the
    version's contract (a consumer cannot rely on such an answer, whatever its HTTP status)."""
    fault = getattr(response, "fault", None)
    if fault is not None or not 200 <= int(getattr(response, "http_status", 0)) < 300:
        code, message = getattr(fault, "code", None), getattr(fault, "message", "")
        return [f"refused: HTTP {response.http_status}, fel {code}: {message}"]
    problems = [f"not decodable: {e}" for e in (getattr(response, "decode_errors", None) or [])[:3]]
    if getattr(response, "data", None) is None:
        problems.append("no decoded payload")
    problems += [f"contract: {v.path}: {v.message}" for v in response.violations()[:3]]
    return problems


def is_refused(response: Any) -> bool:
    return getattr(response, "fault", None) is not None or int(getattr(response, "http_status", 200)) >= 400


def _orgnr_candidates(text: str) -> list[str]:
    found = []
    for m in re.finditer(r"(?<!\d)(\d{6})-?(\d{4})(?!\d)", text):
        digits = m.group(1) + m.group(2)
        if int(digits[2:4]) >= 20 and luhn_check_digit(digits[:9]) == int(digits[9]):
            found.append(m.group(0))
    return found


def identity_numbers_in(text: str, also: Iterable[str] = ()) -> list[str]:
    """What in an error text looks like a personnummer, samordningsnummer or organisationsnummer (or is one of
    `also`, the numbers of the query, in 10- or 12-digit form). Returns descriptions, never the number itself."""
    problems = []
    if contains_identity_number(text):
        problems.append("a personnummer or samordningsnummer")
    if _orgnr_candidates(text):
        problems.append("an organisationsnummer")
    for number in also:
        digits = re.sub(r"\D", "", number)
        for form in {digits, digits[-10:], f"{digits[-10:-4]}-{digits[-4:]}"}:
            if form and form in text:
                problems.append("the personnummer of the query")
                break
    return sorted(set(problems))


def refusal_text(response: Any) -> str:
    """Everything of a refusal a consumer may log: the fault's message and the whole body."""
    fault = getattr(response, "fault", None)
    parts = [str(getattr(fault, "message", "") or ""), str(getattr(fault, "faultstring", "") or "")]
    raw = getattr(response, "raw", b"") or b""
    parts.append(raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw))
    return "\n".join(parts)


# ------------------------------------------------------------------------------------------------ versions


def unserved_version_problems(
    base_url: str,
    number: str,
    reg: Registry | None = None,
    timeout: float = 10.0,
    tls: TlsConfig | None = None,
) -> list[str]:
    """Ask the registry and the target for a version that is not served; what is not a clear refusal.

    The registry must refuse it with a one-line UsageError; at the target, every transport's path for that
    version (a served version's base_path with the number swapped) must answer 404 naming the served versions.
    """
    reg = reg or registry()
    served = [v.number for v in reg.served()]
    problems = []
    if number in served:
        return [f"version {number} is served; the scenario needs one that is not"]
    try:
        reg.get(number)
        problems.append(f"the registry knows version {number}")
    except UsageError as exc:
        if not all(s in str(exc) for s in served):
            problems.append(f"the registry's refusal does not name the served versions: {exc}")
    seen: set[str] = set()
    for v in reg.served():
        path = re.sub(r"v\d+$", f"v{number}", v.base_path.rstrip("/"))
        if v.transport in seen or path == v.base_path:
            continue
        seen.add(v.transport)
        url = (
            base_url.rstrip("/")
            + path
            + ("/soap" if v.transport == "soap" else "/aktorer/x/formansinformation/fraga")
        )
        transport = GuardedTransport(timeout=timeout, max_response_bytes=1_000_000, tls=tls)
        try:
            resp = transport.send("POST", url, body=b"{}", headers={"Content-Type": "application/json"})
        except (TargetUnavailable, ResponseRejected) as exc:
            problems.append(f"{path}: no answer ({exc})")
            continue
        finally:
            transport.close()
        text = resp.body.decode("utf-8", "replace")
        if resp.status != 404:
            problems.append(f"{path}: HTTP {resp.status}, expected 404")
        elif not all(re.search(rf"(?<!\d){re.escape(s)}(?!\d)", text) for s in served):
            problems.append(f"{path}: the 404 does not name the served versions {', '.join(served)}")
    return problems


# ------------------------------------------------------------------------------------------------ target control


class TargetControl:
    """The reference provider's test-only endpoints (/_lefi/...): its clock and the agencies' tillstånd.

    A foreign target has none: `available()` is False and the scenarios that need them are skipped there.
    """

    def __init__(self, base_url: str, timeout: float = 10.0, tls: TlsConfig | None = None) -> None:
        self.base = base_url.rstrip("/") + TEST_CONTROL_PREFIX
        self.http = GuardedTransport(timeout=timeout, max_response_bytes=5_000_000, tls=tls)
        self._available: bool | None = None

    def available(self) -> bool:
        if self._available is None:
            try:
                self._available = self.http.send("GET", f"{self.base}/catalogue").status == 200
            except (TargetUnavailable, ResponseRejected):
                self._available = False
        return self._available

    def close(self) -> None:
        self.http.close()

    def _post(self, path: str, body: dict[str, Any]) -> None:
        payload = json.dumps(body).encode()
        resp = self.http.send(
            "POST", f"{self.base}{path}", body=payload, headers={"Content-Type": "application/json"}
        )
        if resp.status >= 300:
            raise UsageError(f"the target refused {TEST_CONTROL_PREFIX}{path}: HTTP {resp.status}")

    def set_clock(self, instant: str | None) -> None:
        """Fix the target's clock at an ISO instant (None: back to real time)."""
        self._post("/clock", {"now": instant})

    def set_agency_state(self, agency: str, state: str | None) -> None:
        """Put an agency (FK, PM) in a tillstånd (None: back to OK)."""
        self._post("/agency-state", {agency: state or "OK"})
