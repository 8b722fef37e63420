"""One report from the report folders of several gate runs (CI matrix jobs, one a version): the CI system is
the distributed engine, this is its reduce step.

Each job's results.ndjson (every CheckResult) and summary.json (versions, target, notes, exit code) are read
back; the verdict is decided again with the gate's own rules (gate/verdict.py) over all results, and every
report is written through the gate's own writers (report/run_reports.py). The jobs' Allure result folders are
copied in as they are (Allure merges result folders natively). A job that was unavailable or interrupted makes
the merged verdict say so: a matrix with a hole in it is never "held".
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lefi_contracts.contracts import Registry
from lefi_contracts.errors import UsageError
from lefi_contracts.results import Attachment, CheckResult, PhaseName, ResultStream

EXIT_OK, EXIT_BROKEN, EXIT_UNAVAILABLE, EXIT_INTERRUPTED = 0, 1, 3, 130
# Allure files a gate job writes for the whole run; the merged report writes its own instead.
RUN_WIDE_ALLURE = ("environment.properties", "categories.json")


@dataclass
class JobReport:
    """One gate run's report folder, read back."""

    folder: Path
    versions: list[str]
    exit_code: int
    message: str
    target: str
    interrupted: bool
    strict: bool
    notes: list[str]
    results: list[CheckResult] = field(default_factory=list)


def _result(data: dict[str, Any]) -> CheckResult:
    atts = [Attachment(**a) for a in data.get("attachments") or []]
    return CheckResult(**{**data, "attachments": atts})


