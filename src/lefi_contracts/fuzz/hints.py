"""Where fuzzing should look: known test persons, actors and users, and the calendar's edges.

A request generated from the contract alone almost never names a known actor or a person with data, so it only
ever tests the refusal paths. Hints mix the target's fixture catalogue (persons, actors, users) and calendar edges
(month starts and ends, 29 February, the 2024-05-19 cut-off, periods of 0 days / 2 years) into generation; the raw
contract strategy stays one branch of every hinted value, so everything the contract allows remains reachable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from lefi_contracts.personnummer import is_valid

# Durations (days) that sit on the period rules' edges: one day, a month, a year, two years and just over.
EDGE_LENGTHS = (0, 1, 27, 28, 29, 30, 31, 364, 365, 366, 729, 730, 731, 732)


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
    return any(w in text for w in ("unknown", "okand", "okänd", "expired", "utgang", "invalid"))


@dataclass(frozen=True)
class FuzzHints:
    """Test data of the target, from its fixture catalogue."""

    persons: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    users: tuple[str, ...] = ()
    dates: tuple[dt.date, ...] = field(default_factory=tuple)

    @classmethod
    def from_catalogue(cls, catalogue: Mapping[str, Any] | None) -> FuzzHints:
        persons: set[str] = set()
        actors: set[str] = set()
        users: set[str] = set()
        dates: set[dt.date] = set()
        for name, entry in _walk(catalogue or {}):
            pnr = entry.get("personnummer")
            if isinstance(pnr, str) and is_valid(pnr):
                persons.add(pnr)
            for key, value in entry.items():
                if isinstance(value, str) and len(value) == 10 and value[4] == "-":
                    try:
                        dates.add(dt.date.fromisoformat(value))
                    except ValueError:
                        pass
            if _bad_name(name, entry):
                continue
            aktor = entry.get("aktorsId") or entry.get("aktors_id")
            if isinstance(aktor, str) and aktor and "personnummer" not in entry:
                actors.add(aktor)
            user = entry.get("anvandare") or entry.get("user")
            if isinstance(user, str) and user:
                users.add(user)
        return cls(tuple(sorted(persons)), tuple(sorted(actors)), tuple(sorted(users)), tuple(sorted(dates)))

    # -- strategies ------------------------------------------------------------------------------------------
    def personnummer(self) -> st.SearchStrategy[str]:
        """A known person (12 or 10 digits), or a pattern-valid number that is probably not a valid one."""
        random_digits = st.from_regex(r"[0-9]{10}|[0-9]{12}", fullmatch=True)
        if not self.persons:
            return random_digits
        known = st.sampled_from(self.persons)
        return st.one_of(known, known, known, known.map(lambda p: p[2:]), _luhn_broken(known), random_digits)

    def aktors_id(self) -> st.SearchStrategy[str]:
        raw = st.text(st.characters(codec="ascii", categories=("L", "N")), min_size=1, max_size=12)
        if not self.actors:
            return raw
        known = st.sampled_from(self.actors)
        return st.one_of(known, known, known, known, raw)

    def anvandare(self) -> st.SearchStrategy[str | None]:
        if not self.users:
            return st.none()
        return st.one_of(st.none(), st.none(), st.sampled_from(self.users))

    def period(self) -> st.SearchStrategy[dict[str, str]]:
        """{from, tom}: calendar edges and catalogue dates, edge lengths; sometimes reversed or random."""
        edges = st.sampled_from(_edge_dates() + list(self.dates))
        start = st.one_of(edges, edges, st.dates(dt.date(2015, 1, 1), dt.date(2027, 12, 31)))
        length = st.one_of(st.sampled_from(EDGE_LENGTHS), st.integers(0, 800), st.integers(-40, -1))
        return st.tuples(start, length).map(
            lambda sl: {"from": sl[0].isoformat(), "tom": (sl[0] + dt.timedelta(days=sl[1])).isoformat()}
        )


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
