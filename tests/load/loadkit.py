"""Helpers of the load tests: a query mix over every served version, concurrent sending, a database checksum."""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from lefi_contracts.client import Query, protocol_for
from lefi_contracts.codes import load_codes
from lefi_contracts.contracts import VersionInfo, registry


@dataclass(frozen=True)
class Call:
    version: str
    operation: str
    method: str
    url: str
    headers: dict[str, str]
    body: bytes


@dataclass
class LoadResult:
    statuses: dict[int, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    answers: list[tuple[Call, int, dict[str, str], bytes]] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def count(self) -> int:
        return sum(self.statuses.values()) + len(self.errors)

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] if ordered else 0.0


def db_checksum(path: Path) -> str:
    """SHA-256 over the schema and every row of every table (ORDER BY rowid), read-only."""
    h = hashlib.sha256()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type='table' ORDER BY name"
        ).fetchall()
        for name, sql in tables:
            h.update(f"{name}\n{sql}\n".encode())
            for row in conn.execute(f'SELECT * FROM "{name}" ORDER BY rowid'):
                h.update(repr(row).encode())
    finally:
        conn.close()
    return h.hexdigest()


def _query_for(v: VersionInfo, persona: dict[str, Any]) -> Query:
    """Ask for everything FK has in that version: the heaviest ordinary question."""
    fk = list(v.behaviour.formansgrupper)
    ovrig = [g.kod for g in load_codes().ovrig_information if v.number in g.versions and g.utlamnare == "FK"]
    period = persona["period"]
    return Query(
        persona["personnummer"],
        period["from"],
        period["tom"],
        formansinformation=fk,
        preliminara_utbetalningar=fk,
        utbetalningar=fk,
        ovrig_information=ovrig,
    )


def query_mix(url: str, personas: dict[str, Any], n: int, actor_role: str = "system-vendor") -> list[Call]:
    """n calls round-robin over every served version and every persona with a personnummer (1 in 10: types)."""
    actor = personas[actor_role]["aktorsId"]
    people = [p for p in personas.values() if "personnummer" in p and "period" in p]
    versions = registry().served()
    calls = []
    for i in range(n):
        v = versions[i % len(versions)]
        proto = protocol_for(v)
        if i % 10 == 9:
            method, target, headers, body = proto.types_request(url, actor, None)
            op = "types"
        else:
            method, target, headers, body = proto.query_request(
                url, _query_for(v, people[i % len(people)]), actor
            )
            op = "query"
        calls.append(Call(v.number, op, method, target, headers, body))
    return calls


async def _send_all(calls: list[Call], concurrency: int, keep: bool) -> LoadResult:
    result = LoadResult()
    gate = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=60, limits=limits, trust_env=False) as client:

        async def one(call: Call) -> None:
            async with gate:
                started = time.perf_counter()
                try:
                    resp = await client.request(
                        call.method, call.url, headers=call.headers, content=call.body or None
                    )
                except httpx.HTTPError as exc:
                    result.errors.append(f"v{call.version} {call.operation}: {exc.__class__.__name__}: {exc}")
                    return
                result.latencies.append(time.perf_counter() - started)
                result.statuses[resp.status_code] = result.statuses.get(resp.status_code, 0) + 1
                if keep:
                    result.answers.append((call, resp.status_code, dict(resp.headers), resp.content))

        started = time.perf_counter()
        await asyncio.gather(*(one(c) for c in calls))
        result.elapsed = time.perf_counter() - started
    return result


def send_concurrently(calls: list[Call], concurrency: int = 100, keep: bool = True) -> LoadResult:
    return asyncio.run(_send_all(calls, concurrency, keep))
