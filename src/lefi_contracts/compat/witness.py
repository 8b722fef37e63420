"""Evidence: Hypothesis-generated instances that one version accepts and the other rejects.

Direction (documented in docs/compat-rules.md): for a request the instance is drawn from the OLD
schema and must be rejected by the NEW one (an old consumer's request the new provider refuses);
for a response it is drawn from the NEW schema and must be rejected by the OLD one (what the new
provider sends that an old strict reader refuses). Acceptance and rejection are decided by real
validation: xmlschema for XML, jsonschema for JSON. `hypothesis.find` shrinks to a minimal one.
Compatible message pairs must survive `samples` generated instances the same way.
This module only finds and attaches evidence; verdicts.py decides what the evidence means.
"""

from __future__ import annotations

import json
import time
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree as ET

from hypothesis import HealthCheck, Phase, find, settings
from hypothesis.errors import NoSuchExample, Unsatisfiable
from jsonschema import validators as _validators
from referencing import Registry, Resource

from lefi_contracts.compat.findings import DiffOptions, Finding
from lefi_contracts.compat.json_reader import DIALECTS
from lefi_contracts.compat.model import (
    ContractModel,
    Direction,
    Field,
)
from lefi_contracts.compat.strategies import EXTRA, NIL, RawJson, value_strategy
from lefi_contracts.compat.verdicts import wants_witness
from lefi_contracts.personnummer import mask_text


def _settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        database=None,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.generate, Phase.shrink],
    )


# One value of each JSON type: what a widened `type` lets the new side send beyond the shape's own kind.
# -- serialisation and validation


