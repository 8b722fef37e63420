"""summary.md (for people) and summary.json (for machines), written from the one result stream.

The version x behaviour matrix is the first thing a release manager reads: one ✔/✘ per cell, each cell a link
into the HTML report, then what broke, the compatibility findings, and what could not run.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lefi_contracts.results import CheckResult

PASS, FAIL, NONE, WAIVED = "✔", "✘", "–", "⚑"
VERDICTS = {0: "held", 1: "broken", 2: "usage error", 3: "target unavailable"}


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
    waivers: list[str] = field(default_factory=list)  # markdown lines (lefi_contracts.waivers.summary_lines)
    waivers_json: list[dict[str, object]] = field(default_factory=list)


def behaviour_of(r: CheckResult) -> str:
    return r.behaviour or r.phase


def cell_status(rows: Sequence[CheckResult]) -> str:
    """failed when any failed or broke, passed when something passed, otherwise n/a (nothing ran or all skipped)."""
    if any(r.failed for r in rows):
        return "failed"
    if any(r.status == "waived" for r in rows):
        return "waived"
    if any(r.status == "passed" for r in rows):
        return "passed"
    return "n/a"


def matrix(
    results: Sequence[CheckResult], versions: Sequence[str]
) -> dict[str, dict[str, list[CheckResult]]]:
    """behaviour -> version -> results, behaviours in the order they first appear."""
    out: dict[str, dict[str, list[CheckResult]]] = {}
    for r in results:
        if r.version is None or r.version not in versions:
            continue
        out.setdefault(behaviour_of(r), {v: [] for v in versions})[r.version].append(r)
    return out


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
    if info.message:
        lines += [f"> {_md_escape(info.message)}", ""]
    if info.report_href:
        lines += [f"HTML report: [{info.report_href}]({info.report_href})", ""]

    grid = matrix(results, info.versions)
    if grid:
        lines += ["## Version × behaviour", ""]
        lines.append("| behaviour | " + " | ".join(f"v{v}" for v in info.versions) + " |")
        lines.append("|---|" + "---|" * len(info.versions))
        for behaviour, by_version in grid.items():
            cells = []
            for v in info.versions:
                rows = by_version[v]
                status = cell_status(rows)
                mark = {"passed": PASS, "failed": FAIL, "waived": WAIVED}.get(status, NONE)
                target = next((r for r in rows if r.failed), rows[0] if rows else None)
                href = link(target) if target is not None and status != "n/a" else None
                count = f" {sum(r.failed for r in rows)}/{len(rows)}" if status == "failed" else ""
                cells.append(f"[{mark}{count}]({href})" if href else f"{mark}{count}")
            lines.append(f"| {_md_escape(behaviour)} | " + " | ".join(cells) + " |")
        lines += [
            "",
            f"{PASS} held · {FAIL} broken (failed/checks) · {WAIVED} waived (a known failure accepted on purpose)"
            f" · {NONE} not applicable or not run",
            "",
        ]

    if failed:
        lines += ["## What broke", ""]
        seen: set[tuple[str, str | None]] = set()
        for r in failed:
            key = (behaviour_of(r), r.version)
            if key in seen:
                continue
            seen.add(key)
            where = f"v{r.version}" if r.version else "all versions"
            href = link(r)
            name = f"[{_md_escape(r.name)}]({href})" if href else _md_escape(r.name)
            lines.append(
                f"- **{_md_escape(behaviour_of(r))}** in **{where}** ({r.phase}): {name}: {_short(r.message)}"
            )
        lines.append("")

    compat = [r for r in results if r.phase == "compat"]
    if compat:
        lines += ["## Compatibility findings", ""]
        for r in compat:
            mark = FAIL if r.failed else (PASS if r.status == "passed" else NONE)
            lines.append(
                f"- {mark} v{r.version or '-'} {_md_escape(r.name)}: {_short(r.message or r.status)}"
            )
            if r.failed and r.details:
                lines += ["", "  ```", *("  " + ln for ln in r.details.splitlines()[:40]), "  ```", ""]
        lines.append("")

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


def _phase_counts(
    results: Sequence[CheckResult], versions: Sequence[str]
) -> dict[str, dict[str, dict[str, int]]]:
    out: dict[str, dict[str, dict[str, int]]] = {}
    for r in results:
        key = r.version if r.version in versions else "*"
        cell = out.setdefault(r.phase, {}).setdefault(
            key, {"passed": 0, "failed": 0, "broken": 0, "skipped": 0}
        )
        cell[r.status] = cell.get(r.status, 0) + 1
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
    grid = matrix(results, info.versions)
    return {
        "verdict": VERDICTS.get(info.exit_code, "unknown"),
        "exit_code": info.exit_code,
        "message": info.message,
        "target": info.target,
        "versions": list(info.versions),
        "started": info.started,
        "duration_seconds": round(info.duration, 3),
        "counts": {
            s: sum(r.status == s for r in results)
            for s in ("passed", "failed", "broken", "skipped", "waived")
        },
        "matrix": {b: {v: cell_status(rows) for v, rows in by_v.items()} for b, by_v in grid.items()},
        "phases": _phase_counts(results, info.versions),
        "broken": [
            {
                "behaviour": behaviour_of(r),
                "version": r.version,
                "phase": r.phase,
                "name": r.name,
                "status": r.status,
                "message": r.message,
                "reproducer": r.reproducer,
                "link": link(r),
            }
            for r in results
            if r.failed
        ],
        "compat": [
            {"version": r.version, "name": r.name, "status": r.status, "message": r.message}
            for r in results
            if r.phase == "compat"
        ],
        "waived": [
            {"behaviour": behaviour_of(r), "version": r.version, "name": r.name, "waiver": r.waiver}
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
    """Write summary.md and summary.json into out_dir; returns both paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    md, js = out_dir / "summary.md", out_dir / "summary.json"
    md.write_text(render_markdown(results, info, link), encoding="utf-8")
    js.write_text(
        json.dumps(summary_json(results, info, link), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return md, js
