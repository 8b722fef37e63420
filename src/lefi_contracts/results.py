"""One stream of results for a run.

Every part of a gate run (compatibility, scenarios, validation, fuzzing, consumer verification, regression)
emits CheckResult records into one ResultStream; Allure results, JUnit XML and the summary are all written
from that stream, so they can never disagree.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any, Literal

from lefi_contracts.personnummer import mask_text


class PhaseName(StrEnum):
    """Every part of a run that emits results, in the gate's order (the one list; the gate's phases use it)."""

    TARGET = "target"  # the probe: is each selected version served at all
    COMPAT = "compat"
    SCENARIOS = "scenarios"
    VALIDATION = "validation"
    FUZZ = "fuzz"
    CONSUMERS = "consumers"
    REGRESSION = "regression"
    GATE = "gate"  # the verdict rules themselves (a phase that ran no check, an interrupted run)


# "not verified": the behaviour needs test control (clock, agency state) this target does not offer; never "passed".
CheckStatus = Literal["passed", "failed", "broken", "skipped", "not verified", "waived"]
NOT_VERIFIED: CheckStatus = "not verified"
# The reason a scenario gives when it skips for want of test control; the gate reads it as "not verified".
READ_ONLY_SCENARIOS_ENV = "LEFI_SCENARIOS_READ_ONLY"  # the gate's scenario run beside the readers of state
NEEDS_TEST_CONTROL = "needs test control (/_lefi: clock, agency state) that this target does not offer"


@dataclass(frozen=True)
class Attachment:
    name: str
    content: str
    mime: str = "text/plain"


@dataclass
class CheckResult:
    phase: str  # a PhaseName value (normalised on creation; an unknown one is a bug, ValueError)
    name: str
    status: CheckStatus
    version: str | None = None
    behaviour: str | None = None
    message: str = ""
    details: str = ""
    reproducer: str | None = None
    duration: float = 0.0
    started: float = field(default_factory=time.time)
    parameters: dict[str, str] = field(default_factory=dict)
    attachments: list[Attachment] = field(default_factory=list)
    waiver: dict[str, Any] | None = None  # the waiver that accepted this failure (lefi_contracts.waivers)

    def __post_init__(self) -> None:
        self.phase = PhaseName(self.phase)
        # Masking at the source: no writer can forget it.
        self.message = mask_text(self.message)
        self.details = mask_text(self.details)
        if self.reproducer is not None:
            self.reproducer = mask_text(self.reproducer)
        self.attachments = [Attachment(a.name, mask_text(a.content), a.mime) for a in self.attachments]

    @property
    def failed(self) -> bool:
        return self.status in ("failed", "broken")

    def to_json(self) -> dict[str, object]:
        return asdict(self)


class ResultStream:
    """Thread-safe, append-only list of results with listeners (progress, live writers)."""

    def __init__(self, transform: Callable[[CheckResult], CheckResult] | None = None) -> None:
        """transform: applied to every result before it is kept or seen (the run's waivers), so that every
        report reads the same, final record."""
        self._results: list[CheckResult] = []
        self._lock = threading.Lock()
        self._listeners: list[Callable[[CheckResult], None]] = []
        self._transform = transform

    def subscribe(self, listener: Callable[[CheckResult], None]) -> None:
        self._listeners.append(listener)

    def emit(self, result: CheckResult) -> None:
        if self._transform is not None:
            result = self._transform(result)
        with self._lock:
            self._results.append(result)
        for listener in self._listeners:
            listener(result)

    def extend(self, results: Iterable[CheckResult]) -> None:
        for r in results:
            self.emit(r)

    def __iter__(self) -> Iterator[CheckResult]:
        with self._lock:
            return iter(list(self._results))

    def __len__(self) -> int:
        return len(self._results)

    @property
    def failed(self) -> list[CheckResult]:
        return [r for r in self if r.failed]

    def dump_ndjson(self) -> str:
        return "".join(json.dumps(r.to_json(), ensure_ascii=False) + "\n" for r in self)
