"""Facet rules of the diff: types, values, lengths, ranges, digits, nullability, order, identity, wildcards.

A mixin of diff.Differ (which supplies `emit`, `opts` and `xml`): one place per kind of facet.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from lefi_contracts.compat.findings import DiffOptions, Finding
from lefi_contracts.compat.model import (
    BINARY,
    DATE,
    DATETIME,
    DURATION,
    INTEGER,
    NUMBER,
    STRING,
    TIME,
    Direction,
    Shape,
    Verdict,
)


@dataclass(frozen=True)
class At:
    """Where a comparison stands: the operation, the direction, and the path in each version."""

    op: str
    direction: Direction
    old: str | None
    new: str | None

    def child(self, name: str) -> At:
        return replace(self, old=f"{self.old}/{name}", new=f"{self.new}/{name}")


def _subset_type(a: str, b: str, xml: bool) -> bool:
    """Whether every value of primitive a is also a value of b (lexically, for XML)."""
    if a == b or (a == INTEGER and b == NUMBER):
        return True
    return bool(b == STRING and (xml or a in (DATE, DATETIME, TIME, DURATION, BINARY)))


def types_within(a: frozenset[str], b: frozenset[str], xml: bool) -> bool:
    return all(any(_subset_type(x, y, xml) for y in b) for x in a)


class FacetRules:
    """Comparisons of one pair of shapes' facets; each emits catalogue findings through `emit`."""

    opts: DiffOptions
    xml: bool

    def emit(self, rule_id: str, at: At, **kw: Any) -> Finding:
        raise NotImplementedError

    def types(self, at: At, o: frozenset[str], n: frozenset[str], subj: Any) -> None:
        wider, narrower = types_within(o, n, self.xml), types_within(n, o, self.xml)
        rid = "type-widened" if wider else "type-narrowed" if narrower else "type-changed"
        self.emit(rid, at, subject=subj, old="|".join(sorted(o)), new="|".join(sorted(n)))

    def identities(self, at: At, o: frozenset[str], n: frozenset[str], subj: Any) -> None:
        for sig in sorted(n - o):
            self.emit("identity-constraint-added", at, subject=subj, new=sig)
        for sig in sorted(o - n):
            self.emit("identity-constraint-removed", at, subject=subj, old=sig)

    def wildcards(self, at: At, o: tuple[Any, ...], n: tuple[Any, ...], subj: Any) -> None:
        """xs:any / xs:anyAttribute: namespace and processContents, judged by xmlschema's own restriction test."""
        old, new = dict(o), dict(n)
        for label in sorted(old.keys() | new.keys()):
            ow, nw = old.get(label), new.get(label)
            where = replace(at, old=f"{at.old}/{{{label}}}", new=f"{at.new}/{{{label}}}")
            if ow is None or nw is None:
                rid = "wildcard-narrowed" if nw is None else "wildcard-widened"
                self.emit(rid, where, subject=subj, old=_wild(ow), new=_wild(nw))
                continue
            if _wild(ow) == _wild(nw):
                continue
            narrower, wider = _restricts(nw, ow), _restricts(ow, nw)
            rid = "wildcard-narrowed" if narrower else "wildcard-widened" if wider else "wildcard-changed"
            self.emit(rid, where, subject=subj, old=_wild(ow), new=_wild(nw))

    def nullability(self, at: At, o: Shape, n: Shape, subj: Any) -> None:
        if o.nullable and not n.nullable:
            self.emit("nullable-removed", at, subject=subj)
        elif n.nullable and not o.nullable:
            self.emit("nullable-added", at, subject=subj)
        if o.default != n.default and o.default is not None and n.default is not None:
            self.emit("default-changed", at, old=o.default, new=n.default)
        if o.fixed != n.fixed:
            self.emit("fixed-changed", at, subject=subj, old=o.fixed, new=n.fixed)

    def scalar(self, at: At, o: Shape, n: Shape, subj: Any, *, compare_types: bool = True) -> bool:
        """Scalar facets; False when the types are unrelated (the facets then mean nothing to compare)."""
        if compare_types and o.types != n.types:
            wider = types_within(o.types, n.types, self.xml)
            narrower = types_within(n.types, o.types, self.xml)
            rid = "type-widened" if wider else "type-narrowed" if narrower else "type-changed"
            self.emit(rid, at, subject=subj, old=o.describe(), new=n.describe())
            if rid == "type-changed":
                return False
        if o.enum is not None and n.enum is not None:
            removed, added = o.enum - n.enum, n.enum - o.enum
            if removed:
                self.emit("enum-value-removed", at, subject=subj, old=sorted(removed))
            if added:
                v: Verdict | None = None
                if at.direction == "response" and self.opts.enum_policy in ("open", "closed"):
                    v = "breaking" if self.opts.enum_policy == "closed" else "compatible"
                self.emit("enum-value-added", at, subject=subj, verdict=v, new=sorted(added))
        elif o.enum is None and n.enum is not None:
            self.emit("enum-introduced", at, subject=subj, new=sorted(n.enum))
        elif o.enum is not None and n.enum is None:
            self.emit("enum-dropped", at, subject=subj)
        if set(o.patterns) != set(n.patterns) and (o.enum is None or n.enum is None):
            if not o.patterns:
                self.emit("pattern-added", at, subject=subj, new=n.patterns)
            elif not n.patterns:
                self.emit("pattern-removed", at, subject=subj, old=o.patterns)
            else:  # evidence decides: breaking only with a witness (verdicts.py)
                self.emit("pattern-changed", at, subject=subj, old=o.patterns, new=n.patterns)
        self.bounds(at, "length", (o.min_length, o.max_length), (n.min_length, n.max_length), subj)
        omin = None if o.minimum is None else (o.minimum, o.min_exclusive)
        nmin = None if n.minimum is None else (n.minimum, n.min_exclusive)
        omax = None if o.maximum is None else (o.maximum, not o.max_exclusive)
        nmax = None if n.maximum is None else (n.maximum, not n.max_exclusive)
        self.bounds(at, "range", (omin, omax), (nmin, nmax), subj)
        self.bounds(at, "digits", (None, o.total_digits), (None, n.total_digits), subj)
        self.bounds(at, "digits", (None, o.fraction_digits), (None, n.fraction_digits), subj)
        return True

    def bounds(self, at: At, what: str, ob: tuple[Any, Any], nb: tuple[Any, Any], subj: Any) -> None:
        (olo, ohi), (nlo, nhi) = ob, nb
        narrowed = (nlo is not None and (olo is None or nlo > olo)) or (
            nhi is not None and (ohi is None or nhi < ohi)
        )
        widened = (olo is not None and (nlo is None or nlo < olo)) or (
            ohi is not None and (nhi is None or nhi > ohi)
        )
        if narrowed:
            self.emit(f"{what}-narrowed", at, subject=subj, old=_rng(ob), new=_rng(nb))
        if widened:
            self.emit(f"{what}-widened", at, subject=subj, old=_rng(ob), new=_rng(nb))

    def order(self, at: At, o: Shape, n: Shape, subj: Any) -> None:
        # attributes and choice alternatives (incl. substitution members) have no order of their own
        def seq(s: Shape, other: Shape) -> list[str]:
            return [
                x
                for x, f in s.fields.items()
                if x in other.fields
                and not x.startswith("@")
                and not f.in_choice
                and not other.fields[x].in_choice
            ]

        common_o, common_n = seq(o, n), seq(n, o)
        if common_o != common_n:
            v: Verdict | None = "breaking" if at.direction == "request" else None
            self.emit(
                "field-order-changed",
                at,
                subject=subj,
                verdict=v,
                old=",".join(common_o[:6]),
                new=",".join(common_n[:6]),
            )


def _restricts(a: Any, b: Any) -> bool:
    """Whether wildcard a admits no more than b (xmlschema's derivation check; False if it cannot say)."""
    try:
        return bool(a.is_restriction(b, check_occurs=False))
    except Exception:  # wildcards of unrelated schema sets: xmlschema may not be able to compare them
        return False


def _wild(w: Any) -> str:
    if w is None:
        return "none"
    ns = getattr(w, "namespace", None) or [f"not {x}" for x in getattr(w, "not_namespace", [])]
    return f"namespace={' '.join(sorted(ns)) or '-'} processContents={getattr(w, 'process_contents', '?')}"


def _rng(b: tuple[Any, Any]) -> str:
    lo, hi = b
    lo = lo[0] if isinstance(lo, tuple) else lo
    hi = hi[0] if isinstance(hi, tuple) else hi
    return f"[{'' if lo is None else lo}..{'' if hi is None else hi}]"
