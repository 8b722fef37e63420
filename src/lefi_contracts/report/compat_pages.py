"""One readable HTML page per compatibility diff: rule, where (old -> new), why, and the witness document.

The gate attaches each diff's findings as JSON (compat.report.render(..., "json")); this renders them as a static
page (no script, inline styles, the witness highlighted with Pygments) linked from summary.md and summary.html.
A diff that carries only the text rendering still gets a page, with the text as it is.
"""

from __future__ import annotations

import contextlib
import html
import json
import re
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lefi_contracts.report.behaviours import behaviour_of, slug
from lefi_contracts.results import Attachment, CheckResult

VERDICT_COLOURS = {"breaking": "#c62828", "potentially breaking": "#ef6c00", "compatible": "#2e7d32"}
STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2em;max-width:80em;color:#222}"
    "table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.4em;vertical-align:top;"
    "text-align:left}th{background:#f0f0f0}.verdict{color:#fff;padding:.1em .5em;border-radius:3px;"
    "white-space:nowrap}.path{font-family:monospace;font-size:90%}.arrow{color:#888}"
    "td{overflow-wrap:anywhere}.witness pre{white-space:pre-wrap}.witness{margin:.4em 0}.note{color:#555;font-size:90%}.info{color:#1565c0}"
)


def page_name(r: CheckResult) -> str:
    return f"v{r.version or 'all'}-{slug(r.name)}.html"


def _findings_doc(r: CheckResult) -> dict[str, Any] | None:
    for att in r.attachments:
        if att.mime == "application/json":
            try:
                doc = json.loads(att.content)
            except ValueError:
                continue
            docs = doc if isinstance(doc, list) else [doc]
            if docs and isinstance(docs[0], dict) and "findings" in docs[0]:
                return docs[0]
    return None


def _marked_lines(text: str, paths: Sequence[str | None]) -> list[int]:
    """The lines of the witness that hold the element or property a finding is about (its path's last name)."""
    names = {re.split(r"[/.\s]", p.strip("/"))[-1] for p in paths if p}
    names = {n for n in names if n and n not in ("*", "-")}
    if not names:
        return []
    return [
        n
        for n, line in enumerate(text.splitlines(), 1)
        if any(f"<{name}" in line or f":{name}" in line or f'"{name}"' in line for name in names)
    ]


def highlight(document: str, paths: Sequence[str | None] = ()) -> str:
    """The witness as highlighted HTML (XML or JSON by its first character), pretty-printed when it parses; the
    lines of the element the finding is about are marked."""
    from pygments import highlight as pyg_highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import JsonLexer, XmlLexer

    text = document.strip()
    lexer: Any
    if text.startswith(("{", "[")):
        lexer = JsonLexer()
        with contextlib.suppress(ValueError):
            text = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    else:
        lexer = XmlLexer()
        try:
            from lxml import etree

            parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
            text = etree.tostring(etree.fromstring(text.encode("utf-8"), parser), pretty_print=True).decode()
        except Exception:  # a witness that is not well-formed XML is shown as it is
            pass
    formatter = HtmlFormatter(noclasses=True, style="friendly", hl_lines=_marked_lines(text, paths))
    return str(pyg_highlight(text, lexer, formatter))


def _where(f: dict[str, Any]) -> str:
    old, new = f.get("old_path"), f.get("new_path")
    if old == new:
        return f'<span class="path">{html.escape(str(old or "-"))}</span>'
    return (
        f'<span class="path">{html.escape(str(old or "(absent)"))}</span> <span class="arrow">→</span> '
        f'<span class="path">{html.escape(str(new or "(absent)"))}</span>'
    )


def render_page(r: CheckResult) -> str:
    info = behaviour_of(r).information
    title = f"v{r.version}: {r.name}" if r.version else r.name
    doc = _findings_doc(r)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<p><b>{html.escape(r.message or r.status)}</b> · status {html.escape(r.status)}</p>",
    ]
    if info:
        parts.append(
            '<p class="info">For information: the differences between two versions are the release notes\' '
            "intended changes; they never fail the gate.</p>"
        )
    if doc is None:
        text = next((a.content for a in r.attachments), r.details or "")
        parts.append(f"<pre>{html.escape(text)}</pre>")
    else:
        parts.append(
            f"<p>old {html.escape(str(doc.get('old', '?')))} → new {html.escape(str(doc.get('new', '?')))}"
            f" · reader {html.escape(str(doc.get('reader', '?')))}</p>"
        )
        parts.append(
            "<table><tr><th>verdict</th><th>rule</th><th>direction · operation</th>"
            "<th>where (old → new)</th><th>why · evidence</th></tr>"
        )
        for f in doc.get("findings") or []:
            verdict = str(f.get("verdict", ""))
            colour = VERDICT_COLOURS.get(verdict, "#555")
            waived = " (waived)" if f.get("waiver") and not (f.get("waiver") or {}).get("expired") else ""
            evidence = html.escape(str(f.get("message", "")))
            if f.get("witness"):
                evidence += (
                    f'<div class="note">witness ({html.escape(str(f.get("witness_note") or ""))}):</div>'
                )
                evidence += f'<div class="witness">{highlight(str(f["witness"]), (f.get("old_path"), f.get("new_path")))}</div>'
            if f.get("note"):
                evidence += f'<div class="note">{html.escape(str(f["note"]))}</div>'
            parts.append(
                f'<tr><td><span class="verdict" style="background:{colour}">{html.escape(verdict)}{waived}</span>'
                f"</td><td>{html.escape(str(f.get('rule', '')))}</td>"
                f"<td>{html.escape(str(f.get('direction', '')))} · {html.escape(str(f.get('operation', '')))}</td>"
                f"<td>{_where(f)}</td><td>{evidence}</td></tr>"
            )
        parts.append("</table>")
        for note in doc.get("notes") or []:
            parts.append(f'<p class="note">{html.escape(str(note))}</p>')
    parts.append('<p><a href="../summary.html">back to the summary</a></p></body></html>')
    return "\n".join(parts) + "\n"


def write_compat_pages(results: Sequence[CheckResult], out_dir: Path) -> list[Path]:
    """A page for every compat result that has findings (the folder is this run's: earlier pages go); returns
    the pages written."""
    shutil.rmtree(out_dir, ignore_errors=True)
    pages = []
    for r in results:
        if r.phase != "compat" or not r.attachments:
            continue
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / page_name(r)
        path.write_text(render_page(r), encoding="utf-8")
        pages.append(path)
    return pages


def findings_attachment(report: Any) -> Attachment:
    """A diff's findings as JSON (compat.report's own rendering), for the page: attach it to the compat result."""
    try:
        from lefi_contracts.compat.report import render

        text = render([report], "json")
    except Exception:  # the page falls back to the text rendering
        text = "{}"
    return Attachment("findings.json", text[:400000], "application/json")
