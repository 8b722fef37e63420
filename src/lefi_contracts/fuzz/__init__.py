"""Property-based fuzzing of every interface version from its own contract, with our checks.

Public API:
- `run_fuzz(target, versions, examples, seed, reports_dir, ...) -> FuzzResult` (results as CheckResult records,
  phase "fuzz", one per version x operation x check, for the gate's one stream);
- `command_fuzz(target, versions, examples, seed, reports_dir) -> (summary text, exit code)` for the CLI.

REST versions run schemathesis' own engine (rest_run.py: examples, coverage, fuzzing and stateful phases, every
default check but positive_data_acceptance, plus ours), SOAP versions XSD-driven Hypothesis strategies and a
coverage phase of each XSD's boundaries (soap_run.py, xml_coverage.py), both then negative fuzzing (negative.py).
The target's fixture catalogue steers generation past authorisation; a fuzz run that never got a 2xx is not held.
Every request we send ourselves goes through GuardedTransport; schemathesis keeps its session with our TLS files.
The same seed gives the same requests; a failure's reproducer names the check, shows the masked request, and the
exact replay command (see reproducer.py), which outlives an embedded provider (it names faults, not a port).
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import tempfile
import time
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lefi_contracts.client.transport import GuardedTransport, RateLimiter, TlsConfig
from lefi_contracts.contracts import Registry, VersionInfo
from lefi_contracts.contracts import registry as default_registry
from lefi_contracts.errors import LefiContractsError, TargetUnavailable, UsageError
from lefi_contracts.fuzz.hints import FuzzHints
from lefi_contracts.fuzz.reproducer import replay_command, replay_options, reproducer
from lefi_contracts.fuzz.rest_run import fuzz_rest
from lefi_contracts.fuzz.runner import REACHED_CHECK, OperationOutcome
from lefi_contracts.fuzz.soap_run import fuzz_negative, fuzz_soap, fuzz_xml_coverage
from lefi_contracts.personnummer import mask_text
from lefi_contracts.results import Attachment, CheckResult
from lefi_contracts.target import target_or_embedded

__all__ = ["FuzzResult", "OperationOutcome", "command_fuzz", "run_fuzz"]

DEFAULT_EXAMPLES = 100


@dataclass
class FuzzResult:
    """Everything one fuzzing run found, as plain records for the result stream."""

    seed: int
    examples: int
    target: str | None
    outcomes: list[OperationOutcome] = field(default_factory=list)
    results: list[CheckResult] = field(default_factory=list)
    duration: float = 0.0
    notes: list[str] = field(default_factory=list)
    replay: str = ""  # the options that reach the same provider again (reproducer.replay_options)

    @property
    def failed(self) -> bool:
        return any(o.failed for o in self.outcomes)

    @property
    def cases(self) -> int:
        return sum(o.cases for o in self.outcomes)

    def summary(self) -> str:
        lines = [
            f"fuzz: {self.cases} cases over {len(self.outcomes)} operation runs in {self.duration:.1f} s "
            f"(seed {self.seed}, {self.examples} examples an operation)"
        ]
        lines += [f"note: {n}" for n in self.notes]
        for o in self.outcomes:
            verdict = "FAILED" if o.failed else "ok"
            statuses = ", ".join(f"{k}x{v}" for k, v in sorted(o.statuses.items()))
            lines.append(
                f"  v{o.version} {o.kind:<8} {o.operation:<70} {o.cases:>5} cases  {o.answered:>5} 2xx  "
                f"{verdict}  [{statuses}]"
            )
        for r in self.results:
            if r.failed:
                lines.append("")
                lines.append(f"FAILED {r.name} (v{r.version}): {r.message}")
                lines.append(r.reproducer or "")
        lines.append("")
        lines.append(f"fuzz: {'FAILED' if self.failed else 'passed'}; rerun exactly with --seed {self.seed}")
        return mask_text("\n".join(lines))


def _results(outcome: OperationOutcome, result: FuzzResult) -> list[CheckResult]:
    """One record per (version, operation, check): passed, or failed with the smallest failing request."""
    out: list[CheckResult] = []
    for check in sorted(outcome.checks):
        sample = outcome.samples.get(check)
        params = {
            "version": outcome.version,
            "operation": outcome.operation,
            "check": check,
            "kind": outcome.kind,
            "cases": str(outcome.cases),  # counts for the report (report.fuzz_summary)
            "statuses": " ".join(f"{k}={v}" for k, v in sorted(outcome.statuses.items())),
            "failing_cases": str(outcome.failing_cases.get(check, 0)),
        }
        name = f"fuzz {outcome.kind} {outcome.operation}: {check}"
        share = outcome.duration / max(len(outcome.checks), 1)
        if check == REACHED_CHECK and outcome.unreached:
            refusals = ", ".join(f"{k}x{v}" for k, v in sorted(outcome.statuses.items()))
            out.append(
                CheckResult(
                    phase="fuzz",
                    name=name,
                    status="failed",
                    version=outcome.version,
                    behaviour=check,
                    message=f"none of {outcome.cases} cases was answered 2xx ({refusals}): nothing past "
                    "authorisation was tested (give the target's fixture catalogue)",
                    reproducer="replay exactly (deterministic seed):\n  "
                    + replay_command(result.seed, outcome.version, result.examples, result.replay),
                    duration=share,
                    parameters=params,
                )
            )
            continue
        if sample is None:
            out.append(
                CheckResult(
                    phase="fuzz",
                    name=name,
                    status="passed",
                    version=outcome.version,
                    behaviour=check,
                    message=f"{outcome.cases} cases held",
                    duration=share,
                    parameters=params,
                )
            )
            continue
        repro = reproducer(
            check=check,
            message=sample.message,
            method=sample.method,
            url=sample.url,
            headers=sample.headers,
            body=sample.body,
            status=sample.status,
            seed=result.seed,
            version=outcome.version,
            examples=result.examples,
            replay=result.replay,
        )
        out.append(
            CheckResult(
                phase="fuzz",
                name=name,
                status="failed",
                version=outcome.version,
                behaviour=check,
                message=f"{outcome.failing_cases[check]} of {outcome.cases} cases: {sample.message}",
                details=sample.message,
                reproducer=repro,
                duration=share,
                parameters=params,
                attachments=[
                    Attachment("request", (sample.body or b"").decode("utf-8", "replace") or sample.url),
                    Attachment("response", sample.response.decode("utf-8", "replace")[:20000]),
                ],
            )
        )
    return out


@contextlib.contextmanager
def _target(
    target: str | None, faults: frozenset[str], provider_config: Mapping[str, Any] | None = None
) -> Iterator[str]:
    if target and faults:
        raise UsageError("--fault works only with the embedded provider (no --target)")
    if target and provider_config:
        raise UsageError("provider settings work only with the embedded provider (no --target)")
    if not provider_config:
        with target_or_embedded(target, faults=faults) as (url, _embedded):
            yield url
        return
    from lefi_contracts.provider import ProviderConfig, running_provider

    with tempfile.TemporaryDirectory(prefix="lefi-provider-") as tmp:
        db = Path(os.environ.get("LEFI_PROVIDER_DB") or Path(tmp) / "lefi.sqlite")
        try:
            config = ProviderConfig(db_path=db, faults=faults, **dict(provider_config))
        except TypeError as exc:
            raise UsageError(f"unknown provider setting: {exc}") from None
        with running_provider(config) as url:
            yield url.rstrip("/")


def _hints(url: str, catalogue: dict[str, Any] | None, notes: list[str], tls: TlsConfig) -> FuzzHints:
    if catalogue is None:
        from lefi_contracts.catalogue import load_catalogue

        try:
            catalogue = load_catalogue(target=url, tls=tls)
        except TargetUnavailable:
            raise
        except LefiContractsError as exc:
            notes.append(
                f"no fixture catalogue ({exc}); fuzzing from the contracts alone reaches few data paths"
            )
            catalogue = {}
    return FuzzHints.from_catalogue(catalogue)


_LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


def _replay(target: str | None, faults: frozenset[str], client: GuardedTransport, notes: list[str]) -> str:
    """Replay options that outlive the run. A loopback target that is our reference provider with its default
    data and a real clock (an embedded one, e.g. the gate's) is replayed by starting it again with the same
    faults: its port is gone after the run. Any other target is replayed at its URL."""
    if not target:
        return replay_options(None, faults)
    from urllib.parse import urlsplit

    from lefi_contracts.provider.config import ProviderConfig

    base = target.rstrip("/")
    if (urlsplit(base).hostname or "") not in _LOOPBACK:
        return replay_options(target)
    try:
        health = json.loads(client.send("GET", f"{base}/_lefi/health").body)
        clock = json.loads(client.send("GET", f"{base}/_lefi/clock").body)
        running = json.loads(client.send("GET", f"{base}/_lefi/faults").body)
    except (LefiContractsError, ValueError):
        return replay_options(target)
    default_seed = ProviderConfig.__dataclass_fields__["seed"].default
    if (
        not isinstance(health, dict)
        or health.get("seed") != default_seed
        or not isinstance(clock, dict)
        or clock.get("fixed")
        or not isinstance(running, list)
    ):
        return replay_options(target)
    notes.append("the target is the reference provider on loopback: replays start it again (--fault)")
    return replay_options(None, frozenset(str(f) for f in running))


def version_kinds(version: VersionInfo) -> tuple[str, ...]:
    """A version's independent fuzzing parts, in the order a run gives their results: generated requests
    (schemathesis or the XSD strategies), for SOAP the XSD's boundaries (coverage), and invalid requests."""
    return ("fuzz", "coverage", "negative") if version.transport == "soap" else ("fuzz", "negative")


def run_fuzz(
    target: str | None,
    versions: str | list[str] | None = None,
    examples: int = DEFAULT_EXAMPLES,
    seed: int | None = None,
    reports_dir: Path | None = None,
    *,
    faults: frozenset[str] = frozenset(),
    catalogue: dict[str, Any] | None = None,
    negative_examples: int | None = None,
    timeout: float = 30.0,
    tls: TlsConfig | None = None,
    provider_config: Mapping[str, Any] | None = None,
    registry: Registry | None = None,
    limiter: RateLimiter | None = None,
    workers: int = 1,
    kinds: Collection[str] | None = None,
) -> FuzzResult:
    """Fuzz every selected version of the target (None: the embedded reference provider) from its own contract.

    provider_config: ProviderConfig fields for the embedded provider (e.g. {"agency_state": {"FK": "FELANDE"}}),
    so that states only a provider can be put in (an agency down) are fuzzed too.
    limiter: the run's shared rate limit, for every request (schemathesis' too); workers: schemathesis'.
    kinds: which of a version's independent parts to run (`version_kinds`; None: all), so that a caller can
    run them side by side.
    """
    if examples < 0:
        raise UsageError("--examples must not be negative")
    reg = registry or default_registry()
    selected = reg.select(versions)
    seed = seed if seed is not None else random.SystemRandom().randrange(1, 2**31)
    result = FuzzResult(seed=seed, examples=examples, target=target)
    started = time.perf_counter()
    tls = tls or TlsConfig()
    client = GuardedTransport(timeout=timeout, tls=tls, limiter=limiter)
    with _target(target, faults, provider_config) as url, contextlib.closing(client):
        hints = _hints(url, catalogue, result.notes, tls)
        result.replay = _replay(target, faults, client, result.notes)
        for version in selected:
            wanted = set(version_kinds(version) if kinds is None else kinds)
            if version.transport == "soap":
                if "fuzz" in wanted:
                    result.outcomes.extend(fuzz_soap(version, url, hints, examples, seed, client))
                if "coverage" in wanted:
                    result.outcomes.extend(fuzz_xml_coverage(version, url, hints, seed, client))
            elif "fuzz" in wanted:
                result.outcomes.extend(
                    fuzz_rest(
                        version,
                        url,
                        hints,
                        examples,
                        seed,
                        tls,
                        timeout=timeout,
                        limiter=limiter,
                        workers=workers,
                    )
                )
            neg = examples if negative_examples is None else negative_examples
            if neg and "negative" in wanted:
                result.outcomes.append(
                    fuzz_negative(version, url, hints, max(neg // 2, 1), seed, client, reg)
                )
    result.duration = time.perf_counter() - started
    for outcome in result.outcomes:
        if outcome.kind == "fuzz":
            outcome.checks.add(REACHED_CHECK)
        result.results.extend(_results(outcome, result))
    if reports_dir is not None:
        write_reports(result, reports_dir)
    return result


def write_reports(result: FuzzResult, reports_dir: Path) -> None:
    """Allure results (per version and operation, as parameters), JUnit XML and the text summary, all masked."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    try:
        from lefi_contracts.report.allure import write_allure_results
        from lefi_contracts.report.junit import write_junit

        write_allure_results(result.results, reports_dir / "allure-results")
        write_junit(result.results, reports_dir / "junit", filename="lefi-fuzz.xml")
    except ImportError:  # pragma: no cover - report writers are part of the project
        pass
    (reports_dir / "fuzz-summary.txt").write_text(result.summary() + "\n", encoding="utf-8")


def command_fuzz(
    target: str | None,
    versions: str | None,
    examples: int,
    seed: int | None,
    reports_dir: Path,
    *,
    tls: TlsConfig | None = None,
    faults: frozenset[str] = frozenset(),
    registry: Registry | None = None,
) -> tuple[str, int]:
    """`lefi-contracts fuzz`: the summary text and exit code 0 (all held) / 1 (a check failed)."""
    result = run_fuzz(
        target, versions, examples, seed, reports_dir, tls=tls, faults=faults, registry=registry
    )
    return result.summary(), 1 if result.failed else 0
