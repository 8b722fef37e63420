"""The registry of rules, as schemathesis registers checks: a decorated function, registered once by name.

Every rule of the interface that the suite checks is one function `(Exchange) -> list[str]` (empty: the rule
holds) with the text it comes from, the versions it applies to, the phases that run it and the provider faults
that break it. The fuzzers, the scenarios, the provider probes and docs/rules.md all read this one registry.

    from lefi_contracts.oracles.registry import rule

    @rule(
        "lefi_my_new_rule",
        source="avdragsbeloppet inkluderar skattebeloppet, då skatt också räknas som avdrag",
        phases=("scenarios", "fuzzing"),
        broken_by=("netto-mismatch",),
    )
    def payment_arithmetic(ex: Exchange) -> list[str]: ...
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lefi_contracts.contracts import VersionInfo

if TYPE_CHECKING:
    from lefi_contracts.oracles.exchange import Exchange

RuleFunction = Callable[["Exchange"], list[str]]
VersionSelector = Callable[[VersionInfo], bool]
# scenarios: a Then-step of steps/ calls it; fuzzing: fuzz/checks.CHECKS runs it; probes: tests/test_oracle_probes.py
# asks the provider about every test person and shows it holding there and breaking with each of its faults.
PHASES = ("scenarios", "fuzzing", "probes", "validation", "consumers")


def every_version(v: VersionInfo) -> bool:
    return True


@dataclass(frozen=True)
class Rule:
    """One rule: its name, where it comes from, which versions and phases, which faults break it."""

    name: str
    function: RuleFunction
    source: str
    versions: VersionSelector
    versions_text: str
    phases: tuple[str, ...]
    broken_by: tuple[str, ...]

    def applies_to(self, version: VersionInfo) -> bool:
        return self.versions(version)

    def __call__(self, ex: Exchange) -> list[str]:
        if not self.versions(ex.version):
            return []
        return self.function(ex)


class RuleRegistry:
    """Rules by name, in registration order; a second rule of the same name is a programming error."""

    def __init__(self) -> None:
        self._rules: dict[str, Rule] = {}

    def register(self, item: Rule) -> Rule:
        if item.name in self._rules:
            raise ValueError(f"rule {item.name} is registered twice")
        unknown = set(item.phases) - set(PHASES)
        if unknown:
            raise ValueError(f"rule {item.name}: unknown phase(s) {sorted(unknown)}")
        self._rules[item.name] = item
        return item

    def __iter__(self) -> Iterator[Rule]:
        return iter(self._rules.values())

    def __len__(self) -> int:
        return len(self._rules)

    def __getitem__(self, name: str) -> Rule:
        return self._rules[name]

    def names(self) -> list[str]:
        return list(self._rules)

    def for_phase(self, phase: str) -> list[Rule]:
        """The rules a phase runs over every exchange it makes (the gate's validation: every answer)."""
        return [r for r in self._rules.values() if phase in r.phases]


RULES = RuleRegistry()


def rule(
    name: str,
    *,
    source: str,
    phases: tuple[str, ...],
    broken_by: tuple[str, ...],
    versions: VersionSelector = every_version,
    versions_text: str = "every version",
) -> Callable[[RuleFunction], RuleFunction]:
    """Register the decorated function as the one implementation of rule `name` (returns it unchanged)."""

    def decorate(function: RuleFunction) -> RuleFunction:
        RULES.register(Rule(name, function, source, versions, versions_text, phases, broken_by))
        return function

    return decorate
