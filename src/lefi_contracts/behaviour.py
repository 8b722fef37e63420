"""Scenario glue: the catalogue of a target named by what its entries are, the request phrases of the When-steps,
how a refusal is compared with an Examples cell, and the two HTTP helpers the scenarios need.

Every rule the Then-steps assert lives in lefi_contracts.oracles (one function each, shared with fuzzing); this
module only turns Gherkin phrases into queries and exchanges. Steps never see a personnummer.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import yaml

from lefi_contracts.calendar import add_years
from lefi_contracts.client.base import QUERY_LISTS, Query
from lefi_contracts.codes import load_codes
from lefi_contracts.contracts import VersionInfo
from lefi_contracts.errors import UsageError
from lefi_contracts.oracles.answer import code_id
from lefi_contracts.resources import features_dir
from lefi_contracts.yamlio import load_yaml

# The kinds of information a query names, as written in the scenarios (v9 JSON names) -> Query field names.
REQUEST_KINDS = {wire: attr for attr, wire in QUERY_LISTS.items()}
# Given-step phrases -> catalogue names: data, next to the features that use them.
PHRASES_FILE = features_dir() / "catalogue-names.yaml"  # the checkout's features/, or the packaged copy
OVER_TWO_YEARS = " over two years and one day"
FIRST_MONTH = " over the first month of its period"


# ------------------------------------------------------------------------------------------------ catalogue
def catalogue_entry(catalogue: dict[str, Any], name: str) -> dict[str, Any]:
    """The catalogue entry `name`, or a one-line error saying the target's catalogue lacks it."""
    entry = catalogue.get(name)
    if not isinstance(entry, dict):
        raise UsageError(f"the fixture catalogue has no entry {name!r} (needed by this scenario)")
    return entry


