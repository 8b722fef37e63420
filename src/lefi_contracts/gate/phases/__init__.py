"""The gate's phases, in the order they run: the engine's fixed plan (not a plugin registry), as schemathesis
keeps its own. A new phase is a module here, a `PhaseName` member and an entry in `PHASES`."""

from __future__ import annotations

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
    """The phase object for a name. Imported here, one at a time, so that a phase whose parts cannot be imported
    (a missing dependency) breaks that phase alone, as a broken result that says why."""
    if name is PhaseName.COMPAT:
        from lefi_contracts.gate.phases.compat import CompatPhase

        return CompatPhase()
    if name is PhaseName.SCENARIOS:
        from lefi_contracts.gate.phases.scenarios import ScenariosPhase

        return ScenariosPhase()
    if name is PhaseName.VALIDATION:
        from lefi_contracts.gate.phases.validation import ValidationPhase

        return ValidationPhase()
    if name is PhaseName.FUZZ:
        from lefi_contracts.gate.phases.fuzz import FuzzPhase

        return FuzzPhase()
    if name is PhaseName.CONSUMERS:
        from lefi_contracts.gate.phases.consumers import ConsumersPhase

        return ConsumersPhase()
    if name is PhaseName.REGRESSION:
        from lefi_contracts.gate.phases.regression import RegressionPhase

        return RegressionPhase()
    raise ValueError(f"{name} is not a gate phase")


__all__ = ["Phase", "PhaseName", "load_phase"]
