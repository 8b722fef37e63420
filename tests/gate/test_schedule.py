"""Phases overlap only where they do not share provider state: compat (contract documents only) runs beside the
scenarios; the scenarios that set provider state (the clock, agency states) run first and apart; validation,
fuzz and consumers start once those have ended, beside the scenarios that only read; the results still come out
in the phases' order. One worker: one phase at a time. A scenario that sets state untagged fails."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from lefi_contracts.gate import GateOptions, run_gate
from lefi_contracts.gate.phases.base import TargetState, conflict
from lefi_contracts.resources import scenario_invocation
from lefi_contracts.results import READ_ONLY_SCENARIOS_ENV, CheckResult


def test_only_a_phase_that_sets_state_conflicts_and_never_with_one_that_ignores_it() -> None:
    assert conflict(TargetState.SETS, TargetState.READS) and conflict(TargetState.READS, TargetState.SETS)
    assert conflict(TargetState.SETS, TargetState.SETS)
    assert not conflict(TargetState.READS, TargetState.READS)
    assert not conflict(TargetState.IGNORES, TargetState.SETS) and not conflict(
        TargetState.SETS, TargetState.IGNORES
    )


def _run(tmp_path: Path, workers: int) -> tuple[list[CheckResult], int]:
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
    setting = (outcome.reports_dir / "scenarios.ndjson").read_text(encoding="utf-8").splitlines()
    return outcome.results, len(setting)  # the first scenario results: those of the run that sets state


def _span(results: list[CheckResult], phase: str) -> tuple[float, float]:
    mine = [r for r in results if r.phase == phase]
    assert mine, f"no {phase} result"
    return min(r.started for r in mine), max(r.started + r.duration for r in mine)


def test_compat_runs_beside_the_scenarios_and_the_readers_wait_for_those_that_set_state(
    tmp_path: Path,
) -> None:
    results, setting = _run(tmp_path, 4)
    assert setting > 0  # the reference provider's catalogue has personas with clocks, and agency states
    compat, scenarios, validation = (_span(results, p) for p in ("compat", "scenarios", "validation"))
    state = _span([r for r in results if r.phase == "scenarios"][:setting], "scenarios")
    assert compat[1] > scenarios[0], "compat ended before the scenarios started: no overlap"
    assert validation[0] >= state[1] - 0.05, "a validation query ran while a scenario set provider state"
    assert validation[0] < scenarios[1], "the validation queries waited for the scenarios that only read"
    order = [r.phase for r in results]
    assert order == sorted(order, key=["compat", "scenarios", "validation"].index)  # the phases' order


def test_one_worker_runs_one_phase_at_a_time(tmp_path: Path) -> None:
    results, _ = _run(tmp_path, 1)
    compat, scenarios, validation = (_span(results, p) for p in ("compat", "scenarios", "validation"))
    assert compat[1] <= scenarios[0] + 0.05 and scenarios[1] <= validation[0] + 0.05


def test_a_scenario_that_sets_state_untagged_fails_in_the_read_only_run(tmp_path: Path) -> None:
    """The read-only run refuses state changes: the rows of a feature tagged @provider_state, run there, fail
    and say to tag them (in the gate they run apart, in the run that may set state)."""
    env = {**os.environ, READ_ONLY_SCENARIOS_ENV: "1"}
    out = tmp_path / "rows.ndjson"
    how = scenario_invocation(
        target="", versions=["9"], results_file=out, extra_args=["-m", "provider_state"], env=env
    )
    argv = [a for a in how.argv if not a.startswith("--lefi-target=")]  # no target: the embedded provider
    proc = subprocess.run(argv, cwd=tmp_path, env=how.env, capture_output=True, text=True, timeout=240)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    clocked = [r for r in rows if "provider_state" in r["parameters"].get("feature_tags", "")]
    assert proc.returncode == 1 and clocked, proc.stdout[-2000:]
    assert all(r["status"] == "failed" and "tag it" in r["message"] for r in clocked), clocked[0]
