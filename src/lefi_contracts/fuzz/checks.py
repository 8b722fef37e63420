"""Our checks on one request/response exchange, for every version and transport.

They work on an `Exchange` (the request and the decoded response in the v9 JSON shape, which the SOAP side
produces by decoding with the XSD), so the same code checks XML and JSON. `rest.py` registers each of them as a
schemathesis check (`@schemathesis.check`), `soap.py` calls them directly. A check returns the list of what it
found wrong (empty = held); it never raises on odd data, because odd data is what fuzzing sends.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from lefi_contracts.contracts import QUERY_SECTIONS, VersionInfo
from lefi_contracts.personnummer import contains_identity_number, is_valid, luhn_check_digit

# Fault codes (SOAP fel/kod) that mean "your request was refused", as the wire design defines them.
REFUSAL_CODES = frozenset({"FELAKTIGA_INDATA", "OBEHORIG", "OKAND_AKTOR", "ANVANDARE_OBEHORIG"})
PM_KEYS = ("ansprak", "beslut", "preliminaraUtbetalningar", "utbetalningar", "ovrigInformation")
REQUEST_GROUP_KEYS = QUERY_SECTIONS


@dataclass
class Exchange:
    """One request and its answer, transport-neutral."""

    version: VersionInfo
    operation: str
    request: dict[str, Any]  # v9 JSON shape of the query, plus aktorsId and anvandare
    status: int
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    data: dict[str, Any] | None = None  # decoded answer (v9 JSON shape) when it is not an error
    fault_code: str | None = None  # SOAP fel/kod, or "HTTP-<status>" for a REST error
    fault_side: str | None = None  # "client" / "server" (SOAP faultcode), None for REST
    contract_violations: list[str] = field(default_factory=list)  # filled by the transport (XSD / OpenAPI)

    @property
    def is_error(self) -> bool:
        return self.fault_code is not None or self.status >= 400

    @property
    def is_query(self) -> bool:
        return "personnummer" in self.request


Check = Callable[[Exchange], list[str]]


# -- request classification ----------------------------------------------------------------------------------
def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None


def _plus_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def invalid_reasons(request: Mapping[str, Any], version: VersionInfo) -> list[str]:
    """Why the contract says this query must be refused (empty: a valid query, or not a query).

    Near the two-year boundary the rule's exact reading (inclusive or not, 29 February) is left open: no reason
    is given there, so a provider that reads it either way is not accused.
    """
    if "personnummer" not in request:
        return []
    reasons: list[str] = []
    pnr = request.get("personnummer")
    if not isinstance(pnr, str) or not is_valid(pnr) or len(pnr) not in (10, 12) or not pnr.isdigit():
        reasons.append("invalid personnummer")
    period = request.get("period")
    period = period if isinstance(period, Mapping) else {}
    start, end = _date(period.get("from")), _date(period.get("tom"))
    if start is None or end is None:
        reasons.append("period without valid dates")
    elif end < start:
        reasons.append("period tom before from")
    elif end > _plus_years(start, 2) + dt.timedelta(days=2):
        reasons.append("period longer than two years")
    if not any(request.get(k) for k in REQUEST_GROUP_KEYS):
        reasons.append("no group asked")
    known = set(version.behaviour.formansgrupper) | _ovrig_codes(version.number)
    asked = {c for k in REQUEST_GROUP_KEYS for c in _as_list(request.get(k)) if isinstance(c, str)}
    unknown = sorted(
        c
        for c in asked
        if c not in known and not (version.behaviour.pensionsmyndigheten and c.startswith("PM:"))
    )
    if unknown:
        reasons.append(f"unknown code(s) {', '.join(unknown)}")
    return reasons


@lru_cache(maxsize=16)
def _ovrig_codes(version: str) -> frozenset[str]:
    try:
        from lefi_contracts.codes import load_codes

        return frozenset(g.kod for g in load_codes().ovrig_information_for_version(version))
    except Exception:  # code lists absent or unreadable: fall back to the wire design's five FK codes
        return frozenset({"FK:GEPI", "FK:PANV", "FK:SGI", "FK:SKUP", "FK:STAV"})


@lru_cache(maxsize=1)
def _group_keys() -> dict[str, tuple[str, ...]]:
    """Group code -> the formansinformation keys it fills (from contracts/codes/)."""
    try:
        from lefi_contracts.codes import load_codes

        codes = load_codes()
        out = {g.kod: tuple(g.formansinformation_keys) for g in codes.formansgrupper}
        out.update({g.kod: tuple(g.formansinformation_keys) for g in codes.ovrig_information})
        return out
    except Exception:
        return {}


# -- the checks ----------------------------------------------------------------------------------------------
def check_contract(ex: Exchange) -> list[str]:
    """The answer is valid against the version's own contract (violations found by the transport)."""
    return list(ex.contract_violations)


