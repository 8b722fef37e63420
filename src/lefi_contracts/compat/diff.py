"""Structural diff of two normalised contract models, direction-aware, driven by the rule catalogue.

Pairs of shapes are visited once per direction (memoised by identity), so recursive schemas end
and shared types cost once: the walk is linear in the size of the two models. The walk is breadth
first (a queue, not recursion): a change in a shared type is reported at the shortest path that
reaches it, and deeply nested schemas cannot exhaust the stack.
"""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from lefi_contracts.compat.model import (
    BINARY,
    DATE,
    DATETIME,
    DURATION,
    INTEGER,
    NUMBER,
    STRING,
    TIME,
    ContractModel,
    Field,
    Message,
    Operation,
    Shape,
)
from lefi_contracts.compat.rules import PB, RULES, C

_ORDER = {"compatible": 0, "potentially breaking": 1, "breaking": 2}


@dataclass
class DiffOptions:
    """How to judge: the consumer's reader profile and the code-list (enum) policy."""

    reader: str = "tolerant"  # strict | tolerant
    enum_policy: str = "default"  # default (closed when strict, open when tolerant) | open | closed
    witnesses: bool = True
    witness_examples: int = 150
    samples: int = 20  # generated instances a compatible message pair must survive
    max_witnesses: int = 60


@dataclass
class Finding:
    """One change: rule id, where in both versions, the verdict, why, and the evidence."""

    rule: str
    verdict: str
    direction: str
    operation: str
    old_path: str | None
    new_path: str | None
    message: str
    witness: str | None = None
    witness_note: str | None = None
    waiver: dict[str, Any] | None = None
    note: str | None = None
    subject: Any = field(default=None, repr=False, compare=False)

    @property
    def counts(self) -> bool:
        """Whether it counts towards the fail threshold (a live waiver silences it)."""
        return not (self.waiver and not self.waiver.get("expired"))

    def to_dict(self) -> dict[str, Any]:
        d = {k: v for k, v in self.__dict__.items() if k != "subject"}
        return d


@dataclass
class DiffReport:
    old: str
    new: str
    reader: str
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    samples: list[dict[str, Any]] = field(default_factory=list)

    def count(self, verdict: str) -> int:
        return sum(1 for f in self.findings if f.verdict == verdict and f.counts)

    def worst(self) -> str | None:
        live = [f.verdict for f in self.findings if f.counts]
        return max(live, key=_ORDER.__getitem__) if live else None

    def meets(self, fail_on: str) -> bool:
        w = self.worst()
        return w is not None and _ORDER[w] >= _ORDER[fail_on] and _ORDER[w] > 0

    def by_rule(self, rule_id: str) -> list[Finding]:
        return [f for f in self.findings if f.rule == rule_id]


def _subset_type(a: str, b: str, xml: bool) -> bool:
    """Whether every value of primitive a is also a value of b (lexically, for XML)."""
    if a == b or (a == INTEGER and b == NUMBER):
        return True
    return bool(b == STRING and (xml or a in (DATE, DATETIME, TIME, DURATION, BINARY)))


def _types_within(a: frozenset[str], b: frozenset[str], xml: bool) -> bool:
    return all(any(_subset_type(x, y, xml) for y in b) for x in a)


