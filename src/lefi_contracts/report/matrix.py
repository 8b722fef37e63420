"""The version x behaviour matrix as data: one row a behaviour (report.behaviours), one cell a state.

summary.md, summary.json, summary.html and the SVG picture all draw from this one model, so they agree.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from lefi_contracts.report.behaviours import Behaviour, behaviour_of, catalogue, row_title
from lefi_contracts.results import CheckResult

HELD, BROKEN, WAIVED, NOT_VERIFIED, NOT_APPLICABLE, INFORMATION = (
    "held",
    "broken",
    "waived",
    "not verified",
    "not applicable",
    "information",
)
STATES = (HELD, BROKEN, WAIVED, NOT_VERIFIED, NOT_APPLICABLE, INFORMATION)
MARKS = {HELD: "✔", BROKEN: "✘", WAIVED: "⚑", NOT_VERIFIED: "?", NOT_APPLICABLE: "–", INFORMATION: "ℹ"}
MEANING = {
    HELD: "held",
    BROKEN: "broken (failed/checks)",
    WAIVED: "broken but waived",
    NOT_VERIFIED: "not verified (the target cannot be tested for it)",
    NOT_APPLICABLE: "not applicable or not run",
    INFORMATION: "information only (intended differences, never a failure)",
}


def is_waived(r: CheckResult) -> bool:
    """A failure accepted by a waiver (lefi_contracts.waivers): status "waived"."""
    return r.status == "waived"


def is_not_verified(r: CheckResult) -> bool:
    """A check this target cannot be tested for (no test control): the gate's "not verified"."""
    return r.status == "not verified"


@dataclass
class Cell:
    results: list[CheckResult] = field(default_factory=list)
    information: bool = False

    @property
    def failed(self) -> int:
        return sum(r.failed for r in self.results)

    @property
    def state(self) -> str:
        if not self.results:
            return NOT_APPLICABLE
        if self.failed:
            return BROKEN
        if self.information:
            return INFORMATION
        if any(is_not_verified(r) for r in self.results):
            return NOT_VERIFIED
        if any(is_waived(r) for r in self.results):
            return WAIVED
        return HELD if any(r.status == "passed" for r in self.results) else NOT_APPLICABLE

    @property
    def target(self) -> CheckResult | None:
        """The result a cell links to: the first failure, else the first result."""
        return next((r for r in self.results if r.failed), self.results[0] if self.results else None)

    def text(self, *, short: bool = False) -> str:
        """What the cell says besides its mark: failed/checks, the information, what was not verified."""
        state = self.state
        if state == BROKEN:
            return f"{self.failed}/{len(self.results)}"
        if state == INFORMATION:
            return information_text(self.results, short=short)
        if state == NOT_VERIFIED:
            skipped = sum(is_not_verified(r) for r in self.results)
            return (
                f"{skipped}/{len(self.results)}"
                if short
                else f"{skipped} of {len(self.results)} not verified"
            )
        return ""


_COUNT = re.compile(r"(\d+) (breaking|potentially breaking|compatible)")


def information_text(results: Sequence[CheckResult], *, short: bool = False) -> str:
    """Differences summed over the diffs of a cell ("3 breaking, 12 compatible (3 diffs)"); short: the worst kind."""
    sums: dict[str, int] = {"breaking": 0, "potentially breaking": 0, "compatible": 0}
    for r in results:
        for n, kind in _COUNT.findall(r.message):
            sums[kind] += int(n)
    if not any(sums.values()):
        return f"{len(results)} diff(s)" if not short else ""
    if short:
        kind = next(k for k, n in sums.items() if n)
        return f"{sums[kind]} {kind.replace('potentially breaking', 'potential')}"
    parts = ", ".join(f"{n} {k}" for k, n in sums.items() if n)
    return parts + (f" ({len(results)} diffs)" if len(results) > 1 else "")


@dataclass
class Row:
    behaviour: Behaviour
    title: str
    cells: dict[str, Cell]


@dataclass
class Matrix:
    versions: list[str]
    rows: list[Row]

    def states(self) -> dict[str, dict[str, str]]:
        return {row.title: {v: c.state for v, c in row.cells.items()} for row in self.rows}


def build_matrix(results: Sequence[CheckResult], versions: Sequence[str]) -> Matrix:
    """Rows in the catalogue's order, then behaviours it does not know in the order they first appear."""
    rows: dict[str, Row] = {}
    for r in results:
        if r.version is None or r.version not in versions:
            continue
        b = behaviour_of(r)
        row = rows.get(b.id)
        if row is None:
            row = rows[b.id] = Row(b, row_title(r, b), {v: Cell(information=b.information) for v in versions})
        elif r.phase == "scenarios" and row_title(r, b) != b.title:
            row.title = row_title(r, b)  # a feature's own name wins over the catalogue's
        row.cells[r.version].results.append(r)
    order = {b.id: n for n, b in enumerate(catalogue().behaviours)}
    ranked = sorted(rows.values(), key=lambda row: order.get(row.behaviour.id, len(order)))
    return Matrix(list(versions), ranked)