def check_no_server_error(ex: Exchange) -> list[str]:
    """Never a 5xx (503 in maintenance aside) and never a soap:Server fault: a bad input is the client's error."""
    if ex.status == 503 or ex.fault_code == "OTILLGANGLIG":
        return []
    if ex.fault_side == "server" or ex.fault_code == "INTERNT_FEL":
        return [f"server fault {ex.fault_code or ''} (HTTP {ex.status})".strip()]
    if ex.status >= 500 and ex.fault_side != "client":
        return [f"server error: HTTP {ex.status}"]
    return []


_ORGNR = re.compile(r"(?<!\d)(16)?(\d{2}[2-9]\d{3})-?(\d{4})(?!\d)")


def _org_numbers(text: str) -> Iterator[str]:
    """Organisationsnummer: ten digits, the third >= 2 (no month), Luhn check digit."""
    for m in _ORGNR.finditer(text):
        ten = m.group(2) + m.group(3)
        if luhn_check_digit(ten[:9]) == int(ten[9]):
            yield ten


def check_no_identity_in_error(ex: Exchange) -> list[str]:
    """No personnummer or organisationsnummer in any error body (LefiFelsvar or SOAP Fault)."""
    if not ex.is_error:
        return []
    text = ex.body.decode("utf-8", "replace")
    found: list[str] = []
    pnr = str(ex.request.get("personnummer") or "")
    if len(pnr) >= 10 and (pnr in text or pnr[-10:] in text):
        found.append("the personnummer of the query is in the error body")
    elif contains_identity_number(text):
        found.append("a personnummer-shaped number is in the error body")
    if any(True for _ in _org_numbers(text)):
        found.append("an organisationsnummer is in the error body")
    return found


def check_invalid_request_rejected(ex: Exchange) -> list[str]:
    """A query the contract forbids (bad personnummer, reversed or too long period, no/unknown group) is refused
    with the contract's error: REST 400 (or 403) with LefiFelsvar, SOAP Client fault with a refusal code."""
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


def valid_beyond_doubt(request: Mapping[str, Any], version: VersionInfo) -> bool:
    """A query every reading of the rules accepts (period clearly under two years)."""
    if invalid_reasons(request, version):
        return False
    aktor = request.get("aktorsId")
    if aktor is not None and not str(aktor).strip():
        return False  # every contract requires a non-blank aktorsId
    for key in REQUEST_GROUP_KEYS:
        codes = request.get(key) or []
        repeated = isinstance(codes, list) and len(set(map(str, codes))) != len(codes)
        if repeated and version.transport == "rest":
            return (
                False  # the JSON contract says uniqueItems; the XSDs allow a repeated element (answered once)
            )
    period = request.get("period")
    period = period if isinstance(period, Mapping) else {}
    start, end = _date(period.get("from")), _date(period.get("tom"))
    return start is not None and end is not None and end <= _plus_years(start, 2) - dt.timedelta(days=2)


def check_valid_request_not_refused(ex: Exchange) -> list[str]:
    """A valid query is never refused as bad input (400 / FELAKTIGA_INDATA); unknown actors and users may be."""
    if not ex.is_query or not valid_beyond_doubt(ex.request, ex.version):
        return []
    if ex.fault_code == "FELAKTIGA_INDATA" or (ex.version.transport == "rest" and ex.status == 400):
        return [f"a valid query was refused as bad input ({ex.fault_code or ex.status})"]
    return []


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _amount(value: Any) -> Decimal | None:
    if isinstance(value, Mapping):
        value = value.get("summa")
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _payment_errors(where: str, p: Mapping[str, Any]) -> list[str]:
    out: list[str] = []
    brutto, skatt = _amount(p.get("bruttobelopp")), _amount(p.get("skattebelopp"))
    avdrag, netto = _amount(p.get("avdragsbelopp")), _amount(p.get("nettobelopp"))
    if avdrag is not None and skatt is not None and avdrag < skatt:
        out.append(f"{where}: avdragsbelopp {avdrag} does not include skattebelopp {skatt}")
    if brutto is not None and avdrag is not None and netto is not None and netto != brutto - avdrag:
        out.append(f"{where}: nettobelopp {netto} != bruttobelopp {brutto} - avdragsbelopp {avdrag}")
    rows = [r for r in _as_list(p.get("utbetalningsdetalj")) if isinstance(r, Mapping)]
    for key, total in (("bruttobelopp", brutto), ("skattebelopp", skatt), ("avdragsbelopp", avdrag)):
        parts = [_amount(r.get(key)) for r in rows]
        if total is None or not rows or any(x is None for x in parts):
            continue
        added = sum(parts, Decimal(0))  # type: ignore[arg-type]
        if added != total:
            out.append(f"{where}: {key} {total} != sum of utbetalningsdetalj {added}")
    return out


