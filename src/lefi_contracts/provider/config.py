"""Configuration of the reference provider: where its database lives, the seed, faults, clock and schedule."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from lefi_contracts.errors import UsageError
from lefi_contracts.provider.maintenance import MaintenanceWindow, load_schedule

AGENCIES = ("FK", "PM")
TILLSTAND = ("OK", "FELANDE", "OTILLGANGLIG")


def _default_schedule() -> list[MaintenanceWindow]:
    return load_schedule()


@dataclass(frozen=True)
class ProviderConfig:
    """Everything a start of the provider depends on; two equal configs give the same answers.

    faults: names from faults.list_faults(); now: a fixed clock (None = real Europe/Stockholm time);
    maintenance: windows (default: contracts/maintenance.yaml); agency_state: e.g. {"PM": "OTILLGANGLIG"}.
    """

    db_path: Path
    seed: int = 20250317
    faults: frozenset[str] = frozenset()
    now: dt.datetime | None = None
    maintenance: list[MaintenanceWindow] = field(default_factory=_default_schedule)
    max_body_bytes: int = 1_000_000
    agency_state: dict[str, str] = field(default_factory=dict)
    persons: int = 240

    def __post_init__(self) -> None:
        from lefi_contracts.provider.faults import validate_faults

        object.__setattr__(self, "db_path", Path(self.db_path))
        object.__setattr__(self, "faults", validate_faults(self.faults))
        check_agency_state(self.agency_state)
        if self.max_body_bytes < 1024:
            raise UsageError("max_body_bytes must be at least 1024")
        if self.persons < 200:
            raise UsageError("the data set needs at least 200 persons")


def check_agency_state(state: dict[str, str]) -> None:
    for agency, value in state.items():
        if agency not in AGENCIES:
            raise UsageError(f"unknown agency {agency!r} (known: {', '.join(AGENCIES)})")
        if value not in TILLSTAND:
            raise UsageError(f"unknown tillstand {value!r} for {agency} (known: {', '.join(TILLSTAND)})")