class Differ:
    def __init__(self, old: ContractModel, new: ContractModel, opts: DiffOptions) -> None:
        self.old, self.new, self.opts = old, new, opts
        self.findings: list[Finding] = []
        self._seen: set[tuple[int, int, str]] = set()
        self._queue: deque[tuple[str, Field, Field, str, str, str]] = deque()
        self.xml = old.validator_kind == "xml"

    # -- emitting
    def emit(self, rule_id: str, direction: str, op: str, opath: str | None, npath: str | None,
             subject: Any = None, verdict: str | None = None, **fmt: Any) -> Finding:  # fmt: skip
        r = RULES[rule_id]
        if verdict is None:
            verdict = r.verdict(self.opts.reader)
            if (r.where == "request" and direction == "response") or (
                r.where == "response" and direction == "request"
            ):
                verdict = C  # the mirror image of a narrowing is a widening, and vice versa
        name = fmt.pop("name", None) or (npath or opath or "").rsplit("/", 1)[-1]  # the location says where
        text = r.explanation.format(name=name, **{k: _short(v) for k, v in fmt.items()}, **(
            {} if "old" in fmt else {"old": "-"}), **({} if "new" in fmt else {"new": "-"}))  # fmt: skip
        f = Finding(rule_id, verdict, direction, op, opath, npath, text, subject=subject)
        self.findings.append(f)
        return f

    # -- top level
    def run(self) -> list[Finding]:
        if self.old.namespace != self.new.namespace and self.old.namespace and self.new.namespace:
            subj = self._first_root()
            self.emit("namespace-changed", "both", "*", None, None, subject=subj,
                      name="the contract", old=self.old.namespace, new=self.new.namespace)  # fmt: skip
        for op_id, old_op in self.old.operations.items():
            new_op = self.new.operations.get(op_id)
            if new_op is None:
                msg = next(iter(old_op.request.values()), None)
                subj = ("operation", msg.root, None, "request") if msg else None
                self.emit("operation-removed", "request", op_id, op_id, None, subject=subj, name=op_id)
                continue
            self.operation(old_op, new_op)
        for op_id in self.new.operations:
            if op_id not in self.old.operations:
                self.emit("operation-added", "response", op_id, None, op_id, name=op_id)
        while self._queue:  # breadth first: a shared type is reported at its shortest path
            self.shape(*self._queue.popleft())
        return self.findings

    def _first_root(self) -> Any:
        for op_id, op in self.old.operations.items():
            nop = self.new.operations.get(op_id)
            if nop is None:
                continue
            for key, m in op.request.items():
                if key in nop.request:
                    return ("pair", m.root, nop.request[key].root, "request")
            for status, msgs in op.responses.items():
                for key, m in msgs.items():
                    if key in nop.responses.get(status, {}):
                        return ("pair", m.root, nop.responses[status][key].root, "response")
        return None

    def operation(self, o: Operation, n: Operation) -> None:
        op = o.id
        oa, na = o.meta.get("soap_action"), n.meta.get("soap_action")
        if oa and na and oa != na and not self._only_namespace_differs(oa, na):
            self.emit("soap-action-changed", "request", op, op, op, name=op, old=oa, new=na)
        for key, om in o.request.items():
            nm = n.request.get(key)
            if nm is None:
                if key.startswith("body"):
                    self.emit("request-media-type-removed", "request", op, key, None, name=key,
                              subject=("operation", om.root, None, "request"))  # fmt: skip
                else:
                    self.emit("request-parameter-removed", "request", op, key, None, name=key)
                continue
            if nm.required and not om.required:
                rid = (
                    "request-body-became-required"
                    if key.startswith("body")
                    else "request-parameter-became-required"
                )
                self.emit(rid, "request", op, key, key, name=key)
            self.message(op, key, om, nm, "request")
        for key, nm in n.request.items():
            if key in o.request:
                continue
            if key.startswith("body"):
                if nm.required and not any(k.startswith("body") for k in o.request):
                    self.emit("request-body-became-required", "request", op, None, key, name=key)
            elif nm.required:
                self.emit("request-parameter-added-required", "request", op, None, key, name=key)
            else:
                self.emit("request-parameter-added-optional", "request", op, None, key, name=key)
        for status, omsgs in o.responses.items():
            nmsgs = n.responses.get(status)
            if nmsgs is None:
                if status == "fault":
                    for key in omsgs:
                        self.emit("fault-removed", "response", op, key, None, name=key)
                else:
                    self.emit("status-code-removed", "response", op, status, None, name=status)
                continue
            for key, om in omsgs.items():
                nm = nmsgs.get(key)
                where = f"{status} {key}"
                if nm is None:
                    rid = ("fault-removed" if status == "fault" else
                           "response-header-removed" if key.startswith("header") else "response-media-type-removed")  # fmt: skip
                    self.emit(rid, "response", op, where, None, name=where)
                    continue
                self.message(op, where, om, nm, "response")
        for status in n.responses:
            if status not in o.responses:
                self.emit("status-code-added", "response", op, None, status, name=status)

    def _only_namespace_differs(self, a: str, b: str) -> bool:
        on, nn = self.old.namespace or "", self.new.namespace or ""
        return bool(on and nn and a.replace(on, nn) == b)

    def message(self, op: str, key: str, om: Message, nm: Message, direction: str) -> None:
        of, nf = om.root, nm.root
        base = f"{key} /{of.name}" if self.xml else f"{key} $"  # JSON: $ is the body/parameter root
        nbase = f"{key} /{nf.name}" if self.xml else f"{key} $"
        if self.xml and of.name != nf.name:
            self.emit("message-element-changed", direction, op, base, nbase, subject=("pair", of, nf, direction),
                      name=key, old=of.name, new=nf.name)  # fmt: skip
            return
        if of.is_array != nf.is_array:
            self.emit("type-changed", direction, op, base, nbase, subject=("pair", of, nf, direction),
                      old="array" if of.is_array else of.shape.describe(),
                      new="array" if nf.is_array else nf.shape.describe())  # fmt: skip
            return
        self.occurs(op, of, nf, direction, base, nbase, (of, nf), root=True)
        self.shape(op, of, nf, direction, base, nbase)

    # -- fields and shapes
    def occurs(self, op: str, of: Field, nf: Field, d: str, op_: str, np_: str, parent: Any,
               root: bool = False) -> None:  # fmt: skip
        subj = ("pair", parent[0], parent[1], d, *parent[2:])
        if of.required != nf.required and not root:
            if nf.required:
                rid = "request-field-became-required" if d == "request" else "response-field-became-required"
            else:
                rid = "request-field-became-optional" if d == "request" else "response-field-became-optional"
            self.emit(rid, d, op, op_, np_, subject=subj, old=of.min_occurs, new=nf.min_occurs)
        elif of.min_occurs != nf.min_occurs and (of.is_array or of.min_occurs > 1 or nf.min_occurs > 1):
            rid = "min-occurs-increased" if nf.min_occurs > of.min_occurs else "min-occurs-decreased"
            self.emit(rid, d, op, op_, np_, subject=subj, old=of.min_occurs, new=nf.min_occurs)
        omax = float("inf") if of.max_occurs is None else of.max_occurs
        nmax = float("inf") if nf.max_occurs is None else nf.max_occurs
        if nmax < omax:
            self.emit("max-occurs-reduced", d, op, op_, np_, subject=subj, old=_occ(of.max_occurs),
                      new=_occ(nf.max_occurs))  # fmt: skip
        elif nmax > omax:
            self.emit("max-occurs-increased", d, op, op_, np_, subject=subj, old=_occ(of.max_occurs),
                      new=_occ(nf.max_occurs))  # fmt: skip

    def shape(self, op: str, of: Field, nf: Field, d: str, op_: str, np_: str) -> None:
        o, n = of.shape, nf.shape
        key = (id(o), id(n), d)
        if key in self._seen:
            return
        self._seen.add(key)
        subj = ("pair", of, nf, d)
        if of.name.startswith("@") and self.xml:
            subj = ("parent", of, nf, d)
        if o.kind == "any" or n.kind == "any":
            if o.kind != n.kind and n.kind == "any" and d == "response":
                self.emit(
                    "type-changed", d, op, op_, np_, subject=subj, old=o.describe(), new="any", verdict=PB
                )
            return
        if o.kind != n.kind and not ({o.kind, n.kind} == {"scalar", "object"} and o.types and n.types):
            self.emit("type-changed", d, op, op_, np_, subject=subj, old=o.describe(), new=n.describe())
            return
        if o.types or n.types:
            self.scalar(op, o, n, d, op_, np_, subj)
        self.nullability(op, o, n, d, op_, np_, subj)
        if o.fields or n.fields:
            self.children(op, of, nf, d, op_, np_)
        if o.open and not n.open:
            self.emit("extension-point-removed", d, op, op_, np_, subject=subj)
        elif n.open and not o.open:
            self.emit("extension-point-added", d, op, op_, np_, subject=subj)

    def nullability(self, op: str, o: Shape, n: Shape, d: str, op_: str, np_: str, subj: Any) -> None:
        if o.nullable and not n.nullable:
            self.emit("nullable-removed", d, op, op_, np_, subject=subj)
        elif n.nullable and not o.nullable:
            self.emit("nullable-added", d, op, op_, np_, subject=subj)
        if o.default != n.default and o.default is not None and n.default is not None:
            self.emit("default-changed", d, op, op_, np_, old=o.default, new=n.default)
        if o.fixed != n.fixed:
            self.emit("fixed-changed", d, op, op_, np_, subject=subj, old=o.fixed, new=n.fixed)

    def scalar(self, op: str, o: Shape, n: Shape, d: str, op_: str, np_: str, subj: Any) -> None:
        if o.types != n.types:
            wider = _types_within(o.types, n.types, self.xml)
            narrower = _types_within(n.types, o.types, self.xml)
            rid = "type-widened" if wider else "type-narrowed" if narrower else "type-changed"
            self.emit(rid, d, op, op_, np_, subject=subj, old=o.describe(), new=n.describe())
            if rid == "type-changed":
                return
        if o.enum is not None and n.enum is not None:
            removed, added = o.enum - n.enum, n.enum - o.enum
            if removed:
                self.emit("enum-value-removed", d, op, op_, np_, subject=subj, old=sorted(removed))
            if added:
                v = None
                if d == "response" and self.opts.enum_policy in ("open", "closed"):
                    v = "breaking" if self.opts.enum_policy == "closed" else C
                self.emit("enum-value-added", d, op, op_, np_, subject=subj, verdict=v, new=sorted(added))
        elif o.enum is None and n.enum is not None:
            self.emit("enum-introduced", d, op, op_, np_, subject=subj, new=sorted(n.enum))
        elif o.enum is not None and n.enum is None:
            self.emit("enum-dropped", d, op, op_, np_, subject=subj)
        if set(o.patterns) != set(n.patterns) and (o.enum is None or n.enum is None):
            if not o.patterns:
                self.emit("pattern-added", d, op, op_, np_, subject=subj, new=n.patterns)
            elif not n.patterns:
                self.emit("pattern-removed", d, op, op_, np_, subject=subj, old=o.patterns)
            else:  # judged by evidence: breaking only with a witness (see witness.py)
                self.emit("pattern-changed", d, op, op_, np_, subject=subj, old=o.patterns, new=n.patterns)
        self.bounds(
            op, "length", (o.min_length, o.max_length), (n.min_length, n.max_length), d, op_, np_, subj
        )
        omin = None if o.minimum is None else (o.minimum, o.min_exclusive)
        nmin = None if n.minimum is None else (n.minimum, n.min_exclusive)
        omax = None if o.maximum is None else (o.maximum, not o.max_exclusive)
        nmax = None if n.maximum is None else (n.maximum, not n.max_exclusive)
        self.bounds(op, "range", (omin, omax), (nmin, nmax), d, op_, np_, subj)
        self.bounds(op, "digits", (None, o.total_digits), (None, n.total_digits), d, op_, np_, subj)
        self.bounds(op, "digits", (None, o.fraction_digits), (None, n.fraction_digits), d, op_, np_, subj)

    def bounds(self, op: str, what: str, ob: tuple[Any, Any], nb: tuple[Any, Any], d: str, op_: str, np_: str,
               subj: Any) -> None:  # fmt: skip
        (olo, ohi), (nlo, nhi) = ob, nb
        narrowed = (nlo is not None and (olo is None or nlo > olo)) or (
            nhi is not None and (ohi is None or nhi < ohi)
        )
        widened = (olo is not None and (nlo is None or nlo < olo)) or (
            ohi is not None and (nhi is None or nhi > ohi)
        )
        if narrowed:
            self.emit(f"{what}-narrowed", d, op, op_, np_, subject=subj, old=_rng(ob), new=_rng(nb))
        if widened:
            self.emit(f"{what}-widened", d, op, op_, np_, subject=subj, old=_rng(ob), new=_rng(nb))

    def children(self, op: str, of: Field, nf: Field, d: str, op_: str, np_: str) -> None:
        o, n = of.shape, nf.shape
        subj = ("pair", of, nf, d)
        for name, ochild in o.fields.items():
            cop = f"{op_}/{name}"
            nchild = n.fields.get(name)
            if nchild is None:
                if d == "request":
                    rid = (
                        "choice-alternative-removed"
                        if ochild.in_choice and o.choices and self.xml
                        else "request-field-removed"
                    )
                    v = None if rid != "request-field-removed" else ("breaking" if not n.open else PB)
                    self.emit(rid, d, op, cop, None, subject=(*subj, name), verdict=v, name=cop, old=name)
                else:
                    rid = "response-field-removed" if ochild.required else "response-field-removed-optional"
                    self.emit(rid, d, op, cop, None, subject=(*subj, name), name=cop)
                continue
            cnp = f"{np_}/{name}"
            if ochild.is_array != nchild.is_array:
                self.emit("type-changed", d, op, cop, cnp, subject=subj,
                          old="array" if ochild.is_array else ochild.shape.describe(),
                          new="array" if nchild.is_array else nchild.shape.describe())  # fmt: skip
                continue
            self.occurs(op, ochild, nchild, d, cop, cnp, (of, nf, name))
            self._queue.append((op, ochild, nchild, d, cop, cnp))
        for name, nchild in n.fields.items():
            if name in o.fields:
                continue
            cnp = f"{np_}/{name}"
            if d == "request":
                rid = "request-field-added-required" if nchild.required else "request-field-added-optional"
                self.emit(rid, d, op, None, cnp, subject=(*subj, name), name=cnp)
            elif nchild.in_choice and n.choices and o.choices and self.xml:
                # XML: each choice member is an alternative; a JSON oneOf field is just a field of one
                self.emit(
                    "choice-alternative-added", d, op, None, cnp, subject=(*subj, name), name=np_, new=name
                )
            else:
                v = C if o.open else None  # an open model (xs:any, additionalProperties) already accepts it
                self.emit(
                    "response-field-added", d, op, None, cnp, subject=(*subj, name), verdict=v, name=cnp
                )
        if o.ordered and n.ordered:
            # attributes and choice alternatives (incl. substitution members) have no order of their own
            def seq(s: Shape, other: Shape) -> list[str]:
                return [x for x, f in s.fields.items() if x in other.fields and not x.startswith("@")
                        and not f.in_choice and not other.fields[x].in_choice]  # fmt: skip

            common_o, common_n = seq(o, n), seq(n, o)
            if common_o != common_n:
                v = "breaking" if d == "request" else None
                self.emit("field-order-changed", d, op, op_, np_, subject=subj, verdict=v,
                          old=",".join(common_o[:6]), new=",".join(common_n[:6]))  # fmt: skip


