"""The one place verdicts are decided: from the rule catalogue, the direction and the reader, then by evidence.

The diff asks `rule_verdict` when it records a change; once witnesses are in, `settle` applies the evidence:
a witness that proves a break (an instance the reading side's schema rejects, where rejection is breakage)
raises "potentially breaking" to "breaking"; a breaking finding without a witness keeps its verdict but says
why none was found.
"""

from __future__ import annotations

from lefi_contracts.compat.findings import Finding
from lefi_contracts.compat.model import FindingDirection, Reader, Verdict
from lefi_contracts.compat.rules import RULES


def rule_verdict(rule_id: str, direction: FindingDirection, reader: Reader) -> Verdict:
    """The catalogue's verdict; the mirror image of a request narrowing (a response widening) is compatible."""
    r = RULES[rule_id]
    if (r.where == "request" and direction == "response") or (
        r.where == "response" and direction == "request"
    ):
        return "compatible"
    return r.verdict(reader)


def witness_proves_break(finding: Finding, reader: Reader) -> bool:
    """A rejected instance is breakage when the reading side validates: the provider always, a consumer if strict."""
    return finding.direction == "request" or reader == "strict"


def wants_witness(finding: Finding, reader: Reader) -> bool:
    if finding.verdict == "breaking":
        return True
    return finding.verdict == "potentially breaking" and witness_proves_break(finding, reader)


def settle(finding: Finding, reader: Reader) -> None:
    """Apply the evidence attached to a finding (witness.py only attaches it)."""
    if (
        finding.witness
        and finding.verdict == "potentially breaking"
        and witness_proves_break(finding, reader)
    ):
        finding.verdict = "breaking"
        finding.note = _join(finding.note, "raised to breaking: the witness proves it")
    elif finding.verdict == "breaking" and not finding.witness and not finding.witness_note:
        finding.witness_note = "no witness searched (witnesses off)"


def _join(a: str | None, b: str) -> str:
    return f"{a}; {b}" if a else b
