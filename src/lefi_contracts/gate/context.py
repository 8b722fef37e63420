"""The run context: everything a phase needs, built once by the driver and passed explicitly to every phase.

No phase looks the registry, the TLS options or the catalogue up again from a global: what the user gave
(`--contracts`, `--cert/--key/--ca`, `--fixtures`) is what every phase uses.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lefi_contracts.client.transport import RateLimiter, TlsConfig
from lefi_contracts.contracts import Registry, VersionInfo
from lefi_contracts.errors import LefiContractsError, TargetUnavailable
from lefi_contracts.gate.options import GateOptions
from lefi_contracts.progress import Progress
from lefi_contracts.results import CheckResult, ResultStream
from lefi_contracts.waivers import RunWaivers, WaiverSet


class CatalogueUnavailable(LefiContractsError):
    """No fixture catalogue for this target: the phases that need test persons cannot run (a broken result)."""

    exit_code = 1


@dataclass
class RunContext:
    options: GateOptions
    registry: Registry
    versions: list[VersionInfo]
    target: str
    embedded: bool
    tls: TlsConfig
    stream: ResultStream
    progress: Progress
    reports: Path  # the folder this run writes into (a staging folder swapped in at the end)
    limiter: RateLimiter | None = None  # --rate-limit: one bucket for every request of the run
    notes: list[str] = field(default_factory=list)
    own_texts: list[str] = field(default_factory=list)  # notes we wrote ourselves (seeds): never people
    phase_times: dict[str, float] = field(default_factory=dict)
    waivers: RunWaivers = field(default_factory=lambda: RunWaivers(WaiverSet()))
    _catalogue: dict[str, Any] | None = None
    _catalogue_error: str | None = None

    @property
    def allure_dir(self) -> Path:
        return self.reports / "allure-results"

    @property
    def workers(self) -> int:
        return self.options.workers

    def note(self, text: str, *, ours: bool = False) -> None:
        """A remark for the summary; `ours=True` marks text the gate generated itself (the identity scan of the
        reports knows it is not a person, whatever digits it holds)."""
        if text not in self.notes:
            self.notes.append(text)
        if ours and text not in self.own_texts:
            self.own_texts.append(text)
        self.progress.note(text)

    @contextlib.contextmanager
    def timed(self, phase: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.phase_times[phase] = self.phase_times.get(phase, 0.0) + time.perf_counter() - started

    def catalogue(self) -> dict[str, Any]:
        """The fixture catalogue: --fixtures, else the target's own /_lefi/catalogue; loaded once.
        Raises CatalogueUnavailable (with the reason) when there is none."""
        if self._catalogue is None and self._catalogue_error is None:
            from lefi_contracts.catalogue import load_catalogue

            try:
                self._catalogue = load_catalogue(
                    self.options.fixtures, target=self.target, tls=self.tls, option="--fixtures"
                )
            except (LefiContractsError, TargetUnavailable) as exc:
                self._catalogue_error = str(exc)
        if self._catalogue is None:
            raise CatalogueUnavailable(f"no fixture catalogue: {self._catalogue_error}")
        return self._catalogue

    def catalogue_or_none(self) -> dict[str, Any] | None:
        try:
            return self.catalogue()
        except CatalogueUnavailable:
            return None


def broken(phase: str, version: str | None, reason: str, *, name: str | None = None) -> CheckResult:
    """A phase (or a part of one) that could not run: a broken result that says why, never a skip."""
    return CheckResult(
        phase=phase,
        name=name or f"{phase} could not run",
        status="broken",
        version=version,
        behaviour=phase,
        message=reason[:500],
    )
