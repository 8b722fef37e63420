"""Structural diff of two normalised contract models, direction-aware, driven by the rule catalogue.

Pairs of shapes are visited once per direction (memoised by identity), so recursive schemas end
and shared types cost once: the walk is linear in the size of the two models. The walk is breadth
first (a queue, not recursion): a change in a shared type is reported at the shortest path that
reaches it, and deeply nested schemas cannot exhaust the stack. Verdicts come from verdicts.py.
"""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from lefi_contracts.compat.facets import At, FacetRules
from lefi_contracts.compat.findings import DiffOptions, DiffReport, Finding
from lefi_contracts.compat.model import (
    ContractModel,
    Direction,
    EnumPolicy,
    Field,
    FindingDirection,
    Message,
    Operation,
    Reader,
    Verdict,
    same_shapes,
)
from lefi_contracts.compat.rules import RULES
from lefi_contracts.compat.verdicts import rule_verdict, settle
from lefi_contracts.compat.witness import attach_witnesses, sample_messages

__all__ = ["At", "DiffOptions", "DiffReport", "Differ", "Finding", "deep_recursion", "diff_models"]


class Differ(FacetRules):
    """The walk: operations, messages, fields; facet rules come from FacetRules."""

    def __init__(self, old: ContractModel, new: ContractModel, opts: DiffOptions) -> None:
        self.old, self.new, self.opts = old, new, opts
        self.findings: list[Finding] = []
        self._seen: set[tuple[int, int, str]] = set()
        self._queue: deque[tuple[At, Field, Field]] = deque()
        self.xml = old.validator_kind == "xml"

    # -- emitting
    def emit(
        self,
        rule_id: str,
        at: At,
        *,
        direction: FindingDirection | None = None,
        subject: Any = None,
        verdict: Verdict | None = None,
        name: str | None = None,
        **fmt: Any,
    ) -> Finding:
        d: FindingDirection = direction or at.direction
        if verdict is None:
            verdict = rule_verdict(rule_id, d, self.opts.reader)
        name = name or (at.new or at.old or "").rsplit("/", 1)[-1]  # the location says where
        values = {"old": "-", "new": "-", **{k: _short(v) for k, v in fmt.items()}}
        text = RULES[rule_id].explanation.format(name=name, **values)
        f = Finding(rule_id, verdict, d, at.op, at.old, at.new, text, subject=subject)
        self.findings.append(f)
        return f

    # -- top level
    def run(self) -> list[Finding]:
        top = At("*", "response", None, None)
        if self.old.namespace != self.new.namespace and self.old.namespace and self.new.namespace:
            self.emit(
                "namespace-changed",
                top,
                direction="both",
                subject=self._first_root(),
                name="the contract",
                old=self.old.namespace,
                new=self.new.namespace,
            )
        self.uncompared(top, self.old.uncompared, self.new.uncompared, "both")
        for op_id, old_op in self.old.operations.items():
            new_op = self.new.operations.get(op_id)
            if new_op is None:
                msg = next(iter(old_op.request.values()), None)
                subj = ("operation", msg.root, None, "request") if msg else None
                self.emit("operation-removed", At(op_id, "request", op_id, None), subject=subj, name=op_id)
                continue
            self.operation(old_op, new_op)
        for op_id in self.new.operations:
            if op_id not in self.old.operations:
                self.emit("operation-added", At(op_id, "response", None, op_id), name=op_id)
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

    def uncompared(
        self, at: At, old: dict[str, str], new: dict[str, str], d: FindingDirection, subject: Any = None
    ) -> None:
        """Keywords read but not compared: a change in one is potentially breaking, never silent."""
        for kw in sorted(set(old) | set(new)):
            if old.get(kw) != new.get(kw):
                where = replace(
                    at, old=f"{at.old or ''}/{kw}".lstrip("/"), new=f"{at.new or ''}/{kw}".lstrip("/")
                )
                self.emit(
                    "keyword-not-compared",
                    where,
                    direction=d,
                    subject=subject,
                    name=kw,
                    old=old.get(kw, "absent"),
                    new=new.get(kw, "absent"),
                )

    def operation(self, o: Operation, n: Operation) -> None:
        op = o.id
        req, resp = At(op, "request", op, op), At(op, "response", op, op)
        oa, na = o.meta.get("soap_action"), n.meta.get("soap_action")
        if oa and na and oa != na and not self._only_namespace_differs(oa, na):
            self.emit("soap-action-changed", req, name=op, old=oa, new=na)
        self.uncompared(req, o.meta.get("uncompared", {}), n.meta.get("uncompared", {}), "both")
        for key, om in o.request.items():
            nm = n.request.get(key)
            at = At(op, "request", key, key)
            if nm is None:
                if key.startswith("body"):
                    self.emit(
                        "request-media-type-removed",
                        replace(at, new=None),
                        name=key,
                        subject=("operation", om.root, None, "request"),
                    )
                else:
                    self.emit("request-parameter-removed", replace(at, new=None), name=key)
                continue
            if nm.required and not om.required:
                body = key.startswith("body")
                rid = "request-body-became-required" if body else "request-parameter-became-required"
                self.emit(rid, at, name=key)
            self.message(op, key, om, nm, "request")
        for key, nm in n.request.items():
            if key in o.request:
                continue
            at = At(op, "request", None, key)
            if key.startswith("body"):
                if nm.required and not any(k.startswith("body") for k in o.request):
                    self.emit("request-body-became-required", at, name=key)
            elif nm.required:
                self.emit("request-parameter-added-required", at, name=key)
            else:
                self.emit("request-parameter-added-optional", at, name=key)
        for status, omsgs in o.responses.items():
            nmsgs = n.responses.get(status)
            if nmsgs is None:
                if status == "fault":
                    for key in omsgs:
                        self.emit("fault-removed", replace(resp, old=key, new=None), name=key)
                else:
                    self.emit("status-code-removed", replace(resp, old=status, new=None), name=status)
                continue
            for key, om in omsgs.items():
                nm = nmsgs.get(key)
                where = f"{status} {key}"
                if nm is None:
                    rid = (
                        "fault-removed"
                        if status == "fault"
                        else "response-header-removed"
                        if key.startswith("header")
                        else "response-media-type-removed"
                    )
                    self.emit(rid, replace(resp, old=where, new=None), name=where)
                    continue
                self.message(op, where, om, nm, "response")
        for status in n.responses:
            if status not in o.responses:
                self.emit("status-code-added", replace(resp, old=None, new=status), name=status)

    def _only_namespace_differs(self, a: str, b: str) -> bool:
        on, nn = self.old.namespace or "", self.new.namespace or ""
        return bool(on and nn and a.replace(on, nn) == b)

    def message(self, op: str, key: str, om: Message, nm: Message, direction: Direction) -> None:
        of, nf = om.root, nm.root
        base = f"{key} /{of.name}" if self.xml else f"{key} $"  # JSON: $ is the body/parameter root
        nbase = f"{key} /{nf.name}" if self.xml else f"{key} $"
        at = At(op, direction, base, nbase)
        subj = ("pair", of, nf, direction)
        if self.xml and of.name != nf.name:
            self.emit("message-element-changed", at, subject=subj, name=key, old=of.name, new=nf.name)
            return
        if of.is_array != nf.is_array:
            self.emit("type-changed", at, subject=subj, old=_label(of), new=_label(nf))
            return
        self.occurs(at, of, nf, (of, nf), root=True)
        self.shape(at, of, nf)

    # -- fields and shapes
    def occurs(self, at: At, of: Field, nf: Field, parent: tuple[Any, ...], root: bool = False) -> None:
        subj = ("pair", parent[0], parent[1], at.direction, *parent[2:])
        d = at.direction
        if of.required != nf.required and not root:
            if nf.required:
                rid = "request-field-became-required" if d == "request" else "response-field-became-required"
            else:
                rid = "request-field-became-optional" if d == "request" else "response-field-became-optional"
            self.emit(rid, at, subject=subj, old=of.min_occurs, new=nf.min_occurs)
        elif of.min_occurs != nf.min_occurs and (of.is_array or of.min_occurs > 1 or nf.min_occurs > 1):
            rid = "min-occurs-increased" if nf.min_occurs > of.min_occurs else "min-occurs-decreased"
            self.emit(rid, at, subject=subj, old=of.min_occurs, new=nf.min_occurs)
        omax = float("inf") if of.max_occurs is None else of.max_occurs
        nmax = float("inf") if nf.max_occurs is None else nf.max_occurs
        if nmax != omax:
            rid = "max-occurs-reduced" if nmax < omax else "max-occurs-increased"
            self.emit(rid, at, subject=subj, old=_occ(of.max_occurs), new=_occ(nf.max_occurs))

    def shape(self, at: At, of: Field, nf: Field) -> None:
        o, n = of.shape, nf.shape
        key = (id(o), id(n), at.direction)
        if key in self._seen:
            return
        self._seen.add(key)
        subj = ("parent" if of.name.startswith("@") and self.xml else "pair", of, nf, at.direction)
        self.uncompared(at, o.uncompared, n.uncompared, at.direction, subj)
        for kw in sorted(o.subschemas.keys() | n.subschemas.keys()):
            a, b = o.subschemas.get(kw), n.subschemas.get(kw)
            if a is None or b is None or not same_shapes(a, b):
                where = replace(at, old=f"{at.old}/{kw}", new=f"{at.new}/{kw}")
                self.emit(
                    "keyword-not-compared",
                    where,
                    subject=subj,
                    name=kw,
                    old="absent" if a is None else "a schema",
                    new="absent" if b is None else "another schema",
                )
        if n.unsatisfiable and not o.unsatisfiable:
            v: Verdict | None = "potentially breaking" if at.direction == "response" else None
            self.emit("schema-unsatisfiable", at, subject=subj, verdict=v)
            return
        if o.kind == "any" or n.kind == "any":
            if o.kind != n.kind and n.kind == "any" and at.direction == "response":
                self.emit(
                    "type-changed",
                    at,
                    subject=subj,
                    old=o.describe(),
                    new="any",
                    verdict="potentially breaking",
                )
            return
        json_types_differ = bool(o.json_types and n.json_types and o.json_types != n.json_types)
        if json_types_differ:
            self.types(at, o.json_types, n.json_types, subj)
            if o.kind != n.kind:
                return  # a widening/narrowing between kinds: the common part has no structure to compare
        elif o.kind != n.kind and not ({o.kind, n.kind} == {"scalar", "object"} and o.types and n.types):
            self.emit("type-changed", at, subject=subj, old=o.describe(), new=n.describe())
            return
        if (o.types or n.types) and not self.scalar(at, o, n, subj, compare_types=not json_types_differ):
            return  # unrelated types: their facets mean nothing to compare
        self.nullability(at, o, n, subj)
        self.bounds(
            at,
            "property-count",
            (o.min_properties, o.max_properties),
            (n.min_properties, n.max_properties),
            subj,
        )
        if o.unique_items != n.unique_items:
            self.emit("unique-items-added" if n.unique_items else "unique-items-removed", at, subject=subj)
        if o.identities != n.identities:
            self.identities(at, o.identities, n.identities, subj)
        if o.fields or n.fields:
            self.children(at, of, nf)
        if o.open and not n.open:
            self.emit("extension-point-removed", at, subject=subj)
        elif n.open and not o.open:
            self.emit("extension-point-added", at, subject=subj)
        else:  # same openness: how wide each wildcard is (an added/removed xs:any is the rule above)
            both_open = o.open and n.open
            ow = tuple(w for w in o.wildcards if both_open or w[0] == "anyAttribute")
            nw = tuple(w for w in n.wildcards if both_open or w[0] == "anyAttribute")
            if ow or nw:
                self.wildcards(at, ow, nw, subj)

    def children(self, at: At, of: Field, nf: Field) -> None:
        o, n = of.shape, nf.shape
        d = at.direction
        subj = ("pair", of, nf, d)
        for name, ochild in o.fields.items():
            cat = at.child(name)
            nchild = n.fields.get(name)
            if nchild is None:
                gone = replace(cat, new=None)
                if d == "request":
                    choice = ochild.in_choice and o.choices and self.xml
                    rid = "choice-alternative-removed" if choice else "request-field-removed"
                    v: Verdict | None = None
                    if rid == "request-field-removed":
                        v = "breaking" if not n.open else "potentially breaking"
                    self.emit(rid, gone, subject=(*subj, name), verdict=v, name=cat.old, old=name)
                else:
                    rid = "response-field-removed" if ochild.required else "response-field-removed-optional"
                    if ochild.write_only:
                        continue  # never sent in a response: nothing a reader received is gone
                    self.emit(rid, gone, subject=(*subj, name), name=cat.old)
                continue
            if ochild.is_array != nchild.is_array:
                self.emit("type-changed", cat, subject=subj, old=_label(ochild), new=_label(nchild))
                continue
            self.occurs(cat, self._as_read(ochild, d), self._as_read(nchild, d), (of, nf, name))
            self._queue.append((cat, ochild, nchild))
        for name, nchild in n.fields.items():
            if name in o.fields:
                continue
            added = replace(at.child(name), old=None)
            if d == "request":
                required = nchild.required and not nchild.read_only  # readOnly: the client never sends it
                rid = "request-field-added-required" if required else "request-field-added-optional"
                self.emit(rid, added, subject=(*subj, name), name=added.new)
            elif nchild.in_choice and n.choices and o.choices and self.xml:
                # XML: each choice member is an alternative; a JSON oneOf field is just a field of one
                self.emit("choice-alternative-added", added, subject=(*subj, name), name=at.new, new=name)
            elif not nchild.write_only:
                v = "compatible" if o.open else None  # an open model already accepts it
                self.emit("response-field-added", added, subject=(*subj, name), verdict=v, name=added.new)
        if o.ordered and n.ordered:
            self.order(at, o, n, subj)

    def _skipped(self, f: Field, d: Direction) -> bool:
        return (f.read_only and d == "request") or (f.write_only and d == "response")

    def _as_read(self, f: Field, d: Direction) -> Field:
        """A readOnly field is optional in a request, a writeOnly one in a response (OpenAPI)."""
        if self._skipped(f, d) and f.required:
            return replace(f, required=False, min_occurs=0)
        return f


