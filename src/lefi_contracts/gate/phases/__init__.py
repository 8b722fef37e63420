"""The gate's phases, in the order they run: the engine's fixed plan (not a plugin registry), as schemathesis
keeps its own. A new phase is a module here named after its `PhaseName` member (holding `PHASE`, an object of
the `Phase` protocol) and an entry in `PHASES`."""

from __future__ import annotations

import importlib

from lefi_contracts.gate.phases.base import Phase
from lefi_contracts.results import PhaseName

# The phases of a run, in order; also the names a user may select (GateOptions.phases).
PHASES: tuple[PhaseName, ...] = (
    PhaseName.COMPAT,
    PhaseName.SCENARIOS,
    PhaseName.VALIDATION,
    PhaseName.FUZZ,
    PhaseName.CONSUMERS,
    PhaseName.REGRESSION,
)


def load_phase(name: PhaseName) -> Phase:
    """The phase of that name. Imported one at a time, when its turn comes, so that a phase whose parts cannot
    be imported (a missing dependency) breaks that phase alone: ImportError, a broken result that says why."""
    if name not in PHASES:
        raise ValueError(f"{name} is not a gate phase")
    module = importlib.import_module(f"{__name__}.{name.value}")
    phase: Phase = module.PHASE
    return phase


__all__ = ["PHASES", "Phase", "PhaseName", "load_phase"]
