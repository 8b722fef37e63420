"""Fuzzing: every operation of every selected version from its contract (schemathesis for REST, our SOAP
strategies), with the catalogue's test persons as hints. The seed is printed so that a run can be repeated."""

from __future__ import annotations

import random
from collections.abc import Iterator

from lefi_contracts.contracts import VersionInfo
from lefi_contracts.fuzz import FuzzResult, run_fuzz
from lefi_contracts.gate.context import RunContext
from lefi_contracts.gate.parallel import ordered_map
from lefi_contracts.gate.phases.base import EveryVersion
from lefi_contracts.results import CheckResult, PhaseName


def seed_note(seed: int) -> str:
    """The gate's own note about the seed (marked as ours: its digits are a seed, never a person)."""
    return f"fuzzing seed {seed} (rerun exactly with --seed {seed})"


class FuzzPhase(EveryVersion):
    name = PhaseName.FUZZ

    def run(self, ctx: RunContext) -> Iterator[CheckResult]:
        seed = ctx.options.seed if ctx.options.seed is not None else random.SystemRandom().randrange(1, 2**31)
        ctx.note(seed_note(seed), ours=True)
        catalogue = ctx.catalogue_or_none()
        if catalogue is None:
            ctx.note("fuzz: no fixture catalogue, fuzzing from the contracts alone reaches few data paths")

        def work(v: VersionInfo) -> FuzzResult:
            # reports_dir=None: the gate writes every report from its one stream (no second copy).
            return run_fuzz(
                ctx.target,
                [v.number],
                examples=ctx.options.examples,
                seed=seed,
                catalogue=catalogue or {},
                tls=ctx.tls,
                registry=ctx.registry,
                limiter=ctx.limiter,
                workers=ctx.workers,
            )

        # One version a worker (each its own seeded generation): results and notes in the versions' order.
        for v, result in zip(ctx.versions, ordered_map(ctx.workers, ctx.versions, work), strict=True):
            ctx.progress.start_phase("fuzz", v.number)
            for text in result.notes:
                ctx.note(f"fuzz v{v.number}: {text}")
            yield from result.results
            ctx.progress.end_phase()


PHASE = FuzzPhase()