def _label(f: Field) -> str:
    return "array" if f.is_array else f.shape.describe()


def _occ(v: int | None) -> str:
    return "unbounded" if v is None else str(v)


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


def mode_label(old: ContractModel, new: ContractModel, mode: str) -> str:
    """The mode in force, as printed in every report header."""
    if old.bare and new.bare:
        return mode
    return "per operation (requests backward, responses forward)"


def diff_models(
    old: ContractModel,
    new: ContractModel,
    *,
    reader: Reader = "tolerant",
    enum_policy: EnumPolicy = "default",
    witnesses: bool = True,
    samples: int = 20,
    old_label: str | None = None,
    new_label: str | None = None,
    mode: str = "forward",
) -> DiffReport:
    """Compare two models: findings (with witnesses for breaking ones) plus sampling evidence."""
    opts = DiffOptions(reader=reader, enum_policy=enum_policy, witnesses=witnesses, samples=samples)
    with deep_recursion():
        findings = Differ(old, new, opts).run()
    report = DiffReport(
        old=old_label or old.source,
        new=new_label or new.source,
        reader=reader,
        mode=mode_label(old, new, mode),
        findings=findings,
    )
    report.notes.extend(f"old: {n}" for n in old.notes)
    report.notes.extend(f"new: {n}" for n in new.notes)
    if witnesses:
        attach_witnesses(report.findings, old, new, opts)
    if samples:
        flagged = {
            (f.operation, f.direction) for f in report.findings if f.verdict != "compatible" and f.counts
        }
        for sample in sample_messages(old, new, opts, skip=flagged):
            report.samples.append(sample.record)
            if sample.counterexample is not None:
                report.findings.append(
                    Finding(
                        "sampled-counterexample",
                        rule_verdict("sampled-counterexample", sample.direction, reader),
                        sample.direction,
                        sample.operation,
                        sample.message,
                        sample.message,
                        f"{sample.message}: a generated instance is accepted by one version and rejected by the other",
                        witness=sample.counterexample,
                        witness_note="found by sampling; no catalogue rule explains it",
                    )
                )
    for f in report.findings:
        settle(f, reader)
    return report
