"""The report writers of a run as subscribers of its one ResultStream (as schemathesis' event handlers):
`start()` before the first result, `handle(result)` for each, `shutdown(end)` once the verdict is known.

The gate uses them all (GateReports); fuzz and verify-consumer can take the ones they need. The NDJSON writer
writes as results come, so an interrupted run still has every result it produced.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

from lefi_contracts.personnummer import mask_text
from lefi_contracts.report.allure import mark_waived, write_allure_results, write_environment
from lefi_contracts.report.html import build_html_report, result_link
from lefi_contracts.report.junit import write_junit
from lefi_contracts.report.masking import mask_files, scan_for_identity_numbers
from lefi_contracts.report.matrix_svg import write_matrix_attachment
from lefi_contracts.report.summary import SummaryInput, write_summary
from lefi_contracts.results import CheckResult, ResultStream


@dataclass
class RunEnd:
    """What the writers learn at the end: the summary's facts and the texts the run wrote itself."""

    info: SummaryInput
    environment: dict[str, str] = field(default_factory=dict)
    own_texts: Sequence[str] = ()


class ResultHandler(Protocol):
    def start(self) -> None: ...
    def handle(self, result: CheckResult) -> None: ...
    def shutdown(self, end: RunEnd) -> None: ...


class _Collecting:
    def __init__(self) -> None:
        self.results: list[CheckResult] = []

    def start(self) -> None:
        self.results = []

    def handle(self, result: CheckResult) -> None:
        self.results.append(result)


