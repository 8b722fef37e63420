"""Property-based fuzzing of every interface version from its own contract, with our checks.

Public API:
- `run_fuzz(target, versions, examples, seed, reports_dir, ...) -> FuzzResult` (results as CheckResult records,
  phase "fuzz", one per version x operation x check, for the gate's one stream);
- `command_fuzz(target, versions, examples, seed, reports_dir) -> (summary text, exit code)` for the CLI.

REST versions go through schemathesis (rest.py), SOAP versions through XSD-driven Hypothesis strategies (soap.py),
both then through negative fuzzing (negative.py). The same seed gives the same requests; a failure's reproducer
names the check, shows the masked request, and the exact replay command (see reproducer.py).
"""

from __future__ import annotations

import contextlib
import os
import random
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from lefi_contracts.client.transport import TlsConfig
from lefi_contracts.contracts import VersionInfo, registry
from lefi_contracts.errors import LefiContractsError, TargetUnavailable, UsageError
from lefi_contracts.fuzz import negative
from lefi_contracts.fuzz.checks import CHECKS, run_checks
from lefi_contracts.fuzz.hints import FuzzHints
from lefi_contracts.fuzz.reproducer import reproducer
from lefi_contracts.fuzz.runner import OperationOutcome, Sample, drive
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
                f"  v{o.version} {o.kind:<8} {o.operation:<70} {o.cases:>5} cases  {verdict}  [{statuses}]"
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
            target=result.target,
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


def _fuzz_soap(version: VersionInfo, url: str, hints: FuzzHints, examples: int, seed: int,
               client: httpx.Client) -> list[OperationOutcome]:  # fmt: skip
    from lefi_contracts.fuzz.soap import SoapVersionFuzzer

    fuzzer = SoapVersionFuzzer(version, url, hints, client)
    outcomes = []
    for op in fuzzer.operations:
        outcome = OperationOutcome(version.number, op.name)
        start = time.perf_counter()

        def probe(value: dict[str, Any], op: Any = op, outcome: OperationOutcome = outcome) -> None:
            ex, body, headers = fuzzer.send(op, value)
            outcome.statuses[ex.fault_code or str(ex.status)] += 1
            findings = [(f.check, f.message) for f in run_checks(ex)]
            outcome.record(
                list(CHECKS), findings,
                lambda c, m: Sample(c, m, "POST", fuzzer.url, headers, body, ex.status, ex.body),
            )  # fmt: skip

        explicit = (
            hints.persona_queries(tuple(version.behaviour.formansgrupper), tuple(fuzzer.ovrig_codes(op)))
            if fuzzer.takes_query(op)
            else []
        )
        drive(fuzzer.strategy(op), probe, examples=examples, seed=seed, explicit=explicit)
        outcome.duration = time.perf_counter() - start
        outcomes.append(outcome)
    return outcomes


def _fuzz_rest(
    version: VersionInfo, url: str, hints: FuzzHints, examples: int, seed: int, tls: TlsConfig
) -> list[OperationOutcome]:
    import requests

    from lefi_contracts.fuzz import rest

    schema = rest.load_schema(version, url)
    session = requests.Session()
    session.cert, session.verify = tls.client_cert, tls.ca or True
    outcomes = []
    names = [n for n in CHECKS if n != "lefi_contract_valid"]
    for op in rest.operations(schema):
        outcome = OperationOutcome(version.number, op.label)
        start = time.perf_counter()

        def probe(case: Any, outcome: OperationOutcome = outcome) -> None:
            try:
                response = case.call(
                    base_url=url, session=session, timeout=30, verify=session.verify, cert=session.cert
                )
            except requests.RequestException as exc:
                raise TargetUnavailable(f"{url} cannot be reached: {exc.__class__.__name__}") from None
            if response.status_code == 503:
                raise TargetUnavailable(
                    f"v{version.number} is in a maintenance window",
                    retry_after=response.headers.get("retry-after"),
                )
            outcome.statuses[str(response.status_code)] += 1
            findings = rest.failures_of(case, response)
            req = response.request

            def sample(c: str, m: str) -> Sample:
                body = req.body.encode() if isinstance(req.body, str) else req.body
                return Sample(c, m, req.method or "POST", req.url or url, dict(req.headers), body,
                              response.status_code, response.content or b"")  # fmt: skip

            outcome.record(["schemathesis_default_checks", *names], findings, sample)

        drive(rest.hinted_strategy(op, hints), probe, examples=examples, seed=seed,
              explicit=rest.persona_cases(op, hints))  # fmt: skip
        outcome.duration = time.perf_counter() - start
        outcomes.append(outcome)
    return outcomes


