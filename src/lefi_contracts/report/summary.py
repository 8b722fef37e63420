"""summary.md (for people) and summary.json (for machines), written from the one result stream.

The version x behaviour matrix is the first thing a release manager reads: one ✔/✘ per cell, each cell a link
into the HTML report, then what broke, the compatibility findings, and what could not run.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lefi_contracts.report.behaviours import behaviour_of, row_title
from lefi_contracts.report.fuzz_summary import display_name, fuzz_lines
from lefi_contracts.report.matrix import (
    BROKEN,
    HELD,
    INFORMATION,
    MARKS,
    MEANING,
    NOT_APPLICABLE,
    STATES,
    build_matrix,
)
from lefi_contracts.results import CheckResult

PASS, FAIL, NONE = "✔", "✘", "–"
MATRIX_SVG = "matrix.svg"
SUMMARY_HTML = "summary.html"
COMPAT_DIR = "compat"
VERDICTS = {0: "held", 1: "broken", 2: "usage error", 3: "target unavailable", 130: "interrupted"}
STATUSES = ("passed", "failed", "broken", "skipped", "not verified", "waived")


@dataclass
class SummaryInput:
    """Everything the summary shows besides the results themselves."""

    versions: Sequence[str]
    exit_code: int
    target: str
    message: str = ""
    notes: list[str] = field(default_factory=list)
    phase_times: dict[str, float] = field(default_factory=dict)
    report_href: str | None = None  # relative link to the HTML report, when it was built
    started: str = ""
    duration: float = 0.0
    interrupted: bool = False  # Ctrl-C: these reports hold what ran until then, and are not a verdict
    strict: bool = False  # --strict: behaviours not verified on this target fail the gate
    waivers: list[str] = field(default_factory=list)  # markdown lines (lefi_contracts.waivers.summary_lines)
    waivers_json: list[dict[str, object]] = field(default_factory=list)


def behaviour_title(r: CheckResult) -> str:
    """The row a result is shown in (report.behaviours): one name a behaviour, whichever phase checked it."""
    return row_title(r, behaviour_of(r))


def compat_page(r: CheckResult) -> str | None:
    """The page of one compatibility diff (report.compat_pages), relative to the summary, when there are findings."""
    if r.phase != "compat" or not r.attachments:
        return None
    from lefi_contracts.report.compat_pages import page_name

    return f"{COMPAT_DIR}/{page_name(r)}"


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").strip()


def _short(text: str, limit: int = 220) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_markdown(
    results: Sequence[CheckResult], info: SummaryInput, link: Callable[[CheckResult], str | None]
) -> str:
    verdict = VERDICTS.get(info.exit_code, "unknown")
    failed = [r for r in results if r.failed]
    lines = [
        "# LEFI Online release gate",
        "",
        f"**Verdict: {verdict}** (exit code {info.exit_code}) · target `{info.target}` · versions "
        f"{', '.join(info.versions)} · {len(results)} checks, {len(failed)} failed"
        + (f" · {info.duration:.1f} s" if info.duration else ""),
        "",
    ]
    if info.interrupted:
        lines += ["**Interrupted** (Ctrl-C): this report holds only what ran until then.", ""]
    if info.message:
        lines += [f"> {_md_escape(info.message)}", ""]
    if info.report_href:
        lines += [f"HTML report: [{info.report_href}]({info.report_href})", ""]

    grid = build_matrix(results, info.versions)
    if grid.rows:
        lines += ["## Version × behaviour", "", f"![version × behaviour]({MATRIX_SVG})", ""]
        lines.append("| behaviour | " + " | ".join(f"v{v}" for v in info.versions) + " |")
        lines.append("|---|" + "---|" * len(info.versions))
        for row in grid.rows:
            cells = []
            for v in info.versions:
                cell = row.cells[v]
                state = cell.state
                text = f"{MARKS[state]} {cell.text()}".strip()
                href = link(cell.target) if cell.target is not None and state != NOT_APPLICABLE else None
                cells.append(f"[{_md_escape(text)}]({href})" if href else _md_escape(text))
            lines.append(f"| {_md_escape(row.title)} | " + " | ".join(cells) + " |")
        lines += ["", " · ".join(f"{MARKS[s]} {MEANING[s]}" for s in STATES), ""]

    if failed:
        lines += ["## What broke", ""]
        seen: set[tuple[str, str | None]] = set()
        for r in failed:
            key = (behaviour_title(r), r.version)
            if key in seen:
                continue
            seen.add(key)
            where = f"v{r.version}" if r.version else "all versions"
            href = link(r)
            shown = _md_escape(display_name(r))
            name = f"[{shown}]({href})" if href else shown
            lines.append(
                f"- **{_md_escape(behaviour_title(r))}** in **{where}** ({r.phase}): {name}: {_short(r.message)}"
            )
        lines.append("")

    unverified = not_verified(results)
    if unverified:
        effect = (
            "they fail the gate (--strict)" if info.strict else "they do not fail the gate without --strict"
        )
        lines += ["## Not verified on this target", "", f"These behaviours need test control; {effect}.", ""]
        lines += [
            f"- **{_md_escape(b)}** in {', '.join(f'v{v}' for v in vs)}" for b, vs in unverified.items()
        ]
        lines.append("")

    compat = [r for r in results if r.phase == "compat"]
    if compat:
        lines += ["## Compatibility findings", ""]
        for r in compat:
            info_only = behaviour_of(r).information
            state = BROKEN if r.failed else INFORMATION if info_only else HELD
            mark = MARKS[state] if r.status != "skipped" else MARKS[NOT_APPLICABLE]
            page = compat_page(r)
            name = f"[{_md_escape(r.name)}]({page})" if page else _md_escape(r.name)
            lines.append(f"- {mark} v{r.version or '-'} {name}: {_short(r.message or r.status)}")
        lines.append("")

    fuzz = fuzz_lines(results, link)
    if fuzz:
        lines += ["## Fuzzing", "", *fuzz, ""]

    phases = _phase_counts(results, info.versions)
    if phases:
        lines += [
            "## Checks by phase",
            "",
            "| phase | " + " | ".join(f"v{v}" for v in info.versions) + " | all |",
        ]
        lines.append("|---|" + "---|" * (len(info.versions) + 1))
        for phase, by_version in phases.items():
            cells = [_count_cell(by_version.get(v)) for v in [*info.versions, "*"]]
            lines.append(f"| {phase} | " + " | ".join(cells) + " |")
        lines += ["", "cells: passed/total (failed)", ""]

    if info.phase_times:
        lines += ["## Time", "", "| phase | seconds |", "|---|---|"]
        lines += [f"| {k} | {v:.2f} |" for k, v in info.phase_times.items()]
        lines.append("")
    lines += info.waivers
    if info.notes:
        lines += ["## Notes", ""] + [f"- {_md_escape(n)}" for n in info.notes] + [""]
    return "\n".join(lines)


def not_verified(results: Sequence[CheckResult]) -> dict[str, list[str]]:
    """behaviour -> the versions where it could not be verified on this target (no test control)."""
    out: dict[str, list[str]] = {}
    for r in results:
        if r.status == "not verified":
            versions = out.setdefault(behaviour_title(r), [])
            if (r.version or "all") not in versions:
                versions.append(r.version or "all")
    return out


def _phase_counts(
    results: Sequence[CheckResult], versions: Sequence[str]
) -> dict[str, dict[str, dict[str, int]]]:
    out: dict[str, dict[str, dict[str, int]]] = {}
    for r in results:
        key = r.version if r.version is not None and r.version in versions else "*"
        cell = out.setdefault(r.phase, {}).setdefault(key, dict.fromkeys(STATUSES, 0))
        cell[r.status] += 1
    return out


def _count_cell(c: dict[str, int] | None) -> str:
    if not c:
        return NONE
    total = sum(c.values())
    bad = c["failed"] + c["broken"]
    return f"{c['passed']}/{total}" + (f" ({bad} {FAIL})" if bad else "")


def summary_json(
    results: Sequence[CheckResult], info: SummaryInput, link: Callable[[CheckResult], str | None]
) -> dict[str, object]:
    grid = build_matrix(results, info.versions)
    return {
        "verdict": VERDICTS.get(info.exit_code, "unknown"),
        "exit_code": info.exit_code,
        "message": info.message,
        "target": info.target,
        "versions": list(info.versions),
        "started": info.started,
        "duration_seconds": round(info.duration, 3),
        "interrupted": info.interrupted,
        "strict": info.strict,
        "counts": {s: sum(r.status == s for r in results) for s in STATUSES},
        "not_verified": [{"behaviour": b, "versions": vs} for b, vs in not_verified(results).items()],
        "matrix": grid.states(),
        "phases": _phase_counts(results, info.versions),
        "broken": [
            {
                "behaviour": behaviour_title(r),
                "version": r.version,
                "phase": r.phase,
                "name": display_name(r),
                "status": r.status,
                "message": r.message,
                "reproducer": r.reproducer,
                "link": link(r),
            }
            for r in results
            if r.failed
        ],
        "compat": [
            {
                "version": r.version,
                "name": display_name(r),
                "status": r.status,
                "message": r.message,
                "page": compat_page(r),
            }
            for r in results
            if r.phase == "compat"
        ],
        "waived": [
            {"behaviour": behaviour_title(r), "version": r.version, "name": r.name, "waiver": r.waiver}
            for r in results
            if r.status == "waived"
        ],
        "waivers": info.waivers_json,
        "notes": info.notes,
        "phase_times": {k: round(v, 3) for k, v in info.phase_times.items()},
        "report": info.report_href,
    }


def write_summary(
    results: Sequence[CheckResult],
    out_dir: Path,
    info: SummaryInput,
    link: Callable[[CheckResult], str | None] = lambda r: None,
) -> tuple[Path, Path]:
    """Write summary.md and summary.json into out_dir, with what they link to: the matrix picture
    (matrix.svg), summary.html and a page per compatibility diff (compat/); returns (summary.md, summary.json)."""
    from lefi_contracts.report.compat_pages import write_compat_pages
    from lefi_contracts.report.matrix_svg import write_svg
    from lefi_contracts.report.summary_html import write_summary_html

    out_dir.mkdir(parents=True, exist_ok=True)
    md, js = out_dir / "summary.md", out_dir / "summary.json"
    grid = build_matrix(results, info.versions)
    write_svg(
        grid, out_dir / MATRIX_SVG, link, title=f"LEFI Online: {VERDICTS.get(info.exit_code, 'unknown')}"
    )
    write_compat_pages([r for r in results if r.phase == "compat"], out_dir / COMPAT_DIR)
    markdown = render_markdown(results, info, link)
    md.write_text(markdown, encoding="utf-8")
    js.write_text(
        json.dumps(summary_json(results, info, link), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    write_summary_html(markdown, out_dir / MATRIX_SVG, out_dir / SUMMARY_HTML)
    return md, js
