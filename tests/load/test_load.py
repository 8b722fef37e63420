"""The reference provider under concurrent load: every version at once, no errors, no 5xx, the database unchanged.

The provider runs under uvicorn in a thread on loopback (as `running_provider` always does); the load comes from
httpx.AsyncClient with bounded concurrency. Every answer is decoded by our client's protocol and checked against
its version's contract, so "200" also means "a valid answer".
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from loadkit import LoadResult, db_checksum, query_mix, send_concurrently

from lefi_contracts.client import protocol_for
from lefi_contracts.client.transport import RawResponse, RequestRecord
from lefi_contracts.contracts import registry
from lefi_contracts.provider import ProviderConfig, running_provider

# outside every maintenance window of contracts/maintenance.yaml: a working day, mid-morning
NOW = dt.datetime(2026, 1, 15, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, dict[str, Any]]]:
    db = tmp_path_factory.mktemp("load") / "lefi.sqlite"
    with running_provider(ProviderConfig(db_path=db, now=NOW)) as url:
        import httpx

        personas = httpx.get(f"{url}/_lefi/catalogue", timeout=10).json()
        yield url, db, personas


def _check(result: LoadResult, expected: int) -> None:
    assert result.errors == [], result.errors[:5]
    assert result.count == expected
    assert result.statuses == {200: expected}, result.statuses
    violations = []
    for call, status, headers, body in result.answers:
        import httpx

        proto = protocol_for(call.version)
        raw = RawResponse(
            status,
            httpx.Headers(headers),
            body,
            0.0,
            call.url,
            RequestRecord(call.method, call.url, call.headers, call.body),
        )
        op = "hamtaFormansinformation" if call.operation == "query" else "hamtaTillgangligaInformationstyper"
        resp = proto.read(raw, op)
        violations += [f"v{call.version} {call.operation}: {x}" for x in resp.violations()]
        assert resp.ok, resp.describe()
    assert violations == [], violations[:5]


def _run(provider: tuple[str, Path, dict[str, Any]], n: int, concurrency: int) -> LoadResult:
    url, db, personas = provider
    before = db_checksum(db)
    mtime = os.stat(db).st_mtime_ns
    result = send_concurrently(query_mix(url, personas, n), concurrency=concurrency)
    _check(result, n)
    assert db_checksum(db) == before, "the database changed under load"
    assert os.stat(db).st_mtime_ns == mtime, "the database file was written"
    served = {v.number for v in registry().served()}
    assert {c.version for c, *_ in result.answers} == served
    print(
        f"\n{n} requests, {concurrency} at a time, all {len(served)} versions: {n / result.elapsed:.0f} req/s, "
        f"p50 {result.percentile(0.5) * 1000:.0f} ms, p99 {result.percentile(0.99) * 1000:.0f} ms, "
        f"statuses {result.statuses}, errors {len(result.errors)}"
    )
    return result


def test_concurrent_queries_smoke(provider: tuple[str, Path, dict[str, Any]]) -> None:
    """Always run: 100 queries, 25 at a time, every version."""
    _run(provider, 100, 25)


@pytest.mark.heavy
def test_thousand_concurrent_queries_across_all_versions(provider: tuple[str, Path, dict[str, Any]]) -> None:
    """1,000 queries, 100 at a time, across every served version: 0 errors, 0 5xx, database unchanged."""
    _run(provider, 1000, 100)
