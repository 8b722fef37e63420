"""The shape every phase has (as schemathesis keeps its engine phases): a name, whether it applies, and a run
that yields results. The driver owns the rest: timing, turning a crash into a broken result, the verdict rules."""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from typing import Protocol

from lefi_contracts.contracts import VersionInfo
from lefi_contracts.gate.context import RunContext
from lefi_contracts.results import CheckResult, PhaseName


class TargetState(StrEnum):
    """What a phase does with the provider's state (its clock, its agencies' states, set by test control):
    phases that read it never run while a phase that sets it runs (gate/schedule.py)."""

    IGNORES = "ignores"  # reads only what no provider state changes (the contract documents)
    READS = "reads"  # its answers depend on the provider's state
    SETS = "sets"  # changes the provider's state


def conflict(a: TargetState, b: TargetState) -> bool:
    """Whether two phases must not run at the same time."""
    return TargetState.SETS in (a, b) and TargetState.IGNORES not in (a, b)


class Phase(Protocol):
    name: PhaseName
    target_state: TargetState

    def skip_reason(self, ctx: RunContext) -> str | None:
        """Why this phase does not apply to this run at all (e.g. no --baseline), or None: it runs."""
        ...

    def applies_to(self, ctx: RunContext, version: VersionInfo) -> bool:
        """Whether the phase owes at least one check for this version (0 checks there is then never "held")."""
        ...

    def run(self, ctx: RunContext) -> Iterator[CheckResult]:
        """The phase's results, as they come; an exception is the driver's to turn into a broken result."""
        ...


class EveryVersion:
    """Defaults for a phase that always runs, owes checks for every selected version, and reads provider state."""

    target_state = TargetState.READS

    def skip_reason(self, ctx: RunContext) -> str | None:
        return None

    def applies_to(self, ctx: RunContext, version: VersionInfo) -> bool:
        return True
