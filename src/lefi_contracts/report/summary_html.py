"""summary.html: the summary for a browser, a static page with the matrix picture inline (its cells clickable).

Rendered from the very Markdown of summary.md (markdown-it, CommonMark + tables), so the two never disagree; no
script, no external resource: it opens from a CI artifact or from disk.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2em;max-width:90em;color:#222}"
    "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em}th{background:#f0f0f0}"
    "blockquote{color:#444;border-left:4px solid #ccc;margin-left:0;padding-left:1em}"
    "code,pre{background:#f6f6f6}svg{max-width:100%;height:auto}"
)
_XML_DECL = re.compile(r"^<\?xml[^>]*\?>\s*")


def render_summary_html(markdown: str, svg: str | None) -> str:
    try:
        from markdown_it import MarkdownIt
    except ImportError:  # markdown-it-py comes with rich (schemathesis); without it the Markdown as text
        body = f"<pre>{html.escape(markdown)}</pre>"
    else:
        body = MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown)
    if svg:
        inline = _XML_DECL.sub("", svg)
        body = re.sub(
            r'<p><img src="matrix\.svg"[^>]*></p>', lambda _: f'<div class="matrix">{inline}</div>', body
        )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>LEFI Online release gate</title>'
        f"<style>{STYLE}</style></head><body>\n{body}</body></html>\n"
    )


def write_summary_html(markdown: str, svg_path: Path, out: Path) -> Path:
    svg = svg_path.read_text(encoding="utf-8") if svg_path.is_file() else None
    out.write_text(render_summary_html(markdown, svg), encoding="utf-8")
    return out
