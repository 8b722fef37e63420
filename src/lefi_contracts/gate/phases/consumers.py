"""Consumer verification: every consumer contract (contracts/consumers, or --consumers) of a selected version
against the target, with the run's fixture catalogue and TLS."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from lefi_contracts.consumers import ConsumerContract, load_consumers, verify_consumer
from lefi_contracts.contracts import VersionInfo
from lefi_contracts.gate.context import RunContext
from lefi_contracts.gate.parallel import flatten, ordered_map
from lefi_contracts.gate.phases.base import EveryVersion
from lefi_contracts.results import CheckResult, PhaseName


def _folder(ctx: RunContext) -> Path:
    return ctx.options.consumers or (ctx.registry.root / "consumers")


class ConsumersPhase(EveryVersion):
    name = PhaseName.CONSUMERS

    def _contracts(self, ctx: RunContext) -> list[ConsumerContract]:
        return load_consumers(_folder(ctx), contracts_dir=ctx.registry.root)

    def skip_reason(self, ctx: RunContext) -> str | None:
        if not _folder(ctx).is_dir():
            return f"no consumer contracts ({_folder(ctx)} does not exist)"
        return None

    def applies_to(self, ctx: RunContext, version: VersionInfo) -> bool:
        """Only the versions some consumer contract reads: the others owe no consumer check."""
        try:
            return any(c.version == version.number for c in self._contracts(ctx))
        except Exception:  # an unreadable folder: run() says why, as a broken result
            return True

    def run(self, ctx: RunContext) -> Iterator[CheckResult]:
        selected = {v.number for v in ctx.versions}
        contracts = [c for c in self._contracts(ctx) if c.version in selected]
        if not contracts:
            return
        catalogue = ctx.catalogue()  # CatalogueUnavailable: broken, with the reason
        ctx.progress.start_phase("consumers", ",".join(sorted(selected)), len(contracts))

        def work(contract: ConsumerContract) -> list[CheckResult]:
            return verify_consumer(
                contract,
                ctx.target,
                catalogue=catalogue,
                tls=ctx.tls,
                registry=ctx.registry,
                limiter=ctx.limiter,
            )

        yield from flatten(ordered_map(ctx.pool, contracts, work))  # in the contracts' order
        ctx.progress.end_phase()


PHASE = ConsumersPhase()
