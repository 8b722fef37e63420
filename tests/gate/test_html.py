"""The single-file Allure 3 report: built from our results, no tracking script, and it renders in a browser."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from lefi_contracts.report import build_html_report, write_allure_results
from lefi_contracts.report.html import find_allure
from lefi_contracts.results import CheckResult

CHROMIUM = next(
    (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None
)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if find_allure() is None:
        pytest.skip(
            "Allure 3 is not installed in .tools (npm install --prefix .tools allure@3): HTML report untested"
        )
    root = tmp_path_factory.mktemp("html")
    results = [
        CheckResult(
            "validation", "forebyggande-efter-brytdatum: valid", "passed", version="8", behaviour="valid"
        ),
        CheckResult(
            "fuzz", "POST /lefi-online/v6/soap", "failed", version="6", behaviour="fuzz", message="boom"
        ),
    ]
    write_allure_results(results, root / "allure-results")
    built = build_html_report(
        root / "allure-results", root / "allure-report", name="gate test", install=False
    )
    assert built.note is None and built.path is not None
    return built.path


def test_single_file_report_without_tracking(report: Path) -> None:
    files = sorted(p.name for p in report.parent.iterdir())
    assert "index.html" in files and not any(p.suffix == ".js" for p in report.parent.iterdir())
    html = report.read_text(encoding="utf-8")
    assert "googletagmanager" not in html and "dataLayer" not in html


@pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed: the browser check of the HTML report is skipped"
)
def test_report_opens_in_headless_chromium_and_shows_the_results(report: Path, tmp_path: Path) -> None:
    cmd = [
        str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--no-first-run", "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path}",
        "--virtual-time-budget=15000", "--dump-dom", report.as_uri(),
    ]  # fmt: skip
    dom = subprocess.run(cmd, capture_output=True, text=True, timeout=120).stdout
    assert "gate test" in dom
    assert "POST /lefi-online/v6/soap [v6]" in dom  # the failed result, in the tree the app drew


def test_report_builds_from_relative_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`lefi-contracts gate --reports reports` passes relative folders; Allure runs in another cwd."""
    if find_allure() is None:
        pytest.skip("Allure 3 is not installed in .tools: HTML report untested")
    monkeypatch.chdir(tmp_path)
    write_allure_results([CheckResult("validation", "x", "passed", version="8")], Path("r/allure-results"))
    built = build_html_report(Path("r/allure-results"), Path("r/allure-report"), install=False)
    assert built.note is None and built.path is not None and built.path.is_file()
