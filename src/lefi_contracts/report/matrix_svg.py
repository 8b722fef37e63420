"""The version x behaviour matrix as a picture: a coloured SVG, one cell a version x behaviour.

Drawn with xml.etree (valid SVG 1.1, no script, no external fonts) so it opens anywhere: embedded in summary.md
and summary.html, and attached to the Allure report. Each cell links into the HTML report when there is one and
carries its state as data-* attributes and a tooltip (<title>).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from lxml import etree as ET  # an explicit nsmap per document (ElementTree's prefix table is process-wide)

from lefi_contracts.report.matrix import (
    BROKEN,
    HELD,
    INFORMATION,
    MARKS,
    MEANING,
    NOT_APPLICABLE,
    NOT_VERIFIED,
    STATES,
    WAIVED,
    Matrix,
    build_matrix,
)
from lefi_contracts.results import CheckResult

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
# fill, text colour per state (colour-blind safe enough: the mark and the legend say it too)
COLOURS = {
    HELD: ("#2e7d32", "#ffffff"),
    BROKEN: ("#c62828", "#ffffff"),
    WAIVED: ("#8e24aa", "#ffffff"),
    NOT_VERIFIED: ("#f9a825", "#000000"),
    NOT_APPLICABLE: ("#e0e0e0", "#555555"),
    INFORMATION: ("#1565c0", "#ffffff"),
}
CELL_W, CELL_H, PAD, CHAR_W, HEAD_H = 132, 26, 8, 7.0, 30
FONT = "DejaVu Sans, Verdana, Arial, sans-serif"


def _el(parent: ET._Element, tag: str, text: str | None = None, **attrs: str | float) -> ET._Element:
    el = ET.SubElement(parent, f"{{{SVG_NS}}}{tag}", {k.replace("_", "-"): str(v) for k, v in attrs.items()})
    if text is not None:
        el.text = text
    return el


def _fit(text: str, width: float) -> str:
    limit = max(4, int(width / CHAR_W))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_svg(
    matrix: Matrix, link: Callable[[CheckResult], str | None] = lambda r: None, *, title: str = ""
) -> str:
    """The SVG document (text). Cells: <rect class="cell" data-version data-behaviour data-state>."""
    label_w = min(560.0, max(220.0, CHAR_W * max((len(r.title) for r in matrix.rows), default=20) + 2 * PAD))
    width = label_w + CELL_W * len(matrix.versions) + 2 * PAD
    top = PAD + (HEAD_H if title else 0)
    legend_y = top + HEAD_H + CELL_H * len(matrix.rows) + PAD * 2
    height = legend_y + CELL_H * ((len(STATES) + 2) // 3) + PAD
    svg = ET.Element(
        f"{{{SVG_NS}}}svg",
        {
            "version": "1.1",
            "width": f"{width:.0f}",
            "height": f"{height:.0f}",
            "viewBox": f"0 0 {width:.0f} {height:.0f}",
            "font-family": FONT,
            "font-size": "12",
            "role": "img",
        },
        nsmap={None: SVG_NS, "xlink": XLINK_NS},
    )
    _el(svg, "title", title or "version × behaviour")
    _el(svg, "rect", x=0, y=0, width=f"{width:.0f}", height=f"{height:.0f}", fill="#ffffff")
    if title:
        _el(svg, "text", title, x=PAD, y=PAD + 18, font_size=15, font_weight="bold", fill="#000000")
    _el(svg, "text", "behaviour", x=PAD, y=top + 20, font_weight="bold", fill="#000")
    for n, version in enumerate(matrix.versions):
        x = label_w + PAD + n * CELL_W + CELL_W / 2
        _el(
            svg, "text", f"v{version}", x=x, y=top + 20, text_anchor="middle", font_weight="bold", fill="#000"
        )
    for i, row in enumerate(matrix.rows):
        y = top + HEAD_H + i * CELL_H
        if i % 2:
            _el(svg, "rect", x=0, y=y, width=f"{width:.0f}", height=CELL_H, fill="#f5f5f5")
        _el(svg, "text", _fit(row.title, label_w - 2 * PAD), x=PAD, y=y + 17, fill="#000000")
        for n, version in enumerate(matrix.versions):
            cell = row.cells[version]
            state = cell.state
            fill, ink = COLOURS[state]
            x = label_w + PAD + n * CELL_W
            target = cell.target
            href = link(target) if target is not None else None
            group = _el(svg, "a", **{f"{{{XLINK_NS}}}href": href}) if href else svg
            rect = _el(
                group,
                "rect",
                x=x + 2,
                y=y + 2,
                width=CELL_W - 4,
                height=CELL_H - 4,
                rx=3,
                fill=fill,
                **{
                    "class": "cell",
                    "data-version": version,
                    "data-behaviour": row.title,
                    "data-state": state,
                },
            )
            detail = cell.text()
            short = cell.text(short=True)
            _el(rect, "title", f"{row.title} · v{version}: {state}" + (f" ({detail})" if detail else ""))
            label = f"{MARKS[state]} {short}" if short else f"{MARKS[state]} {state}"
            _el(
                group,
                "text",
                _fit(label, CELL_W - 10),
                x=x + CELL_W / 2,
                y=y + 17,
                fill=ink,
                text_anchor="middle",
            )
    for n, state in enumerate(STATES):
        x = PAD + (n % 3) * (width - 2 * PAD) / 3
        y = legend_y + (n // 3) * CELL_H
        fill, _ = COLOURS[state]
        _el(svg, "rect", x=x, y=y + 4, width=16, height=16, rx=3, fill=fill, **{"class": "legend"})
        _el(svg, "text", f"{MARKS[state]} {MEANING[state]}", x=x + 22, y=y + 17, fill="#000000", font_size=11)
    ET.indent(svg)
    text = ET.tostring(svg, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n"


def write_svg(
    matrix: Matrix, path: Path, link: Callable[[CheckResult], str | None] = lambda r: None, *, title: str = ""
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_svg(matrix, link, title=title), encoding="utf-8")
    return path


def write_matrix_attachment(
    results: Sequence[CheckResult], versions: Sequence[str], allure_dir: Path
) -> Path:
    """The matrix as a report-wide attachment of the Allure report (`*-globals.json` in the results folder)."""
    from lefi_contracts.report.allure import write_global_attachment

    svg = render_svg(build_matrix(results, versions), title="version × behaviour")
    return write_global_attachment(allure_dir, "version × behaviour matrix", svg, "image/svg+xml")
