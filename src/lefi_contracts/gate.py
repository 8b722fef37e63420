"""The release gate: every check against one target, one verdict, one set of reports.

Flow: probe the target (exit 3 before anything runs when it is down or in its maintenance window) -> for every
selected version: compatibility of the contracts, scenarios, contract validation of every response, fuzzing,
consumer verification, and (with --baseline) differential regression -> one ResultStream -> Allure results,
single-file HTML report, JUnit XML, summary.md/json -> exit code 0 held / 1 broken / 2 usage / 3 unavailable.

A part that is not installed (yet) is skipped with a note in the summary, never silently.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import email.utils
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from lefi_contracts.client.transport import GuardedTransport, TlsConfig
from lefi_contracts.contracts import Registry, VersionInfo, registry
from lefi_contracts.errors import (
    ContractError,
    LefiContractsError,
    ResponseRejected,
    TargetUnavailable,
    UsageError,
)
from lefi_contracts.progress import Progress
from lefi_contracts.results import Attachment, CheckResult, ResultStream

EXIT_OK, EXIT_BROKEN, EXIT_USAGE, EXIT_UNAVAILABLE = 0, 1, 2, 3
PHASES = ("compat", "scenarios", "validation", "fuzz", "consumers", "regression")
PROBE_ACTOR = "lefi-contracts-probe"


class PartMissing(Exception):
    """A part of the suite that this installation does not have (yet): skipped with a note."""


@dataclass
class GateOptions:
    """What `lefi-contracts gate` was asked to do (the CLI maps its flags 1:1 onto this)."""

    target: str | None = None
    versions: str | Sequence[str] | None = None
    reports_dir: Path = Path("reports")
    examples: int = 100
    seed: int | None = None
    baseline: str | None = None
    consumers: Path | None = None
    wait: float = 0.0
    quiet: bool = False
    faults: Sequence[str] = ()
    cert: str | None = None
    key: str | None = None
    ca: str | None = None
    fixtures: Path | None = None
    phases: Sequence[str] | None = None  # a subset of PHASES (tests, benchmarks); None = all
    html: bool = True
    provider_now: dt.datetime | None = None  # embedded provider only: fix its clock (demos, tests)
    progress_stream: TextIO | None = None
    probe_timeout: float = 5.0


@dataclass
class GateOutcome:
    exit_code: int
    summary_path: Path | None
    summary_json_path: Path | None
    reports_dir: Path
    message: str
    results: list[CheckResult] = field(default_factory=list)
    phase_times: dict[str, float] = field(default_factory=dict)
    html_report: Path | None = None
    notes: list[str] = field(default_factory=list)
    target: str = ""

    @property
    def verdict(self) -> str:
        return {0: "held", 1: "broken", 2: "usage error", 3: "target unavailable"}[self.exit_code]


# --------------------------------------------------------------------------------------------------- options


def _select_versions(reg: Registry, versions: str | Sequence[str] | None) -> list[VersionInfo]:
    if versions is None or versions == "" or versions == []:
        chosen = [v for v in reg.served() if v.status == "active" or v.status == "deprecated"]
        return chosen
    items = versions.split(",") if isinstance(versions, str) else list(versions)
    numbers = [str(x).strip().lstrip("v") for x in items if str(x).strip()]
    if not numbers:
        raise UsageError("--versions names no version")
    out = []
    for n in numbers:
        v = reg.get(n)  # UsageError for an unknown version
        if not v.served:
            raise UsageError(f"version {n} is retired: it is neither served nor gated")
        out.append(v)
    return out


def _check_options(opts: GateOptions) -> None:
    if opts.faults and opts.target:
        raise UsageError(
            "--fault switches on a fault in the embedded provider; it cannot be used with --target"
        )
    for name, url in (("--target", opts.target), ("--baseline", opts.baseline)):
        if url and not url.startswith(("http://", "https://")):
            raise UsageError(f"{name} {url!r} is not an http(s) URL")
    if opts.examples < 1:
        raise UsageError("--examples must be at least 1")
    if opts.wait < 0:
        raise UsageError("--wait must not be negative")
    if opts.consumers is not None and not opts.consumers.is_dir():
        raise UsageError(f"--consumers {opts.consumers}: no such folder")
    if opts.fixtures is not None and not opts.fixtures.is_file():
        raise UsageError(f"fixture catalogue {opts.fixtures} does not exist")
    unknown = set(opts.phases or ()) - set(PHASES)
    if unknown:
        raise UsageError(f"unknown phase(s) {', '.join(sorted(unknown))}; known: {', '.join(PHASES)}")
    if bool(opts.cert) != bool(opts.key):
        raise UsageError("--cert and --key go together")


# ----------------------------------------------------------------------------------------------------- probe


@dataclass
class Unavailable:
    version: str
    reason: str
    retry_after: float | None = None  # seconds from now, when the target said
    until: dt.datetime | None = None


def parse_retry_after(
    value: str | None, *, now: dt.datetime | None = None
) -> tuple[float | None, dt.datetime | None]:
    """Retry-After as (seconds from now, the instant it names): delta-seconds or an HTTP date (RFC 9110)."""
    if not value:
        return None, None
    now = now or dt.datetime.now(dt.UTC)
    value = value.strip()
    if value.isdigit():
        seconds = float(value)
        return seconds, now + dt.timedelta(seconds=seconds)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None, None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - now).total_seconds()), when


def _soap_probe_body(v: VersionInfo) -> bytes:
    ns = v.namespace or ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
        f'<hamtaTillgangligaInformationstyper xmlns="{ns}"><aktorsId>{PROBE_ACTOR}</aktorsId>'
        "</hamtaTillgangligaInformationstyper></soap:Body></soap:Envelope>"
    ).encode()


PROBE_MAX_BYTES = 1_000_000  # a probe answer is a few hundred bytes; an endless body stops here


def probe_version(transport: GuardedTransport, target: str, v: VersionInfo) -> Unavailable | str | None:
    """One cheap request: None when the version answers, Unavailable when it cannot, a str when it is not served
    or its answer cannot be read (too large, endless, broken HTTP): that is the target's fault, not absence."""
    base = target.rstrip("/") + v.base_path
    try:
        if v.transport == "rest":
            resp = transport.send(
                "GET",
                f"{base}/aktorer/{PROBE_ACTOR}/tillgangligaInformationstyper",
                headers={"Accept": "*/*"},
            )
        else:
            resp = transport.send(
                "POST",
                f"{base}/soap",
                body=_soap_probe_body(v),
                headers={
                    "Content-Type": "text/xml; charset=utf-8",
                    "SOAPAction": f'"{v.namespace}#hamtaTillgangligaInformationstyper"',
                },
            )
    except TargetUnavailable as exc:
        return Unavailable(v.number, f"version {v.number} unreachable: {exc}")
    except ResponseRejected as exc:
        return f"version {v.number} at {base}: the probe's answer was refused: {exc}"
    if resp.status == 503:
        seconds, until = parse_retry_after(resp.headers.get("Retry-After"))
        return Unavailable(v.number, f"{base} answers 503 (maintenance window)", seconds, until)
    if resp.status == 404:
        return f"the target does not serve version {v.number} at {base} (HTTP 404)"
    return None


