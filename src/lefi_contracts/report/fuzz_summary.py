"""Fuzzing as a reader wants it: cases per operation, which status classes were reached, distinct failures, and
for each failed check its smallest failing request and a replay line.

The fuzz runner records one CheckResult per (version, operation, check) with the counts as parameters (cases,
statuses "200=31 400=9 FELAKTIGA_INDATA=4", failing_cases); this module only reads them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from lefi_contracts.results import CheckResult

_HTTP_CODE = re.compile(r"(?:HTTP-?)?([1-5]\d\d)", re.IGNORECASE)
_WORD_REPEAT = re.compile(r"^(\w+)(\s+\1\b)+", re.IGNORECASE)


def display_name(r: CheckResult) -> str:
    """A fuzz result's name without the runner's repetitions ("fuzz fuzz POST ..."): check · operation."""
    if r.phase != "fuzz":
        return r.name
    check, operation = r.parameters.get("check"), r.parameters.get("operation")
    if check and operation:
        negative = " (invalid requests)" if r.parameters.get("kind") == "negative" else ""
        return f"{check} · {operation}{negative}"
    name = r.name[5:] if r.name.lower().startswith("fuzz ") else r.name
    return _WORD_REPEAT.sub(r"\1", name)


def status_classes(statuses: str) -> dict[str, int]:
    """ "200=3 404=1 FELAKTIGA_INDATA=2" -> {"2xx": 3, "4xx": 1, "FELAKTIGA_INDATA": 2} (SOAP fault codes kept)."""
    out: dict[str, int] = {}
    for item in statuses.split():
        key, _, count = item.partition("=")
        if not count.isdigit():
            continue
        code = _HTTP_CODE.fullmatch(key)
        name = f"{code.group(1)[0]}xx" if code else key
        out[name] = out.get(name, 0) + int(count)
    return out


def _group_key(r: CheckResult) -> tuple[str, str, str]:
    return (r.version or "-", r.parameters.get("operation", r.name), r.parameters.get("kind", "fuzz"))


def fuzz_lines(results: Sequence[CheckResult], link: Callable[[CheckResult], str | None]) -> list[str]:
    """Markdown: one table row per (version, operation, kind), then each failed check with its sample."""
    fuzz = [r for r in results if r.phase == "fuzz"]
    if not fuzz:
        return []
    groups: dict[tuple[str, str, str], list[CheckResult]] = {}
    for r in fuzz:
        groups.setdefault(_group_key(r), []).append(r)
    lines = [
        "| version | operation | cases | 2xx | 4xx | 5xx | SOAP fault codes | checks | failed |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for (version, operation, kind), rows in groups.items():
        first = rows[0]
        classes = status_classes(first.parameters.get("statuses", ""))
        faults = ", ".join(f"{k} {n}" for k, n in classes.items() if not k.endswith("xx")) or "–"
        failed = [r for r in rows if r.failed]
        what = operation.replace("|", "\\|") + (" (invalid requests)" if kind == "negative" else "")
        lines.append(
            f"| v{version} | {what} | {first.parameters.get('cases', '?')} | {classes.get('2xx', 0)} | "
            f"{classes.get('4xx', 0)} | {classes.get('5xx', 0)} | {faults} | {len(rows)} | "
            + (f"✘ {len(failed)}" if failed else "0")
            + " |"
        )
    broken = [r for r in fuzz if r.failed]
    if broken:
        lines += ["", "Failures (the smallest failing request of each check, and how to replay it):", ""]
        for r in broken:
            href = link(r)
            name = f"[{display_name(r)}]({href})" if href else display_name(r)
            lines.append(f"- ✘ v{r.version} {name}: {' '.join(r.message.split())[:300]}")
            if r.reproducer:
                lines += ["", "  ```", *("  " + ln for ln in r.reproducer.splitlines()), "  ```", ""]
    return lines