def _occ(v: int | None) -> str:
    return "unbounded" if v is None else str(v)


def _rng(b: tuple[Any, Any]) -> str:
    lo, hi = b
    lo = lo[0] if isinstance(lo, tuple) else lo
    hi = hi[0] if isinstance(hi, tuple) else hi
    return f"[{'' if lo is None else lo}..{'' if hi is None else hi}]"


def _short(v: Any) -> str:
    s = ", ".join(str(x) for x in v) if isinstance(v, list | tuple) else str(v)
    return s if len(s) <= 120 else s[:117] + "..."


@contextmanager
def deep_recursion(limit: int = 20000) -> Iterator[None]:
    """Deeply nested (not recursive: those are memoised) schemas need more than Python's default stack."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


def diff_models(old: ContractModel, new: ContractModel, *, reader: str = "tolerant", enum_policy: str = "default",
                witnesses: bool = True, samples: int = 20, old_label: str | None = None,
                new_label: str | None = None) -> DiffReport:  # fmt: skip
    """Compare two models: findings (with witnesses for breaking ones) plus sampling evidence."""
    from lefi_contracts.compat import witness as _w

    opts = DiffOptions(reader=reader, enum_policy=enum_policy, witnesses=witnesses, samples=samples)
    with deep_recursion():
        findings = Differ(old, new, opts).run()
    report = DiffReport(
        old=old_label or old.source, new=new_label or new.source, reader=reader, findings=findings
    )
    report.notes.extend(f"old: {n}" for n in old.notes)
    report.notes.extend(f"new: {n}" for n in new.notes)
    if witnesses:
        _w.attach_witnesses(report, old, new, opts)
    if samples:
        _w.sample_messages(report, old, new, opts)
    return report
