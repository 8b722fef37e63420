"""The release gate: every check against one target, one verdict, one set of reports.

Flow: check the options (exit 2) -> probe the target (exit 3 before anything runs when it is down or in its
maintenance window) -> the phases in order (`phases.PHASES`: compat, scenarios, validation, fuzz, consumers,
regression), each yielding results into one ResultStream -> the report writers subscribed to it (report/) ->
one verdict (`verdict.decide`). A phase that cannot run is a broken result saying why, never a skip; a phase
that ran no check for a version is never held. The library returns a GateOutcome; `cli/gate.py` prints it.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Generator
from pathlib import Path

from lefi_contracts.client.transport import RateLimiter, TlsConfig
from lefi_contracts.contracts import Registry, load_registry
from lefi_contracts.contracts import registry as default_registry
from lefi_contracts.errors import TargetUnavailable
from lefi_contracts.gate.context import RunContext, broken
from lefi_contracts.gate.folder import ReportFolder
from lefi_contracts.gate.options import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_UNAVAILABLE,
    GateOptions,
    GateOutcome,
    check_options,
    resolve_paths,
    select_versions,
)
from lefi_contracts.gate.parallel import WorkerPool
from lefi_contracts.gate.phases import PHASES, load_phase
from lefi_contracts.gate.probe import parse_retry_after, wait_until_available
from lefi_contracts.gate.schedule import PhaseSchedule
from lefi_contracts.gate.verdict import decide, missing_checks
from lefi_contracts.progress import Progress
from lefi_contracts.report.html import history_file
from lefi_contracts.report.run_reports import GateReports, RunEnd
from lefi_contracts.report.summary import SummaryInput
from lefi_contracts.results import CheckResult, PhaseName, ResultStream
from lefi_contracts.target import target_or_embedded
from lefi_contracts.waivers import RunWaivers, waivers_for

__all__ = ["GateOptions", "GateOutcome", "parse_retry_after", "run_gate"]


def phase_results(ctx: RunContext, name: PhaseName) -> Generator[CheckResult, None, None]:
    """One phase's results; whatever goes wrong in it is a broken result, and the gate goes on."""
    selected = ctx.options.phases
    if selected is not None and name not in selected:
        return
    with ctx.timed(name):
        try:
            phase = load_phase(name)
        except ImportError as exc:
            yield broken(name, None, f"the {name} phase cannot be imported: {exc}")
            return
        reason = phase.skip_reason(ctx)
        if reason is not None:
            if selected is not None:  # asked for by name: not running is not a skip
                yield broken(name, None, f"the {name} phase cannot run: {reason}")
            else:
                ctx.note(f"{name}: not run, {reason}")
            return
        mine: list[CheckResult] = []
        try:
            owed = [v for v in ctx.versions if phase.applies_to(ctx, v)]
            for result in phase.run(ctx):
                mine.append(result)
                yield result
        except Exception as exc:  # a bug or a hostile answer in one part must not hide the others' verdicts
            ctx.progress.end_phase("could not finish")
            yield broken(name, None, f"{exc.__class__.__name__}: {exc}")
            return
        yield from missing_checks(name, owed, mine)


def _registry(opts: GateOptions, given: Registry | None) -> Registry:
    if given is not None:
        return given
    return load_registry(opts.contracts) if opts.contracts else default_registry()


def run_waivers(path: Path | None, reg: Registry) -> RunWaivers:
    """The run's waivers (a bad file: exit 2 now, before anything runs); a waiver ends with its retired version."""
    return RunWaivers(
        waivers_for(path, reg.root), retired={v.number for v in reg.versions.values() if not v.served}
    )


