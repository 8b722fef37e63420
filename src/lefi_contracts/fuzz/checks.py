"""The checks fuzzing makes: the oracle's registered rules, over one request/response exchange.

Every rule lives in lefi_contracts.oracles (one function each, shared with the scenarios and the probes); this
module only adapts them to fuzzing: `CHECKS` maps each rule name to its function, `rest.py` registers each as a
schemathesis check, `soap.py` and `negative.py` call `run_checks`. A check returns what it found wrong (empty =
held) and never takes the run down on hostile data: a crashing check is itself a finding.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lefi_contracts.oracles import RULES, Exchange, Rule
from lefi_contracts.oracles.requests import invalid_reasons, ovrig_codes, valid_beyond_doubt

__all__ = [
    "CHECKS",
    "Check",
    "CheckFinding",
    "Exchange",
    "invalid_reasons",
    "ovrig_codes",
    "run_checks",
    "valid_beyond_doubt",
]
_ovrig_codes = ovrig_codes  # the name fuzz/rest.py uses (that module is another branch's to change)

Check = Callable[[Exchange], list[str]]


def _as_check(item: Rule) -> Check:
    """The rule as a plain function carrying its docstring (schemathesis shows it)."""

    def check(ex: Exchange) -> list[str]:
        return item(ex)  # [] for a version the rule does not apply to

    check.__name__ = item.function.__name__
    check.__doc__ = item.function.__doc__
    return check


# Rule name -> its check: every registered rule whose phases include fuzzing.
CHECKS: dict[str, Check] = {r.name: _as_check(r) for r in RULES if "fuzzing" in r.phases}


@dataclass(frozen=True)
class CheckFinding:
    """What one fuzz check found wrong in one exchange (not compat's Finding, which is a contract change)."""

    check: str
    message: str


def run_checks(ex: Exchange, names: list[str] | None = None) -> list[CheckFinding]:
    """Every check (or the named ones) on one exchange; a crashing check is itself a finding, not a crash."""
    found: list[CheckFinding] = []
    for name, check in CHECKS.items():
        if names is not None and name not in names:
            continue
        try:
            found.extend(CheckFinding(name, m) for m in check(ex))
        except Exception as exc:  # a check must never take the run down on hostile data
            found.append(CheckFinding(name, f"check could not read the answer: {exc.__class__.__name__}"))
    return found
