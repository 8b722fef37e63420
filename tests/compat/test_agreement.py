"""Figures: agreement with Confluent's JSON Schema rules and oasdiff's checks (pairs in agreement/*.yaml).

Every disagreement must be a named, deliberate difference of policy; the counts are printed (pytest -s).
"""

from __future__ import annotations

from .agreement import figures


def test_every_disagreement_is_a_named_policy() -> None:
    results = figures()
    for tool, outcomes in results.items():
        agree = sum(o.agrees for o in outcomes)
        print(f"{tool}: {agree}/{len(outcomes)} agree")
        unexplained = [(o.case, o.expected, o.worst) for o in outcomes if not o.agrees and not o.policy]
        assert not unexplained, (tool, unexplained)
        assert agree >= 0.85 * len(outcomes), (tool, agree, len(outcomes))
    assert len(results["confluent"]) >= 50 and len(results["oasdiff"]) >= 30