def _pm_payment_errors(where: str, p: Mapping[str, Any]) -> list[str]:
    out: list[str] = []
    brutto, netto = _amount(p.get("bruttobelopp")), _amount(p.get("nettobelopp"))
    avdrag = [_amount(a.get("belopp")) for a in _as_list(p.get("avdrag")) if isinstance(a, Mapping)]
    rader = [_amount(r.get("belopp")) for r in _as_list(p.get("utbetalningsrader")) if isinstance(r, Mapping)]
    ok_avdrag = all(a is not None for a in avdrag)
    if brutto is not None and netto is not None and ok_avdrag and netto != brutto - sum(avdrag, Decimal(0)):  # type: ignore[arg-type]
        out.append(f"{where}: nettobelopp {netto} != bruttobelopp {brutto} - sum of avdrag")
    ok_rader = bool(rader) and all(r is not None for r in rader)
    if brutto is not None and ok_rader and sum(rader, Decimal(0)) != brutto:  # type: ignore[arg-type]
        out.append(f"{where}: bruttobelopp {brutto} != sum of utbetalningsrader")
    return out


def check_payment_arithmetic(ex: Exchange) -> list[str]:
    """avdragsbelopp includes skattebelopp; totals = sum of utbetalningsdetalj; netto = brutto - avdrag."""
    data = ex.data or {}
    out: list[str] = []
    fi = data.get("formansinformation") or {}
    if isinstance(fi, Mapping):
        for key in ("utbetalningsuppgift", "preliminarautbetalningar"):
            for i, p in enumerate(_as_list(fi.get(key))):
                if isinstance(p, Mapping):
                    out.extend(_payment_errors(f"formansinformation/{key}[{i + 1}]", p))
    for key in ("utbetalningar", "preliminaraUtbetalningar"):
        for i, p in enumerate(_as_list(data.get(key))):
            if isinstance(p, Mapping):
                out.extend(_pm_payment_errors(f"{key}[{i + 1}]", p))
    return out


