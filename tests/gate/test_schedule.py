"""Phases overlap only where they do not share provider state: compat (contract documents only) runs beside the
scenarios (which set the provider's clock and agency states); validation, fuzz and consumers start only when
the scenarios have ended; the results still come out in the phases' order. One worker: one phase at a time."""

from __future__ import annotations

from pathlib import Path

from lefi_contracts.gate import GateOptions, run_gate
from lefi_contracts.gate.phases.base import TargetState, conflict
from lefi_contracts.results import CheckResult


def test_only_a_phase_that_sets_state_conflicts_and_never_with_one_that_ignores_it() -> None:
    assert conflict(TargetState.SETS, TargetState.READS) and conflict(TargetState.READS, TargetState.SETS)
    assert conflict(TargetState.SETS, TargetState.SETS)
    assert not conflict(TargetState.READS, TargetState.READS)
    assert not conflict(TargetState.IGNORES, TargetState.SETS) and not conflict(
        TargetState.SETS, TargetState.IGNORES
    )


def _run(tmp_path: Path, workers: int) -> list[CheckResult]:
    outcome = run_gate(
        GateOptions(
            reports_dir=tmp_path / f"w{workers}",
            versions="7,8,9",
            phases=["compat", "scenarios", "validation"],
            quiet=True,
            html=False,
            workers=workers,
            compat_cache=False,  # the diffs are computed, so that compat takes time beside the scenarios
        )
    )
    assert outcome.exit_code == 0, outcome.message
    return outcome.results


def _span(results: list[CheckResult], phase: str) -> tuple[float, float]:
    mine = [r for r in results if r.phase == phase]
    assert mine, f"no {phase} result"
    return min(r.started for r in mine), max(r.started + r.duration for r in mine)


def test_compat_runs_beside_the_scenarios_and_the_readers_wait_for_them(tmp_path: Path) -> None:
    results = _run(tmp_path, 4)
    compat, scenarios, validation = (_span(results, p) for p in ("compat", "scenarios", "validation"))
    assert compat[1] > scenarios[0], "compat ended before the scenarios started: no overlap"
    assert validation[0] >= scenarios[1] - 0.05, "a validation query ran while the scenarios set state"
    order = [r.phase for r in results]
    assert order == sorted(order, key=["compat", "scenarios", "validation"].index)  # the phases' order


def test_one_worker_runs_one_phase_at_a_time(tmp_path: Path) -> None:
    results = _run(tmp_path, 1)
    compat, scenarios, validation = (_span(results, p) for p in ("compat", "scenarios", "validation"))
    assert compat[1] <= scenarios[0] + 0.05 and scenarios[1] <= validation[0] + 0.05
