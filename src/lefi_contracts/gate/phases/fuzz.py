"""Fuzzing: every operation of every selected version from its contract (schemathesis for REST, our SOAP
strategies), with the catalogue's test persons as hints. The seed is printed so that a run can be repeated."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lefi_contracts.client.transport import RateLimiter, TlsConfig
from lefi_contracts.contracts import Registry, VersionInfo
from lefi_contracts.fuzz import FuzzResult, run_fuzz, version_kinds
from lefi_contracts.fuzz.warm import WARM_ENV
from lefi_contracts.gate.context import RunContext
from lefi_contracts.gate.parallel import ordered_map, process_pool
from lefi_contracts.gate.phases.base import EveryVersion
from lefi_contracts.results import CheckResult, PhaseName


def seed_note(seed: int) -> str:
    """The gate's own note about the seed (marked as ours: its digits are a seed, never a person)."""
    return f"fuzzing seed {seed} (rerun exactly with --seed {seed})"


@dataclass(frozen=True)
class FuzzJob:
    """One fuzzing part (a version and a kind), as a worker process receives it (everything picklable)."""

    target: str
    version: str
    kind: str  # one of fuzz.version_kinds(version): the parts of a version run side by side
    examples: int
    seed: int
    catalogue: dict[str, Any]
    tls: TlsConfig
    registry: Registry
    workers: int
    rate_limit: float | None  # this job's share of --rate-limit (requests a second)


def fuzz_job(job: FuzzJob) -> FuzzResult:
    """One fuzzing part, in a worker process of its own: Hypothesis' generation and the checks are
    CPU-bound (one core each), and a fresh process makes the results of a seed independent of the gate's
    own history (which modules it loaded, what ran before): the same at --workers 1 and 8."""
    limiter = RateLimiter(job.rate_limit) if job.rate_limit is not None else None
    return run_fuzz(
        job.target,
        [job.version],
        kinds=[job.kind],
        examples=job.examples,
        seed=job.seed,
        catalogue=job.catalogue,
        tls=job.tls,
        registry=job.registry,
        limiter=limiter,
        workers=job.workers,
    )


# What the fork server of the worker processes imports once (every worker starts with it): the job's own
# module, the REST and SOAP runners, and the warm-up of the run's contracts (fuzz/warm.py).
PRELOAD = (
    "lefi_contracts.gate.phases.fuzz",
    "lefi_contracts.fuzz.rest_run",
    "lefi_contracts.fuzz.soap_run",
    "lefi_contracts.catalogue",
    "lefi_contracts.provider.config",
    "lefi_contracts.fuzz.warm",
)


def _contract_files(registry: Registry) -> list[Path]:
    """Every served version's XSD or OpenAPI file (a SOAP part reads its own and, for the version rules, the
    later versions')."""
    out = []
    for v in registry.served():
        kind = "xsd" if v.transport == "soap" else "openapi"
        if kind in v.contract_files:
            out.append(v.contract_file(kind))
    return out


def part_cost(part: tuple[VersionInfo, str]) -> float:
    """A rough size of a fuzzing part, to start the long ones first (their order of results is unchanged):
    schemathesis' phases on an operation send the most, then a SOAP version's boundaries and generated
    requests; the invalid requests are a handful. Fuzzing parts go before the short validation queries."""
    version, kind = part
    if kind == "negative":
        return 1.0
    if kind == "fuzz" and version.transport != "soap":
        return 4.0
    return 3.0 if kind == "coverage" else 2.0


class FuzzPhase(EveryVersion):
    name = PhaseName.FUZZ

    def run(self, ctx: RunContext) -> Iterator[CheckResult]:
        seed = ctx.options.seed if ctx.options.seed is not None else random.SystemRandom().randrange(1, 2**31)
        ctx.note(seed_note(seed), ours=True)
        catalogue = ctx.catalogue_or_none()
        if catalogue is None:
            ctx.note("fuzz: no fixture catalogue, fuzzing from the contracts alone reaches few data paths")

        # One worker process a part (a version's generated, boundary or invalid requests), up to --workers at
        # once: against a far target the parts' requests overlap. Under --rate-limit R the processes running
        # at once share it (R / their number each), and no other phase runs beside this one (gate/schedule).
        parts = [(v, kind) for v in ctx.versions for kind in version_kinds(v)]
        size = min(ctx.workers, len(parts))
        share = ctx.options.rate_limit / size if ctx.options.rate_limit is not None else None
        warm = {WARM_ENV: os.pathsep.join(str(p) for p in _contract_files(ctx.registry))}
        with process_pool(size, PRELOAD, env=warm) as procs:
            if procs is None:
                ctx.note(
                    "fuzz: this machine cannot start worker processes: the versions are fuzzed in threads"
                )

            def work(part: tuple[VersionInfo, str]) -> FuzzResult:
                # The gate writes every report from its one stream: no reports of the fuzzer's own.
                v, kind = part
                job = FuzzJob(
                    ctx.target,
                    v.number,
                    kind,
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

            yield from self._in_order(ctx, parts, ordered_map(ctx.pool, parts, work, cost=part_cost))

    def _in_order(
        self, ctx: RunContext, parts: list[tuple[VersionInfo, str]], results: Iterator[FuzzResult]
    ) -> Iterator[CheckResult]:
        """Each part its own seeded generation: results and notes in the parts' order (version, then kind)."""
        current: VersionInfo | None = None
        for (v, _), result in zip(parts, results, strict=True):
            if v is not current:
                if current is not None:
                    ctx.progress.end_phase()
                ctx.progress.start_phase("fuzz", v.number)
                current = v
            for text in result.notes:
                ctx.note(f"fuzz v{v.number}: {text}")
            yield from result.results
        if current is not None:
            ctx.progress.end_phase()


PHASE = FuzzPhase()
