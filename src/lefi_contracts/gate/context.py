"""The run context: everything a phase needs, built once by the driver and passed explicitly to every phase.

No phase looks the registry, the TLS options or the catalogue up again from a global: what the user gave
(`--contracts`, `--cert/--key/--ca`, `--fixtures`) is what every phase uses.
"""

from __future__ import annotations

import contextlib
import dataclasses
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lefi_contracts.client.transport import RateLimiter, TlsConfig
from lefi_contracts.contracts import Registry, VersionInfo
from lefi_contracts.errors import LefiContractsError, TargetUnavailable
from lefi_contracts.gate.options import GateOptions
from lefi_contracts.gate.parallel import WorkerPool
from lefi_contracts.progress import Progress
from lefi_contracts.results import CheckResult, ResultStream
from lefi_contracts.waivers import RunWaivers, WaiverSet


class CatalogueUnavailable(LefiContractsError):
    """No fixture catalogue for this target: the phases that need test persons cannot run (a broken result)."""

    exit_code = 1


@dataclass
class _CatalogueCell:
    """The catalogue, loaded once for the run and shared by the phases running at once (hence the lock)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    value: dict[str, Any] | None = None
    error: str | None = None


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
    pool: WorkerPool = field(default_factory=lambda: WorkerPool(1))  # the run's --workers threads
    # A phase that sets provider state calls this once it no longer will (gate/schedule.py starts the readers)
    release_state: Callable[[], None] = field(default=lambda: None)
    _catalogue: _CatalogueCell = field(default_factory=_CatalogueCell)

    @property
    def allure_dir(self) -> Path:
        return self.reports / "allure-results"

    @property
    def workers(self) -> int:
        return self.options.workers

    def for_phase(self, progress: Progress, release_state: Callable[[], None]) -> RunContext:
        """The context of one phase running beside others: its own progress (replayed in the phases' order)
        and its own notes (merged in that order by `merge_notes`); the rest (options, pool, catalogue,
        waivers, phase times) is the run's, shared."""
        return dataclasses.replace(
            self, progress=progress, notes=[], own_texts=[], release_state=release_state
        )

    def merge_notes(self, other: RunContext) -> None:
        for text in other.notes:
            if text not in self.notes:
                self.notes.append(text)
        for text in other.own_texts:
            if text not in self.own_texts:
                self.own_texts.append(text)

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
        cell = self._catalogue
        with cell.lock:
            if cell.value is None and cell.error is None:
                from lefi_contracts.catalogue import load_catalogue

                try:
                    cell.value = load_catalogue(
                        self.options.fixtures, target=self.target, tls=self.tls, option="--fixtures"
                    )
                except (LefiContractsError, TargetUnavailable) as exc:
                    cell.error = str(exc)
        if cell.value is None:
            raise CatalogueUnavailable(f"no fixture catalogue: {cell.error}")
        return cell.value

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
