"""One REST version through schemathesis' engine: its phases and default checks plus ours, as our outcomes.

The engine's events are read as they come: every interaction counts towards its operation (status, 2xx reached),
every failed check becomes that check's failure with the smallest failing request as its sample. A 503 is the
target's maintenance window and a connection error an unreachable target (exit 3), never a list of failures.
"""

from __future__ import annotations

import functools
import time
from pathlib import Path
from typing import Any

import requests
from schemathesis.engine import events, from_schema

from lefi_contracts.client.transport import RateLimiter, TlsConfig
from lefi_contracts.contracts import VersionInfo
from lefi_contracts.errors import ContractError, TargetUnavailable
from lefi_contracts.fuzz import rest
from lefi_contracts.fuzz.hints import FuzzHints
from lefi_contracts.fuzz.runner import OperationOutcome, Sample


def _headers(raw: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in dict(raw or {}).items():
        out[str(key)] = ", ".join(value) if isinstance(value, list) else str(value)
    return out


def _sample(check: str, message: str, *, interaction: Any) -> Sample:
    req, resp = interaction.request, interaction.response
    return Sample(
        check,
        message,
        req.method,
        req.uri,
        _headers(req.headers),
        req.body,
        resp.status_code if resp is not None else None,
        (resp.content or b"") if resp is not None else b"",
    )


DEFAULT_CHECKS = "schemathesis_default_checks"


def check_name(function: str, failure: Any | None) -> str:
    """Our checks by their names; schemathesis' own pass together as schemathesis_default_checks and fail under
    their titles ("Response violates schema"), as the gate's results have always named them."""
    if function.startswith("lefi_"):
        return function
    if failure is None:
        return DEFAULT_CHECKS
    return str(getattr(failure, "title", "") or function)


def _message(failure: Any) -> str:
    title = str(getattr(failure, "title", "") or failure.__class__.__name__)
    code = str(getattr(failure, "code", "") or "")
    text = str(getattr(failure, "message", "") or "").strip()
    return f"{code + ' ' if code else ''}{title}: {text}"[:2000]


def fuzz_rest(
    version: VersionInfo,
    url: str,
    hints: FuzzHints,
    examples: int,
    seed: int,
    tls: TlsConfig | None = None,
    *,
    timeout: float = 30.0,
    contract: str | Path | None = None,
    limiter: RateLimiter | None = None,
    workers: int = 1,
) -> list[OperationOutcome]:
    """Run schemathesis' phases on the version's contract against `url`; one outcome per operation."""
    rest.registered_checks()
    parameters = {"aktorsId": hints.actors[0]} if hints.actors else None
    config = rest.schema_config(
        url, seed=seed, examples=examples, tls=tls, timeout=timeout, parameters=parameters, workers=workers
    )
    schema = rest.load_schema(version, config, contract)
    if limiter is not None:
        schema.config.rate_limit = rest.shared_rate_limit(limiter)
    if hints.actors or hints.personas:
        rest.install_hints(schema, hints)
    outcomes: dict[str, OperationOutcome] = {}
    for op in rest.operations(schema):
        outcomes[op.label] = OperationOutcome(version.number, op.label)
    started = time.perf_counter()
    try:
        for event in from_schema(schema).execute():
            if isinstance(event, events.ScenarioFinished):
                _record(event.recorder, outcomes, version, url)
            elif isinstance(event, events.NonFatalError):
                _error(event, url)
            elif isinstance(event, events.FatalError):
                raise ContractError(f"schemathesis could not run v{version.number}: {event.exception}")
    finally:
        rest.forget_hints(schema)
    elapsed = time.perf_counter() - started
    total = sum(o.cases for o in outcomes.values()) or 1
    for outcome in outcomes.values():
        outcome.duration = elapsed * outcome.cases / total
    return list(outcomes.values())


def _error(event: Any, url: str) -> None:
    value = event.value
    if isinstance(value, requests.ConnectionError | requests.Timeout):
        raise TargetUnavailable(f"{url} cannot be reached: {value.__class__.__name__}") from None
    raise ContractError(f"schemathesis error in {event.label}: {str(value).splitlines()[0][:300]}") from None


def _record(recorder: Any, outcomes: dict[str, OperationOutcome], version: VersionInfo, url: str) -> None:
    for case_id, interaction in recorder.interactions.items():
        node = recorder.cases.get(case_id)
        label = node.value.operation.label if node is not None else recorder.label
        outcome = outcomes.setdefault(label, OperationOutcome(version.number, label))
        response = interaction.response
        status = response.status_code if response is not None else None
        if status == 503:
            raise TargetUnavailable(
                f"v{version.number} is in a maintenance window",
                retry_after=_headers(response.headers).get("Retry-After") if response is not None else None,
            )
        outcome.statuses[str(status)] += 1
        findings = []
        ran: list[str] = []  # the checks schemathesis ran on this case (its defaults for the phase, and ours)
        for check in recorder.checks.get(case_id, []):
            name = check_name(check.name, check.failure_info.failure if check.failure_info else None)
            ran.append(name)
            if check.failure_info is not None:
                findings.append((name, _message(check.failure_info.failure)))
        outcome.record(ran, findings, functools.partial(_sample, interaction=interaction))
