"""Semantics-preserving refactors and targeted mutations of real-world schema sets, done by program.

Used by test_real_world.py (and by hand on big public schemas): a refactor must give no finding,
a mutation must give the finding it is meant to. XSD sets are rewritten with lxml across all the
files they import/include (QNames resolved per file), OpenAPI/JSON Schema documents as dicts.
"""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from lxml import etree

XS = "http://www.w3.org/2001/XMLSchema"
_Q = {"type", "base", "itemType", "substitutionGroup", "ref"}
_DERIVE = {"base", "itemType", "memberTypes"}


def _x(local: str) -> str:
    return f"{{{XS}}}{local}"


# -- schema sets on disk


def schema_set(entry: Path) -> list[Path]:
    """The entry file and every local file it imports/includes/redefines, transitively."""
    seen: list[Path] = []
    todo = [entry.resolve()]
    while todo:
        p = todo.pop()
        if p in seen or not p.is_file():
            continue
        seen.append(p)
        root = etree.parse(str(p)).getroot()
        for el in root.iter(_x("import"), _x("include"), _x("redefine"), _x("override")):
            loc = el.get("schemaLocation")
            if loc and "://" not in loc:
                todo.append((p.parent / loc).resolve())
    return seen


def copy_set(entry: Path, dest: Path) -> tuple[Path, list[Path]]:
    """Copy a schema set under dest keeping relative layout; returns (new entry, new files)."""
    files = schema_set(entry)
    top = Path(_common([str(f.parent) for f in files]))
    out = []
    for f in files:
        target = dest / f.relative_to(top)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(f, target)
        out.append(target)
    return dest / entry.resolve().relative_to(top), out


def _common(dirs: list[str]) -> str:
    import os

    return os.path.commonpath(dirs)


class XsdSet:
    """Parsed files of one schema set, rewritten in place and saved back."""

    def __init__(self, files: list[Path]) -> None:
        self.docs = {f: etree.parse(str(f)) for f in files}

    def save(self) -> None:
        for f, doc in self.docs.items():
            doc.write(str(f), xml_declaration=True, encoding="utf-8")

    def roots(self) -> Iterator[tuple[Path, Any]]:
        for f, doc in self.docs.items():
            yield f, doc.getroot()

    @staticmethod
    def tns(root: Any) -> str | None:
        return root.get("targetNamespace")

    @staticmethod
    def resolve(el: Any, value: str) -> tuple[str | None, str]:
        prefix, _, local = value.rpartition(":")
        return el.nsmap.get(prefix or None), local

    def chameleons(self) -> bool:
        """Chameleon includes (no targetNamespace) make QName rewriting ambiguous: such sets are skipped."""
        return any(self.tns(r) is None for _, r in self.roots()) and len(self.docs) > 1

    def frozen(self) -> bool:
        return any(
            r.find(_x("redefine")) is not None or r.find(_x("override")) is not None for _, r in self.roots()
        )

    def globals(self, local: str) -> Iterator[tuple[Path, Any]]:
        for f, root in self.roots():
            for el in root.findall(_x(local)):
                if el.get("name"):
                    yield f, el

    def references(self) -> Iterator[tuple[Any, str, tuple[str | None, str]]]:
        """Every QName-valued attribute in every file: (element, attribute, resolved QName)."""
        for _, root in self.roots():
            for el in root.iter(etree.Element):
                if not isinstance(el.tag, str) or not el.tag.startswith(f"{{{XS}}}"):
                    continue
                for attr in (*_Q, "memberTypes"):
                    v = el.get(attr)
                    if not v:
                        continue
                    for part in v.split() if attr == "memberTypes" else [v]:
                        yield el, attr, self.resolve(el, part)


