"""The oracle: every rule of LEFI Online that the suite checks, each one function, registered once.

The fuzzers (fuzz/checks.py, fuzz/rest.py), the scenarios (steps/ through lefi_contracts.behaviour) and the
provider probes all call the same functions over an `Exchange` (a query and its decoded answer), so a rule cannot
mean one thing in one phase and another in the next. docs/rules.md is generated from `RULES`.

The reference provider's own rules (provider/rules.py) stay separate on purpose: the checker must not share code
with what it checks, or a mistake in one would be copied into the other and never seen.
"""

from __future__ import annotations

# Importing the rule modules registers their rules, in this order.
from lefi_contracts.oracles import disclosure, identity, payments, requests, versions  # noqa: F401
from lefi_contracts.oracles.exchange import Exchange, exchange_of
from lefi_contracts.oracles.registry import RULES, Rule, rule

__all__ = ["RULES", "Exchange", "Rule", "check", "exchange_of", "rule"]


def check(name: str, ex: Exchange) -> list[str]:
    """What rule `name` finds wrong in one exchange (empty: it holds, or does not apply to the version)."""
    return RULES[name](ex)
