"""What a scenario looks for in one answer about a test person whose facts it knows (from the catalogue).

These are the scenarios' expectations of presence ("the karensersättning is delivered as payments"), not rules
every answer must hold; each is still written once, here, over the typed accessors of answer.py, so the
förebyggande test, the date reading and the payment shape are the oracle's own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from lefi_contracts.codes import load_codes
from lefi_contracts.oracles.answer import (
    FSJP_OWN_SET,
    PM_ONLY_KEYS,
    Data,
    agency_data,
    avvikelser,
    beslut_of,
    code_id,
    day,
    details,
    dicts,
    fk_data,
    fk_items,
    forebyggande_beslut,
    period_of,
    walk,
)


def forebyggande(data: Data | None, *, own_set: bool, after: dt.date | None = None) -> list[dict[str, Any]]:
    """Förebyggande sjukpenning beslut in its own set or inside sjukpenningarende (optionally fattade after)."""
    found = forebyggande_beslut(data, FSJP_OWN_SET if own_set else "sjukpenningarende")
    if after is not None:
        found = [b for b in found if (day(b.get("fattades")) or dt.date.min) > after]
    return found


def has_classification(uppgifter: Iterable[dict[str, Any]], formansfamilj: str, forman: str) -> bool:
    """Some payment has this formansfamilj and a detail whose forman is `forman`."""
    return any(
        code_id(u.get("formansfamilj")) == formansfamilj
        and any(code_id(d.get("forman")) == forman for d in details([u]))
        for u in uppgifter
    )


def classifications(uppgifter: Iterable[dict[str, Any]]) -> list[tuple[str | None, str | None]]:
    """(formansfamilj, detail forman) pairs seen, for a readable failure message."""
    pairs = {
        (code_id(u.get("formansfamilj")), code_id(d.get("forman"))) for u in uppgifter for d in details([u])
    }
    return sorted(pairs, key=str)


def beloppstyp_problems(uppgifter: Iterable[dict[str, Any]], version: str | None) -> list[str]:
    """Details without a beloppstyp, and (with `version`) beloppstyper the version's code list lacks."""
    rows = details(uppgifter)
    if not rows:
        return ["no payment details delivered"]
    missing = [d for d in rows if not code_id(d.get("beloppstyp"))]
    out = [f"{len(missing)} of {len(rows)} details have no beloppstyp"] if missing else []
    if version is not None:
        known = {b.id for b in load_codes().beloppstyper_for_version(version)}
        unknown = sorted(
            {str(code_id(d.get("beloppstyp"))) for d in rows if code_id(d.get("beloppstyp"))} - known
        )
        out += [f"beloppstyper not of version {version}: {unknown}"] if unknown else []
    return out


def details_with_beloppstyp(uppgifter: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [d for d in details(uppgifter) if "beloppstyp" in d]


def arenden_with_startades(data: Data | None, key: str, startades: str) -> list[dict[str, Any]]:
    return [a for a in fk_items(data, key) if str(a.get("startades", ""))[:10] == startades]


def distinct_beslut_periods(arenden: Iterable[dict[str, Any]]) -> list[tuple[str, str]]:
    """The distinct periods of the beslut of these ärenden (one beslut per beloppsperiod => one period each)."""
    found = set()
    for beslut in beslut_of(arenden):
        value = beslut.get("period")
        period: dict[str, Any] = value if isinstance(value, dict) else {}
        found.add((str(period.get("fran") or ""), str(period.get("till") or "")))
    return sorted(found)


def beslut_count(arenden: Iterable[dict[str, Any]]) -> int:
    return sum(1 for _ in beslut_of(arenden))


def _covers(value: Any, karensdag: dt.date) -> bool:
    found = period_of(value)
    if found is None or found[0] is None:
        return False
    start, end, is_open = found
    if start is None or start > karensdag:
        return False
    return is_open or (end or start) >= karensdag


def karens_payments(data: Data | None, karensdag: str, beloppstyp: str | None) -> list[dict[str, Any]]:
    """Effected payments with a detail for the karens day, of sjukpenning's own beloppstyp when one is named."""
    when = dt.date.fromisoformat(karensdag)
    return [
        u
        for u in fk_items(data, "utbetalningsuppgift")
        if any(
            _covers(d.get("period"), when)
            and (beloppstyp is None or code_id(d.get("beloppstyp")) == beloppstyp)
            for d in details([u])
        )
    ]


def karens_as_arende(data: Data | None, karensdag: str) -> list[dict[str, Any]]:
    """Sjukpenning beslut that present the karensersättning as an ärende/beslut (karens, or covering the day)."""
    when = dt.date.fromisoformat(karensdag)
    return [
        b
        for b in beslut_of(fk_items(data, "sjukpenningarende"))
        if b.get("karens") is True or _covers(b.get("period"), when)
    ]


def pm_data_under_formansinformation(data: Data | None) -> list[str]:
    """Paths under formansinformation that carry Pensionsmyndigheten's model (PM: codes or PM-only keys)."""
    return [
        path
        for path, key, value in walk(fk_data(data), "/formansinformation")
        if key in PM_ONLY_KEYS or (isinstance(value, str) and value.startswith("PM:"))
    ]


def pm_structure_problems(data: Data | None) -> list[str]:
    """What is missing from Pensionsmyndigheten's own structure (ansprak, beslut, utbetalningar) in an answer."""
    problems = []
    for key, marker in (
        ("ansprak", "ansprakid"),
        ("beslut", "beslutsid"),
        ("utbetalningar", "utbetalningsrader"),
    ):
        items = dicts((data or {}).get(key))
        if not items:
            problems.append(f"no {key} delivered")
        elif not all(marker in i for i in items):
            problems.append(f"{key} not in Pensionsmyndigheten's structure (no {marker})")
    amounts = [
        p.get(k) for p in dicts((data or {}).get("utbetalningar")) for k in ("bruttobelopp", "nettobelopp")
    ]
    if not all(isinstance(a, int) for a in amounts):
        problems.append("PM utbetalningar amounts are not whole SEK (integers)")
    return problems


def avvikelse_codes(data: Data | None, kod: str) -> list[str]:
    """The avvikelse codes (any section) reported for the group or övrig-information type `kod`."""
    return [a["avvikelse"] for a in avvikelser(data) if a["kod"] == kod]


def agency_contributions(data: Data | None, agency: str) -> list[str]:
    """The data and avvikelser an agency (FK, PM) contributed to an answer."""
    return agency_data(data, agency) + [
        a["kod"] for a in avvikelser(data) if a["kod"].startswith(f"{agency}:")
    ]


def nothing_in(data: Data | None, key: str) -> list[str]:
    """['no <key> delivered'] when formansinformation/<key> is empty: a rule over nothing proves nothing."""
    return [] if fk_items(data, key) else [f"no {key} delivered"]
