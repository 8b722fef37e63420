"""Where fuzzing should look: known test persons, actors and users, and the calendar's edges.

A request generated from the contract alone almost never names a known actor or a person with data, so it only
ever tests the refusal paths. Hints mix the target's fixture catalogue (persons, actors, users) and calendar edges
(month starts and ends, 29 February, the 2024-05-19 cut-off, periods of 0 days / 2 years) into generation; the raw
contract strategy stays one branch of every hinted value, so everything the contract allows remains reachable.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from lefi_contracts.personnummer import is_valid

# Days that break date code: leap days, year ends, the förebyggande sjukpenning cut-off and the day after.
RARE_DAYS = (dt.date(2020, 2, 29), dt.date(2024, 2, 29), dt.date(2024, 12, 31), dt.date(2025, 1, 1),
             dt.date(2024, 5, 19), dt.date(2024, 5, 20))  # fmt: skip
# Durations (days) that sit on the period rules' edges: one day, a month, a year, two years and just over.
EDGE_LENGTHS = (0, 1, 27, 28, 29, 30, 31, 364, 365, 366, 729, 730, 731, 732)


def mix(hint: st.SearchStrategy[Any], raw: st.SearchStrategy[Any], tenths: int = 8) -> st.SearchStrategy[Any]:
    """`hint` in about tenths/10 of the examples, `raw` in the rest.

    `st.one_of` is not a weighting: Hypothesis avoids repeating examples, so a small hint (four actors) is used
    up early and generation drifts to the big raw branch. A uniform choice of branch first keeps the ratio.
    """
    return st.sampled_from([True] * tenths + [False] * (10 - tenths)).flatmap(
        lambda use: hint if use else raw
    )


def without_repeats(value: Any) -> Any:
    """A list without repeated items (first kept); other values as they are."""
    if not isinstance(value, list):
        return value
    out: list[Any] = []
    for item in value:
        if item not in out:
            out.append(item)
    return out


def _walk(node: Any) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(name, entry) for every mapping in the catalogue, however it nests (personas, actors, users...)."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            if isinstance(value, Mapping):
                yield str(key), value
                yield from _walk(value)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, Mapping):
                        yield str(item.get("name", key)), item
                        yield from _walk(item)


def _bad_name(name: str, entry: Mapping[str, Any]) -> bool:
    text = f"{name} {entry.get('description', '')}".lower()
    return any(
        w in text
        for w in ("unknown", "okand", "okänd", "expired", "not-representable", "inte får", "invalid")
    )


@dataclass(frozen=True)
class Persona:
    """A catalogue person with the groups and period where the target says it has data."""

    personnummer: str
    period: tuple[str, str] | None
    groups: tuple[str, ...]
    ovrig: tuple[str, ...]


@dataclass(frozen=True)
class FuzzHints:
    """Test data of the target, from its fixture catalogue."""

    persons: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    users: tuple[str, ...] = ()
    dates: tuple[dt.date, ...] = field(default_factory=tuple)
    personas: tuple[Persona, ...] = ()
    rights: tuple[tuple[str, frozenset[str]], ...] = ()  # (aktorsId, the groups and types it may read)
    user_of: tuple[tuple[str, str], ...] = ()  # (aktorsId, anvandare) pairs that belong together

    @classmethod
    def from_catalogue(cls, catalogue: Mapping[str, Any] | None) -> FuzzHints:
        persons: set[str] = set()
        actors: set[str] = set()
        users: set[str] = set()
        dates: set[dt.date] = set()
        personas: dict[str, Persona] = {}
        rights: dict[str, frozenset[str]] = {}
        user_of: set[tuple[str, str]] = set()
        for name, entry in _walk(catalogue or {}):
            pnr = entry.get("personnummer")
            if isinstance(pnr, str) and is_valid(pnr):
                persons.add(pnr)
                period = entry.get("period")
                span = (
                    (str(period.get("from")), str(period.get("tom")))
                    if isinstance(period, Mapping) and period.get("from") and period.get("tom")
                    else None
                )
                # "group": a persona of one group (the preliminary payment personas)
                groups = [*(entry.get("groups") or ()), *([entry["group"]] if entry.get("group") else [])]
                personas.setdefault(name, Persona(
                    pnr, span, tuple(str(g) for g in groups),
                    tuple(str(g) for g in entry.get("ovrig") or ()),
                ))  # fmt: skip
            for value in entry.values():
                if isinstance(value, str) and len(value) == 10 and value[4] == "-":
                    with contextlib.suppress(ValueError):
                        dates.add(dt.date.fromisoformat(value))
            if _bad_name(name, entry):
                continue
            aktor = entry.get("aktorsId") or entry.get("aktors_id")
            if isinstance(aktor, str) and aktor and "personnummer" not in entry:
                actors.add(aktor)
                may = {str(g) for g in (*(entry.get("groups") or ()), *(entry.get("ovrig") or ()))}
                if may and "anvandare" not in entry:
                    rights[aktor] = frozenset(may)
            user = entry.get("anvandare") or entry.get("user")
            if isinstance(user, str) and user:
                users.add(user)
                if isinstance(aktor, str):
                    user_of.add((aktor, user))
        return cls(
            tuple(sorted(persons)), tuple(sorted(actors)), tuple(sorted(users)), tuple(sorted(dates)),
            tuple(personas[k] for k in sorted(personas)), tuple(sorted(rights.items())), tuple(sorted(user_of)),
        )  # fmt: skip

    def persona_queries(self, groups: tuple[str, ...], ovrig: tuple[str, ...]) -> list[dict[str, Any]]:
        """Each persona's own query (its period, groups and övrig information, an entitled actor), once.

        Run before random generation as explicit examples, as schemathesis runs a contract's examples: every data
        path the catalogue knows is visited at least once, whatever the budget and the seed.
        """
        out = []
        for p in self.personas:
            mine = [g for g in p.groups if g in groups]
            ov = [o for o in p.ovrig if o in ovrig]
            if not p.period or not (mine or ov):
                continue
            needs = set(mine + ov)
            actor = next(
                (a for a, may in self.rights if needs <= may), self.actors[0] if self.actors else None
            )
            query: dict[str, Any] = {
                "personnummer": p.personnummer,
                "period": {"from": p.period[0], "tom": p.period[1]},
                "formansinformation": mine,
                # the same groups' payments: without them no payment (and no payment check) is ever reached
                "preliminaraUtbetalningar": mine,
                "utbetalningar": mine,
                "ovrigInformation": ov,
            }
            if actor is not None:
                query["aktorsId"] = actor
            out.append({k: v for k, v in query.items() if v != []})
            # the same query by an actor not entitled to some of it: the OBEHORIG path with data behind it
            lacking = next((a for a, may in self.rights if needs - may and a != actor), None)
            if lacking is not None:
                out.append({k: v for k, v in {**query, "aktorsId": lacking}.items() if v != []})
        return out

    def caller(self, needs: tuple[str, ...]) -> st.SearchStrategy[dict[str, Any]]:
        """aktorsId (mostly one entitled to `needs`) and, sometimes, one of that actor's own users."""
        if not self.actors:
            return st.just({})
        entitled = [a for a, may in self.rights if needs and set(needs) <= may] or list(self.actors)
        actor = mix(st.sampled_from(entitled), st.sampled_from(self.actors), 8)

        def with_user(a: str) -> st.SearchStrategy[dict[str, Any]]:
            own = [u for x, u in self.user_of if x == a]
            user = mix(st.none(), st.sampled_from(own), 7) if own else st.none()
            return user.map(lambda u: {"aktorsId": a, "anvandare": u})

        return actor.flatmap(with_user)

    def query(self, groups: tuple[str, ...], ovrig: tuple[str, ...]) -> st.SearchStrategy[dict[str, Any]]:
        """Part of a query around a persona: its person, its period (exact, from snapped to the 1st of the month,
        or any hinted period), its groups and övrig information (those the version knows), without repeats."""
        if not self.personas:
            return st.just({})

        def around(p: Persona) -> st.SearchStrategy[dict[str, Any]]:
            periods = [self.period()]
            if p.period:
                start, end = p.period
                periods += [
                    st.just({"from": start, "tom": end}),
                    st.just({"from": start[:8] + "01", "tom": end}),
                ]
            mine = [g for g in p.groups if g in groups]
            others = st.lists(st.sampled_from(groups), max_size=2, unique=True) if groups else st.just([])
            fi = st.tuples(st.just(mine), others).map(lambda mo: list(dict.fromkeys(mo[0] + mo[1])))
            ov = [o for o in p.ovrig if o in ovrig]
            return st.tuples(
                st.fixed_dictionaries(
                    {"personnummer": st.just(p.personnummer), "period": st.one_of(periods), "formansinformation": fi,
                     "ovrigInformation": st.just(ov)},
                ),
                self.caller(tuple(mine + ov)),
            ).map(lambda qc: {k: v for k, v in {**qc[0], **qc[1]}.items() if v != []})  # fmt: skip

        return st.sampled_from(self.personas).flatmap(around)

    # -- strategies ------------------------------------------------------------------------------------------
    def personnummer(self) -> st.SearchStrategy[str]:
        """A known person (12 or 10 digits), or a pattern-valid number that is probably not a valid one."""
        random_digits = st.from_regex(r"[0-9]{10}|[0-9]{12}", fullmatch=True)
        if not self.persons:
            return random_digits
        known = st.sampled_from(self.persons)
        return mix(
            st.one_of(known, known.map(lambda p: p[2:])), st.one_of(_luhn_broken(known), random_digits)
        )

    def aktors_id(self) -> st.SearchStrategy[str]:
        raw = st.text(st.characters(codec="ascii", categories=("L", "N")), min_size=1, max_size=12)
        if not self.actors:
            return raw
        return mix(st.sampled_from(self.actors), raw, 9)

    def anvandare(self) -> st.SearchStrategy[str | None]:
        if not self.users:
            return st.none()
        return mix(st.none(), st.sampled_from(self.users), 7)

    def period(self) -> st.SearchStrategy[dict[str, str]]:
        """{from, tom}: calendar edges and catalogue dates, edge lengths; sometimes reversed or random."""
        edges = st.sampled_from(_edge_dates() + list(self.dates))
        start = mix(edges, st.dates(dt.date(2015, 1, 1), dt.date(2027, 12, 31)), 6)
        length = mix(st.sampled_from(EDGE_LENGTHS), mix(st.integers(0, 700), st.integers(-40, -1), 8), 5)
        one_rare_day = st.sampled_from(RARE_DAYS).map(lambda d: {"from": d.isoformat(), "tom": d.isoformat()})
        return mix(one_rare_day, st.tuples(start, length).map(_period), 3)


def _period(start_length: tuple[dt.date, int]) -> dict[str, str]:
    start, length = start_length
    return {"from": start.isoformat(), "tom": (start + dt.timedelta(days=length)).isoformat()}


def _luhn_broken(known: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """A known person's number with the check digit changed: the shape is right, the checksum is not."""
    return st.tuples(known, st.integers(1, 9)).map(lambda pk: pk[0][:-1] + str((int(pk[0][-1]) + pk[1]) % 10))


def _edge_dates() -> list[dt.date]:
    days: list[dt.date] = [dt.date(2024, 5, 19), dt.date(2024, 5, 20), dt.date(2025, 4, 11)]
    for year in range(2019, 2027):
        days += [dt.date(year, 1, 1), dt.date(year, 12, 31), dt.date(year, 3, 1), dt.date(year, 6, 1)]
        if year % 4 == 0:
            days.append(dt.date(year, 2, 29))
        days.append(dt.date(year, 2, 28))
    return sorted(set(days))
