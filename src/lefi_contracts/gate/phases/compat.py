"""Compatibility: the contract the target serves against the contract of record, the baseline's served contract
against the candidate's (with --baseline), and, for information, the differences from every earlier version
(the release notes' intended changes: they never fail the gate)."""

from __future__ import annotations

import contextlib
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from lefi_contracts.client.transport import GuardedTransport
from lefi_contracts.compat import DEFAULT_MODE, diff_versions
from lefi_contracts.compat.cache import CompatCache, comparison_key, default_folder
from lefi_contracts.compat.diff import DiffReport
from lefi_contracts.compat.report import render
from lefi_contracts.contracts import VersionInfo
from lefi_contracts.errors import ContractError, LefiContractsError, ResponseRejected
from lefi_contracts.gate.context import RunContext, broken
from lefi_contracts.gate.phases.base import EveryVersion, TargetState
from lefi_contracts.report.compat_pages import findings_attachment
from lefi_contracts.results import Attachment, CheckResult, PhaseName

CONTRACT_MAX_BYTES = 20_000_000


def _kinds(v: VersionInfo) -> tuple[str, ...]:
    return ("wsdl", "xsd") if v.transport == "soap" else ("openapi",)


def record_contract(v: VersionInfo) -> str:
    return str(v.contract_file(_kinds(v)[0]))


def fetch_contract(http: GuardedTransport, target: str, v: VersionInfo, into: Path) -> str:
    """Download the contract documents a target serves for a version (WSDL + the XSD it imports, or OpenAPI)."""
    into.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind in _kinds(v):
        name = v.contract_file(kind).name
        url = f"{target.rstrip('/')}{v.base_path}/{name}"
        try:
            resp = http.send("GET", url)
        except ResponseRejected as exc:
            raise ContractError(f"cannot read {url}: {exc}") from None
        if resp.status != 200:
            raise ContractError(f"the target does not serve {url} (HTTP {resp.status})")
        (into / name).write_bytes(resp.body)
        paths.append(into / name)
    return str(paths[0])


def _version_key(v: VersionInfo) -> tuple[int, str]:
    head = v.number.split(".")[0]
    return (int(head), v.number) if head.isdigit() else (10**6, v.number)


def _compare(old: str, new: str, mapping: Path | None, witnesses: bool, cache: CompatCache) -> DiffReport:
    """diff_versions, or its result for the same contents from the cache."""
    options = {"witnesses": witnesses, "reader": "tolerant", "enum_policy": "default", "mode": DEFAULT_MODE}
    key = comparison_key(Path(old), Path(new), mapping, options) if cache.folder is not None else ""
    report = cache.get(key, old, new) if key else None
    if report is None:
        report = diff_versions(old, new, witnesses=witnesses, mapping=mapping)
        if key:
            cache.put(key, report)
    return report


def _diff(
    old: str, new: str, mapping: Path | None, waive: Callable[[DiffReport], None], cache: CompatCache
) -> DiffReport:
    # A first pass without witnesses; evidence is generated only when something breaks (it costs ~90 %).
    report = _compare(old, new, mapping, False, cache)
    waive(report)
    if report.meets("breaking"):
        report = _compare(old, new, mapping, True, cache)
        waive(report)
    return report


def compat_result(report: DiffReport, v: VersionInfo, name: str, info: bool, started: float) -> CheckResult:
    """Breaking findings fail the check unless it is for information (differences between versions)."""
    findings = list(report.findings)
    counts = {k: report.count(k) for k in ("breaking", "potentially breaking", "compatible")}
    rendered = render([report], "text")
    failed = report.meets("breaking") and not info
    message = ", ".join(f"{n} {k}" for k, n in counts.items()) + (" (information)" if info else "")
    return CheckResult(
        phase=PhaseName.COMPAT,
        name=name,
        status="failed" if failed else "passed",
        version=v.number,
        behaviour="contract compatibility" if not info else "differences from earlier versions",
        message=message,
        details=rendered[:20000] if failed else "",
        duration=time.time() - started,
        started=started,
        parameters={"check": name},
        attachments=[Attachment("findings", rendered[:200000]), findings_attachment(report)]
        if findings
        else [],
    )


class CompatPhase(EveryVersion):
    name = PhaseName.COMPAT
    target_state = TargetState.IGNORES

    def _one(
        self,
        ctx: RunContext,
        cache: CompatCache,
        v: VersionInfo,
        name: str,
        pair: tuple[str, str],
        *,
        info: bool = False,
        mapping: Path | None = None,
    ) -> CheckResult:
        old, new = pair
        started = time.time()
        try:
            report = _diff(old, new, mapping, lambda r: ctx.waivers.findings(r.findings, v.number), cache)
            return compat_result(report, v, name, info, started)
        except LefiContractsError as exc:
            return broken(self.name, v.number, f"{name}: {exc}")

    def run(self, ctx: RunContext) -> Iterator[CheckResult]:
        cache = CompatCache(default_folder() if ctx.options.compat_cache else None)
        try:
            yield from self._run(ctx, cache)
        finally:
            if cache.hits:
                done = cache.hits + cache.misses
                ctx.note(
                    f"compat: {cache.hits} of {done} diffs reused from the cache (unchanged contracts; --no-cache diffs again)"
                )

    def _run(self, ctx: RunContext, cache: CompatCache) -> Iterator[CheckResult]:
        served = list(ctx.registry.served())
        http = GuardedTransport(
            timeout=30.0, max_response_bytes=CONTRACT_MAX_BYTES, tls=ctx.tls, limiter=ctx.limiter
        )
        with tempfile.TemporaryDirectory(prefix="lefi-gate-contracts-") as tmp, contextlib.closing(http):
            for v in ctx.versions:
                earlier = [e for e in served if _version_key(e) < _version_key(v)]
                ctx.progress.start_phase("compat", v.number, len(earlier) + 1 + bool(ctx.options.baseline))
                candidate: str | None = None
                try:
                    candidate = fetch_contract(http, ctx.target, v, Path(tmp) / f"candidate-v{v.number}")
                except LefiContractsError as exc:
                    yield broken(self.name, v.number, str(exc), name="contract served by the target")
                if candidate is not None:
                    yield self._one(
                        ctx,
                        cache,
                        v,
                        "contract of record -> served by the target",
                        (record_contract(v), candidate),
                    )
                if ctx.options.baseline and candidate is not None:
                    try:
                        base = fetch_contract(
                            http, ctx.options.baseline, v, Path(tmp) / f"baseline-v{v.number}"
                        )
                    except LefiContractsError as exc:
                        yield broken(self.name, v.number, str(exc), name="contract served by the baseline")
                    else:
                        yield self._one(ctx, cache, v, "baseline -> candidate (served)", (base, candidate))
                for old in reversed(earlier):
                    mapping = ctx.registry.root / "mappings" / f"v{old.number}-v{v.number}.yaml"
                    if old.transport != v.transport and not mapping.is_file():
                        continue  # XML vs JSON needs a declared mapping; without one there is nothing to compare
                    yield self._one(
                        ctx,
                        cache,
                        v,
                        f"v{old.number} -> v{v.number}",
                        (record_contract(old), record_contract(v)),
                        info=True,
                        mapping=mapping if old.transport != v.transport else None,
                    )
                ctx.progress.end_phase()


PHASE = CompatPhase()