def read_job(folder: Path) -> JobReport:
    """A gate report folder read back; anything that is not one is a UsageError (one line, exit 2)."""
    summary, ndjson = folder / "summary.json", folder / "results.ndjson"
    if not folder.is_dir():
        raise UsageError(f"{folder}: no such folder")
    if not summary.is_file() or not ndjson.is_file():
        raise UsageError(f"{folder} is not a gate report folder (it needs summary.json and results.ndjson)")
    try:
        info = json.loads(summary.read_text(encoding="utf-8"))
        if not isinstance(info, dict) or "exit_code" not in info or "versions" not in info:
            raise ValueError("no exit_code or versions")
        results = []
        for n, line in enumerate(ndjson.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    results.append(_result(json.loads(line)))
                except (TypeError, ValueError) as exc:
                    raise ValueError(f"results.ndjson line {n}: {exc}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise UsageError(f"{folder} is not a gate report folder: {exc}") from None
    return JobReport(
        folder=folder,
        versions=[str(v) for v in info["versions"]],
        exit_code=int(info["exit_code"]),
        message=str(info.get("message", "")),
        target=str(info.get("target", "")),
        interrupted=bool(info.get("interrupted", False)),
        strict=bool(info.get("strict", False)),
        notes=[str(n) for n in info.get("notes", [])],
        results=results,
    )


def merged_versions(jobs: Sequence[JobReport], order: Sequence[str]) -> list[str]:
    """Every job's versions once, in the registry's order (unknown ones after, as the jobs name them)."""
    seen = list(dict.fromkeys(v for job in jobs for v in job.versions))
    rank = {v: i for i, v in enumerate(order)}
    return sorted(seen, key=lambda v: (rank.get(v, len(rank)), seen.index(v)))


def merged_results(jobs: Sequence[JobReport], versions: Sequence[str]) -> list[CheckResult]:
    """The jobs' results in the order one run of all versions emits them: by phase (the gate's order), then by
    version, then as the job produced them. A version-less result every job produced alike (the same check of
    the whole run) is kept once."""
    phases = [str(p) for p in PhaseName]
    vrank = {v: i for i, v in enumerate(versions)}
    seen: set[tuple[str, str, str, str]] = set()
    keyed = []
    for j, job in enumerate(jobs):
        for n, r in enumerate(job.results):
            if r.version is None:
                key = (str(r.phase), r.name, r.status, r.message)
                if key in seen:
                    continue
                seen.add(key)
            phase = phases.index(str(r.phase)) if str(r.phase) in phases else len(phases)
            keyed.append(((phase, vrank.get(r.version or "", -1), j, n), r))
    return [r for _, r in sorted(keyed, key=lambda kr: kr[0])]


def job_verdict(jobs: Sequence[JobReport]) -> tuple[int, str] | None:
    """A job that did not reach a verdict of its own decides the merged one: interrupted, then unavailable."""
    for job in jobs:
        if job.interrupted or job.exit_code == EXIT_INTERRUPTED:
            return EXIT_INTERRUPTED, f"job {job.folder} was interrupted: no verdict ({job.message})"
    for job in jobs:
        if job.exit_code == EXIT_UNAVAILABLE:
            return EXIT_UNAVAILABLE, f"job {job.folder} (versions {', '.join(job.versions)}): {job.message}"
    return None


def copy_allure_results(jobs: Sequence[JobReport], into: Path) -> None:
    """Every job's allure-results into one folder (file names are uuids, distinct across jobs)."""
    into.mkdir(parents=True, exist_ok=True)
    for job in jobs:
        src = job.folder / "allure-results"
        if not src.is_dir():
            continue
        for path in src.iterdir():
            if (
                path.is_file()
                and path.name not in RUN_WIDE_ALLURE
                and not path.name.endswith("-globals.json")
            ):
                shutil.copy2(path, into / path.name)


def stream_of(results: Sequence[CheckResult]) -> ResultStream:
    stream = ResultStream()
    stream.extend(results)
    return stream


@dataclass
class MergeOutcome:
    """What the merged report says; the CLI turns it into text and an exit code."""

    exit_code: int
    message: str
    reports_dir: Path
    versions: list[str]
    results: list[CheckResult]
    notes: list[str]
    html_report: Path | None = None


def uncovered_versions(versions: Sequence[str], results: Sequence[CheckResult]) -> list[CheckResult]:
    """A broken result for each version no job ran a check for (each job applied the per-phase rule itself)."""
    from lefi_contracts.gate.verdict import RAN

    out = []
    for v in versions:
        if not any(r.version == v and r.status in RAN for r in results):
            out.append(
                CheckResult(
                    phase=PhaseName.GATE,
                    name=f"no job ran a check for version {v}",
                    status="broken",
                    version=v,
                    behaviour=str(PhaseName.GATE),
                    message=f"no merged job ran a check for version {v}: it cannot be held",
                )
            )
    return out


def merge_reports(
    folders: Sequence[Path],
    out: Path,
    *,
    strict: bool | None = None,
    html: bool = True,
    registry: Registry | None = None,
) -> MergeOutcome:
    """Read every job's report, decide one verdict, write one set of reports into `out` (swapped in whole).
    strict None: --strict if any job ran with it."""
    import time

    from lefi_contracts.contracts import registry as default_registry
    from lefi_contracts.contracts import version_sort_key
    from lefi_contracts.gate.folder import ReportFolder
    from lefi_contracts.gate.verdict import decide
    from lefi_contracts.report.html import history_file
    from lefi_contracts.report.run_reports import GateReports, RunEnd
    from lefi_contracts.report.summary import SummaryInput

    if not folders:
        raise UsageError("merge-reports needs at least one gate report folder")
    t0 = time.perf_counter()
    jobs = [read_job(Path(f)) for f in folders]
    reg = registry if registry is not None else default_registry()
    numbers = merged_versions(jobs, sorted(reg.versions, key=version_sort_key))
    infos = [reg.get(n) for n in numbers]  # UsageError for a version these contracts do not know
    results = merged_results(jobs, numbers)
    results += uncovered_versions(numbers, results)
    strict = any(j.strict for j in jobs) if strict is None else strict
    decided = job_verdict(jobs) or decide(results, infos, strict=strict)
    exit_code, message = decided
    if exit_code == EXIT_OK:
        said_broken = [j for j in jobs if j.exit_code == EXIT_BROKEN]
        if said_broken:  # e.g. a job's identity-number scan: its results alone do not show it
            exit_code, message = (
                EXIT_BROKEN,
                f"job {said_broken[0].folder} was broken: {said_broken[0].message}",
            )
    notes = list(dict.fromkeys(n for j in jobs for n in j.notes))
    notes.append(
        f"merged from {len(jobs)} gate run(s): "
        + "; ".join(f"{j.folder.name} (v{', v'.join(j.versions)}: exit {j.exit_code})" for j in jobs)
    )
    targets = list(dict.fromkeys(j.target for j in jobs if j.target))
    folder = ReportFolder(out)
    copy_allure_results(jobs, folder.staging / "allure-results")
    reports = GateReports(
        folder.staging,
        html=html,
        history=history_file(out / "allure-report"),
        allure_written_elsewhere=[str(p) for p in PhaseName],
        allure_masked=True,  # each job masked its own; the identity scan still reads every file
    )
    info = SummaryInput(
        versions=numbers,
        exit_code=exit_code,
        target=" + ".join(targets) or "unknown",
        message=message,
        notes=notes,
        interrupted=exit_code == EXIT_INTERRUPTED,
        strict=strict,
        duration=0.0,
    )
    stream = ResultStream()
    reports.attach(stream)
    stream.extend(results)
    info.duration = time.perf_counter() - t0
    environment = {"target": info.target, "versions": ",".join(numbers), "merged jobs": str(len(jobs))}
    reports.shutdown(RunEnd(info, environment))
    final = folder.commit()
    page = final / "allure-report" / "index.html" if reports.html and reports.html.path else None
    return MergeOutcome(info.exit_code, info.message, final, numbers, results, info.notes, page)
