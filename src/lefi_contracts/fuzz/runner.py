"""The Hypothesis loop shared by REST, SOAP and negative fuzzing, and what one operation's run found.

Every example is sent and checked; a failing check does not stop the run (we want every check's verdict on the
whole budget, and a fixed number of requests for a fixed seed). For each failed check the smallest failing request
is kept as its reproducer.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st


@dataclass
class Sample:
    """One failing request, kept as the reproducer of a check."""

    check: str
    message: str
    method: str
    url: str
    headers: dict[str, str]
    body: bytes | None
    status: int | None
    response: bytes = b""

    @property
    def size(self) -> int:
        return len(self.body or b"") + len(self.url)


# A fuzz run whose every answer was a refusal (401/403, a fault) tested nothing past the door: not "held".
REACHED_CHECK = "lefi_reached_past_authorisation"


@dataclass
class OperationOutcome:
    """What fuzzing one operation of one version found."""

    version: str
    operation: str
    kind: str = "fuzz"  # fuzz | negative | coverage
    cases: int = 0
    duration: float = 0.0
    statuses: Counter[str] = field(default_factory=Counter)
    checks: set[str] = field(default_factory=set)
    failing_cases: Counter[str] = field(default_factory=Counter)
    samples: dict[str, Sample] = field(default_factory=dict)
    kinds: Counter[str] = field(default_factory=Counter)  # coverage: cases sent per boundary kind

    def record(
        self, checks_run: list[str], findings: list[tuple[str, str]], sample: Callable[[str, str], Sample]
    ) -> None:
        self.cases += 1
        self.checks.update(checks_run)
        seen: set[str] = set()
        for check, message in findings:
            self.checks.add(check)
            if check in seen:
                continue
            seen.add(check)
            self.failing_cases[check] += 1
            candidate = sample(check, message)
            kept = self.samples.get(check)
            if kept is None or candidate.size < kept.size:
                self.samples[check] = candidate

    @property
    def answered(self) -> int:
        """Cases answered 2xx (SOAP: 200 with a payload; faults are counted under their fel/kod)."""
        return sum(n for status, n in self.statuses.items() if status.startswith("2"))

    @property
    def unreached(self) -> bool:
        return self.kind == "fuzz" and self.cases > 0 and self.answered == 0

    @property
    def failed(self) -> bool:
        return bool(self.samples) or self.unreached


def drive(
    strategy: st.SearchStrategy[Any],
    probe: Callable[[Any], None],
    *,
    examples: int,
    seed: int,
    explicit: Sequence[Any] = (),
) -> None:
    """Run `probe` on the explicit values, then on `examples` examples of `strategy`, deterministically for a
    seed, without shrinking."""
    if examples <= 0:
        for value in explicit:
            probe(value)
        return

    def run(value: Any) -> None:
        probe(value)

    test = given(strategy)(run)
    for value in reversed(explicit):  # @example decorators apply bottom-up; keep the given order
        test = example(value)(test)
    test = settings(
        max_examples=examples,
        database=None,
        deadline=None,
        phases=(Phase.explicit, Phase.generate),
        suppress_health_check=list(HealthCheck),
        print_blob=False,
        derandomize=False,
    )(test)
    hypothesis_seed(seed)(test)()


class Timer:
    def __init__(self) -> None:
        self.start = time.perf_counter()

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.start