def rename_types(files: list[Path], suffix: str = "Renamed") -> int:
    """Rename every global complexType/simpleType and every reference to it."""
    s = XsdSet(files)
    if s.chameleons() or s.frozen():
        return 0
    if any(s.tns(r) == XS for _, r in s.roots()):
        return 0  # the meta-schema's type names are the built-in datatypes: fixed, not refactorable
    names: dict[tuple[str | None, str], str] = {}
    for f, el in [*s.globals("complexType"), *s.globals("simpleType")]:
        root = s.docs[f].getroot()
        names[(s.tns(root), el.get("name"))] = el.get("name") + suffix
        el.set("name", el.get("name") + suffix)
    for el, attr, q in list(s.references()):
        if attr not in ("type", "base", "itemType", "memberTypes") or q not in names:
            continue
        v = el.get(attr)
        if attr == "memberTypes":
            parts = [p + suffix if s.resolve(el, p) in names else p for p in v.split()]
            el.set(attr, " ".join(parts))
        else:
            el.set(attr, v + suffix)
    s.save()
    return len(names)


def reorder_globals(files: list[Path]) -> int:
    """Reverse the order of global declarations (imports and includes stay first, as XSD requires)."""
    s = XsdSet(files)
    moved = 0
    head = {_x("import"), _x("include"), _x("redefine"), _x("override"), _x("annotation")}
    for _, root in s.roots():
        decls = [c for c in root if isinstance(c.tag, str) and c.tag not in head]
        for c in decls:
            root.remove(c)
        for c in reversed(decls):
            root.append(c)
        moved += len(decls)
    s.save()
    return moved


def inline_single_use_types(files: list[Path]) -> int:
    """Replace a named type referenced once (by type=, same file) by an anonymous copy of it."""
    s = XsdSet(files)
    if s.chameleons() or s.frozen():
        return 0
    uses: dict[tuple[str | None, str], list[Any]] = {}
    derived: set[tuple[str | None, str]] = set()
    for el, attr, q in s.references():
        if attr == "type":
            uses.setdefault(q, []).append(el)
        elif attr in _DERIVE or attr == "memberTypes":
            derived.add(q)
    done = 0
    for f, t in [*s.globals("complexType"), *s.globals("simpleType")]:
        root = s.docs[f].getroot()
        q = (s.tns(root), t.get("name"))
        refs = uses.get(q, [])
        if len(refs) != 1 or q in derived or t.get("abstract") in ("true", "1"):
            continue
        user = refs[0]
        if user.getroottree().getroot() is not root or user.get("substitutionGroup"):
            continue
        if user.getparent() is root and user.tag == _x("element") and _is_sub_head(s, q, user):
            continue
        anon = copy.deepcopy(t)
        for a in ("name", "final", "block", "abstract"):
            anon.attrib.pop(a, None)
        del user.attrib["type"]
        insert_at = 1 if len(user) and user[0].tag == _x("annotation") else 0
        user.insert(insert_at, anon)
        root.remove(t)
        done += 1
    s.save()
    return done


def _is_sub_head(s: XsdSet, q: tuple[str | None, str], user: Any) -> bool:
    """A substitution group head's named type is what members derive from: keep it named."""
    name = user.get("name")
    return any(el.get("substitutionGroup", "").rpartition(":")[2] == name for _, el in s.globals("element"))