def probe(
    target: str, versions: Sequence[VersionInfo], *, timeout: float, tls: TlsConfig
) -> tuple[list[Unavailable], list[str]]:
    transport = GuardedTransport(timeout=timeout, max_response_bytes=PROBE_MAX_BYTES, tls=tls)
    try:
        down: list[Unavailable] = []
        missing: list[str] = []
        for v in versions:
            answer = probe_version(transport, target, v)
            if isinstance(answer, Unavailable):
                down.append(answer)
                if answer.retry_after is None:
                    break  # unreachable: the other versions share the host
            elif isinstance(answer, str):
                missing.append(answer)
        return down, missing
    finally:
        transport.close()


def _unavailable_message(down: list[Unavailable]) -> str:
    first = down[0]
    if first.until is not None:
        local = first.until.astimezone()
        return (
            f"in its maintenance window until {local.isoformat(timespec='seconds')} "
            f"(Retry-After {first.retry_after:.0f} s; versions {', '.join(d.version for d in down)}): "
            "not a contract failure"
        )
    return first.reason


def wait_until_available(
    target: str,
    versions: Sequence[VersionInfo],
    *,
    wait: float,
    timeout: float,
    tls: TlsConfig,
    progress: Progress,
    sleep: Callable[[float], None] = time.sleep,
) -> list[str]:
    """Probe; within a maintenance window wait (at most `wait` s) for it to end. Raises TargetUnavailable."""
    deadline = time.monotonic() + wait
    while True:
        down, missing = probe(target, versions, timeout=timeout, tls=tls)
        if not down:
            return missing
        message = _unavailable_message(down)
        maintenance = [d for d in down if d.retry_after is not None]
        left = deadline - time.monotonic()
        if not maintenance or left <= 0:
            if maintenance and wait > 0:
                message += f"; still unavailable after waiting {wait:.0f} s"
            raise TargetUnavailable(
                message, retry_after=str(int(maintenance[0].retry_after)) if maintenance else None
            )
        needed = max(d.retry_after or 0.0 for d in maintenance)
        if needed > left:
            raise TargetUnavailable(
                f"{message}; the window ends beyond --wait {wait:.0f} s", retry_after=str(int(needed))
            )
        progress.line(f"target in its maintenance window: waiting {needed:.0f} s (--wait {wait:.0f})")
        sleep(min(left, max(0.5, needed)))