class NdjsonWriter(_Collecting):
    """results.ndjson, one line a result, flushed as it comes."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self._fh: IO[str] | None = None

    def start(self) -> None:
        super().start()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = self.path.open("w", encoding="utf-8")

    def handle(self, result: CheckResult) -> None:
        super().handle(result)
        if self._fh is not None:
            self._fh.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
            self._fh.flush()

    def shutdown(self, end: RunEnd) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


class AllureWriter(_Collecting):
    """allure-results/: ours, beside the files allure-pytest-bdd wrote for the scenarios (masked again here)."""

    def __init__(
        self, folder: Path, *, written_elsewhere: Sequence[str] = ("scenarios",), mask_existing: bool = True
    ) -> None:
        """mask_existing=False: the files already there were masked by the run that wrote them (merging jobs'
        folders); masking our own files again would mangle hex ids that look like numbers."""
        super().__init__()
        self.folder = folder
        self.written_elsewhere = set(written_elsewhere)
        self.mask_existing = mask_existing
        self.uuids: dict[int, str] = {}

    def shutdown(self, end: RunEnd) -> None:
        if self.mask_existing:
            mask_files(self.folder)  # allure-pytest-bdd writes step arguments verbatim
        ours = [r for r in self.results if r.phase not in self.written_elsewhere]
        self.uuids = write_allure_results(ours, self.folder)
        theirs = scenario_uuids(self.folder, self.results)
        self.uuids.update(theirs)
        waived = [r for r in self.results if r.status == "waived" and id(r) in theirs]
        if waived:  # a waiver accepted a failure whose file the scenario run wrote: say so there too
            files = result_files(self.folder)
            for r in waived:
                if theirs[id(r)] in files:
                    mark_waived(files[theirs[id(r)]], r)
        write_environment(self.folder, end.environment)
        write_matrix_attachment(self.results, end.info.versions, self.folder)


class JunitWriter(_Collecting):
    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    def shutdown(self, end: RunEnd) -> None:
        write_junit(self.results, self.folder)


class HtmlWriter:
    """allure-report/index.html (single file) from the Allure results; a missing tool is a note, not a failure."""

    def __init__(self, allure: AllureWriter, folder: Path, history: Path | None = None) -> None:
        self.allure, self.folder, self.history = allure, folder, history
        self.path: Path | None = None
        self.note: str | None = None

    def start(self) -> None:
        pass

    def handle(self, result: CheckResult) -> None:
        pass

    def shutdown(self, end: RunEnd) -> None:
        html = build_html_report(self.allure.folder, self.folder, history=self.history or True)
        self.path, self.note = html.path, html.note
        if html.note:
            end.info.notes.append(html.note)

    def link(self, r: CheckResult) -> str | None:
        if self.path is None:
            return None
        href = f"{self.folder.name}/index.html"
        uuid = self.allure.uuids.get(id(r))
        return result_link(href, uuid) if uuid else href


class SummaryWriter(_Collecting):
    """summary.md and summary.json; then the last line of defence, the identity-number scan of every file."""

    def __init__(self, folder: Path, html: HtmlWriter | None) -> None:
        super().__init__()
        self.folder, self.html = folder, html
        self.md: Path | None = None
        self.json: Path | None = None
        self.leaks: list[str] = []

    def shutdown(self, end: RunEnd) -> None:
        link = self.html.link if self.html is not None else (lambda r: None)
        info = end.info
        info.report_href = f"{self.html.folder.name}/index.html" if self.html and self.html.path else None
        self.md, self.json = write_summary(self.results, self.folder, info, link)
        self.leaks = [str(leak) for leak in scan_for_identity_numbers(self.folder, ours=end.own_texts)]
        if self.leaks:
            # Our own masking failed somewhere: the reports must not be published, and the gate must not pass.
            info.exit_code = 1
            info.message = f"unmasked personnummer in {len(self.leaks)} place(s), e.g. {self.leaks[0]}"
            info.notes = [*info.notes, info.message]
            self.md, self.json = write_summary(self.results, self.folder, info, link)


class GateReports:
    """Every report of a gate run into one folder, in the order they depend on each other."""

    def __init__(
        self,
        folder: Path,
        *,
        html: bool = True,
        history: Path | None = None,
        allure_written_elsewhere: Sequence[str] = ("scenarios",),
        allure_masked: bool = False,
    ) -> None:
        """history: the Allure history file (trend across runs); it lives beside the final report, not in a
        staging folder that is swapped in at the end. allure_written_elsewhere: the phases whose Allure files
        are already in the folder (the scenarios' plugin; every phase when merging jobs' folders), and
        allure_masked whether those were masked already (a job's own writer did it)."""
        self.folder = folder
        self.allure = AllureWriter(
            folder / "allure-results",
            written_elsewhere=allure_written_elsewhere,
            mask_existing=not allure_masked,
        )
        self.html = HtmlWriter(self.allure, folder / "allure-report", history) if html else None
        self.summary = SummaryWriter(folder, self.html)
        self.handlers: list[ResultHandler] = [
            NdjsonWriter(folder / "results.ndjson"),
            self.allure,
            JunitWriter(folder / "junit"),
            *([self.html] if self.html else []),
            self.summary,
        ]

    def attach(self, stream: ResultStream) -> None:
        for h in self.handlers:
            h.start()
            stream.subscribe(h.handle)

    def shutdown(self, end: RunEnd) -> None:
        """Every writer gets its turn: one that breaks is a note in the reports after it, never a traceback
        that leaves the rest unwritten (the gate never fails on its own output)."""
        for h in self.handlers:
            try:
                h.shutdown(end)
            except Exception as exc:  # a writer's bug must not cost the other reports
                note = f"report writer {type(h).__name__} failed: {type(exc).__name__}: {exc}"
                end.info.notes.append(mask_text(note))
                print(f"lefi-contracts: {mask_text(note)}", file=sys.stderr)


def result_files(allure_dir: Path) -> dict[str, Path]:
    """uuid -> result file (allure-python names its files by a fresh uuid, not the result's own)."""
    out: dict[str, Path] = {}
    for path in allure_dir.glob("*-result.json"):
        try:
            out[str(json.loads(path.read_text(encoding="utf-8")).get("uuid"))] = path
        except (ValueError, OSError, AttributeError):
            continue
    return out


def scenario_uuids(allure_dir: Path, results: Sequence[CheckResult]) -> dict[int, str]:
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
        key = (str(data.get("name", "")), str(version).strip("'\"") if version is not None else None)
        by_key.setdefault(key, str(data.get("uuid")))
    out = {}
    for r in results:
        if r.phase != "scenarios":
            continue
        for key in ((r.name, r.version), (r.name.replace("<version>", r.version or ""), r.version)):
            if key in by_key:
                out[id(r)] = by_key[key]
                break
    return out
