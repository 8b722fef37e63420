"""Typed accessors over a decoded answer (the v9 JSON shape every version is decoded to).

They never raise on odd data (fuzzing sends odd data): what is not of the expected type reads as absent. Also the
one test of "is this förebyggande sjukpenning", used by every rule and scenario that asks it.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, TypedDict

Data = Mapping[str, Any]
# The top-level lists of Pensionsmyndigheten's own model (v9).
PM_KEYS = ("ansprak", "beslut", "preliminaraUtbetalningar", "utbetalningar", "ovrigInformation")
FK_PAYMENT_KEYS = ("utbetalningsuppgift", "preliminarautbetalningar")
# Keys and code prefixes that only Pensionsmyndigheten's own model carries.
PM_ONLY_KEYS = frozenset({"ansprakid", "beslutsid", "utbetalningsrader", "utbetalningsforman", "avdragstyp"})

# Förebyggande sjukpenning, by every criterion the contract and the release notes give: its group code FK:FSJP
# (own set forebyggandeSjukpenningsarende, v8+), the ersattning values of LefiSjukpenningBeslut, and the förmån /
# delförmån id FSJP of a beslut or payment detail; or any description naming it.
FSJP_GROUP = "FK:FSJP"
FSJP_OWN_SET = "forebyggandeSjukpenningsarende"
FSJP_ERSATTNING = frozenset({"FOREBYGGANDE_SJUKPENNING", "FOREBYGGANDE_SJUKPENNING_SF"})
FSJP_IDS = frozenset({"FSJP", FSJP_GROUP})
FSJP_WORDS = ("förebyggande sjukpenning", "forebyggande sjukpenning")


class Avvikelse(TypedDict):
    section: str  # formansinformation, utbetalningar, ovrigInformation, ...
    kod: str  # group or övrig-information code it concerns
    avvikelse: str  # OBEHORIG, ...


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in as_list(value) if isinstance(v, dict)]


def code_id(value: Any) -> str | None:
    """The code of a {id|kod, beskrivning} pair (or of a bare code)."""
    if isinstance(value, Mapping):
        found = value.get("id", value.get("kod"))
        return None if found is None or found == "" else str(found)
    return None if value is None else str(value)


def fk_data(data: Data | None) -> dict[str, Any]:
    value = (data or {}).get("formansinformation")
    return value if isinstance(value, dict) else {}


def fk_items(data: Data | None, key: str) -> list[dict[str, Any]]:
    return dicts(fk_data(data).get(key))


def beslut_of(arenden: Iterable[Mapping[str, Any]]) -> Iterator[dict[str, Any]]:
    for arende in arenden:
        yield from dicts(arende.get("beslut"))


def details(uppgifter: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [d for u in uppgifter for d in dicts(u.get("utbetalningsdetalj"))]


def amount(value: Any) -> Decimal | None:
    """An amount (FK {summa, valuta} or a PM integer) as an exact Decimal; None when absent or not a number.

    Decimal(str(x)) reads a JSON double by its shortest repr, so 650.35 stays 650.35 (no binary noise)."""
    if isinstance(value, Mapping):
        value = value.get("summa")
    if value is None or isinstance(value, bool):
        return None
    try:
        found = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return found if found.is_finite() else None


def day(value: Any, *, end: bool = False) -> dt.date | None:
    """An FK or PM date: YYYY-MM-DD, or YYYY-MM ("Datum kan också sakna dagangivelse") read as the month's first
    day, or its last when `end`; a year alone likewise. None when it is no date."""
    text = str(value or "")[:10]
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        if len(text) == 7:
            y, m = int(text[:4]), int(text[5:7])
            return dt.date(y, m, calendar.monthrange(y, m)[1] if end else 1)
        if len(text) == 4 and text.isdigit():
            return dt.date(int(text), 12, 31) if end else dt.date(int(text), 1, 1)
    except ValueError:
        return None
    return None


def period_of(value: Any) -> tuple[dt.date | None, dt.date | None, bool] | None:
    """(start, end, open) of an FK {fran, till} or PM {from, tom} period; None when it has no start.
    "Är bara ett datum angett är perioden 'öppen'": a missing end is open."""
    if not isinstance(value, Mapping):
        return None
    start = day(value.get("fran", value.get("from")))
    raw_end = value.get("till", value.get("tom"))
    end = day(raw_end, end=True)
    if start is None and end is None:
        return None
    return start, end, raw_end in (None, "")


def _names_fsjp(value: Any) -> bool:
    if isinstance(value, Mapping):
        return any(_names_fsjp(v) for k, v in value.items() if k in ("id", "kod", "beskrivning"))
    text = str(value or "")
    return text in FSJP_IDS or text in FSJP_ERSATTNING or any(w in text.lower() for w in FSJP_WORDS)


def is_forebyggande(item: Mapping[str, Any]) -> bool:
    """THE test of förebyggande sjukpenning, for a beslut or a payment detail: ersattning, förmån, delförmån,
    formansgrupp or beloppstyp names it (code or description)."""
    return any(
        _names_fsjp(item.get(k)) for k in ("ersattning", "forman", "delforman", "formansgrupp", "beloppstyp")
    )


def forebyggande_beslut(data: Data | None, key: str) -> list[dict[str, Any]]:
    """Beslut of förebyggande sjukpenning under formansinformation/`key`: every beslut of the own set, and the
    beslut inside any other set that is förebyggande by `is_forebyggande`."""
    found = list(beslut_of(fk_items(data, key)))
    return found if key == FSJP_OWN_SET else [b for b in found if is_forebyggande(b)]


def avvikelser(data: Data | None) -> list[Avvikelse]:
    """Every avvikelse of the answer, any section."""
    block = (data or {}).get("avvikelser")
    if not isinstance(block, Mapping):
        return []
    out: list[Avvikelse] = []
    for section, items in block.items():
        for item in dicts(items):
            grupp = (
                item.get("formansgrupp") or item.get("ovrigInformationstyp") or item.get("informationstyp")
            )
            kod, what = code_id(grupp), code_id(item.get("avvikelse"))
            if kod and what:
                out.append(Avvikelse(section=str(section), kod=kod, avvikelse=what))
    return out


def agency_state(data: Data | None, agency: str) -> str | None:
    """tillstand kod of the utlämnare `agency` (FK, PM), None when the answer does not name it."""
    for entry in dicts((data or {}).get("utlamnare")):
        if code_id(entry.get("utlamnare")) == agency:
            return code_id(entry.get("tillstand"))
    return None


def delivered_data(data: Data | None) -> list[str]:
    """The keys that carry data in an answer (FK keys with items, PM lists with items)."""
    keys = [f"formansinformation/{k}" for k, v in fk_data(data).items() if v]
    return keys + [k for k in PM_KEYS if (data or {}).get(k)]


def agency_data(data: Data | None, agency: str) -> list[str]:
    """The data an agency contributed: FK's formansinformation keys, PM's own lists."""
    delivered = delivered_data(data)
    if agency == "FK":
        return [k for k in delivered if k.startswith("formansinformation/")]
    return [k for k in delivered if not k.startswith("formansinformation/")]


def walk(node: Any, path: str = "") -> Iterator[tuple[str, str, Any]]:
    """(path, key, value) of every mapping entry under `node`, depth first."""
    if isinstance(node, Mapping):
        for k, v in node.items():
            here = f"{path}/{k}"
            yield here, str(k), v
            yield from walk(v, here)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk(v, f"{path}[{i + 1}]")