# ---------------------------------------------------------------------------------------------------- the run


@dataclass
class _Run:
    opts: GateOptions
    reg: Registry
    versions: list[VersionInfo]
    target: str
    stream: ResultStream
    progress: Progress
    reports: Path
    tls: TlsConfig
    embedded: bool
    notes: list[str] = field(default_factory=list)
    phase_times: dict[str, float] = field(default_factory=dict)
    catalogue: dict[str, Any] | None = None

    @property
    def allure_dir(self) -> Path:
        return self.reports / "allure-results"

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)
        self.progress.note(text)

    @contextlib.contextmanager
    def timed(self, phase: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.phase_times[phase] = self.phase_times.get(phase, 0.0) + time.perf_counter() - started

    def broken(self, phase: str, version: str | None, exc: BaseException) -> None:
        """A phase that could not run is a result (broken), not a crash of the gate."""
        self.stream.emit(
            CheckResult(
                phase=phase,  # type: ignore[arg-type]
                name=f"{phase} could not run",
                status="broken",
                version=version,
                behaviour=phase,
                message=f"{exc.__class__.__name__}: {exc}"[:500],
            )
        )


def _run_phase(run: _Run, phase: str, fn: Callable[[_Run], None]) -> None:
    if run.opts.phases is not None and phase not in run.opts.phases:
        return
    with run.timed(phase):
        try:
            fn(run)
        except PartMissing as exc:
            run.note(f"{phase}: skipped, {exc}")
        except (TargetUnavailable, UsageError):
            raise
        except LefiContractsError as exc:
            run.broken(phase, None, exc)
        except Exception as exc:  # a bug in a part must not hide the other parts' verdicts
            run.broken(phase, None, exc)


# ------------------------------------------------------------------------------------------------- phases


def _phase_compat(run: _Run) -> None:
    """Per version: the contract the target serves against the contract of record (contracts/), the baseline's
    served contract against the candidate's (with --baseline), and, for information, the differences from every
    earlier active version (those are the release notes' intended changes: they never fail the gate)."""
    try:
        from lefi_contracts.compat import diff_versions
    except ImportError as exc:
        raise PartMissing(f"the compatibility engine is not installed ({exc.name})") from None
    served = list(run.reg.served())
    with tempfile.TemporaryDirectory(prefix="lefi-gate-contracts-") as tmp, _http(run) as http:
        for v in run.versions:
            earlier = [e for e in served if _version_key(e) < _version_key(v)]
            run.progress.start_phase("compat", v.number, len(earlier) + 1 + bool(run.opts.baseline))
            record = _record_contract(v)
            try:
                candidate = _fetch_contract(http, run.target, v, Path(tmp) / f"candidate-v{v.number}")
            except LefiContractsError as exc:
                run.broken("compat", v.number, exc)
                candidate = None
            if candidate is not None:
                _emit_diff(
                    run, v, "contract of record -> served by the target", diff_versions, record, candidate
                )
            if run.opts.baseline and candidate is not None:
                try:
                    base = _fetch_contract(http, run.opts.baseline, v, Path(tmp) / f"baseline-v{v.number}")
                except LefiContractsError as exc:
                    run.broken("compat", v.number, exc)
                else:
                    _emit_diff(run, v, "baseline -> candidate (served)", diff_versions, base, candidate)
            for old in reversed(earlier):
                mapping = run.reg.root / "mappings" / f"v{old.number}-v{v.number}.yaml"
                if old.transport != v.transport and not mapping.is_file():
                    continue  # XML vs JSON needs a declared mapping; without one there is nothing to compare
                _emit_diff(
                    run, v, f"v{old.number} -> v{v.number}", diff_versions, old.number, v.number, info=True
                )
            run.progress.end_phase()


CONTRACT_MAX_BYTES = 20_000_000


@contextlib.contextmanager
def _http(run: _Run) -> Iterator[GuardedTransport]:
    transport = GuardedTransport(timeout=30.0, max_response_bytes=CONTRACT_MAX_BYTES, tls=run.tls)
    try:
        yield transport
    finally:
        transport.close()


def _record_contract(v: VersionInfo) -> str:
    return str(v.contract_file("wsdl" if v.transport == "soap" else "openapi"))


def _fetch_contract(http: GuardedTransport, target: str, v: VersionInfo, into: Path) -> str:
    """Download the contract documents a target serves for a version (WSDL + the XSD it imports, or OpenAPI)."""
    into.mkdir(parents=True, exist_ok=True)
    kinds = ("wsdl", "xsd") if v.transport == "soap" else ("openapi",)
    paths = []
    for kind in kinds:
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


def _same_documents(v: VersionInfo, record_dir: Path, served_dir: Path) -> bool:
    kinds = ("wsdl", "xsd") if v.transport == "soap" else ("openapi",)
    names = [v.contract_file(k).name for k in kinds]
    return all(
        (served_dir / n).is_file() and (record_dir / n).read_bytes() == (served_dir / n).read_bytes()
        for n in names
    )


def _emit_diff(run: _Run, v: VersionInfo, name: str, diff: Callable[..., Any], old: str, new: str, *,
               info: bool = False, witnesses: bool = True) -> None:  # fmt: skip
    started, t0 = time.time(), time.perf_counter()
    try:
        # A first pass without witnesses; evidence is generated only when something breaks (it costs ~90 %).
        report = diff(old, new, witnesses=False)
        if witnesses and report.meets("breaking"):
            report = diff(old, new, witnesses=True)
    except LefiContractsError as exc:
        run.broken("compat", v.number, exc)
        return
    run.stream.emit(_compat_result(report, v, name, info, started, time.perf_counter() - t0))


def _version_key(v: VersionInfo) -> tuple[int, str]:
    head = v.number.split(".")[0]
    return (int(head), v.number) if head.isdigit() else (10**6, v.number)


def _compat_result(
    report: Any, v: VersionInfo, name: str, info: bool, started: float, seconds: float
) -> CheckResult:
    """Breaking findings fail the check unless it is for information (differences between versions)."""
    from lefi_contracts.report.compat_pages import findings_attachment

    findings = list(getattr(report, "findings", []) or [])
    counts = {k: report.count(k) for k in ("breaking", "potentially breaking", "compatible")}
    try:
        from lefi_contracts.compat.report import render

        rendered = render([report], "text")
    except Exception:  # rendering is a nicety; the counts carry the verdict
        rendered = "\n".join(str(f) for f in findings)
    broken = report.meets("breaking") and not info
    message = ", ".join(f"{n} {k}" for k, n in counts.items()) + (" (information)" if info else "")
    return CheckResult(
        phase="compat",
        name=name,
        status="failed" if broken else "passed",
        version=v.number,
        behaviour="contract compatibility" if not info else "differences from earlier versions",
        message=message,
        details=rendered[:20000] if broken else "",
        duration=seconds,
        started=started,
        parameters={"check": name},
        attachments=[Attachment("findings", rendered[:200000]), findings_attachment(report)]
        if findings
        else [],
    )


def _phase_scenarios(run: _Run) -> None:
    steps = _project_root() / "steps"
    if not steps.is_dir() or not any(steps.glob("*.py")):
        raise PartMissing("no step definitions under steps/ yet")
    out = run.reports / "scenarios.ndjson"
    cmd = [
        sys.executable, "-m", "pytest", "steps", "-q", "--no-header", "-p", "no:cacheprovider",
        "-o", "addopts=", "-p", "no:allure_pytest", "-p", "lefi_contracts.report.bdd_plugin",
        f"--lefi-results={out}", f"--alluredir={run.allure_dir}", f"--target={run.target}",
"--lefi-version=" + ",".join(v.number for v in run.versions),
    ]  # fmt: skip
    if run.opts.fixtures:
        cmd.append(f"--lefi-fixtures={run.opts.fixtures}")
    if run.tls.client_cert:
        cmd += [f"--lefi-cert={run.tls.cert}", f"--lefi-key={run.tls.key}"]
    if run.tls.ca:
        cmd.append(f"--lefi-ca={run.tls.ca}")
    env = {**os.environ, "LEFI_EMBEDDED_TARGET": "1" if run.embedded else "0"}
    run.progress.start_phase("scenarios", ",".join(v.number for v in run.versions))
    proc = subprocess.Popen(
        cmd, cwd=_project_root(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    seen = 0
    tail: list[str] = []
    assert proc.stdout is not None
    for line in proc.stdout:  # the NDJSON file grows while pytest runs: show progress from it
        tail = [*tail, line.rstrip()][-30:]
        seen = _drain_ndjson(run, out, seen, live=True)
    proc.wait()
    seen = _drain_ndjson(run, out, seen, live=True)
    run.progress.end_phase()
    if proc.returncode not in (0, 1) or seen == 0:
        from lefi_contracts.personnummer import mask_text

        last = mask_text("\n".join(tail))
        raise RuntimeError(f"pytest steps exited {proc.returncode} with {seen} results: {last[-1500:]}")


def _drain_ndjson(run: _Run, path: Path, already: int, *, live: bool) -> int:
    if not path.exists():
        return already
    lines = path.read_text(encoding="utf-8").splitlines()
    complete = [ln for ln in lines if ln.endswith("}")]
    for raw in complete[already:]:
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        atts = [Attachment(**a) for a in data.pop("attachments", [])]
        run.stream.emit(CheckResult(**data, attachments=atts))
    return max(already, len(complete))


def _phase_validation(run: _Run) -> None:
    try:
        from lefi_contracts.client import LefiClient, Query
    except ImportError as exc:
        raise PartMissing(f"the versioned client is not installed ({exc.name})") from None
    queries = _query_set(run)
    if not queries:
        raise PartMissing("no test persons known for this target (give a fixture catalogue)")
    for v in run.versions:
        run.progress.start_phase("validation", v.number, len(queries))
        with LefiClient(run.target, v, tls=run.tls) as client:
            for persona, q in queries:
                query = Query(**_query_for_version(q, v))
                started, t0 = time.time(), time.perf_counter()
                resp = client.query(query)
                violations = resp.violations()
                run.stream.emit(
                    CheckResult(
                        phase="validation",
                        name=f"{persona}: hamtaFormansinformation",
                        status="failed" if violations else "passed",
                        version=v.number,
                        behaviour="every response valid against its contract",
                        message="; ".join(f"{x.path}: {x.message}" for x in violations[:5]),
                        duration=time.perf_counter() - t0,
                        started=started,
                        parameters={"persona": persona, "http_status": str(resp.http_status)},
                        attachments=[Attachment("exchange", resp.describe(masked=True))],
                    )
                )
        run.progress.end_phase()


def _catalogue(run: _Run) -> dict[str, Any]:
    if run.catalogue is None:
        from lefi_contracts.catalogue import load_catalogue

        try:
            run.catalogue = load_catalogue(run.opts.fixtures, target=run.target, tls=run.tls)
        except (UsageError, ResponseRejected) as exc:
            run.note(f"no fixture catalogue: {exc}")
            run.catalogue = {}
    return run.catalogue


def _query_set(run: _Run) -> list[tuple[str, dict[str, Any]]]:
    """Every test person of the catalogue, asked for everything, by the actor entitled to everything."""
    cat = _catalogue(run)
    persons = cat.get("persons") or {
        k: v for k, v in cat.items() if isinstance(v, dict) and "personnummer" in v
    }
    actors = cat.get("actors") or {
        k: v
        for k, v in cat.items()
        if isinstance(v, dict) and v.get("groups") and v.get("representable", True)
    }
    actor = _full_actor(actors)
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


def _full_actor(actors: dict[str, Any]) -> str | None:
    best, best_n = None, -1
    for a in actors.values():
        if not isinstance(a, dict):
            continue
        groups = a.get("groups") or a.get("formansgrupper") or []
        if a.get("aktorsId") and "personnummer" not in a and "anvandare" not in a and len(groups) > best_n:
            best, best_n = a["aktorsId"], len(groups)
    return best


def _query_for_version(q: dict[str, Any], v: VersionInfo) -> dict[str, Any]:
    fk = [g for g in v.behaviour.formansgrupper if g.startswith("FK:")]
    return {**q, "formansinformation": fk, "preliminara_utbetalningar": fk, "utbetalningar": fk}


def _phase_fuzz(run: _Run) -> None:
    try:
        from lefi_contracts import fuzz
    except ImportError as exc:
        raise PartMissing(f"fuzzing is not installed ({exc.name})") from None
    run_fuzz = getattr(fuzz, "run_fuzz", None)
    if run_fuzz is None:
        raise PartMissing("lefi_contracts.fuzz has no run_fuzz yet")
    seed = run.opts.seed if run.opts.seed is not None else random.SystemRandom().randrange(1, 2**31)
    run.note(f"fuzzing seed {seed} (rerun exactly with --seed {seed})")
    catalogue = _catalogue(run) or None
    for v in run.versions:
        run.progress.start_phase("fuzz", v.number)
        # reports_dir=None: the gate writes every report from its one stream (no second copy of fuzz results).
        result = run_fuzz(
            run.target,
            [v.number],
            examples=run.opts.examples,
            seed=seed,
            catalogue=catalogue,
            tls=run.tls,
        )
        for text in getattr(result, "notes", []):
            run.note(f"fuzz v{v.number}: {text}")
        for r in _fuzz_results(result, v):
            run.stream.emit(r)
        run.progress.end_phase()


def _fuzz_results(result: Any, v: VersionInfo) -> list[CheckResult]:
    records = getattr(result, "results", None) or getattr(result, "records", None) or []
    out: list[CheckResult] = []
    for rec in records:
        if isinstance(rec, CheckResult):
            out.append(rec)
            continue
        status = str(getattr(rec, "status", "passed"))
        out.append(
            CheckResult(
                phase="fuzz",
                name=str(getattr(rec, "name", None) or getattr(rec, "operation", "fuzz")),
                status=status if status in ("passed", "failed", "broken", "skipped") else "failed",  # type: ignore[arg-type]
                version=str(getattr(rec, "version", None) or v.number),
                behaviour=str(getattr(rec, "check", None) or "fuzzing"),
                message=str(getattr(rec, "message", "") or ""),
                reproducer=getattr(rec, "reproducer", None),
                duration=float(getattr(rec, "duration", 0.0) or 0.0),
                parameters={"operation": str(getattr(rec, "operation", "") or "")},
            )
        )
    return out


def _phase_consumers(run: _Run) -> None:
    try:
        from lefi_contracts import consumers
    except ImportError as exc:
        raise PartMissing(f"consumer verification is not installed ({exc.name})") from None
    verify = getattr(consumers, "verify_all", None)
    if verify is None:
        raise PartMissing("lefi_contracts.consumers has no verify_all yet")
    folder = run.opts.consumers or (run.reg.root / "consumers")
    run.progress.start_phase("consumers")
    for r in verify(folder, target=run.target, versions=[v.number for v in run.versions], tls=run.tls):
        run.stream.emit(r)
    run.progress.end_phase()


def _phase_regression(run: _Run) -> None:
    if not run.opts.baseline:
        return
    from lefi_contracts.regression import run_regression

    queries = _query_set(run)
    if not queries:
        raise PartMissing("no test persons known for the regression queries (give a fixture catalogue)")
    for v in run.versions:
        run.progress.start_phase("regression", v.number, len(queries))
        for r in run_regression(
            run.opts.baseline, run.target, v, [(n, _query_for_version(q, v)) for n, q in queries], tls=run.tls
        ):
            run.stream.emit(r)
        run.progress.end_phase()


_PHASE_FUNCS: tuple[tuple[str, Callable[[_Run], None]], ...] = (
    ("compat", _phase_compat),
    ("scenarios", _phase_scenarios),
    ("validation", _phase_validation),
    ("fuzz", _phase_fuzz),
    ("consumers", _phase_consumers),
    ("regression", _phase_regression),
)


# ---------------------------------------------------------------------------------------------------- driver


def _project_root() -> Path:
    from lefi_contracts.report.html import project_root

    return project_root()


def _target(opts: GateOptions) -> contextlib.AbstractContextManager[tuple[str, bool]]:
    from lefi_contracts.target import target_or_embedded

    return target_or_embedded(opts.target, faults=opts.faults, now=opts.provider_now)


def _prepare_reports(reports: Path) -> None:
    """Each run starts from empty report folders (Allure results would otherwise accumulate across runs)."""
    reports.mkdir(parents=True, exist_ok=True)
    for sub in ("allure-results", "allure-report", "junit"):
        shutil.rmtree(reports / sub, ignore_errors=True)
    for name in ("summary.md", "summary.json", "scenarios.ndjson", "results.ndjson"):
        (reports / name).unlink(missing_ok=True)


def run_gate(opts: GateOptions) -> GateOutcome:
    """Run the gate; returns the outcome (reports written). Usage errors raise UsageError (exit 2)."""
    _check_options(opts)
    reg = registry()
    versions = _select_versions(reg, opts.versions)
    progress = Progress(quiet=opts.quiet, stream=opts.progress_stream)
    reports = opts.reports_dir
    _prepare_reports(reports)
    tls = TlsConfig.from_options(opts.cert, opts.key, opts.ca)
    stream = ResultStream()
    stream.subscribe(progress.on_result)
    started_wall, t0 = dt.datetime.now().astimezone(), time.perf_counter()
    exit_code, message, target_url = EXIT_OK, "", opts.target or "embedded reference provider"
    run: _Run | None = None
    try:
        with _target(opts) as (target, embedded):
            target_url = target if not embedded else f"embedded reference provider ({target})"
            run = _Run(opts, reg, versions, target, stream, progress, reports, tls, embedded)
            if opts.faults:
                run.notes.append(f"embedded provider started with fault(s): {', '.join(opts.faults)}")
            with run.timed("probe"):
                missing = wait_until_available(
                    target, versions, wait=opts.wait, timeout=opts.probe_timeout, tls=tls, progress=progress
                )
            for text in missing:
                stream.emit(CheckResult(phase="target", name="version served", status="failed", message=text))
            for phase, fn in _PHASE_FUNCS:
                _run_phase(run, phase, fn)
    except TargetUnavailable as exc:
        exit_code, message = EXIT_UNAVAILABLE, str(exc)
    results = list(stream)
    if exit_code == EXIT_OK:
        exit_code = EXIT_BROKEN if any(r.failed for r in results) else EXIT_OK
        failed = [r for r in results if r.failed]
        message = (
            f"the contracts held: {len(results)} checks on versions {', '.join(v.number for v in versions)}"
            if exit_code == EXIT_OK
            else f"{len(failed)} of {len(results)} checks failed"
        )
    notes = list(run.notes) if run else []
    phase_times = dict(run.phase_times) if run else {}
    outcome = _write_reports(
        results, opts, reports, versions, exit_code, message, target_url, notes, phase_times, progress, started_wall,
        time.perf_counter() - t0,
    )  # fmt: skip
    return outcome


def _write_reports(
    results: list[CheckResult],
    opts: GateOptions,
    reports: Path,
    versions: list[VersionInfo],
    exit_code: int,
    message: str,
    target: str,
    notes: list[str],
    phase_times: dict[str, float],
    progress: Progress,
    started: dt.datetime,
    duration: float,
) -> GateOutcome:
    from lefi_contracts.report import (
        SummaryInput,
        build_html_report,
        result_link,
        scan_for_identity_numbers,
        write_allure_results,
        write_environment,
        write_junit,
        write_summary,
    )
    from lefi_contracts.report.masking import mask_files
    from lefi_contracts.report.matrix_svg import write_matrix_attachment

    t_reports = time.perf_counter()
    allure_dir = reports / "allure-results"
    mask_files(
        allure_dir
    )  # the BDD run's own Allure files (allure-pytest-bdd writes step arguments verbatim)
    # Scenario results already have their Allure files (allure-pytest-bdd, with Gherkin steps): do not write twice.
    ours = [r for r in results if r.phase != "scenarios"]
    uuids = write_allure_results(ours, allure_dir)
    links = _scenario_uuids(allure_dir, results)
    uuids.update(links)
    write_environment(
        allure_dir,
        {"target": target, "versions": ",".join(v.number for v in versions), "examples": str(opts.examples)},
    )
    write_junit(results, reports / "junit")
    (reports / "results.ndjson").write_text(
        "".join(json.dumps(r.to_json(), ensure_ascii=False) + "\n" for r in results), encoding="utf-8"
    )
    write_matrix_attachment(results, [v.number for v in versions], allure_dir)
    html_path = None
    if opts.html:
        html = build_html_report(allure_dir, reports / "allure-report")
        html_path = html.path
        if html.note:
            notes.append(html.note)
            progress.note(html.note)
    report_href = "allure-report/index.html" if html_path else None

    def link(r: CheckResult) -> str | None:
        uuid = uuids.get(id(r))
        return result_link(report_href, uuid) if report_href and uuid else report_href

    phase_times = {**phase_times, "reports": time.perf_counter() - t_reports}
    info = SummaryInput(
        versions=[v.number for v in versions],
        exit_code=exit_code,
        target=target,
        message=message,
        notes=notes,
        phase_times=phase_times,
        report_href=report_href,
        started=started.isoformat(timespec="seconds"),
        duration=duration,
    )
    md, js = write_summary(results, reports, info, link)
    leaks = scan_for_identity_numbers(reports)
    if leaks:
        # Our own masking failed somewhere: the reports must not be published, and the gate must not pass.
        exit_code = EXIT_BROKEN
        message = f"unmasked personnummer in {len(leaks)} place(s) under {reports}, e.g. {leaks[0]}"
        info.exit_code, info.message = exit_code, message
        info.notes = [*notes, message]
        md, js = write_summary(results, reports, info, link)
    return GateOutcome(exit_code, md, js, reports, message, results, phase_times, html_path, notes, target)


def _scenario_uuids(allure_dir: Path, results: list[CheckResult]) -> dict[int, str]:
    """Map scenario results to the Allure files allure-pytest-bdd wrote (by name and version), for deep links."""
    by_key: dict[tuple[str, str | None], str] = {}
    if not allure_dir.is_dir():
        return {}
    for path in allure_dir.glob("*-result.json"):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, OSError):
            continue
        params = {p.get("name"): p.get("value") for p in data.get("parameters", []) if isinstance(p, dict)}
        version = params.get("version")
        name = str(data.get("name", ""))
        by_key.setdefault(
            (name, str(version).strip("'\"") if version is not None else None), str(data.get("uuid"))
        )
    out = {}
    for r in results:
        if r.phase != "scenarios":
            continue
        for key in ((r.name, r.version), (r.name.replace("<version>", r.version or ""), r.version)):
            if key in by_key:
                out[id(r)] = by_key[key]
                break
    return out


def command_gate(args: argparse.Namespace) -> int:
    """The CLI's `gate`: options from argparse, one verdict line on stdout, the exit code."""
    opts = GateOptions(
        target=args.target,
        versions=args.versions,
        reports_dir=Path(args.reports),
        examples=args.examples,
        seed=getattr(args, "seed", None),
        baseline=args.baseline,
        consumers=args.consumers,
        wait=float(args.wait or 0),
        quiet=args.quiet,
        faults=list(args.fault or []),
        cert=getattr(args, "cert", None),
        key=getattr(args, "key", None),
        ca=getattr(args, "ca", None),
        fixtures=Path(args.fixtures) if getattr(args, "fixtures", None) else None,
    )
    outcome = run_gate(opts)
    print(f"{outcome.verdict}: {outcome.message}")
    if outcome.summary_path:
        print(f"summary: {outcome.summary_path}")
    if outcome.html_report:
        print(f"report:  {outcome.html_report}")
    return outcome.exit_code
