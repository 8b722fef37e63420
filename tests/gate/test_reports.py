"""The report writers: Allure, JUnit, summary and the masking scan, all from one stream of results."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from lxml import etree

from lefi_contracts.personnummer import make
from lefi_contracts.progress import Progress
from lefi_contracts.report import (
    SummaryInput,
    scan_for_identity_numbers,
    strip_tracking,
    write_allure_results,
    write_junit,
    write_summary,
)
from lefi_contracts.report.allure import history_id
from lefi_contracts.results import Attachment, CheckResult

PNR = make(__import__("datetime").date(1981, 12, 18), 987)


def _results() -> list[CheckResult]:
    return [
        CheckResult(
            "scenarios", "FSJP after cut-off", "passed", version="7", behaviour="Förebyggande sjukpenning"
        ),
        CheckResult(
            "scenarios",
            "FSJP after cut-off",
            "failed",
            version="6",
            behaviour="Förebyggande sjukpenning",
            message=f"leaked for {PNR}",
            attachments=[Attachment("response", f"<personnummer>{PNR}</personnummer>", "application/xml")],
        ),
        CheckResult(
            "compat", "v7 -> v8", "passed", version="8", behaviour="contract compatibility", message="ok"
        ),
        CheckResult(
            "fuzz", "POST /soap", "broken", version="6", behaviour="fuzzing", message="could not run"
        ),
        CheckResult("fuzz", "POST /soap", "skipped", version="5", behaviour="fuzzing"),
    ]


def test_allure_results_are_one_file_per_result_with_stable_history(tmp_path: Path) -> None:
    results = _results()
    uuids = write_allure_results(results, tmp_path)
    files = sorted(tmp_path.glob("*-result.json"))
    assert len(files) == len(results) == len(set(uuids.values()))
    bodies = [json.loads(f.read_text(encoding="utf-8")) for f in files]
    by_version = {next(p["value"] for p in b["parameters"] if p["name"] == "version"): b for b in bodies}
    assert {"5", "6", "7", "8"} <= set(by_version)
    failed = next(b for b in bodies if b["status"] == "failed")
    assert PNR not in json.dumps(failed) and "19811218-****" in failed["statusDetails"]["message"]
    labels = {(label["name"], label["value"]) for label in failed["labels"]}
    assert ("feature", "Förebyggande sjukpenning") in labels and ("parentSuite", "v6") in labels
    att = tmp_path / failed["attachments"][0]["source"]
    assert att.is_file() and PNR not in att.read_text(encoding="utf-8")
    # historyId: same (phase, version, name) -> same id across runs; another version -> another id
    again = CheckResult("scenarios", "FSJP after cut-off", "passed", version="6")
    assert history_id(again) == failed["historyId"]
    assert by_version["7"]["historyId"] != failed["historyId"]


def test_junit_has_one_suite_per_phase_and_agrees_with_the_stream(tmp_path: Path) -> None:
    path = write_junit(_results(), tmp_path)
    root = etree.parse(str(path)).getroot()
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"scenarios", "compat", "fuzz"}
    assert suites["scenarios"].get("failures") == "1" and suites["scenarios"].get("tests") == "2"
    assert suites["fuzz"].get("errors") == "1" and suites["fuzz"].get("skipped") == "1"
    assert root.get("tests") == "5"
    assert PNR not in path.read_text(encoding="utf-8")


def test_summary_matrix_names_the_broken_behaviour_and_version(tmp_path: Path) -> None:
    info = SummaryInput(
        versions=["5", "6", "7", "8"], exit_code=1, target="http://x", report_href="r/index.html"
    )
    md, js = write_summary(_results(), tmp_path, info, link=lambda r: f"r/index.html#/{r.version}")
    text = md.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| Förebyggande sjukpenning"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[1] == "–" and cells[2].startswith("[✘ 1/1](r/index.html#/6)") and cells[3].startswith("[✔")
    assert "**Förebyggande sjukpenning** in **v6**" in text
    data = json.loads(js.read_text(encoding="utf-8"))
    assert data["verdict"] == "broken" and data["matrix"]["Förebyggande sjukpenning"]["6"] == "broken"
    assert {(b["behaviour"], b["version"]) for b in data["broken"]} == {
        ("Förebyggande sjukpenning", "6"),
        ("fuzzing", "6"),
    }
    assert PNR not in text and PNR not in js.read_text(encoding="utf-8")


def test_masking_scan_finds_a_planted_number_and_ignores_masked_ones(tmp_path: Path) -> None:
    write_allure_results(_results(), tmp_path / "allure-results")
    assert scan_for_identity_numbers(tmp_path) == []
    (tmp_path / "leak.txt").write_text(f"ok\nraw {PNR} here\n", encoding="utf-8")
    leaks = scan_for_identity_numbers(tmp_path)
    assert [(leak.path.name, leak.line) for leak in leaks] == [("leak.txt", 2)]
    # UUIDs and hex digests are ids, not people
    (tmp_path / "leak.txt").write_text(
        "bbb6012203370f1a04599654a16882c9 19811218-4321-4abc-8def-0123456789ab\n"
    )
    assert scan_for_identity_numbers(tmp_path) == []


def test_gtm_script_is_stripped() -> None:
    html = (
        '<head><script async src="https://www.googletagmanager.com/gtag/js?id=G-X"></script>\n'
        "<script>\n  window.dataLayer = window.dataLayer || [];\n  gtag('js', new Date());\n</script>\n"
        "<script>keep()</script></head>"
    )
    out = strip_tracking(html)
    assert "googletagmanager" not in out and "dataLayer" not in out and "<script>keep()</script>" in out


def test_progress_is_plain_when_not_a_terminal_and_silent_when_quiet() -> None:
    buf = io.StringIO()
    p = Progress(stream=buf)
    p.start_phase("scenarios", "8", total=2)
    p.on_result(CheckResult("scenarios", "a", "passed", version="8"))
    p.on_result(CheckResult("scenarios", "b", "failed", version="8"))
    p.end_phase()
    p.note("Node missing")
    p.note("Node missing")
    out = buf.getvalue()
    assert "\033[" not in out and "\r" not in out
    assert "v8 scenarios" in out and " 2 checks, 1 failed" in out and out.count("Node missing") == 1
    quiet = io.StringIO()
    q = Progress(stream=quiet, quiet=True)
    q.start_phase("fuzz", "9")
    q.end_phase()
    q.verdict(0, "held")
    assert quiet.getvalue() == ""


@pytest.mark.parametrize("status", ["passed", "failed"])
def test_summary_verdict_follows_exit_code(tmp_path: Path, status: str) -> None:
    r = [CheckResult("validation", "x", status, version="9", behaviour="valid")]  # type: ignore[arg-type]
    code = 1 if status == "failed" else 0
    _, js = write_summary(r, tmp_path, SummaryInput(versions=["9"], exit_code=code, target="t"))
    assert json.loads(js.read_text())["verdict"] == ("broken" if code else "held")
