"""Rendering of a DiffReport as text, JSON or Markdown (CI and humans read the same facts)."""

from __future__ import annotations

import json
from typing import Any

from lefi_contracts.errors import UsageError

_SYMBOL = {"breaking": "BREAKING", "potentially breaking": "POTENTIAL", "compatible": "ok"}


def _summary(r: Any) -> str:
    return (
        f"{r.count('breaking')} breaking, {r.count('potentially breaking')} potentially breaking, "
        f"{r.count('compatible')} compatible"
    )


def _loc(f: Any) -> str:
    if f.old_path == f.new_path:
        return f.old_path or "-"
    return f"{f.old_path or '(absent)'} -> {f.new_path or '(absent)'}"


def render_text(reports: list[Any]) -> str:
    out = []
    for r in reports:
        out.append(f"diff {r.old} -> {r.new} (mode: {r.mode}, reader: {r.reader}): {_summary(r)}")
        order = {"breaking": 0, "potentially breaking": 1, "compatible": 2}
        for f in sorted(r.findings, key=lambda x: (order[x.verdict], x.operation, x.rule)):
            waived = " [waived]" if f.waiver and not f.waiver.get("expired") else ""
            out.append(f"  {_SYMBOL[f.verdict]:<9} {f.rule} [{f.direction}] {f.operation}: {_loc(f)}{waived}")
            out.append(f"            {f.message}")
            if f.witness:
                out.append(f"            witness ({f.witness_note}): {f.witness}")
            elif f.witness_note:
                out.append(f"            {f.witness_note}")
            if f.note:
                out.append(f"            note: {f.note}")
        for s in r.samples:
            state = "counterexample found" if s["counterexample"] else "all accepted"
            out.append(
                f"  sampled {s['instances']} {s['direction']} instances of {s['operation']} {s['message']}: {state}"
            )
        for n in r.notes:
            out.append(f"  not compared: {n}")
    return "\n".join(out) + "\n"


def render_json(reports: list[Any]) -> str:
    docs = [
        {
            "old": r.old,
            "new": r.new,
            "mode": r.mode,
            "reader": r.reader,
            "worst": r.worst(),
            "counts": {v: r.count(v) for v in ("breaking", "potentially breaking", "compatible")},
            "findings": [f.to_dict() for f in r.findings],
            "samples": r.samples,
            "notes": r.notes,
        }
        for r in reports
    ]
    return json.dumps(docs[0] if len(docs) == 1 else docs, indent=2, ensure_ascii=False, default=str) + "\n"


def _md(s: Any) -> str:
    return str(s).replace("|", "\\|").replace("\n", " ")


def render_markdown(reports: list[Any]) -> str:
    out = []
    for r in reports:
        out += [
            f"## {r.old} → {r.new} (mode: {r.mode}, reader: {r.reader})",
            "",
            f"**{_summary(r)}**",
            "",
            "| verdict | rule | direction | operation | location | explanation | witness |",
            "|---|---|---|---|---|---|---|",
        ]
        for f in r.findings:
            w = f"`{_md(f.witness)}`" if f.witness else _md(f.witness_note or "")
            v = f.verdict + (" (waived)" if f.waiver and not f.waiver.get("expired") else "")
            extra = f" — {_md(f.note)}" if f.note else ""
            out.append(
                f"| {v} | `{f.rule}` | {f.direction} | {_md(f.operation)} | {_md(_loc(f))} | {_md(f.message)}{extra} | {w} |"
            )
        if r.notes:
            out += ["", "Not compared:", *[f"- {_md(n)}" for n in r.notes]]
        out.append("")
    return "\n".join(out)


def render(reports: list[Any], fmt: str) -> str:
    if fmt == "text":
        return render_text(reports)
    if fmt == "json":
        return render_json(reports)
    if fmt in ("markdown", "md"):
        return render_markdown(reports)
    raise UsageError(f"unknown format {fmt!r} (text, json, markdown)")
