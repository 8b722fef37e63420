"""Contract validation: every test person of the fixture catalogue asked for everything, each answer validated
against the contract of the version that decoded it and held to the oracle's answer rules (disclosure, payments,
version invariants). Also home of the query set the regression phase reuses."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from typing import Any

from lefi_contracts.client import LefiClient, Query
from lefi_contracts.contracts import VersionInfo
from lefi_contracts.gate.context import RunContext
from lefi_contracts.gate.parallel import chunks, ordered_map
from lefi_contracts.gate.phases.base import EveryVersion
from lefi_contracts.oracles import RULES, exchange_of
from lefi_contracts.results import Attachment, CheckResult, PhaseName

QuerySpec = dict[str, Any]  # the keyword arguments of a client Query


def full_actor(actors: dict[str, Any]) -> str | None:
    """The catalogue's actor entitled to the most förmånsgrupper (an organisation, not a person or a user)."""
    best, best_n = None, -1
    for a in actors.values():
        if not isinstance(a, dict):
            continue
        groups = a.get("groups") or a.get("formansgrupper") or []
        if a.get("aktorsId") and "personnummer" not in a and "anvandare" not in a and len(groups) > best_n:
            best, best_n = a["aktorsId"], len(groups)
    return best


def query_set(catalogue: dict[str, Any]) -> list[tuple[str, QuerySpec]]:
    """Every test person of the catalogue, asked for everything, by the actor entitled to everything."""
    persons = catalogue.get("persons") or {
        k: v for k, v in catalogue.items() if isinstance(v, dict) and "personnummer" in v
    }
    actors = catalogue.get("actors") or {
        k: v
        for k, v in catalogue.items()
        if isinstance(v, dict) and v.get("groups") and v.get("representable", True)
    }
    actor = full_actor(actors)
    out = []
    for name, p in persons.items():
        if not isinstance(p, dict) or "personnummer" not in p:
            continue
        period = p.get("period") or {}
        out.append(
            (
                name,
                {
                    "personnummer": p["personnummer"],
                    "period_from": period.get("from", "2023-01-01"),
                    "period_tom": period.get("tom", "2024-12-31"),
                    "aktors_id": p.get("aktorsId") or actor,
                },
            )
        )
    return out


def query_for_version(q: QuerySpec, v: VersionInfo) -> QuerySpec:
    fk = [g for g in v.behaviour.formansgrupper if g.startswith("FK:")]
    return {**q, "formansinformation": fk, "preliminara_utbetalningar": fk, "utbetalningar": fk}


NARROW_DAYS = 30


def with_narrow_periods(queries: list[tuple[str, QuerySpec]]) -> list[tuple[str, QuerySpec]]:
    """Each query, and the same asked for only the first days of its period: an answer that ignores the period
    shows it only when the period leaves something out (the disclosure rule lefi_disclosure_within_period)."""
    out = []
    for name, q in queries:
        out.append((name, q))
        start = dt.date.fromisoformat(q["period_from"])
        end = min(dt.date.fromisoformat(q["period_tom"]), start + dt.timedelta(days=NARROW_DAYS))
        if end < dt.date.fromisoformat(q["period_tom"]):
            out.append((f"{name} (first {NARROW_DAYS} days)", {**q, "period_tom": end.isoformat()}))
    return out


def queries_or_raise(ctx: RunContext) -> list[tuple[str, QuerySpec]]:
    queries = query_set(ctx.catalogue())  # CatalogueUnavailable: the phase is broken, and says why
    if not queries:
        raise RuntimeError("the fixture catalogue names no test person (no entry with a personnummer)")
    return queries


class ValidationPhase(EveryVersion):
    name = PhaseName.VALIDATION

    def run(self, ctx: RunContext) -> Iterator[CheckResult]:
        """Every version's queries in up to --workers runs at once (one client each: a transport is one
        thread's), the results in the sequential order (version, then the catalogue's order)."""
        queries = with_narrow_periods(queries_or_raise(ctx))
        parts = [(v, chunk) for v in ctx.versions for chunk in chunks(queries, ctx.workers)]

        def work(part: tuple[VersionInfo, list[tuple[str, QuerySpec]]]) -> list[CheckResult]:
            v, chunk = part
            with LefiClient(ctx.target, v, tls=ctx.tls, limiter=ctx.limiter) as client:
                return [self.check(client, v, persona, q) for persona, q in chunk]

        current: VersionInfo | None = None
        for (v, _), results in zip(parts, ordered_map(ctx.pool, parts, work), strict=True):
            if v is not current:
                if current is not None:
                    ctx.progress.end_phase()
                ctx.progress.start_phase("validation", v.number, len(queries))
                current = v
            yield from results
        if current is not None:
            ctx.progress.end_phase()

    def check(self, client: LefiClient, v: VersionInfo, persona: str, q: QuerySpec) -> CheckResult:
        started, t0 = time.time(), time.perf_counter()
        query = Query(**query_for_version(q, v))
        resp = client.query(query)
        problems = [f"{x.path}: {x.message}" for x in resp.violations()]
        exchange = exchange_of(resp, query, v)  # the oracle's answer rules, over every answer (docs/rules.md)
        problems += [f"{r.name}: {m}" for r in RULES.for_phase("validation") for m in r(exchange)]
        return CheckResult(
            phase=self.name,
            name=f"{persona}: hamtaFormansinformation",
            status="failed" if problems else "passed",
            version=v.number,
            behaviour="every response valid against its contract",
            message="; ".join(problems[:5]),
            duration=time.perf_counter() - t0,
            started=started,
            parameters={"persona": persona, "http_status": str(resp.http_status)},
            attachments=[Attachment("exchange", resp.describe(masked=True))],
        )


PHASE = ValidationPhase()
