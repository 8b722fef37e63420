"""JUnit XML from the one result stream: one testsuite per phase, one testcase per result.

CI systems (GitHub, GitLab) render JUnit natively; writing it from the same stream as Allure and the summary means
the three can never disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from lxml import etree

from lefi_contracts.results import CheckResult

# XML 1.0 forbids most control characters; a hostile target's bytes must not make our report unreadable.
_BAD_XML = {c: None for c in range(32) if c not in (9, 10, 13)}


def _clean(text: str) -> str:
    return text.translate(_BAD_XML)


def junit_tree(results: Iterable[CheckResult], *, name: str = "lefi-contracts gate") -> etree._Element:
    by_phase: dict[str, list[CheckResult]] = {}
    for r in results:
        by_phase.setdefault(r.phase, []).append(r)
    root = etree.Element("testsuites", name=name)
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0, "time": 0.0}
    for phase, rows in by_phase.items():
        counts = {
            "tests": len(rows),
            "failures": sum(r.status == "failed" for r in rows),
            "errors": sum(r.status == "broken" for r in rows),
            "skipped": sum(r.status in ("skipped", "not verified", "waived") for r in rows),
            "time": sum(r.duration for r in rows),
        }
        for k, v in counts.items():
            totals[k] += v
        started = dt.datetime.fromtimestamp(min(r.started for r in rows), dt.UTC).strftime(
            "%Y-%m-%dT%H:%M:%S"
        )
        suite = etree.SubElement(
            root,
            "testsuite",
            name=phase,
            timestamp=started,
            **{k: (f"{v:.3f}" if k == "time" else str(v)) for k, v in counts.items()},
        )
        for r in rows:
            case = etree.SubElement(
                suite,
                "testcase",
                classname=f"{phase}.v{r.version}" if r.version else phase,
                name=_clean(r.name),
                time=f"{r.duration:.3f}",
            )
            props = {"behaviour": r.behaviour or "", "version": r.version or "", **r.parameters}
            if any(props.values()):
                pe = etree.SubElement(case, "properties")
                for key, value in props.items():
                    if value:
                        etree.SubElement(pe, "property", name=key, value=_clean(str(value)))
            body = "\n\n".join(
                x for x in (r.details, f"reproducer:\n{r.reproducer}" if r.reproducer else "") if x
            )
            if r.status == "failed":
                etree.SubElement(case, "failure", message=_clean(r.message or "failed")).text = _clean(body)
            elif r.status == "broken":
                etree.SubElement(case, "error", message=_clean(r.message or "could not run")).text = _clean(
                    body
                )
            elif r.status in ("skipped", "not verified"):
                etree.SubElement(case, "skipped", message=_clean(r.message or r.status))
            elif r.status == "waived" and r.waiver:
                text = (
                    f"waived: {r.waiver['reason']} ({r.waiver['reference']}, expires {r.waiver['expires']})"
                )
                etree.SubElement(case, "skipped", message=_clean(text)).text = _clean(r.message)
    for k, v in totals.items():
        root.set(k, f"{v:.3f}" if k == "time" else str(v))
    return root


def write_junit(results: Iterable[CheckResult], out_dir: Path, *, filename: str = "lefi-gate.xml") -> Path:
    """Write junit/<filename>; returns its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / filename
    etree.ElementTree(junit_tree(results)).write(
        str(path), encoding="utf-8", xml_declaration=True, pretty_print=True
    )
    return path
