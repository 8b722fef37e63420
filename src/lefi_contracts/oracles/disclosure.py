"""Disclosure rules: an answer carries nothing that was not asked, permitted, about the person, and of its version.

Over-disclosure of personal data is the worst thing this interface can do, so each rule looks at every item.

Which date decides, per kind of item. The contract says the query's `period` is "den period under vilken den
önskade informationen tillkommit". An item has several dates, and the contract does not say which of them
"tillkommit" means, so the rule takes the item's whole span (its earliest to its latest date; an open period,
"Är bara ett datum angett är perioden 'öppen'", extends to the future) and reports the item only when that span
lies wholly before `from` or wholly after `tom`: outside by every reading, not just by ours.
- FK ärende (…arende): `startades`, and each beslut's `fattades` and `period` (the ärende comes into being when it
  starts and with each decision; a decision concerns its period).
- FK payment (utbetalningsuppgift, preliminarautbetalningar): `datum` (effektuering), `period`, and each
  utbetalningsdetalj's `period`.
- PM ansprak: `ankomstdatum` and `yrkadPeriod`; PM beslut: `beslutsdatum` and each beslutadErsattning's `period`;
  PM payments: `utbetalningsdatum` and `utbetalningsperiod`.
- Övrig information: its `period` where it has one (studiemedelsavisering); the other types describe the person's
  state when asked (personuppgifter, SGI, skatteuppgift, pensionsbehållning) and are not bounded by the period.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

from lxml import etree

from lefi_contracts.codes import load_codes
from lefi_contracts.contracts import VersionInfo
from lefi_contracts.oracles.answer import (
    FK_PAYMENT_KEYS,
    PM_KEYS,
    PM_ONLY_KEYS,
    as_list,
    avvikelser,
    code_id,
    details,
    dicts,
    fk_data,
    period_of,
    walk,
)
from lefi_contracts.oracles.answer import day as parse_day
from lefi_contracts.oracles.exchange import Exchange
from lefi_contracts.oracles.identity import valid_personnummer_in
from lefi_contracts.oracles.registry import rule
from lefi_contracts.oracles.requests import asked_codes, asked_period
from lefi_contracts.oracles.versions import later_only_names, later_versions

OPEN_END = dt.date.max
PERIOD_SOURCE = '`period`: "den period under vilken den önskade informationen tillkommit" (LefiExternFormansinformationFraga)'


@lru_cache(maxsize=1)
def _keys() -> tuple[dict[str, frozenset[str]], frozenset[str]]:
    """formansinformation key -> the group codes that fill it; and the keys of övrig information."""
    codes = load_codes()
    by_key: dict[str, set[str]] = {}
    for group in (*codes.formansgrupper, *codes.ovrig_information):
        for key in group.formansinformation_keys:
            by_key.setdefault(key, set()).add(group.kod)
    ovrig = frozenset(k for g in codes.ovrig_information for k in g.formansinformation_keys)
    return {k: frozenset(v) for k, v in by_key.items()}, ovrig


# --------------------------------------------------------------------------------------------- period
def _dates(*values: Any) -> list[tuple[dt.date, dt.date]]:
    """(earliest, latest) contributions of plain dates and periods."""
    out = []
    for value in values:
        if isinstance(value, Mapping):
            found = period_of(value)
            if found is None:
                continue
            start, end, is_open = found
            low = start or end
            high = OPEN_END if is_open else (end or start)
            if low is not None and high is not None:
                out.append((low, high))
        else:
            start, end = parse_day(value), parse_day(value, end=True)
            if start is not None and end is not None:
                out.append((start, end))
    return out


def _arende_span(item: Mapping[str, Any]) -> list[tuple[dt.date, dt.date]]:
    found = _dates(item.get("startades"))
    for beslut in dicts(item.get("beslut")):
        found += _dates(beslut.get("fattades"), beslut.get("period"))
    return found


def _payment_span(item: Mapping[str, Any]) -> list[tuple[dt.date, dt.date]]:
    return _dates(item.get("datum"), item.get("period"), *(d.get("period") for d in details([item])))


def dated_items(data: Mapping[str, Any] | None) -> Iterator[tuple[str, list[tuple[dt.date, dt.date]]]]:
    """(path, dates) of every dated item of an answer, by the date that decides for its kind."""
    _, ovrig_keys = _keys()
    for key, value in fk_data(data).items():
        for i, item in enumerate(dicts(value)):
            where = f"formansinformation/{key}[{i + 1}]"
            if key in FK_PAYMENT_KEYS:
                yield where, _payment_span(item)
            elif key in ovrig_keys:
                yield where, _dates(item.get("period"))
            else:
                yield where, _arende_span(item)
    data = data or {}
    for i, item in enumerate(dicts(data.get("ansprak"))):
        yield f"ansprak[{i + 1}]", _dates(item.get("ankomstdatum"), item.get("yrkadPeriod"))
    for i, item in enumerate(dicts(data.get("beslut"))):
        periods = [e.get("period") for e in dicts(item.get("beslutadErsattning"))]
        yield f"beslut[{i + 1}]", _dates(item.get("beslutsdatum"), *periods)
    for key in ("utbetalningar", "preliminaraUtbetalningar"):
        for i, item in enumerate(dicts(data.get(key))):
            yield f"{key}[{i + 1}]", _dates(item.get("utbetalningsdatum"), item.get("utbetalningsperiod"))


@rule(
    "lefi_disclosure_within_period",
    source=PERIOD_SOURCE,
    phases=("scenarios", "fuzzing", "probes", "validation", "consumers"),
    broken_by=("period-ignored",),
)
def within_period(ex: Exchange) -> list[str]:
    """Every dated item (decisions, payments, preliminary payments, ärenden, PM, övrig information with a
    period) falls within the asked period by the date that decides for its kind."""
    period = asked_period(ex.request)
    if period is None or ex.is_error:
        return []
    start, end = period
    out = []
    for where, spans in dated_items(ex.data):
        if not spans:
            continue
        low, high = min(s for s, _ in spans), max(e for _, e in spans)
        if high < start or low > end:
            shown = "open" if high == OPEN_END else high.isoformat()
            out.append(
                f"{where} ({low.isoformat()} .. {shown}) lies outside the asked period {start} .. {end}"
            )
    return out


# --------------------------------------------------------------------------------------------- groups
def _pm_item_codes(section: str, item: Mapping[str, Any]) -> set[str]:
    if section == "ovrigInformation":
        return {c for c in [code_id(item.get("informationstyp"))] if c}
    if section in ("utbetalningar", "preliminaraUtbetalningar"):
        return {c for r in dicts(item.get("utbetalningsrader")) if (c := code_id(r.get("formansgrupp")))}
    return {c for c in [code_id(item.get("formansgrupp"))] if c}


@rule(
    "lefi_disclosure_only_asked_groups",
    source=(
        "the query names the förmånsgrupper and övrig-information types wanted, per kind of information "
        "(formansinformation, preliminaraUtbetalningar, utbetalningar, ansprak, beslut, ovrigInformation)"
    ),
    phases=("scenarios", "fuzzing", "probes", "validation", "consumers"),
    broken_by=("unasked-group-delivered",),
)
def only_asked_groups(ex: Exchange) -> list[str]:
    """Only the groups the query asked, in the kind of information it asked them for, carry data."""
    if not ex.is_query or ex.is_error:
        return []
    by_key, ovrig_keys = _keys()
    out: list[str] = []
    for key, value in fk_data(ex.data).items():
        if not as_list(value):
            continue
        if key in FK_PAYMENT_KEYS:
            section = "utbetalningar" if key == "utbetalningsuppgift" else "preliminaraUtbetalningar"
            if not any(c.startswith("FK:") for c in asked_codes(ex.request, section)):
                out.append(f"formansinformation/{key} carries data, but {section} asked no FK group")
            continue
        section = "ovrigInformation" if key in ovrig_keys else "formansinformation"
        owners = by_key.get(key, frozenset())
        if not owners & asked_codes(ex.request, section):
            named = ", ".join(sorted(owners)) or "no known group"
            out.append(f"formansinformation/{key} ({named}) carries data, but {section} did not ask for it")
    for section in PM_KEYS:
        asked = asked_codes(ex.request, section)
        for i, item in enumerate(dicts((ex.data or {}).get(section))):
            codes = _pm_item_codes(section, item)
            if (codes and not codes & asked) or (not codes and not asked):
                out.append(f"{section}[{i + 1}] ({', '.join(sorted(codes))}) was not asked for")
    return out


@rule(
    "lefi_obehorig_no_data",
    source="avvikelse OBEHORIG: the aktör has no right to the group, so the group carries no data",
    phases=("scenarios", "fuzzing", "validation", "consumers"),
    broken_by=("obehorig-data-delivered",),
)
def obehorig_no_data(ex: Exchange) -> list[str]:
    """A group reported OBEHORIG (the actor may not read it) carries no data in the answer."""
    by_key, _ = _keys()
    fi = fk_data(ex.data)
    out: list[str] = []
    for found in avvikelser(ex.data):
        if found["avvikelse"] != "OBEHORIG":
            continue
        if found["section"] in ("formansinformation", "ovrigInformation"):
            keys = [k for k, owners in by_key.items() if found["kod"] in owners]
            out += [
                f"{found['kod']} is OBEHORIG but formansinformation/{k} has data" for k in keys if fi.get(k)
            ]
        for i, item in enumerate(dicts((ex.data or {}).get(found["section"]))):
            if found["kod"] in _pm_item_codes(found["section"], item):
                out.append(f"{found['kod']} is OBEHORIG but {found['section']}[{i + 1}] carries it")
    return out


@rule(
    "lefi_agency_not_ok_no_data",
    source="utlamnare tillstand FELANDE / OTILLGANGLIG: that utlämnare contributes neither data nor avvikelser",
    phases=("scenarios", "fuzzing", "validation", "consumers"),
    broken_by=("agency-down-delivers-data",),
)
def agency_not_ok_no_data(ex: Exchange) -> list[str]:
    """An agency (utlamnare) whose tillstand is not OK contributes no data and no avvikelser."""
    data = ex.data or {}
    out: list[str] = []
    for entry in dicts(data.get("utlamnare")):
        who, state = code_id(entry.get("utlamnare")), code_id(entry.get("tillstand"))
        if not who or not state or state == "OK":
            continue
        if who == "FK" and fk_data(data):
            out.append(f"FK is {state} but formansinformation has data")
        if who == "PM":
            out.extend(f"PM is {state} but {k} has data" for k in PM_KEYS if data.get(k))
        out.extend(
            f"{who} is {state} but has an avvikelse for {a['kod']}"
            for a in avvikelser(data)
            if a["kod"].startswith(f"{who}:")
        )
    return out


# --------------------------------------------------------------------------------------------- person
@rule(
    "lefi_disclosure_person_asked",
    source="the query asks about one försäkringstagare (`personnummer`); the answer is information about that person",
    phases=("scenarios", "fuzzing", "probes", "validation", "consumers"),
    broken_by=("other-person-in-answer",),
)
def person_asked(ex: Exchange) -> list[str]:
    """No personnummer or samordningsnummer other than the one asked appears anywhere in the answer."""
    if not ex.is_query or ex.is_error or ex.data is None:
        return []
    asked = "".join(ch for ch in str(ex.request.get("personnummer") or "") if ch.isdigit())[-10:]
    out = []
    for path, _, value in walk(ex.data):
        if isinstance(value, str):
            others = {n for n in valid_personnummer_in(value) if n != asked}
            if others:
                out.append(f"{path or '/'} names {len(others)} other person(s)")
    return out


# --------------------------------------------------------------------------------------------- versions
def _xml_paths(body: bytes) -> set[tuple[str, ...]]:
    """Local-name paths of every element of an XML answer: what the XSD-guided decoding drops is kept here.
    Bounded: entities off, no network, no huge trees, and the body was already capped by the transport."""
    try:
        root = etree.fromstring(
            body, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        )
    except (etree.XMLSyntaxError, ValueError):
        return set()
    paths: set[tuple[str, ...]] = set()
    for elem in root.iter():
        if isinstance(elem.tag, str):
            names = [
                etree.QName(e).localname for e in [elem, *elem.iterancestors()] if isinstance(e.tag, str)
            ]
            paths.add(tuple(reversed(names)))
    return paths


def _data_paths(data: Mapping[str, Any] | None) -> set[tuple[str, ...]]:
    return {tuple(re.sub(r"\[\d+\]", "", path).strip("/").split("/")) for path, _, _ in walk(data)}


def _group_codes(version: VersionInfo) -> frozenset[str]:
    codes = load_codes()
    own = {g.kod for g in codes.groups_for_version(version.number)}
    own |= {g.kod for g in codes.ovrig_information_for_version(version.number)}
    return frozenset(own)


@lru_cache(maxsize=1)
def _all_group_codes() -> frozenset[str]:
    codes = load_codes()
    return frozenset(g.kod for g in (*codes.formansgrupper, *codes.ovrig_information))


def _later(version: VersionInfo) -> bool:
    return bool(later_versions(version))


@rule(
    "lefi_disclosure_no_later_structure",
    source=(
        '"informationen inte längre kommer finnas tillgänglig i tidigare versioner (versionerna 5, 6 och 7)"; '
        "each version answers in its own contract: no element, group code or beloppstyp only a later version has"
    ),
    phases=("scenarios", "fuzzing", "probes", "validation", "consumers"),
    broken_by=("later-structure-leaks", "later-group-code-leaks", "harmonised-leaks-into-old-versions"),
    versions=_later,
    versions_text="every version with a later one (5-8 today)",
)
def no_later_structure(ex: Exchange) -> list[str]:
    """Nothing of a later version's structure: no element/property only a later contract declares (v8's own FSJP
    set in v5-7), no group code the version does not serve, no beloppstyp on a legacy preliminary detail, no
    Pensionsmyndigheten model where PM is not served."""
    if ex.is_error:
        return []
    v, out = ex.version, []
    later_names = later_only_names(v)
    paths = (_xml_paths(ex.body) if v.transport == "soap" else set()) | _data_paths(ex.data)
    seen = {p[-1] for p in paths if p}
    out += [
        f"{name}: only a later version's contract has it (v{v.number})" for name in sorted(seen & later_names)
    ]
    own_codes, every_group = _group_codes(v), _all_group_codes()
    for path, key, value in walk(ex.data):
        if key != "kod" or value not in every_group or value in own_codes:
            continue
        if not (v.behaviour.pensionsmyndigheten and str(value).startswith("PM:")):
            out.append(f"{path}: group code {value} is not served by v{v.number}")
    legacy_detail = ("preliminarautbetalningar", "utbetalningsdetalj", "beloppstyp")
    if v.behaviour.preliminara_utbetalningar == "legacy" and any(p[-3:] == legacy_detail for p in paths):
        out.append(f"a preliminary payment detail carries a beloppstyp in legacy v{v.number}")
    if not v.behaviour.pensionsmyndigheten and ex.is_query:  # the types answer has lists of the same names
        out += [f"Pensionsmyndigheten's {k} in v{v.number}" for k in PM_KEYS if (ex.data or {}).get(k)]
        pm_only = sorted({key for _, key, _ in walk(fk_data(ex.data)) if key in PM_ONLY_KEYS})
        out += [f"Pensionsmyndigheten's {k} under formansinformation in v{v.number}" for k in pm_only]
    return out
