"""Fuzzing: every operation of every selected version from its contract (schemathesis for REST, our SOAP
strategies), with the catalogue's test persons as hints. The seed is printed so that a run can be repeated."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lefi_contracts.client.transport import RateLimiter, TlsConfig
from lefi_contracts.contracts import Registry, VersionInfo
from lefi_contracts.fuzz import FuzzResult, run_fuzz
from lefi_contracts.gate.context import RunContext
from lefi_contracts.gate.parallel import ordered_map, process_pool
from lefi_contracts.gate.phases.base import EveryVersion
from lefi_contracts.results import CheckResult, PhaseName


def seed_note(seed: int) -> str:
    """The gate's own note about the seed (marked as ours: its digits are a seed, never a person)."""
    return f"fuzzing seed {seed} (rerun exactly with --seed {seed})"


@dataclass(frozen=True)
class FuzzJob:
    """One version's fuzzing, as a worker process receives it (everything picklable)."""

    target: str
    version: str
    examples: int
    seed: int
    catalogue: dict[str, Any]
    tls: TlsConfig
    registry: Registry
    workers: int
    rate_limit: float | None  # this job's share of --rate-limit (requests a second)


def fuzz_job(job: FuzzJob) -> FuzzResult:
    """One version's fuzzing, in a worker process of its own: Hypothesis' generation and the checks are
    CPU-bound (one core each), and a fresh process makes the results of a seed independent of the gate's
    own history (which modules it loaded, what ran before): the same at --workers 1 and 8."""
    limiter = RateLimiter(job.rate_limit) if job.rate_limit is not None else None
    return run_fuzz(
        job.target,
        [job.version],
        examples=job.examples,
        seed=job.seed,
        catalogue=job.catalogue,
        tls=job.tls,
        registry=job.registry,
        limiter=limiter,
        workers=job.workers,
    )


class FuzzPhase(EveryVersion):
    name = PhaseName.FUZZ

    def run(self, ctx: RunContext) -> Iterator[CheckResult]:
        seed = ctx.options.seed if ctx.options.seed is not None else random.SystemRandom().randrange(1, 2**31)
        ctx.note(seed_note(seed), ours=True)
        catalogue = ctx.catalogue_or_none()
        if catalogue is None:
            ctx.note("fuzz: no fixture catalogue, fuzzing from the contracts alone reaches few data paths")

        # One worker process a version, up to --workers at once. Under --rate-limit R the processes running
        # at once share it (R / their number each), and no other phase runs beside this one (gate/schedule).
        size = min(ctx.workers, len(ctx.versions))
        share = ctx.options.rate_limit / size if ctx.options.rate_limit is not None else None
        with process_pool(size, ["lefi_contracts.gate.phases.fuzz"]) as procs:
            if procs is None:
                ctx.note(
                    "fuzz: this machine cannot start worker processes: the versions are fuzzed in threads"
                )

            def work(v: VersionInfo) -> FuzzResult:
                # The gate writes every report from its one stream: no reports of the fuzzer's own.
                job = FuzzJob(
                    ctx.target,
                    v.number,
                    ctx.options.examples,
                    seed,
                    catalogue or {},
                    ctx.tls,
                    ctx.registry,
                    ctx.workers,
                    share,
                )
                if procs is None:
                    return fuzz_job(job)
                return procs.submit(fuzz_job, job).result()  # this thread keeps its pool slot meanwhile

            yield from self._in_order(ctx, ordered_map(ctx.pool, ctx.versions, work))

    def _in_order(self, ctx: RunContext, results: Iterator[FuzzResult]) -> Iterator[CheckResult]:
        """One version a worker (each its own seeded generation): results and notes in the versions' order."""
        for v, result in zip(ctx.versions, results, strict=True):
            ctx.progress.start_phase("fuzz", v.number)
            for text in result.notes:
                ctx.note(f"fuzz v{v.number}: {text}")
            yield from result.results
            ctx.progress.end_phase()


PHASE = FuzzPhase()
