"""Hypothesis strategies from the normalised model: instances of a field, small and focused, for witnesses.

With `focus` (the child a finding is about) the other children stay minimal, so a witness is found fast and
shrinks to the smallest subtree that shows the difference. Values of other JSON types are drawn too where a
`type` list or a mixed oneOf allows them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from lefi_contracts.compat.model import BOOLEAN, DATE, DATETIME, INTEGER, NUMBER, TIME, Field, Shape

_MAX_DEPTH = 10

_TYPE_EXAMPLES: dict[str, Any] = {
    "object": {},
    "array": [],
    "string": "x",
    "integer": 7,
    "number": 1.5,
    "boolean": True,
    "null": None,
}


# -- strategies from the normalised model


def scalar_strategy(shape: Shape) -> st.SearchStrategy[Any]:
    if shape.enum is not None:
        return st.sampled_from(sorted(shape.enum)) if shape.enum else st.nothing()
    types = shape.types or frozenset({"string"})
    t = sorted(types)[0]
    lo = shape.minimum
    hi = shape.maximum
    if t == INTEGER:
        ilo = None if lo is None else int(lo) + (1 if shape.min_exclusive else 0)
        ihi = None if hi is None else int(hi) - (1 if shape.max_exclusive else 0)
        edges = [x for x in (ilo, ihi) if x is not None] + [
            x + d for x in (ilo, ihi) if x is not None for d in (1, -1)
        ]
        edges = [x for x in edges if (ilo is None or x >= ilo) and (ihi is None or x <= ihi)]
        base = st.integers(min_value=ilo, max_value=ihi)
        return st.one_of(st.sampled_from(edges), base) if edges else base
    if t == NUMBER:
        places = shape.fraction_digits if shape.fraction_digits is not None else 2
        digits = shape.total_digits
        dec: st.SearchStrategy[Any] = st.decimals(
            min_value=lo, max_value=hi, places=places, allow_nan=False, allow_infinity=False
        )
        if digits:  # the longest number the facets allow: where digit limits bite
            wide = Decimal("9" * max(digits - places, 0) + ("." + "9" * places if places else "") or "0")
            dec = st.one_of(st.just(wide), dec)
        return dec
    if t == BOOLEAN:
        return st.booleans()
    if t == DATE:
        return st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)).map(dt.date.isoformat)
    if t == DATETIME:
        return st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2100, 1, 1)).map(lambda d: d.isoformat())
    if t == TIME:
        return st.times().map(lambda x: x.isoformat())
    if shape.patterns:
        pat = shape.patterns[0]
        try:
            strat = st.from_regex(pat, fullmatch=True)
        except Exception:  # an XSD-only regex construct: fall back to plain text, validation decides
            strat = st.text(min_size=1, max_size=8)
    else:
        strat = st.text(
            alphabet="abcXYZ019 ",
            min_size=shape.min_length or 0,
            max_size=min(shape.max_length if shape.max_length is not None else 12, 40),
        )
    mn, mx = shape.min_length, shape.max_length
    if mn is not None or mx is not None:
        strat = strat.filter(lambda s: (mn is None or len(s) >= mn) and (mx is None or len(s) <= mx))
        if not shape.patterns:  # boundary lengths: where length changes bite
            strat = st.one_of(
                st.sampled_from([n * "a" for n in {mn or 0, mx if mx is not None else (mn or 0) + 1}]), strat
            )
    return strat


def value_strategy(f: Field, depth: int, explore: int, focus: str | None = None) -> st.SearchStrategy[Any]:
    """One occurrence of a field: optional children are explored up to depth `explore`.

    With `focus` (the child a finding is about), the other children stay minimal: the witness is
    found fast and shrinks to the smallest subtree that shows the difference.
    """
    base = _value_strategy(f, depth, explore, focus)
    if f.shape.nullable and depth <= explore:
        base = st.one_of(base, st.just(NIL))
    kinds = {"object"} if f.shape.kind == "object" else {"array"} if f.shape.kind == "array" else set()
    others = [t for t in sorted(f.shape.json_types) if t in ("object", "array") and t not in kinds]
    if f.shape.kind in ("object", "array"):
        others += [t for t in sorted(f.shape.json_types) if t not in ("object", "array", "null")]
    if others and depth <= explore:  # `type` lists and mixed oneOf: values of the other kinds too
        base = st.one_of(base, st.sampled_from([RawJson(_TYPE_EXAMPLES[t]) for t in others]))
    return base


@dataclass(frozen=True)
class RawJson:
    """A JSON value used as is (a value of another kind than the shape's own)."""

    value: Any


class _Nil:
    """xsi:nil / JSON null."""

    def __repr__(self) -> str:
        return "NIL"


NIL = _Nil()
EXTRA = "extraWitnessField"  # an unknown child: probes open/closed content models


def _value_strategy(f: Field, depth: int, explore: int, focus: str | None = None) -> st.SearchStrategy[Any]:
    shape = f.shape
    if depth > _MAX_DEPTH:
        return st.nothing()
    if shape.kind == "any":
        return st.just("x")
    if shape.kind == "array":
        item = shape.fields["[]"]
        return st.lists(
            value_strategy(item, depth + 1, explore),
            min_size=item.min_occurs,
            max_size=min(item.max_occurs or 2, max(item.min_occurs, 2)),
        )
    if not shape.fields and shape.kind != "object":
        return scalar_strategy(shape)
    parts: dict[str, st.SearchStrategy[Any]] = {}
    outer = explore
    for name, child in shape.fields.items():
        explore = outer if focus is None or name == focus else depth
        lo = child.min_occurs if (child.required or child.is_array) else 0
        many = child.is_array or child.max_occurs is None or child.max_occurs > 1
        hi_cap = child.max_occurs if child.max_occurs is not None else lo + 3
        hi = lo if depth >= explore else max(lo, min(hi_cap, lo + 3) if many else 1)
        if not child.required and not child.is_array and depth >= explore:
            continue
        if child.in_choice and depth >= explore:
            continue
        elem = value_strategy(child, depth + 1, explore)
        parts[name] = st.lists(elem, min_size=lo, max_size=hi)
    if shape.types:  # simple content with attributes
        parts["#text"] = st.lists(scalar_strategy(shape), min_size=1, max_size=1)
    if depth < outer:  # an unknown child: accepted only where the model is open
        parts[EXTRA] = st.lists(st.just("x"), max_size=1)
    return st.fixed_dictionaries(parts).map(lambda d: {k: v for k, v in d.items() if v or k in _req(shape)})


def _req(shape: Shape) -> set[str]:
    return {n for n, f in shape.fields.items() if f.required and f.is_array}
