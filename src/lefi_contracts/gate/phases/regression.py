"""Differential regression (with --baseline): the catalogue's queries asked of the baseline and the candidate,
every unexplained difference reported."""

from __future__ import annotations

from collections.abc import Iterator

from lefi_contracts.gate.context import RunContext
from lefi_contracts.gate.phases.base import EveryVersion
from lefi_contracts.gate.phases.validation import queries_or_raise, query_for_version
from lefi_contracts.regression import run_regression
from lefi_contracts.results import CheckResult, PhaseName


class RegressionPhase(EveryVersion):
    name = PhaseName.REGRESSION

    def skip_reason(self, ctx: RunContext) -> str | None:
        return None if ctx.options.baseline else "no --baseline given"

    def run(self, ctx: RunContext) -> Iterator[CheckResult]:
        baseline = ctx.options.baseline
        assert baseline is not None  # skip_reason
        queries = queries_or_raise(ctx)
        with ctx.pool.slot():  # one request at a time, beside the other readers: one of --workers
            for v in ctx.versions:
                ctx.progress.start_phase("regression", v.number, len(queries))
                yield from run_regression(
                    baseline, ctx.target, v, [(n, query_for_version(q, v)) for n, q in queries], tls=ctx.tls
                )
                ctx.progress.end_phase()


PHASE = RegressionPhase()
