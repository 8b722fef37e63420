"""Rules about the request and how it is answered: which queries must be refused, which never, and how.

No fallback weakens them: the code lists are read from contracts/codes/ and a missing or broken list is an error
of the run (the check reports that it could not run), never a quietly shorter list of known codes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from lefi_contracts.calendar import add_years
from lefi_contracts.codes import load_codes
from lefi_contracts.contracts import QUERY_SECTIONS, VersionInfo
from lefi_contracts.oracles.answer import as_list
from lefi_contracts.oracles.exchange import Exchange
from lefi_contracts.oracles.registry import rule
from lefi_contracts.personnummer import is_valid

# Fault codes (SOAP fel/kod) that mean "your request was refused", as the wire design defines them.
REFUSAL_CODES = frozenset({"FELAKTIGA_INDATA", "OBEHORIG", "OKAND_AKTOR", "ANVANDARE_OBEHORIG"})
# Near the two-year boundary the rule's exact reading (inclusive or not, 29 February) is left open.
BOUNDARY_SLACK = dt.timedelta(days=2)


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None


def asked_period(request: Mapping[str, Any]) -> tuple[dt.date, dt.date] | None:
    """(from, tom) of the query's period, None when it has no two valid dates."""
    period = request.get("period")
    period = period if isinstance(period, Mapping) else {}
    start, end = _date(period.get("from")), _date(period.get("tom"))
    return (start, end) if start is not None and end is not None else None


def asked_codes(request: Mapping[str, Any], section: str) -> set[str]:
    return {c for c in as_list(request.get(section)) if isinstance(c, str)}


@lru_cache(maxsize=16)
def ovrig_codes(version: str) -> frozenset[str]:
    return frozenset(g.kod for g in load_codes().ovrig_information_for_version(version))


def invalid_reasons(request: Mapping[str, Any], version: VersionInfo) -> list[str]:
    """Why the contract says this query must be refused (empty: a valid query, or not a query).

    Near the two-year boundary no reason is given, so a provider that reads it either way is not accused.
    """
    if "personnummer" not in request:
        return []
    reasons: list[str] = []
    pnr = request.get("personnummer")
    if not isinstance(pnr, str) or not is_valid(pnr) or len(pnr) not in (10, 12) or not pnr.isdigit():
        reasons.append("invalid personnummer")
    period = asked_period(request)
    if period is None:
        reasons.append("period without valid dates")
    elif period[1] < period[0]:
        reasons.append("period tom before from")
    elif period[1] > add_years(period[0], 2) + BOUNDARY_SLACK:
        reasons.append("period longer than two years")
    if not any(request.get(k) for k in QUERY_SECTIONS):
        reasons.append("no group asked")
    known = set(version.behaviour.formansgrupper) | ovrig_codes(version.number)
    asked = set().union(*(asked_codes(request, k) for k in QUERY_SECTIONS))
    unknown = sorted(
        c
        for c in asked
        if c not in known and not (version.behaviour.pensionsmyndigheten and c.startswith("PM:"))
    )
    if unknown:
        reasons.append(f"unknown code(s) {', '.join(unknown)}")
    return reasons


def valid_beyond_doubt(request: Mapping[str, Any], version: VersionInfo) -> bool:
    """A query every reading of the rules accepts (period clearly under two years)."""
    if invalid_reasons(request, version):
        return False
    aktor = request.get("aktorsId")
    if aktor is not None and not str(aktor).strip():
        return False  # every contract requires a non-blank aktorsId
    if version.transport == "rest":
        for key in QUERY_SECTIONS:
            codes = as_list(request.get(key))
            if len(set(map(str, codes))) != len(codes):
                return False  # the JSON contract says uniqueItems; the XSDs allow a repeat (answered once)
    period = asked_period(request)
    return period is not None and period[1] <= add_years(period[0], 2) - BOUNDARY_SLACK


@rule(
    "lefi_contract_valid",
    source="every answer is valid against the contract (XSD / OpenAPI) of the version it was asked of",
    phases=("scenarios", "fuzzing"),
    broken_by=("schema-violation-on-rare-branch", "wrong-namespace", "required-element-missing"),
)
def contract_valid(ex: Exchange) -> list[str]:
    """The answer is valid against the version's own contract (violations found by the transport)."""
    return list(ex.contract_violations)


@rule(
    "lefi_no_server_error",
    source="a bad input is the client's error (400 / soap:Client); 503 only inside a maintenance window",
    phases=("fuzzing",),
    broken_by=("server-error-on-rare-input",),
)
def no_server_error(ex: Exchange) -> list[str]:
    """Never a 5xx (503 in maintenance aside) and never a soap:Server fault."""
    if ex.status == 503 or ex.fault_code == "OTILLGANGLIG":
        return []
    if ex.fault_side == "server" or ex.fault_code == "INTERNT_FEL":
        return [f"server fault {ex.fault_code or ''} (HTTP {ex.status})".strip()]
    if ex.status >= 500 and ex.fault_side != "client":
        return [f"server error: HTTP {ex.status}"]
    return []


@rule(
    "lefi_invalid_request_rejected",
    source=(
        '"Är en period angiven i frågan som är längre än två år … underkänns också hela anropet med statuskod '
        '400"; personnummer "10 eller 12 siffror"; a query names at least one group'
    ),
    phases=("fuzzing",),
    broken_by=("invalid-personnummer-accepted", "period-over-two-years-accepted", "no-group-accepted"),
)
def invalid_request_rejected(ex: Exchange) -> list[str]:
    """A query the contract forbids is refused with the contract's error: REST 400 (or 403), SOAP Client fault."""
    if not ex.is_query:
        return []
    reasons = invalid_reasons(ex.request, ex.version)
    if not reasons:
        return []
    why = "; ".join(reasons)
    if not ex.is_error:
        return [f"invalid request accepted ({why}): HTTP {ex.status} with data"]
    if ex.status == 503:
        return []
    if ex.version.transport == "rest":
        if ex.status not in (400, 403):
            return [f"invalid request ({why}) answered HTTP {ex.status}, the contract says 400"]
        return []
    if ex.fault_side != "client" or ex.fault_code not in REFUSAL_CODES:
        return [
            f"invalid request ({why}) answered {ex.fault_side} fault {ex.fault_code}, expected a Client fault"
        ]
    return []


@rule(
    "lefi_valid_request_not_refused",
    source='personnummer "10 eller 12 siffror"; period "tom may equal from" — a valid query is answered',
    phases=("fuzzing",),
    broken_by=("ten-digit-personnummer-refused",),
)
def valid_request_not_refused(ex: Exchange) -> list[str]:
    """A valid query is never refused as bad input (400 / FELAKTIGA_INDATA); unknown actors and users may be."""
    if not ex.is_query or not valid_beyond_doubt(ex.request, ex.version):
        return []
    if ex.fault_code == "FELAKTIGA_INDATA" or (ex.version.transport == "rest" and ex.status == 400):
        return [f"a valid query was refused as bad input ({ex.fault_code or ex.status})"]
    return []
