"""The reports of real gate runs, read as a person would: labels per version, the tree, and the trend of two runs.

Two consecutive gate runs against the embedded provider into one reports folder: the first with scenarios,
validation and fuzzing for versions 5 and 9, the second (validation only) appends to the same history.
"""

from __future__ import annotations

import collections
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import html as lxml_html

from lefi_contracts.gate import GateOptions, run_gate
from lefi_contracts.report.html import find_allure, history_file

VERSIONS = ("5", "9")
CHROMIUM = next(
    (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None
)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed: the browser checks of the HTML report are skipped"
)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("two-runs")
    reports = root / "reports"
    first = run_gate(
        GateOptions(
            reports_dir=reports,
            versions=",".join(VERSIONS),
            phases=["scenarios", "validation", "fuzz"],
            examples=2,
            seed=7,
            quiet=True,
        )
    )
    assert first.exit_code == 0, first.message
    shutil.copytree(reports / "allure-results", root / "first-results")
    shutil.copy(reports / "results.ndjson", root / "first-results.ndjson")
    if first.html_report is not None:
        shutil.copy(first.html_report, root / "first-report.html")
    second = run_gate(
        GateOptions(reports_dir=reports, versions=",".join(VERSIONS), phases=["validation"], quiet=True)
    )
    assert second.exit_code == 0, second.message
    return {"root": root, "reports": reports}


def _allure(folder: Path) -> list[dict[str, object]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*-result.json"))]


def _labels(body: dict[str, object]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = collections.defaultdict(list)
    for label in body["labels"]:  # type: ignore[attr-defined]
        out[label["name"]].append(label["value"])
    return out


def test_every_result_has_version_suite_and_tags(runs: dict[str, Path]) -> None:
    bodies = _allure(runs["root"] / "first-results")
    records = [
        json.loads(line)
        for line in (runs["root"] / "first-results.ndjson").read_text(encoding="utf-8").splitlines()
    ]
    assert len(bodies) == len(records) > 100
    per_version: collections.Counter[str] = collections.Counter()
    scenarios: collections.Counter[str] = collections.Counter()
    for body in bodies:
        labels = _labels(body)
        (parent,) = labels["parentSuite"]
        assert parent in {f"v{v}" for v in VERSIONS} | {"all versions"}, body["name"]
        assert labels["suite"] and labels["suite"][0].strip(), body["name"]
        assert labels["subSuite"] in (["scenarios"], ["validation"], ["fuzz"]), body["name"]
        assert parent in labels["tag"] and labels["subSuite"][0] in labels["tag"], body["name"]
        assert len(labels["tag"]) >= 3, body["name"]  # version, behaviour, phase
        assert labels["failureKind"], body["name"]
        per_version[parent] += 1
        if labels["framework"] == ["pytest-bdd"]:
            scenarios[parent] += 1
            assert labels["feature"][0] == labels["suite"][0]  # the feature's own name is the row
    # the scenario results (written by allure-pytest-bdd) sit under their version, not under "features"
    expected = collections.Counter(
        f"v{r['version']}" if r["version"] else "all versions" for r in records if r["phase"] == "scenarios"
    )
    assert scenarios == expected and scenarios["v5"] > 10
    assert per_version == collections.Counter(
        f"v{r['version']}" if r["version"] else "all versions" for r in records
    )


def test_release_note_behaviours_link_to_the_note_and_the_contract(runs: dict[str, Path]) -> None:
    bodies = _allure(runs["root"] / "first-results")
    fsjp = [b for b in bodies if "forebyggande_sjukpenning" in _labels(b)["tag"]]
    assert fsjp, "no result tagged forebyggande_sjukpenning"
    for body in fsjp:
        names = {link["name"] for link in body["links"]}  # type: ignore[attr-defined]
        assert "release note 2024-05-19" in names
        version = _labels(body)["parentSuite"][0]
        assert f"{version} contract" in names


def _dom(url: str, tmp_path: Path) -> lxml_html.HtmlElement:
    cmd = [
        str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--no-first-run", "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path}",
        "--virtual-time-budget=15000", "--dump-dom", url,
    ]  # fmt: skip
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=180).stdout
    assert out.strip(), "Chromium returned no DOM"
    return lxml_html.fromstring(out)


def _needs_report(path: Path) -> None:
    if find_allure() is None or not path.is_file():
        pytest.skip("Allure 3 is not installed in .tools (npm ci --prefix .tools): no HTML report to open")


@needs_chromium
def test_report_tree_reads_per_version(runs: dict[str, Path], tmp_path: Path) -> None:
    report = runs["root"] / "first-report.html"
    _needs_report(report)
    dom = _dom(report.as_uri(), tmp_path)
    top = {}
    for section in dom.xpath("//*[@data-tree-node-id]"):
        title = section.xpath('.//*[@data-testid="tree-section-title"]')
        if title:
            name = title[0].text_content().strip()
            top[name] = section.text_content().strip()[len(name) :].strip()
    assert {"v5", "v9"} <= set(top) and "features" not in top, top
    bodies = _allure(runs["root"] / "first-results")
    v5 = sum(_labels(b)["parentSuite"] == ["v5"] for b in bodies)
    assert top["v5"].startswith(str(v5)), (top["v5"], v5)


@needs_chromium
def test_history_of_two_runs_is_a_trend_with_two_points(runs: dict[str, Path], tmp_path: Path) -> None:
    report = runs["reports"] / "allure-report" / "index.html"
    _needs_report(report)
    history = history_file(report.parent)
    assert len(history.read_text(encoding="utf-8").splitlines()) == 2
    dom = _dom(report.as_uri() + "#charts", tmp_path)
    (widget,) = dom.xpath(
        '//*[contains(@class, "widget")][.//*[normalize-space(text())="Status dynamics"]]'
        '[not(.//*[contains(@class, "widget")])]'
    )
    ticks = [t.text_content() for t in widget.xpath(".//svg//text[contains(@transform, 'rotate(45)')]")]
    assert len(ticks) == 2 and ticks[-1] == "Latest", ticks
