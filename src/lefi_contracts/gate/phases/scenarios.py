"""The Gherkin scenarios (features/, steps/), run by pytest-bdd in subprocesses (allure-pytest-bdd cannot share a
process with allure-pytest); each outcome comes back as one NDJSON line into the gate's result stream.

The command line comes from lefi_contracts.resources (a checkout or an installed wheel alike): every path is
absolute, the run starts in the caller's directory, the contracts folder travels as LEFI_CONTRACTS_DIR, and TLS
and --fixtures travel as the plugin's options. A scenario
that skipped because the target offers no test control is "not verified on this target", never passed.
Two runs: the scenarios tagged as setting provider state first, then (the phase releases the state, and the
readers start beside it) the others, where a scenario that sets state after all fails and says to tag it.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path

from lefi_contracts.gate.context import RunContext
from lefi_contracts.gate.phases.base import EveryVersion, TargetState
from lefi_contracts.personnummer import mask_text
from lefi_contracts.resources import scenario_invocation, steps_dir
from lefi_contracts.results import (
    NEEDS_TEST_CONTROL,
    NOT_VERIFIED,
    READ_ONLY_SCENARIOS_ENV,
    Attachment,
    CheckResult,
    PhaseName,
)

NO_TESTS_COLLECTED = 5  # pytest's exit code when a run's selection holds no scenario


def read_result(data: dict[str, object]) -> CheckResult:
    """One NDJSON line as a result; a skip for want of test control becomes "not verified"."""
    raw_atts = data.pop("attachments", [])
    atts = [Attachment(**a) for a in raw_atts] if isinstance(raw_atts, list) else []
    result = CheckResult(**data, attachments=atts)  # type: ignore[arg-type]
    if result.status == "skipped" and NEEDS_TEST_CONTROL in result.message:
        result.status = NOT_VERIFIED
        result.message = f"not verified on this target: {NEEDS_TEST_CONTROL}"
    return result


def drain(path: Path, already: int) -> tuple[int, list[CheckResult]]:
    """The complete lines of a growing NDJSON file after the first `already`."""
    if not path.exists():
        return already, []
    complete = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.endswith("}")]
    out = []
    for raw in complete[already:]:
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        out.append(read_result(data))
    return max(already, len(complete)), out


# Scenarios that set provider state (or may: a persona's clock) are tagged so; they run first, apart, and the
# rest (which only read it) run beside the other phases that read it. One that sets state untagged fails.
STATE_MARKERS = "test_control or provider_state"


@dataclass(frozen=True)
class ScenarioRun:
    """One pytest run of the scenarios: which, into which NDJSON file, and whether it may set state."""

    label: str
    markers: str
    results: str
    read_only: bool


RUNS = (
    ScenarioRun("the scenarios that set provider state", STATE_MARKERS, "scenarios.ndjson", read_only=False),
    ScenarioRun(
        "the scenarios that only read it",
        f"not ({STATE_MARKERS})",
        "scenarios-read-only.ndjson",
        read_only=True,
    ),
)


class ScenariosPhase(EveryVersion):
    name = PhaseName.SCENARIOS
    target_state = TargetState.SETS

    def run(self, ctx: RunContext) -> Iterator[CheckResult]:
        steps = steps_dir()
        if not steps.is_dir() or not any(steps.glob("*.py")):
            raise RuntimeError(f"no step definitions under {steps}: the scenarios cannot run")
        ctx.progress.start_phase("scenarios", ",".join(v.number for v in ctx.versions))
        seen = 0
        for run in RUNS:
            if not run.read_only:
                seen += yield from self._pytest(ctx, run)
                continue
            ctx.release_state()  # from here on the scenarios only read: the readers may start beside them,
            with ctx.pool.slot():  # and the scenarios' one request at a time counts as one of --workers
                seen += yield from self._pytest(ctx, run)
        ctx.progress.end_phase()
        if seen == 0:
            raise RuntimeError("pytest steps ran no scenario")

    def _pytest(self, ctx: RunContext, run: ScenarioRun) -> Generator[CheckResult, None, int]:
        out = ctx.reports / run.results
        env = dict(os.environ)
        env[READ_ONLY_SCENARIOS_ENV] = "1" if run.read_only else "0"
        how = scenario_invocation(
            target=ctx.target,
            versions=[v.number for v in ctx.versions],
            results_file=out,
            allure_dir=ctx.allure_dir,
            fixtures=ctx.options.fixtures,
            tls=ctx.tls,
            registry=ctx.registry,
            embedded=ctx.embedded,
            extra_args=["-m", run.markers],
            env=env,
        )
        proc = subprocess.Popen(
            how.argv, cwd=how.cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=how.env
        )
        seen, tail = 0, list[str]()
        try:
            assert proc.stdout is not None
            for line in proc.stdout:  # the NDJSON file grows while pytest runs: results as they come
                tail = [*tail, line.rstrip()][-30:]
                seen, results = drain(out, seen)
                yield from results
            proc.wait()
        finally:
            if proc.poll() is None:  # interrupted: do not leave the scenario run behind
                proc.terminate()
                proc.wait(timeout=10)
        seen, results = drain(out, seen)
        yield from results
        if proc.returncode not in (0, 1, NO_TESTS_COLLECTED):
            last = mask_text("\n".join(tail))
            raise RuntimeError(
                f"pytest steps ({run.label}) exited {proc.returncode} with {seen} results: {last[-1500:]}"
            )
        return seen


PHASE = ScenariosPhase()