def move_into_extension_base(files: list[Path], limit: int = 50) -> int:
    """Split a sequence type T(a, b, c) into T_Base(a) and T extends T_Base with (b, c)."""
    s = XsdSet(files)
    if s.chameleons() or s.frozen():
        return 0
    derived = {q for el, attr, q in s.references() if attr == "base"}
    done = 0
    for f, t in list(s.globals("complexType")):
        root = s.docs[f].getroot()
        tns = s.tns(root)
        prefix = _prefix_for(t, tns)
        if prefix is False or (tns, t.get("name")) in derived or t.get("mixed") in ("true", "1"):
            continue
        kids = [c for c in t if isinstance(c.tag, str) and c.tag != _x("annotation")]
        if not kids or kids[0].tag != _x("sequence") or kids[0].get("minOccurs") or kids[0].get("maxOccurs"):
            continue
        seq = kids[0]
        particles = [c for c in seq if isinstance(c.tag, str) and c.tag != _x("annotation")]
        if len(particles) < 2:
            continue
        k = max(1, len(particles) // 2)
        base = etree.SubElement(root, _x("complexType"), name=t.get("name") + "Base")
        bseq = etree.SubElement(base, _x("sequence"))
        for p in particles[:k]:
            bseq.append(p)
        cc = etree.Element(_x("complexContent"))
        ext = etree.SubElement(cc, _x("extension"), base=f"{prefix}{t.get('name')}Base")
        t.replace(seq, cc)
        ext.append(seq)
        for c in kids[1:]:  # attributes, attribute groups, anyAttribute follow the particles
            ext.append(c)
        done += 1
        if done >= limit:
            break
    s.save()
    return done


def _prefix_for(el: Any, tns: str | None) -> str | bool:
    """The prefix to write a QName in tns from this element ('' for the default), False if none."""
    if tns is None:
        return "" if None not in el.nsmap else False
    for p, uri in el.nsmap.items():
        if uri == tns:
            return "" if p is None else f"{p}:"
    return False


# -- XSD mutations (each returns the changed element's name, or None when none applies)


def _local_elements(files: list[Path]) -> Iterator[tuple[XsdSet, Any]]:
    s = XsdSet(files)
    for _, root in s.roots():
        for el in root.iter(_x("element")):
            if (
                el.getparent() is not root
                and (el.get("name") or el.get("ref"))
                and el.getparent().tag == _x("sequence")
            ):
                yield s, el


def _name(el: Any) -> str:
    return el.get("name") or el.get("ref", "").rpartition(":")[2]


def mutate_remove_required_element(files: list[Path], reachable: set[str]) -> str | None:
    for s, el in _local_elements(files):
        parent_seq = el.getparent()
        if (el.get("minOccurs", "1") != "0" and _name(el) in reachable and parent_seq.get("minOccurs", "1") != "0"
                and parent_seq.getparent().tag in (_x("complexType"), _x("extension"))):  # fmt: skip
            if sum(1 for c in parent_seq if isinstance(c.tag, str) and c.tag != _x("annotation")) < 2:
                continue
            parent_seq.remove(el)
            s.save()
            return _name(el)
    return None


def mutate_optional_to_required(files: list[Path], reachable: set[str]) -> str | None:
    for s, el in _local_elements(files):
        seq = el.getparent()
        if (
            el.get("minOccurs") == "0"
            and _name(el) in reachable
            and seq.get("minOccurs", "1") != "0"
            and (seq.getparent().tag in (_x("complexType"), _x("extension")))
        ):
            el.set("minOccurs", "1")
            s.save()
            return _name(el)
    return None


def mutate_narrow_max_length(files: list[Path], reachable_types: set[str]) -> str | None:
    """Lower the first maxLength facet of a named simple type that is reachable (by name)."""
    s = XsdSet(files)
    for _, t in s.globals("simpleType"):
        if t.get("name") not in reachable_types:
            continue
        for facet in t.iter(_x("maxLength")):
            v = int(facet.get("value"))
            if v > 1:
                facet.set("value", str(v - 1))
                s.save()
                return "type " + t.get("name")  # a named type: reported where an element uses it
    return None


# -- JSON / OpenAPI


def _defs(doc: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    if isinstance(doc.get("components"), dict) and isinstance(doc["components"].get("schemas"), dict):
        return "#/components/schemas/", doc["components"]["schemas"]
    for key in ("$defs", "definitions"):
        if isinstance(doc.get(key), dict):
            return f"#/{key}/", doc[key]
    return None


def _walk(node: Any, fn: Callable[[dict[str, Any]], None]) -> None:
    if isinstance(node, dict):
        fn(node)
        for v in list(node.values()):
            _walk(v, fn)
    elif isinstance(node, list):
        for v in node:
            _walk(v, fn)


def _esc(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def json_rename(doc: dict[str, Any]) -> int:
    """Rename every component schema / $defs entry and rewrite every $ref to it."""
    found = _defs(doc)
    if not found:
        return 0
    prefix, defs = found
    mapping = {prefix + _esc(k): prefix + _esc(k + "Renamed") for k in defs}
    renamed = {k + "Renamed": v for k, v in defs.items()}
    defs.clear()
    defs.update(renamed)

    def fix(node: dict[str, Any]) -> None:
        ref = node.get("$ref")
        if isinstance(ref, str):
            for old, new in mapping.items():
                if ref == old or ref.startswith(old + "/"):  # also refs into its insides
                    node["$ref"] = new + ref[len(old) :]
                    break

    _walk(doc, fix)
    return len(mapping)


def json_reorder(doc: dict[str, Any]) -> int:
    """Reverse the order of component schemas, paths and every properties map."""
    n = 0

    def rev(d: dict[str, Any]) -> dict[str, Any]:
        return dict(reversed(list(d.items())))

    found = _defs(doc)
    if found:
        defs = found[1]
        items = rev(defs)
        defs.clear()
        defs.update(items)
        n += len(items)
    if isinstance(doc.get("paths"), dict):
        doc["paths"] = rev(doc["paths"])

    def fix(node: dict[str, Any]) -> None:
        nonlocal n
        if isinstance(node.get("properties"), dict) and node["properties"]:
            node["properties"] = rev(node["properties"])
            n += 1

    _walk(doc, fix)
    return n


def json_inline_single_use(doc: dict[str, Any], limit: int = 200) -> int:
    """Replace a $ref used once by a copy of its (non-recursive) target and drop the definition."""
    found = _defs(doc)
    if not found:
        return 0
    prefix, defs = found
    counts: dict[str, int] = {}

    def count(node: dict[str, Any]) -> None:
        ref = node.get("$ref")
        if isinstance(ref, str):
            counts[ref] = counts.get(ref, 0) + 1

    _walk(doc, count)
    # a ref into a component's insides (#/components/schemas/X/properties/y) pins X in place
    pinned = {
        r[len(prefix) :].split("/")[0]
        for r in counts
        if r.startswith(prefix) and r.count("/") > prefix.count("/")
    }
    done = 0
    for name in list(defs):
        ref = prefix + _esc(name)
        if counts.get(ref) != 1 or _esc(name) in pinned or done >= limit:
            continue
        body = defs[name]
        inner: set[str] = set()

        def collect(n: dict[str, Any], inner: set[str] = inner) -> None:
            if isinstance(n.get("$ref"), str):
                inner.add(n["$ref"])

        _walk(body, collect)
        if any(r == ref or r.startswith(ref + "/") for r in inner) or not isinstance(body, dict):
            continue

        def put(node: dict[str, Any], ref: str = ref, body: dict[str, Any] = body) -> None:
            if node.get("$ref") == ref:
                extra = {k: v for k, v in node.items() if k != "$ref"}
                node.clear()
                node.update(copy.deepcopy(body))
                node.update(extra)

        del defs[name]
        _walk(doc, put)
        done += 1
    return done


def json_extension_base(doc: dict[str, Any], limit: int = 50) -> int:
    """Split a component object schema S{a,b,c} into allOf[S_Base{a}, {b,c}] (open objects only)."""
    found = _defs(doc)
    if not found:
        return 0
    prefix, defs = found
    done = 0
    for name in list(defs):
        s = defs[name]
        if not isinstance(s, dict) or set(s) - {"type", "properties", "required", "description", "title"}:
            continue
        props = s.get("properties")
        if s.get("type") != "object" or not isinstance(props, dict) or len(props) < 2:
            continue
        keys = list(props)
        k = len(keys) // 2
        req = list(s.get("required") or [])
        base = {"type": "object", "properties": {x: props[x] for x in keys[:k]}}
        if [r for r in req if r in keys[:k]]:
            base["required"] = [r for r in req if r in keys[:k]]
        rest = {"type": "object", "properties": {x: props[x] for x in keys[k:]}}
        if [r for r in req if r not in keys[:k]]:
            rest["required"] = [r for r in req if r not in keys[:k]]
        defs[name + "Base"] = base
        new = {x: v for x, v in s.items() if x in ("description", "title")}
        new["allOf"] = [{"$ref": prefix + _esc(name + "Base")}, rest]
        defs[name] = new
        done += 1
        if done >= limit:
            break
    return done


def json_component(
    doc: dict[str, Any], pick: Callable[[str, dict[str, Any]], bool]
) -> tuple[str, dict[str, Any]] | None:
    found = _defs(doc)
    if not found:
        return None
    for name, s in found[1].items():
        if isinstance(s, dict) and pick(name, s):
            return name, s
    return None


def write_json(doc: Any, path: Path) -> Path:
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


# -- one whole check of a schema set: identity, each refactor, each mutation


def reachable_names(model: Any) -> tuple[set[str], set[str]]:
    """Field names and named (XSD) type names reachable from the model's messages."""
    from lefi_contracts.compat.model import messages

    fields: set[str] = set()
    types: set[str] = set()
    seen: set[int] = set()
    stack = [m.root.shape for op in model.operations.values() for m in messages(op)]
    while stack:
        sh = stack.pop()
        if id(sh) in seen:
            continue
        seen.add(id(sh))
        src = getattr(sh, "source", None)
        name = getattr(src, "name", None)
        if isinstance(name, str):
            types.add(name.rsplit("}", 1)[-1])
        elif isinstance(src, str):  # a JSON pointer: the component it lies in
            for prefix in ("/components/schemas/", "/$defs/", "/definitions/"):
                if src.startswith(prefix):
                    types.add(src[len(prefix) :].split("/")[0].replace("~1", "/").replace("~0", "~"))
        for f in sh.fields.values():
            fields.add(f.name)
            stack.append(f.shape)
    return fields, types


XSD_REFACTORS: dict[str, Callable[[list[Path]], int]] = {
    "rename": rename_types,
    "reorder": reorder_globals,
    "inline": inline_single_use_types,
    "extension-base": move_into_extension_base,
}
JSON_REFACTORS: dict[str, Callable[[dict[str, Any]], int]] = {
    "rename": json_rename,
    "reorder": json_reorder,
    "inline": json_inline_single_use,
    "extension-base": json_extension_base,
}


def _diff(old: Path, new: Path, direction: str) -> Any:
    from lefi_contracts.compat import diff_models, load_contract_model

    om = load_contract_model(old, direction=direction)
    nm = load_contract_model(new, direction=direction)
    return diff_models(om, nm, reader="strict", witnesses=False, samples=0)


def _summary(report: Any) -> list[tuple[str, str | None]]:
    return [(f.rule, f.new_path or f.old_path) for f in report.findings]


def check_xsd_set(entry: Path, tmp: Path) -> dict[str, Any]:
    """Identity, the four refactors (both ways) and three mutations of an XSD set, read as requests."""
    import time

    from lefi_contracts.compat import load_contract_model

    out: dict[str, Any] = {
        "files": len(schema_set(entry)),
        "bytes": sum(f.stat().st_size for f in schema_set(entry)),
    }
    base_entry, _ = copy_set(entry, tmp / "base")
    t0 = time.perf_counter()
    base = load_contract_model(base_entry, direction="request")
    out["read_s"] = round(time.perf_counter() - t0, 2)
    out["shapes"] = base.size()
    ident_entry, _ = copy_set(entry, tmp / "identity")
    out["identity"] = _summary(_diff(base_entry, ident_entry, "request"))
    for name, fn in XSD_REFACTORS.items():
        e, files = copy_set(entry, tmp / name)
        changed = fn(files)
        if not changed:
            out[name] = "n/a"
            continue
        there = _summary(_diff(base_entry, e, "request"))
        back = _summary(_diff(e, base_entry, "request"))
        out[name] = (changed, there + back)
    fields, types = reachable_names(base)
    for name, fn, expect, arg in (
        ("remove-element", mutate_remove_required_element, "request-field-removed", fields),
        ("optional-to-required", mutate_optional_to_required, "request-field-became-required", fields),
        ("narrow-maxLength", mutate_narrow_max_length, "length-narrowed", types),
    ):
        e, files = copy_set(entry, tmp / name)
        target = fn(files, arg)
        if target is None:
            out[name] = "n/a"
            continue
        found = _summary(_diff(base_entry, e, "request"))
        out[name] = (target, expect, found)
    return out


def check_json_doc(src: Path, tmp: Path) -> dict[str, Any]:
    """Identity, refactors (both ways) and mutations of an OpenAPI/JSON Schema document."""
    import time

    from lefi_contracts.compat import load_contract_model
    from lefi_contracts.compat.openapi_reader import load_document

    doc = load_document(src)
    tmp.mkdir(parents=True, exist_ok=True)
    base_p = write_json(doc, tmp / "base.json")
    out: dict[str, Any] = {"files": 1, "bytes": src.stat().st_size}
    t0 = time.perf_counter()
    base = load_contract_model(base_p)
    out["read_s"] = round(time.perf_counter() - t0, 2)
    out["shapes"] = base.size()
    out["identity"] = _summary(_diff(base_p, write_json(doc, tmp / "identity.json"), "response"))
    for name, fn in JSON_REFACTORS.items():
        d = copy.deepcopy(doc)
        changed = fn(d)
        if not changed:
            out[name] = "n/a"
            continue
        p = write_json(d, tmp / f"{name}.json")
        out[name] = (changed, _summary(_diff(base_p, p, "response")) + _summary(_diff(p, base_p, "response")))
    fields, comps = reachable_names(base)

    def reach(props: dict[str, Any]) -> list[str]:
        return [k for k in props if k in fields]

    muts: list[tuple[str, Callable[[str, dict[str, Any]], bool], Callable[[dict[str, Any]], str], str]] = [
        ("remove-required-property",
         lambda n, s: isinstance(s.get("properties"), dict) and any(r in reach(s["properties"]) for r in s.get("required") or []),
         lambda s: _pop_required(s), "response-field-removed"),
        ("optional-to-required",
         lambda n, s: isinstance(s.get("properties"), dict) and any(k not in (s.get("required") or []) and not _is_array(s["properties"][k]) for k in reach(s["properties"])),
         lambda s: _make_required(s, fields), "response-field-became-required"),
        ("narrow-maxLength",
         lambda n, s: isinstance(s.get("properties"), dict) and any(isinstance(v, dict) and isinstance(v.get("maxLength"), int) and v["maxLength"] > 1 for k, v in s["properties"].items() if k in fields),
         lambda s: _narrow(s, fields), "length-narrowed"),
    ]  # fmt: skip
    for name, pick, apply, expect in muts:
        d = copy.deepcopy(doc)
        hit = json_component(d, lambda n, s, pick=pick: n in comps and pick(n, s))
        if hit is None:
            out[name] = "n/a"
            continue
        target = apply(hit[1])
        p = write_json(d, tmp / f"{name}.json")
        out[name] = (target, expect, _summary(_diff(base_p, p, "response")))
    return out


def _is_array(s: Any) -> bool:
    return isinstance(s, dict) and (s.get("type") == "array" or "$ref" in s)


def _pop_required(s: dict[str, Any]) -> str:
    for r in s["required"]:
        if r in s["properties"]:
            del s["properties"][r]
            s["required"] = [x for x in s["required"] if x != r]
            if not s["required"]:
                del s["required"]
            return r
    raise AssertionError("picked a schema without a required property")


def _make_required(s: dict[str, Any], fields: set[str]) -> str:
    for k in s["properties"]:
        if k in fields and k not in (s.get("required") or []) and not _is_array(s["properties"][k]):
            s["required"] = [*(s.get("required") or []), k]
            return k
    raise AssertionError("picked a schema without an optional property")


def _narrow(s: dict[str, Any], fields: set[str]) -> str:
    for k, v in s["properties"].items():
        if k in fields and isinstance(v, dict) and isinstance(v.get("maxLength"), int) and v["maxLength"] > 1:
            v["maxLength"] -= 1
            return k
    raise AssertionError("picked a schema without maxLength")