def _text(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def to_xml(f: Field, value: Any, ns: str | None) -> ET.Element:
    tag = f"{{{ns}}}{f.name}" if ns else f.name
    el = ET.Element(tag)
    if isinstance(value, RawJson):
        el.text = _text(value.value)
    elif value is NIL:
        el.set("{http://www.w3.org/2001/XMLSchema-instance}nil", "true")
    elif isinstance(value, dict):
        for name, vals in value.items():
            if name == "#text":
                el.text = _text(vals[0])
            elif name.startswith("@"):
                el.set(name[1:], _text(vals[0]))
        for name, vals in value.items():
            if name.startswith("@") or name == "#text":
                continue
            if name == EXTRA:
                extra = ET.SubElement(el, "{urn:lefi-contracts:witness}extra")
                extra.text = "x"
                continue
            child = f.shape.fields.get(name)
            if child is None:
                continue
            for v in vals:
                el.append(to_xml(child, v, ns if child.namespace else None))
    else:
        el.text = _text(value)
    return el


def to_json(f: Field, value: Any) -> Any:
    if value is NIL:
        return None
    if isinstance(value, RawJson):
        return value.value
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for name, vals in value.items():
            if name == EXTRA:
                out[EXTRA] = "x"
                continue
            child = f.shape.fields.get(name)
            if child is None or name == "#text":
                continue
            out[name] = [to_json(child, v) for v in vals] if child.is_array else to_json(child, vals[0])
        return out
    if isinstance(value, list):
        item = f.shape.fields.get("[]")
        return [to_json(item, v) if item else v for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


class Side:
    """One version's validator for instances of a subject field (real schema validation)."""

    def __init__(self, model: ContractModel, f: Field | None, direction: Direction = "response") -> None:
        self.model, self.field, self.direction = model, f, direction

    def render(self, value: Any, ns: str | None) -> tuple[str, Any]:
        f = self.field
        assert f is not None
        if self.model.validator_kind == "xml":
            el = to_xml(f, value, ns if f.namespace else None)
            try:  # readable: the version namespace as the default one
                text = (
                    ET.tostring(el, encoding="unicode", default_namespace=ns) if ns and f.namespace else None
                )
            except ValueError:  # unqualified local elements cannot use a default namespace
                text = None
            return text or ET.tostring(el, encoding="unicode"), el
        doc = to_json(f, value)
        return json.dumps(doc, ensure_ascii=False, default=str), doc

    def accepts(self, rendered: Any) -> bool:
        if self.field is None:
            return False
        if self.model.validator_kind == "xml":
            comp = self.field.source
            try:
                return bool(comp.is_valid(rendered))
            except Exception:
                return False
        ptr = self.field.shape.source if self.field.is_array else self.field.source
        if not isinstance(ptr, str):
            raise WitnessUnavailable("no single schema for these items (tuple items)")
        try:
            return bool(json_validator(self.model, ptr, self.direction).is_valid(rendered))
        except Exception as exc:  # a schema the validator cannot apply: no evidence either way
            raise WitnessUnavailable(f"{exc.__class__.__name__} while validating") from None


class WitnessUnavailable(Exception):
    """The validator cannot judge an instance (a construct it cannot apply): no witness, with the reason."""


_VALIDATORS: weakref.WeakKeyDictionary[ContractModel, dict[tuple[str, str], Any]] = (
    weakref.WeakKeyDictionary()
)


def _skipping_required(cls: Any, skip: str) -> Any:
    """`required` as OpenAPI reads it: readOnly properties are not required in requests, writeOnly in responses."""
    base = cls.VALIDATORS["required"]

    def required(validator: Any, req: Any, instance: Any, schema: Any) -> Any:
        props = schema.get("properties") or {} if isinstance(schema, dict) else {}
        keep = [r for r in req if not (isinstance(props.get(r), dict) and props[r].get(skip) is True)]
        yield from base(validator, keep, instance, schema)

    return _validators.extend(cls, {"required": required})


def json_validator(model: ContractModel, ptr: str, direction: Direction = "response") -> Any:
    """One validator per model, pointer and direction, kept as long as the model lives.

    Keyed by the model object, not id(model): ids of freed models are reused, and a stale
    validator from another document would silently judge witnesses against the wrong schema.
    """
    cache = _VALIDATORS.setdefault(model, {})
    key = (ptr, direction)
    if key not in cache:
        cls, spec = DIALECTS.get(model.json_dialect, DIALECTS["2020-12"])
        if model.format == "openapi":
            cls = _skipping_required(cls, "readOnly" if direction == "request" else "writeOnly")
        uri = "urn:lefi-contracts:compat:doc"
        registry: Registry[Any] = Registry().with_resource(
            uri, Resource.from_contents(model.json_document, default_specification=spec)
        )
        cache[key] = cls({"$ref": f"{uri}#{ptr}"}, registry=registry, format_checker=cls.FORMAT_CHECKER)
    return cache[key]


def search(
    gen: Side,
    other: Side,
    gen_ns: str | None,
    other_ns: str | None,
    examples: int,
    explore: int = 1,
    focus: str | None = None,
) -> tuple[str | None, str]:
    """A minimal instance `gen` accepts and `other` rejects, or None with a reason."""
    assert gen.field is not None

    def check(value: Any) -> bool:
        _, obj = gen.render(value, gen_ns)
        if not gen.accepts(obj):
            return False
        if other.field is None:
            return True
        _, oobj = other_render(value)
        return not other.accepts(oobj)

    def other_render(value: Any) -> tuple[str, Any]:
        if other.model.validator_kind == "xml":
            probe = Side(other.model, gen.field)
            return probe.render(value, other_ns)
        return gen.render(value, gen_ns)

    try:
        value = find(value_strategy(gen.field, 0, explore, focus), check, settings=_settings(examples))
    except (NoSuchExample, Unsatisfiable):
        return None, "no witness found"
    except WitnessUnavailable as exc:
        return None, f"no witness found ({exc})"
    except Exception as exc:  # a generator or validator failure is a missing witness, never a crash
        return None, f"no witness found ({exc.__class__.__name__})"
    return gen.render(value, gen_ns)[0], ""


def attach_witnesses(
    findings: list[Finding], old: ContractModel, new: ContractModel, opts: DiffOptions
) -> None:
    """Search a witness for every finding whose verdict evidence can decide, or say why there is none."""
    budget = opts.max_witnesses
    cache: dict[tuple[Any, ...], tuple[str | None, str]] = {}
    deadline = time.monotonic() + 30
    for f in findings:
        if not wants_witness(f, opts.reader):
            continue
        if f.subject is None:
            f.witness_note = "no instance witness: a change of the operation surface, not of a document"
            continue
        kind, of, nf, direction, *rest = f.subject
        focus = rest[0] if rest else None
        key = (id(of), id(nf) if nf is not None else 0, direction, f.rule == "namespace-changed", focus)
        if key not in cache:
            if budget <= 0 or time.monotonic() > deadline:
                f.witness_note = "no witness found (budget exhausted)"
                continue
            budget -= 1
            cache[key] = _search_for(f, kind, of, nf, direction, focus, old, new, opts)
        w, why = cache[key]
        f.witness = mask_text(w) if w else w  # generated, yet shaped like identity numbers: never shown raw
        if w is None:
            f.witness_note = why or "no witness found"
        elif kind == "operation" or nf is None:
            f.witness_note = "valid for old; the new contract has no such operation/body"
        else:
            acc, rej = ("old", "new") if direction == "request" else ("new", "old")
            tool = "xmlschema" if old.validator_kind == "xml" else "jsonschema"
            f.witness_note = f"valid for {acc}, rejected by {rej} ({tool})"


def _search_for(
    f: Finding,
    kind: str,
    of: Field,
    nf: Field | None,
    direction: Direction,
    focus: str | None,
    old: ContractModel,
    new: ContractModel,
    opts: DiffOptions,
) -> tuple[str | None, str]:
    renamed = f.rule == "namespace-changed"
    if kind == "operation" or nf is None:
        w, why = search(
            Side(old, of, direction), Side(new, None, direction), old.namespace, new.namespace, 20
        )
        return w, why or ""
    if direction == "request":
        ons = old.namespace if renamed else new.namespace
        gen, other, gns = Side(old, of, "request"), Side(new, nf, "request"), old.namespace
    else:
        ons = new.namespace if renamed else old.namespace
        gen, other, gns = Side(new, nf, "response"), Side(old, of, "response"), new.namespace
    return search(gen, other, gns, ons, opts.witness_examples, focus=focus)


@dataclass
class Sample:
    """One message pair sampled in its critical direction: the record for the report, and any counterexample."""

    operation: str
    message: str
    direction: Direction
    instances: int
    counterexample: str | None

    @property
    def record(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "message": self.message,
            "direction": self.direction,
            "instances": self.instances,
            "counterexample": self.counterexample is not None,
        }


def sample_messages(
    old: ContractModel, new: ContractModel, opts: DiffOptions, skip: Iterable[tuple[str, str]] = ()
) -> list[Sample]:
    """Each common message pair must survive `samples` instances in its critical direction."""
    flagged = set(skip)
    out: list[Sample] = []
    for op_id, oop in old.operations.items():
        nop = new.operations.get(op_id)
        if nop is None:
            continue
        pairs: list[tuple[Direction, str, Field, Field]] = [
            ("request", k, m.root, nop.request[k].root)
            for k, m in oop.request.items()
            if k in nop.request and k.startswith(("body", "document"))
        ]
        for status, msgs in oop.responses.items():
            for k, m in msgs.items():
                if k in nop.responses.get(status, {}) and k.startswith(("body", "document")):
                    pairs.append(("response", f"{status} {k}", m.root, nop.responses[status][k].root))
        for direction, key, of, nf in pairs:
            if direction == "response" and opts.reader == "tolerant":
                continue  # a tolerant reader ignores what it does not know: rejection is not breakage
            if (op_id, direction) in flagged:
                continue
            if direction == "request":
                gen, other, gns, ons = (
                    Side(old, of, direction),
                    Side(new, nf, direction),
                    old.namespace,
                    new.namespace,
                )
            else:
                gen, other, gns, ons = (
                    Side(new, nf, direction),
                    Side(old, of, direction),
                    new.namespace,
                    old.namespace,
                )
            w, _ = search(gen, other, gns, ons, opts.samples, explore=3)
            out.append(Sample(op_id, key, direction, opts.samples, mask_text(w) if w is not None else None))
    return out
