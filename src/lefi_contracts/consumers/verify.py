"""Verification: a consumer's example requests sent to a target, its reads checked in the answers."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lefi_contracts.client.transport import RateLimiter, TlsConfig
from lefi_contracts.consumers.contract import (
    ConsumerContract,
    declared_paths,
    load_consumer,
    load_consumers,
    values_at,
)
from lefi_contracts.errors import UsageError
from lefi_contracts.oracles import RULES, exchange_of
from lefi_contracts.results import Attachment, CheckResult
from lefi_contracts.waivers import WaiverSet

if TYPE_CHECKING:
    from lefi_contracts.contracts import Registry


def _resolve(name: str | None, catalogue: dict[str, Any], key: str, consumer: str) -> str | None:
    """A catalogue name (or 'id:<literal>') to the target's value for key."""
    if name is None:
        return None
    if name.startswith("id:"):
        return name[3:]
    entry = catalogue.get(name)
    if not isinstance(entry, dict) or key not in entry:
        raise UsageError(f"consumer {consumer}: the target's fixture catalogue has no {name!r} with a {key}")
    return str(entry[key])


def verify_consumer(
    contract: ConsumerContract,
    target: str,
    *,
    catalogue: dict[str, Any] | None = None,
    tls: TlsConfig | None = None,
    registry: Registry | None = None,
    limiter: RateLimiter | None = None,
) -> list[CheckResult]:
    """Run the consumer's example requests against the target; one result per example and per contract check."""
    from lefi_contracts.catalogue import load_catalogue
    from lefi_contracts.client import LefiClient, Query

    catalogue = catalogue if catalogue is not None else load_catalogue(target=target, tls=tls)
    results: list[CheckResult] = []
    behaviour = f"consumer {contract.consumer}"
    params = {"consumer": contract.consumer, "version": contract.version}

    declared = declared_paths(contract.version, registry=registry)
    version = registry.get(contract.version) if registry is not None else contract.version
    if declared:
        missing = [r for r in contract.reads if r not in declared]
        results.append(
            CheckResult(
                phase="consumers",
                name=f"{contract.consumer}: every field it reads is in the v{contract.version} contract",
                status="failed" if missing else "passed",
                version=contract.version,
                behaviour=behaviour,
                message=("not declared: " + ", ".join(missing)) if missing else "",
                parameters=params,
            )
        )

    aktors_id = _resolve(contract.aktors_id, catalogue, "aktorsId", contract.consumer)
    with LefiClient(target, version, aktors_id=aktors_id, tls=tls, limiter=limiter) as client:
        if "hamtaTillgangligaInformationstyper" in contract.operations:
            started = time.monotonic()
            resp = client.available_types(aktors_id)
            offered = {
                section: {
                    str(item.get("kod"))
                    for item in (resp.data or {}).get(section, [])
                    if isinstance(item, dict)
                }
                for section in contract.groups
            }
            lacking = [
                f"{s}:{g}" for s, groups in contract.groups.items() for g in groups if g not in offered[s]
            ]
            offer_problems = [str(v) for v in resp.violations()] + (
                [f"not offered to the consumer's actor: {', '.join(lacking)}"] if lacking else []
            )
            if resp.fault:
                offer_problems.insert(0, f"refused: {resp.fault.code} {resp.fault.message}")
            results.append(
                _exchange_result(
                    contract, "tillgängliga informationstyper cover its groups", offer_problems, started, resp
                )
            )
        for example in contract.examples:
            started = time.monotonic()
            pnr = example.personnummer or _resolve(
                example.persona, catalogue, "personnummer", contract.consumer
            )
            query = Query(
                str(pnr),
                example.period_from,
                example.period_tom,
                formansinformation=list(contract.groups.get("formansinformation", ())),
                preliminara_utbetalningar=list(contract.groups.get("preliminaraUtbetalningar", ())),
                utbetalningar=list(contract.groups.get("utbetalningar", ())),
                ovrig_information=list(contract.groups.get("ovrigInformation", ())),
                ansprak=list(contract.groups.get("ansprak", ())),
                beslut=list(contract.groups.get("beslut", ())),
                aktors_id=aktors_id,
            )
            resp = client.query(query)
            problems: list[str] = []
            if resp.fault or not resp.ok:
                code = resp.fault.code if resp.fault else f"HTTP {resp.http_status}"
                problems.append(f"refused: {code} {resp.fault.message if resp.fault else ''}".strip())
            problems += [f"contract: {v}" for v in resp.violations()[:5]]
            data = resp.data or {}
            problems += [f"missing: {p}" for p in example.expect_present if not values_at(data, p)]
            avvikelser = [a for a in (resp.avvikelser() or []) if isinstance(a, dict)]
            problems += [f"avvikelse: {a.get('avvikelse', {}).get('kod')}" for a in avvikelser]
            exchange = exchange_of(
                resp, query, client.info
            )  # the oracle's answer rules hold for a consumer too
            problems += [f"{r.name}: {m}" for r in RULES.for_phase("consumers") for m in r(exchange)]
            results.append(_exchange_result(contract, example.name, problems, started, resp))
    return results


def _exchange_result(
    contract: ConsumerContract, what: str, problems: list[str], started: float, resp: Any
) -> CheckResult:
    """One consumer check on one exchange with the target, its request and answer attached (masked)."""
    return CheckResult(
        phase="consumers",
        name=f"{contract.consumer}: {what}",
        status="failed" if problems else "passed",
        version=contract.version,
        behaviour=f"consumer {contract.consumer}",
        message="; ".join(problems[:8]),
        duration=time.monotonic() - started,
        parameters={"consumer": contract.consumer, "version": contract.version},
        attachments=[Attachment("exchange", resp.describe(masked=True))],
    )


def verify_all(
    folder: Path | None = None,
    *,
    target: str,
    versions: list[str] | None = None,
    tls: TlsConfig | None = None,
    registry: Registry | None = None,
) -> list[CheckResult]:
    """Every consumer contract of a folder whose version is among `versions` (the gate's consumer phase)."""
    from lefi_contracts.catalogue import load_catalogue

    root = registry.root if registry is not None else None
    contracts = [
        c for c in load_consumers(folder, contracts_dir=root) if versions is None or c.version in versions
    ]
    catalogue = load_catalogue(target=target, tls=tls) if contracts else {}
    return [
        r
        for c in contracts
        for r in verify_consumer(c, target, catalogue=catalogue, tls=tls, registry=registry)
    ]


def _mark(r: CheckResult) -> str:
    return "⚑" if r.status == "waived" else ("✘" if r.failed else "✔")


def _render(results: list[CheckResult]) -> str:
    lines = [f"{_mark(r)} v{r.version} {r.name}" + (f": {r.message}" if r.message else "") for r in results]
    failed = sum(r.failed for r in results)
    lines.append(f"{len(results) - failed} passed, {failed} failed")
    return "\n".join(lines)


def command_verify_consumer(
    file: Path,
    *,
    target: str | None = None,
    tls: TlsConfig | None = None,
    registry: Registry | None = None,
    waivers: WaiverSet | None = None,
) -> tuple[str, int]:
    from lefi_contracts.target import target_or_embedded
    from lefi_contracts.waivers import waive_results

    contract = load_consumer(file, contracts_dir=registry.root if registry is not None else None)
    with target_or_embedded(target) as (url, _embedded):
        results = verify_consumer(contract, url, tls=tls, registry=registry)
    if waivers:
        results = waive_results(results, waivers).results
    return _render(results), 1 if any(r.failed for r in results) else 0
