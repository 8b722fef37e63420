"""What the gate was asked to do, checked before anything runs (a mistake is a usage error, exit 2), and what it
answers. Every path the user gave is made absolute against the caller's directory here, once: the scenario run
is a subprocess in another directory, and a relative path there would name another file."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from lefi_contracts.contracts import Registry, VersionInfo
from lefi_contracts.errors import UsageError
from lefi_contracts.results import NOT_VERIFIED, CheckResult

EXIT_OK, EXIT_BROKEN, EXIT_USAGE, EXIT_UNAVAILABLE, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
VERDICTS = {0: "held", 1: "broken", 2: "usage error", 3: "target unavailable", 130: "interrupted"}


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
    contracts: Path | None = (
        None  # the contracts folder (default: the registry the caller gives, or the default)
    )
    strict: bool = False  # behaviours not verifiable on this target, and stale waivers, fail the gate
    waivers: Path | None = (
        None  # accepted failures (lefi_contracts.waivers); default <contracts>/waivers.yaml
    )
    phases: Sequence[str] | None = None  # a subset of the phase names (tests, benchmarks); None = all
    html: bool = True
    provider_now: dt.datetime | None = None  # embedded provider only: fix its clock (demos, tests)
    progress_stream: TextIO | None = None
    probe_timeout: float = 5.0
    workers: int = 4  # parts of the read-only phases in flight at once against the target (gate/parallel.py)
    rate_limit: float | None = None  # requests a second to the target, over every worker (None: no limit)
    compat_cache: bool = True  # reuse compat results of unchanged contracts (compat/cache.py; --no-cache)


@dataclass
class GateOutcome:
    """What a run found; the CLI turns it into text and an exit code."""

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
        return VERDICTS.get(self.exit_code, "unknown")

    @property
    def not_verified(self) -> list[CheckResult]:
        return [r for r in self.results if r.status == NOT_VERIFIED]


def _absolute(path: Path | str | None, cwd: Path) -> Path | None:
    if path is None or str(path) == "":
        return None
    p = Path(path).expanduser()
    return p if p.is_absolute() else cwd / p


def resolve_paths(opts: GateOptions, cwd: Path) -> GateOptions:
    """The options with every user path made absolute against `cwd` (the caller's directory)."""

    def text(value: str | None) -> str | None:
        path = _absolute(value, cwd)
        return str(path) if path is not None else None

    return dataclasses.replace(
        opts,
        reports_dir=_absolute(opts.reports_dir, cwd) or cwd / "reports",
        consumers=_absolute(opts.consumers, cwd),
        fixtures=_absolute(opts.fixtures, cwd),
        contracts=_absolute(opts.contracts, cwd),
        waivers=_absolute(opts.waivers, cwd),
        cert=text(opts.cert),
        key=text(opts.key),
        ca=text(opts.ca),
    )


def select_versions(reg: Registry, versions: str | Sequence[str] | None) -> list[VersionInfo]:
    if versions is None or versions == "" or versions == []:
        return [v for v in reg.served() if v.status in ("active", "deprecated")]
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


def check_options(opts: GateOptions, known_phases: Sequence[str]) -> None:
    if opts.faults and opts.target:
        raise UsageError(
            "--fault switches on a fault in the embedded provider; it cannot be used with --target"
        )
    for name, url in (("--target", opts.target), ("--baseline", opts.baseline)):
        if url and not url.startswith(("http://", "https://")):
            raise UsageError(f"{name} {url!r} is not an http(s) URL")
    if opts.examples < 1:
        raise UsageError("--examples must be at least 1")
    if opts.workers < 1:
        raise UsageError("--workers must be at least 1")
    if opts.rate_limit is not None and not (0 < opts.rate_limit < float("inf")):
        raise UsageError("--rate-limit must be a positive number of requests a second")
    if opts.wait < 0:
        raise UsageError("--wait must not be negative")
    if opts.consumers is not None and not opts.consumers.is_dir():
        raise UsageError(f"--consumers {opts.consumers}: no such folder")
    if opts.fixtures is not None and not opts.fixtures.is_file():
        raise UsageError(f"fixture catalogue {opts.fixtures} does not exist")
    if opts.contracts is not None and not opts.contracts.is_dir():
        raise UsageError(f"--contracts {opts.contracts}: no such folder")
    unknown = set(opts.phases or ()) - set(known_phases)
    if unknown:
        raise UsageError(f"unknown phase(s) {', '.join(sorted(unknown))}; known: {', '.join(known_phases)}")
    if opts.phases is not None and "regression" in opts.phases and not opts.baseline:
        raise UsageError("the regression phase compares against a baseline: give --baseline URL")
    if bool(opts.cert) != bool(opts.key):
        raise UsageError("--cert and --key go together")