@lru_cache(maxsize=1)
def phrases() -> dict[str, Any]:
    """The phrase tables of features/catalogue-names.yaml (personas, actors, users, default_actor)."""
    try:
        data = load_yaml(PHRASES_FILE.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise UsageError(f"cannot read {PHRASES_FILE.name}: {exc.__class__.__name__}") from None
    if not isinstance(data, dict):
        raise UsageError(f"{PHRASES_FILE.name} is not a mapping")
    return data


def _named(kind: str, what: str, phrase: str) -> str:
    table = phrases().get(kind) or {}
    if phrase not in table:
        raise UsageError(f"no catalogue name for the {what} {phrase!r}; known: {', '.join(table)}")
    return str(table[phrase])


def persona(catalogue: dict[str, Any], phrase: str) -> dict[str, Any]:
    """The test person a Given-step names by what it is."""
    return catalogue_entry(catalogue, _named("personas", "test person", phrase))


def preliminary_persona(catalogue: dict[str, Any], forman: str, delforman: str) -> dict[str, Any]:
    """The person whose preliminary payments are of the harmonised förmån/delförmån pair (found by its facts)."""
    for _, entry in test_persons(catalogue):
        if code_id(entry.get("forman")) == forman and code_id(entry.get("delforman")) == delforman:
            return entry
    raise UsageError(f"the fixture catalogue has no person with preliminary payments of {forman}/{delforman}")


def actor(catalogue: dict[str, Any], phrase: str | None = None) -> dict[str, Any]:
    name = str(phrases().get("default_actor")) if phrase is None else _named("actors", "aktör", phrase)
    return catalogue_entry(catalogue, name)


def user(catalogue: dict[str, Any], phrase: str) -> dict[str, Any]:
    return catalogue_entry(catalogue, _named("users", "user", phrase))


def test_persons(catalogue: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every catalogue entry that is a person (has a personnummer), in catalogue order."""
    return [(k, v) for k, v in catalogue.items() if isinstance(v, dict) and v.get("personnummer")]


# ------------------------------------------------------------------------------------------------ queries
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
    first_month: bool = False  # ask a narrow period, so that what lies outside it exists to be over-disclosed


def parse_request(text: str, person: dict[str, Any] | None = None) -> RequestSpec:
    """Read a request phrase of the scenarios; the person's own groups come from its catalogue facts."""
    text, spec, person = text.strip(), RequestSpec(), person or {}
    if text.endswith(OVER_TWO_YEARS):
        spec.over_two_years, text = True, text[: -len(OVER_TWO_YEARS)].strip()
    if text.endswith(FIRST_MONTH):
        spec.first_month, text = True, text[: -len(FIRST_MONTH)].strip()
    if text == "no group at all":
        return spec
    if text == "the person's preliminära utbetalningar":
        spec.groups["preliminara_utbetalningar"] = [str(person.get("group") or "")]
        return spec
    if text == "the person's utbetalningar":
        spec.groups["utbetalningar"] = [str(g) for g in person.get("groups", [])]
        return spec
    for part in re.split(r"\s+and\s+", text):
        words = part.split()
        if len(words) < 2 or words[0] not in REQUEST_KINDS:
            raise UsageError(
                f"cannot read the request {part!r} (expected e.g. 'formansinformation FK:SJP FK:FSJP')"
            )
        spec.groups.setdefault(REQUEST_KINDS[words[0]], []).extend(words[1:])
    return spec


def build_query(
    spec: RequestSpec, person: dict[str, Any], *, aktors_id: str | None = None, anvandare: str | None = None
) -> Query:
    """A client Query for the person over its catalogue period (or over two years and one day from its start)."""
    start, end = person_period(person)
    if spec.over_two_years:
        end = add_years(start, 2) + dt.timedelta(days=1)
    if spec.first_month:
        end = min(end, start + dt.timedelta(days=30))
    lists = {k: list(v) for k, v in spec.groups.items()}
    return Query(str(person["personnummer"]), start, end, aktors_id=aktors_id, anvandare=anvandare, **lists)


def everything_served(version: VersionInfo) -> RequestSpec:
    """Every group and övrig-information type `version` serves, each in every class that can carry it."""
    codes = load_codes()
    fk = [g.kod for g in codes.groups_for_version(version.number, "FK")]
    pm = [g.kod for g in codes.groups_for_version(version.number, "PM")]
    ovrig = [g.kod for g in codes.ovrig_information_for_version(version.number)]
    groups = {"formansinformation": fk, "preliminara_utbetalningar": fk + pm, "utbetalningar": fk + pm}
    groups["ovrig_information"] = ovrig
    if pm:
        groups.update(ansprak=pm, beslut=pm)
    return RequestSpec(groups=groups)


def presence(word: str) -> bool:
    """'present' / 'absent' of an Examples table as a bool."""
    if word not in ("present", "absent"):
        raise UsageError(f"expected 'present' or 'absent', got {word!r}")
    return word == "present"


# ------------------------------------------------------------------------------------------------ refusals
def refusal_matches(response: Any, expected: str) -> list[str]:
    """Compare a refusal with an Examples cell: space-separated tokens 'HTTP-503' (status) or a fel kod."""
    problems = []
    fault = response.fault
    for token in expected.split():
        if token.startswith("HTTP-"):
            if str(response.http_status) != token[5:]:
                problems.append(f"HTTP status {response.http_status}, expected {token[5:]}")
        elif fault is None or fault.code != token:
            problems.append(f"fel kod {getattr(fault, 'code', None)!r}, expected {token!r}")
    return problems


def delivery_problems(response: Any) -> list[str]:
    """Why an answer is not a delivered answer of its version: refused, not decodable, or not valid against the
    version's contract (a consumer cannot rely on such an answer, whatever its HTTP status)."""
    if response.fault is not None or not 200 <= response.http_status < 300:
        code, message = getattr(response.fault, "code", None), getattr(response.fault, "message", "")
        return [f"refused: HTTP {response.http_status}, fel {code}: {message}"]
    problems = [f"not decodable: {e}" for e in response.decode_errors[:3]]
    if response.data is None:
        problems.append("no decoded payload")
    return problems + [f"contract: {v.path}: {v.message}" for v in response.violations()[:3]]


def is_refused(response: Any) -> bool:
    return response.fault is not None or response.http_status >= 400
