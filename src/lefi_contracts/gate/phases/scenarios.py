"""The Gherkin scenarios (features/, steps/), run by pytest-bdd in a subprocess (allure-pytest-bdd cannot share a
process with allure-pytest); each outcome comes back as one NDJSON line into the gate's result stream.

The command line comes from lefi_contracts.resources (a checkout or an installed wheel alike): every path is
absolute, the run starts in the caller's directory, the contracts folder travels as LEFI_CONTRACTS_DIR, and TLS
and --fixtures travel as the plugin's options. A scenario
that skipped because the target offers no test control is "not verified on this target", never passed.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

from lefi_contracts.gate.context import RunContext
from lefi_contracts.gate.phases.base import EveryVersion, TargetState
from lefi_contracts.personnummer import mask_text
from lefi_contracts.resources import scenario_invocation, steps_dir
from lefi_contracts.results import NEEDS_TEST_CONTROL, NOT_VERIFIED, Attachment, CheckResult, PhaseName


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


class ScenariosPhase(EveryVersion):
    name = PhaseName.SCENARIOS
    target_state = TargetState.SETS

    def run(self, ctx: RunContext) -> Iterator[CheckResult]:
        steps = steps_dir()
        if not steps.is_dir() or not any(steps.glob("*.py")):
            raise RuntimeError(f"no step definitions under {steps}: the scenarios cannot run")
        out = ctx.reports / "scenarios.ndjson"
        how = scenario_invocation(
            target=ctx.target,
            versions=[v.number for v in ctx.versions],
            results_file=out,
            allure_dir=ctx.allure_dir,
            fixtures=ctx.options.fixtures,
            tls=ctx.tls,
            registry=ctx.registry,
            embedded=ctx.embedded,
        )
        ctx.progress.start_phase("scenarios", ",".join(v.number for v in ctx.versions))
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
        ctx.progress.end_phase()
        if proc.returncode not in (0, 1) or seen == 0:
            last = mask_text("\n".join(tail))
            raise RuntimeError(f"pytest steps exited {proc.returncode} with {seen} results: {last[-1500:]}")


PHASE = ScenariosPhase()
