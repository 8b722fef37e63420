"""What a diff is asked (options) and what it produces: findings, one change each with its evidence, in a report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lefi_contracts.compat.model import EnumPolicy, FindingDirection, Reader, Verdict

VERDICT_ORDER: dict[str, int] = {"compatible": 0, "potentially breaking": 1, "breaking": 2}


@dataclass
class DiffOptions:
    """How to judge: the consumer's reader profile and the code-list (enum) policy; how hard to look for evidence."""

    reader: Reader = "tolerant"
    enum_policy: EnumPolicy = "default"  # default (closed when strict, open when tolerant) | open | closed
    witnesses: bool = True
    witness_examples: int = 150
    samples: int = 20  # generated instances a compatible message pair must survive
    max_witnesses: int = 60


@dataclass
class Finding:
    """One change: rule id, where in both versions, the verdict, why, and the evidence."""

    rule: str
    verdict: Verdict
    direction: FindingDirection
    operation: str
    old_path: str | None
    new_path: str | None
    message: str
    witness: str | None = None
    witness_note: str | None = None
    waiver: dict[str, Any] | None = None
    note: str | None = None
    subject: Any = field(default=None, repr=False, compare=False)  # what a witness is searched for

    @property
    def counts(self) -> bool:
        """Whether it counts towards the fail threshold (a live waiver silences it)."""
        return not (self.waiver and not self.waiver.get("expired"))

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "subject"}


@dataclass
class DiffReport:
    """The findings of one old -> new comparison, with the mode and reader they were judged under."""

    old: str
    new: str
    reader: str
    mode: str = "forward"  # backward | forward | full, or "per operation" for WSDL/OpenAPI
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    samples: list[dict[str, Any]] = field(default_factory=list)

    def count(self, verdict: str) -> int:
        return sum(1 for f in self.findings if f.verdict == verdict and f.counts)

    def worst(self) -> Verdict | None:
        live: list[Verdict] = [f.verdict for f in self.findings if f.counts]
        if not live:
            return None
        return max(live, key=_rank)

    def meets(self, fail_on: str) -> bool:
        w = self.worst()
        return w is not None and VERDICT_ORDER[w] >= VERDICT_ORDER[fail_on] and VERDICT_ORDER[w] > 0

    def by_rule(self, rule_id: str) -> list[Finding]:
        return [f for f in self.findings if f.rule == rule_id]


def _rank(verdict: str) -> int:
    return VERDICT_ORDER[verdict]