def _fuzz_negative(version: VersionInfo, url: str, hints: FuzzHints, examples: int, seed: int,
                   client: httpx.Client) -> OperationOutcome:  # fmt: skip
    from lefi_contracts.fuzz.soap import SoapVersionFuzzer

    reg = registry()
    outcome = OperationOutcome(version.number, "hamtaFormansinformation", kind="negative")
    strict = bool(hints.actors)
    fuzzer = SoapVersionFuzzer(version, url, hints, client) if version.transport == "soap" else None
    start = time.perf_counter()

    def probe(drawn: tuple[str, dict[str, Any]]) -> None:
        kind, query = drawn
        if fuzzer is None:
            ex, req_url, body = negative.send_rest(client, url, version, query)
            headers = {"Content-Type": "application/json"}
        else:
            body = negative.soap_broken_body(fuzzer, query)
            op = next(o for o in fuzzer.operations if o.input_element == "hamtaFormansinformation") \
                if any(o.input_element == "hamtaFormansinformation" for o in fuzzer.operations) else fuzzer.operations[0]  # fmt: skip
            headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{op.soap_action}"'}
            try:
                resp = client.post(fuzzer.url, content=body, headers=headers)
            except httpx.TransportError as exc:
                raise TargetUnavailable(f"{fuzzer.url} cannot be reached: {exc.__class__.__name__}") from None
            ex = fuzzer.exchange(op, query, resp.status_code, resp.content, dict(resp.headers))
            req_url = fuzzer.url
        outcome.statuses[ex.fault_code or str(ex.status)] += 1
        findings = negative.check_negative(ex, kind, strict)
        outcome.record(
            [*CHECKS, "lefi_negative_refused_by_contract"], findings,
            lambda c, m: Sample(c, m, "POST", req_url, headers, body, ex.status, ex.body),
        )  # fmt: skip

    drive(negative.broken_queries(version, hints, reg), probe, examples=examples, seed=seed)
    outcome.duration = time.perf_counter() - start
    return outcome


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
) -> FuzzResult:
    """Fuzz every selected version of the target (None: the embedded reference provider) from its own contract.

    provider_config: ProviderConfig fields for the embedded provider (e.g. {"agency_state": {"FK": "FELANDE"}}),
    so that states only a provider can be put in (an agency down) are fuzzed too.
    """
    if examples < 0:
        raise UsageError("--examples must not be negative")
    selected = registry().select(versions)
    seed = seed if seed is not None else random.SystemRandom().randrange(1, 2**31)
    result = FuzzResult(seed=seed, examples=examples, target=target)
    started = time.perf_counter()
    tls = tls or TlsConfig()
    with (
        _target(target, faults, provider_config) as url,
        httpx.Client(timeout=timeout, verify=tls.ssl_context()) as client,
    ):
        hints = _hints(url, catalogue, result.notes, tls)
        for version in selected:
            if version.transport == "soap":
                result.outcomes.extend(_fuzz_soap(version, url, hints, examples, seed, client))
            else:
                result.outcomes.extend(_fuzz_rest(version, url, hints, examples, seed, tls))
            neg = examples if negative_examples is None else negative_examples
            if neg:
                result.outcomes.append(_fuzz_negative(version, url, hints, max(neg // 2, 1), seed, client))
    result.duration = time.perf_counter() - started
    for outcome in result.outcomes:
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
) -> tuple[str, int]:
    """`lefi-contracts fuzz`: the summary text and exit code 0 (all held) / 1 (a check failed)."""
    result = run_fuzz(target, versions, examples, seed, reports_dir, tls=tls)
    return result.summary(), 1 if result.failed else 0