def _avvikelser(data: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(category, group code, avvikelse code) of every avvikelse in the answer."""
    av = data.get("avvikelser") or {}
    if not isinstance(av, Mapping):
        return
    for category, items in av.items():
        for item in _as_list(items):
            if not isinstance(item, Mapping):
                continue
            kod = (
                ((item.get("avvikelse") or {}).get("kod"))
                if isinstance(item.get("avvikelse"), Mapping)
                else None
            )
            grupp = (
                item.get("formansgrupp")
                or item.get("ovrigInformationstyp")
                or item.get("informationstyp")
                or {}
            )
            gkod = grupp.get("kod") if isinstance(grupp, Mapping) else None
            if isinstance(kod, str) and isinstance(gkod, str):
                yield category, gkod, kod


def check_obehorig_no_data(ex: Exchange) -> list[str]:
    """A group reported OBEHORIG (the actor may not read it) carries no data in the answer."""
    data = ex.data or {}
    fi = data.get("formansinformation") or {}
    if not isinstance(fi, Mapping):
        return []
    keys = _group_keys()
    out: list[str] = []
    for category, gkod, kod in _avvikelser(data):
        if kod != "OBEHORIG" or category not in ("formansinformation", "ovrigInformation"):
            continue
        for key in keys.get(gkod, ()):
            if _as_list(fi.get(key)):
                out.append(f"{gkod} is OBEHORIG but formansinformation/{key} has data")
    return out


def check_agency_not_ok_no_data(ex: Exchange) -> list[str]:
    """An agency (utlamnare) whose tillstand is not OK contributes no data and no avvikelser."""
    data = ex.data or {}
    out: list[str] = []
    for entry in _as_list(data.get("utlamnare")):
        if not isinstance(entry, Mapping):
            continue
        who = (
            (entry.get("utlamnare") or {}).get("kod") if isinstance(entry.get("utlamnare"), Mapping) else None
        )
        state = (
            (entry.get("tillstand") or {}).get("kod") if isinstance(entry.get("tillstand"), Mapping) else None
        )
        if not who or not state or state == "OK":
            continue
        if who == "FK" and data.get("formansinformation"):
            out.append(f"FK is {state} but formansinformation has data")
        if who == "PM":
            out.extend(f"PM is {state} but {k} has data" for k in PM_KEYS if data.get(k))
        out.extend(
            f"{who} is {state} but has an avvikelse for {g}"
            for _, g, _ in _avvikelser(data)
            if g.startswith(f"{who}:")
        )
    return out


def _is_fsjp(beslut: Mapping[str, Any]) -> bool:
    for key in ("ersattning", "forman", "delforman"):
        value = beslut.get(key)
        text = " ".join(str(v) for v in value.values()) if isinstance(value, Mapping) else str(value or "")
        if "FOREBYGG" in text.upper() or "FSJP" in text.upper() or "FÖREBYGG" in text.upper():
            return True
    return False


def check_version_invariants(ex: Exchange) -> list[str]:
    """What the registry says about the version holds in the data: no förebyggande sjukpenning decided after the
    cut-off inside sjukpenning (and no own set) where it is delivered inside sjukpenning; no beloppstyp on legacy
    preliminary payment details, a beloppstyp on every harmonised one; PM data only where PM is served."""
    data = ex.data or {}
    fi = data.get("formansinformation") or {}
    if not isinstance(fi, Mapping):
        return []
    beh = ex.version.behaviour
    out: list[str] = []
    fsjp = beh.forebyggande_sjukpenning
    if fsjp.mode == "inside_sjukpenning":
        if _as_list(fi.get("forebyggandeSjukpenningsarende")):
            out.append(
                f"v{ex.version.number} delivers forebyggandeSjukpenningsarende (not before own_set versions)"
            )
        for i, arende in enumerate(_as_list(fi.get("sjukpenningarende"))):
            for j, beslut in enumerate(
                _as_list(arende.get("beslut") if isinstance(arende, Mapping) else None)
            ):
                if not isinstance(beslut, Mapping) or not _is_fsjp(beslut):
                    continue
                fattades = _date(beslut.get("fattades"))
                if fsjp.until is not None and (fattades is None or fattades > fsjp.until):
                    out.append(
                        f"sjukpenningarende[{i + 1}]/beslut[{j + 1}]: förebyggande sjukpenning fattades "
                        f"{beslut.get('fattades')} after {fsjp.until} in v{ex.version.number}"
                    )
    for i, p in enumerate(_as_list(fi.get("preliminarautbetalningar"))):
        for j, row in enumerate(_as_list(p.get("utbetalningsdetalj") if isinstance(p, Mapping) else None)):
            if not isinstance(row, Mapping):
                continue
            where = f"preliminarautbetalningar[{i + 1}]/utbetalningsdetalj[{j + 1}]"
            if beh.preliminara_utbetalningar == "legacy" and row.get("beloppstyp") is not None:
                out.append(f"{where}: beloppstyp in a legacy (pre-harmonisation) version {ex.version.number}")
            if beh.preliminara_utbetalningar == "harmonised" and row.get("beloppstyp") is None:
                out.append(f"{where}: no beloppstyp in harmonised version {ex.version.number}")
    if not beh.pensionsmyndigheten:
        out.extend(f"PM data ({k}) in v{ex.version.number}" for k in ("ansprak", "beslut") if data.get(k))
    return out


CHECKS: dict[str, Check] = {
    "lefi_contract_valid": check_contract,
    "lefi_no_server_error": check_no_server_error,
    "lefi_no_identity_in_error": check_no_identity_in_error,
    "lefi_invalid_request_rejected": check_invalid_request_rejected,
    "lefi_valid_request_not_refused": check_valid_request_not_refused,
    "lefi_payment_arithmetic": check_payment_arithmetic,
    "lefi_obehorig_no_data": check_obehorig_no_data,
    "lefi_agency_not_ok_no_data": check_agency_not_ok_no_data,
    "lefi_version_invariants": check_version_invariants,
}


@dataclass(frozen=True)
class Finding:
    check: str
    message: str


def run_checks(ex: Exchange, names: list[str] | None = None) -> list[Finding]:
    """Every check (or the named ones) on one exchange; a crashing check is itself a finding, not a crash."""
    found: list[Finding] = []
    for name, check in CHECKS.items():
        if names is not None and name not in names:
            continue
        try:
            found.extend(Finding(name, m) for m in check(ex))
        except Exception as exc:  # a check must never take the run down on hostile data
            found.append(Finding(name, f"check could not read the answer: {exc.__class__.__name__}"))
    return found
