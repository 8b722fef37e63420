"""Cross-format comparison (an XML version against a JSON version) through a declared mapping.

The mapping names, per operation, which message of the old version corresponds to which of the
new one and any element path that does not map 1:1 by name (e.g. aktorsId moves from the SOAP
body into the REST path). Everything else maps by name, recursively. The result says, field by
field, what a consumer of the old version keeps, loses and gains by moving to the new one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lefi_contracts.compat.facets import types_within
from lefi_contracts.compat.findings import DiffReport, Finding
from lefi_contracts.compat.model import ContractModel, Direction, Field
from lefi_contracts.compat.rules import RULES
from lefi_contracts.errors import ContractError
from lefi_contracts.yamlio import read_yaml_file


def load_mapping(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ContractError(f"mapping file not found: {path}")
    data = read_yaml_file(path)
    if not isinstance(data, dict) or not isinstance(data.get("operations"), list):
        raise ContractError(f"{path}: expected a mapping with an 'operations' list")
    return data


def _msg(model: ContractModel, op_id: str, key: str, where: str) -> Field:
    op = model.operations.get(op_id)
    if op is None:
        raise ContractError(f"mapping: {where} operation {op_id!r} not in {model.source}")
    if key in op.request:
        return op.request[key].root
    status, _, rest = key.partition(" ")
    msgs = op.responses.get(status, {})
    if rest in msgs:
        return msgs[rest].root
    raise ContractError(f"mapping: {where} message {key!r} not in operation {op_id!r}")


def _card(f: Field) -> str:
    return "many" if (f.is_array or f.max_occurs is None or (f.max_occurs or 1) > 1) else "one"


class _Walker:
    def __init__(
        self,
        report: DiffReport,
        op: str,
        direction: Direction,
        explicit: dict[str, str | None],
        new_model: ContractModel,
        new_op: str,
    ) -> None:
        self.report, self.op, self.direction, self.explicit = report, op, direction, explicit
        self.new_model, self.new_op = new_model, new_op
        self.reached: set[int] = set()
        self.visited: set[tuple[int, int]] = set()

    def add(self, rule_id: str, old: str | None, new: str | None, detail: str = "-") -> None:
        r = RULES[rule_id]
        text = r.explanation.format(name=old or new, old=detail, new=new or "-")
        f = Finding(rule_id, r.strict, self.direction, self.op, old, new, text)
        if f.verdict == "breaking":  # why there is no witness: no one instance is valid in both formats
            f.witness_note = (
                "no instance witness: XML and JSON instances are not comparable (judged by the mapping)"
            )
        self.report.findings.append(f)

    def target(self, opath: str) -> Field | str | None:
        """An explicit mapping: 'path aktorsId'-style message key, '/a/b' path in the new body, or None."""
        dest = self.explicit[opath]
        if dest is None:
            return None
        op = self.new_model.operations[self.new_op]
        if dest in op.request:
            return op.request[dest].root
        return dest

    def walk(self, of: Field, nf: Field | None, opath: str, npath: str) -> None:
        if nf is None:
            self.add("xf-field-lost", opath, None)
            return
        self.reached.add(id(nf))
        pair = (id(of.shape), id(nf.shape))
        if pair in self.visited:  # recursive types: each pair once
            return
        self.visited.add(pair)
        if of.shape.fields or nf.shape.fields:
            for name, oc in of.shape.fields.items():
                cop = f"{opath}/{name}"
                if cop in self.explicit:
                    t = self.target(cop)
                    if isinstance(t, Field):
                        self.walk(oc, t, cop, self.explicit[cop] or "")
                    elif isinstance(t, str):
                        self.walk(oc, _follow(nf, t), cop, t)
                    else:
                        self.add("xf-field-lost", cop, None)
                    continue
                self.walk(oc, nf.shape.fields.get(name.lstrip("@")), cop, f"{npath}/{name.lstrip('@')}")
            for name, nc in nf.shape.fields.items():
                if id(nc) not in self.reached and name not in {n.lstrip("@") for n in of.shape.fields}:
                    self.add("xf-field-gained", None, f"{npath}/{name}")
            return
        problems = []
        if _card(of) != _card(nf):
            problems.append(f"cardinality {_card(of)} -> {_card(nf)}")
        if (
            of.shape.types
            and nf.shape.types
            and not (
                types_within(of.shape.types, nf.shape.types, False)
                or types_within(nf.shape.types, of.shape.types, False)
            )
        ):
            problems.append(f"type {of.shape.describe()} -> {nf.shape.describe()}")
        if of.shape.enum is not None and nf.shape.enum is not None and of.shape.enum - nf.shape.enum:
            problems.append(f"codes {sorted(of.shape.enum - nf.shape.enum)} are gone")
        if problems:
            self.add("xf-field-changed", opath, npath, detail="; ".join(problems))
        else:
            self.add("xf-field-kept", opath, npath)


def _follow(root: Field, path: str) -> Field | None:
    f: Field | None = root
    for part in [p for p in path.split("/") if p]:
        f = f.shape.fields.get(part) if f is not None else None
    return f


def cross_format(
    old: ContractModel, new: ContractModel, mapping: dict[str, Any], old_label: str, new_label: str
) -> DiffReport:
    """Field-by-field keep/lose/gain of moving from `old` to `new` (different formats)."""
    report = DiffReport(
        old=old_label, new=new_label, reader="cross-format", mode="cross-format (declared mapping)"
    )
    for entry in mapping["operations"]:
        try:
            oop, nop = entry["old"], entry["new"]
        except (KeyError, TypeError):
            raise ContractError("mapping: each operation needs 'old' and 'new'") from None
        for direction in ("request", "response"):
            spec = entry.get(direction)
            if not spec:
                continue
            of = _msg(old, oop, spec["old"], "old")
            nf = _msg(new, nop, spec["new"], "new")
            explicit = dict(spec.get("fields") or {})
            w = _Walker(report, oop, direction, explicit, new, nop)
            w.walk(of, nf, f"/{of.name}", "")
    return report