def run_gate(opts: GateOptions, registry: Registry | None = None) -> GateOutcome:
    """Run the gate; returns the outcome (reports written). Usage errors raise UsageError (exit 2) before
    anything runs; after that every problem is a result, and the run always ends with reports and one verdict."""
    opts = resolve_paths(opts, Path.cwd())
    check_options(opts, [str(p) for p in PHASES])
    reg = _registry(opts, registry)
    versions = select_versions(reg, opts.versions)
    tls = TlsConfig.from_options(opts.cert, opts.key, opts.ca)
    waivers = run_waivers(opts.waivers, reg)
    limiter = RateLimiter(opts.rate_limit) if opts.rate_limit is not None else None
    pool = WorkerPool(opts.workers)
    progress = Progress(quiet=opts.quiet, stream=opts.progress_stream)
    stream = ResultStream(transform=waivers)
    stream.subscribe(progress.on_result)
    folder = ReportFolder(opts.reports_dir)
    reports = GateReports(
        folder.staging, html=opts.html, history=history_file(opts.reports_dir / "allure-report")
    )
    started, t0 = dt.datetime.now().astimezone(), time.perf_counter()
    exit_code, message, shown_target = EXIT_OK, "", opts.target or "embedded reference provider"
    ctx: RunContext | None = None
    interrupted = False
    reports.attach(stream)
    try:
        with target_or_embedded(opts.target, faults=opts.faults, now=opts.provider_now, own_process=True) as (
            target,
            embedded,
        ):
            shown_target = target if not embedded else f"embedded reference provider ({target})"
            ctx = RunContext(
                opts,
                reg,
                versions,
                target,
                embedded,
                tls,
                stream,
                progress,
                folder.staging,
                limiter=limiter,
                pool=pool,
            )
            ctx.waivers = waivers
            if opts.faults:
                ctx.notes.append(f"embedded provider started with fault(s): {', '.join(opts.faults)}")
            with ctx.timed("probe"):
                missing = wait_until_available(
                    target, versions, wait=opts.wait, timeout=opts.probe_timeout, tls=tls, progress=progress
                )
            for text in missing:
                stream.emit(CheckResult(phase="target", name="version served", status="failed", message=text))
            PhaseSchedule(ctx, PHASES, phase_results).execute()
    except TargetUnavailable as exc:
        exit_code, message = EXIT_UNAVAILABLE, str(exc)
    except KeyboardInterrupt:
        interrupted = True
    except BaseException:
        folder.discard()
        raise
    finally:
        pool.shutdown(wait=not interrupted)
    results = list(stream)
    if interrupted:
        exit_code, message = EXIT_INTERRUPTED, f"interrupted after {len(results)} checks: no verdict"
    elif exit_code == EXIT_OK:
        exit_code, message = decide(results, versions, strict=opts.strict, stale_waivers=len(waivers.stale))
    notes = list(ctx.notes) if ctx else []
    notes += [f"stale waiver: {w.label} matched no failure in this run" for w in waivers.stale]
    phase_times = dict(ctx.phase_times) if ctx else {}
    info = SummaryInput(
        versions=[v.number for v in versions],
        exit_code=exit_code,
        target=shown_target,
        message=message,
        notes=notes,
        phase_times=phase_times,
        started=started.isoformat(timespec="seconds"),
        duration=time.perf_counter() - t0,
        interrupted=interrupted,
        strict=opts.strict,
        waivers=waivers.summary_lines(),
        waivers_json=waivers.to_json(),
    )
    environment = {
        "target": shown_target,
        "versions": ",".join(info.versions),
        "examples": str(opts.examples),
    }
    t_reports = time.perf_counter()
    reports.shutdown(RunEnd(info, environment, own_texts=ctx.own_texts if ctx else ()))
    phase_times["reports"] = time.perf_counter() - t_reports
    final = folder.keep_interrupted() if interrupted else folder.commit()
    html = final / "allure-report" / "index.html" if reports.html and reports.html.path else None
    outcome = GateOutcome(
        info.exit_code,
        final / "summary.md",
        final / "summary.json",
        final,
        info.message,
        results,
        phase_times,
        html,
        info.notes,
        shown_target,
    )
    return outcome  # the verdict is printed once, by the caller (cli/gate.py)
