"""The parts of the reports a person reads: the matrix picture, compat pages, fuzz counts, progress, CI files."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from lefi_contracts.progress import Progress
from lefi_contracts.report import SummaryInput, write_summary
from lefi_contracts.report.behaviours import behaviour_of, failure_kind
from lefi_contracts.report.ci_summary import rewrite
from lefi_contracts.report.compat_pages import render_page
from lefi_contracts.report.contract_review import changed_versions, for_comment
from lefi_contracts.report.fuzz_summary import display_name, fuzz_lines, status_classes
from lefi_contracts.report.matrix import STATES, build_matrix
from lefi_contracts.report.matrix_svg import COLOURS, render_svg
from lefi_contracts.results import Attachment, CheckResult

ROOT = Path(__file__).resolve().parents[2]
CI = ROOT / "examples" / "ci"
SVG = "{http://www.w3.org/2000/svg}"
VERSIONS = ["5", "6", "7", "8", "9"]


def _every_state() -> list[CheckResult]:
    """One row that shows every state across the versions, plus ordinary rows."""
    fsjp = {"feature_tags": "forebyggande_sjukpenning"}
    return [
        CheckResult("scenarios", "a", "passed", version="5", behaviour="Förebyggande sjukpenning", parameters=fsjp),
        CheckResult("scenarios", "a", "failed", version="6", behaviour="Förebyggande sjukpenning", parameters=fsjp),
        CheckResult("scenarios", "a", "not verified", version="7", behaviour="Förebyggande sjukpenning", parameters=fsjp),
        CheckResult("scenarios", "a", "waived", version="8", behaviour="Förebyggande sjukpenning", parameters=fsjp),
        CheckResult("validation", "p: x", "passed", version="5", behaviour="every response valid against its contract"),
        CheckResult("scenarios", "k", "passed", version="9", behaviour="Every answer holds to its version's contract",
                    parameters={"feature_tags": "kontrakt"}),
        CheckResult("fuzz", "fuzz fuzz POST /x: lefi_contract_valid", "passed", version="9",
                    behaviour="lefi_contract_valid", parameters={"check": "lefi_contract_valid", "operation": "POST /x"}),
        CheckResult("fuzz", "fuzz fuzz POST /x: lefi_agency_not_ok_no_data", "passed", version="9",
                    behaviour="lefi_agency_not_ok_no_data",
                    parameters={"check": "lefi_agency_not_ok_no_data", "operation": "POST /x"}),
        CheckResult("compat", "v8 -> v9", "passed", version="9", behaviour="differences from earlier versions",
                    message="1 breaking, 0 potentially breaking, 3 compatible (information)"),
    ]  # fmt: skip


def test_rows_are_named_by_behaviour_whichever_phase_checked_it() -> None:
    grid = build_matrix(_every_state(), VERSIONS)
    titles = [row.title for row in grid.rows]
    # validation, the kontrakt feature and the fuzz contract check share one row; fuzz check ids are never rows
    assert titles.count("Every answer holds to its version's contract") == 1
    assert (
        not any(t.startswith("lefi_") for t in titles)
        and "every response valid against its contract" not in titles
    )
    assert "Utlämnarnas tillstånd" in titles  # lefi_agency_not_ok_no_data joins the utlämnare behaviour
    states = grid.states()
    assert states["Förebyggande sjukpenning"] == {
        "5": "held", "6": "broken", "7": "not verified", "8": "waived", "9": "not applicable",
    }  # fmt: skip
    assert states["Differences from earlier versions"]["9"] == "information"  # never ✔ for a breaking diff


def test_matrix_svg_is_valid_svg_with_one_coloured_cell_per_version_and_behaviour() -> None:
    grid = build_matrix(_every_state(), VERSIONS)
    text = render_svg(grid, lambda r: f"report.html#{r.version}")
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == f"{SVG}svg" and float(root.get("width", 0)) > 0 and root.get("viewBox")
    cells = [el for el in root.iter(f"{SVG}rect") if el.get("class") == "cell"]
    assert len(cells) == len(grid.rows) * len(VERSIONS)
    assert {(c.get("data-behaviour"), c.get("data-version")) for c in cells} == {
        (row.title, v) for row in grid.rows for v in VERSIONS
    }
    for c in cells:
        assert c.get("fill") == COLOURS[str(c.get("data-state"))][0]
    assert {c.get("data-state") for c in cells} == set(STATES)  # all six states drawn, each its colour
    assert len({COLOURS[s][0] for s in STATES}) == len(STATES)
    links = [a for a in root.iter(f"{SVG}a")]
    assert links and all(
        a.get("{http://www.w3.org/1999/xlink}href", "").startswith("report.html#") for a in links
    )


def test_summary_embeds_the_picture_and_shows_information_as_information(tmp_path: Path) -> None:
    info = SummaryInput(versions=VERSIONS, exit_code=1, target="t", report_href="r/index.html")
    md, _ = write_summary(_every_state(), tmp_path, info, link=lambda r: "r/index.html#/x")
    text = md.read_text(encoding="utf-8")
    assert "![version × behaviour](matrix.svg)" in text
    row = next(ln for ln in text.splitlines() if ln.startswith("| Differences from earlier versions"))
    assert "ℹ 1 breaking, 3 compatible" in row and "✔" not in row
    page = (tmp_path / "summary.html").read_text(encoding="utf-8")
    assert "<svg" in page and 'class="cell"' in page and "<script" not in page
    ET.fromstring((tmp_path / "matrix.svg").read_bytes())


def test_compat_page_shows_rule_path_and_the_witness_highlighted(tmp_path: Path) -> None:
    doc = {
        "old": "8", "new": "9", "reader": "tolerant",
        "findings": [{
            "rule": "request-field-became-required", "verdict": "breaking", "direction": "request",
            "operation": "hamtaFormansinformation", "old_path": "body /fraga/anvandare",
            "new_path": "body /fraga/anvandare", "message": "anvandare is now required",
            "witness": '<fraga xmlns="urn:x"><aktorsId>0</aktorsId><anvandare/></fraga>',
            "witness_note": "valid for old, rejected by new", "waiver": None, "note": None,
        }],
    }  # fmt: skip
    r = CheckResult(
        "compat", "contract of record -> served by the target", "failed", version="9",
        behaviour="contract compatibility", message="1 breaking",
        attachments=[Attachment("findings", "text"), Attachment("findings.json", json.dumps(doc), "application/json")],
    )  # fmt: skip
    page = render_page(r)
    assert "request-field-became-required" in page and "body /fraga/anvandare" in page
    assert "valid for old, rejected by new" in page
    assert "background-color" in page  # the witness line of the element the finding is about is marked
    assert "<span" in page and "&lt;aktorsId" not in page.split("witness", 1)[0]
    from lxml import html as lxml_html

    assert lxml_html.fromstring(page).xpath("//table//tr")  # parses as HTML


def test_fuzz_results_are_counted_and_named_once() -> None:
    params = {"check": "lefi_payment_arithmetic", "operation": "POST /v9/fraga", "kind": "fuzz",
              "cases": "32", "statuses": "200=29 400=2 500=1", "failing_cases": "1"}  # fmt: skip
    ok = CheckResult("fuzz", "fuzz fuzz POST /v9/fraga: lefi_payment_arithmetic", "passed", version="9",
                     parameters=params)  # fmt: skip
    bad = CheckResult(
        "fuzz", "fuzz fuzz POST /v9/fraga: lefi_no_server_error", "failed", version="9",
        message="1 of 32 cases: HTTP 500", reproducer="replay exactly:\n  lefi-contracts fuzz --seed 3",
        parameters={**params, "check": "lefi_no_server_error"},
    )  # fmt: skip
    assert display_name(ok) == "lefi_payment_arithmetic · POST /v9/fraga"
    assert "fuzz fuzz" not in display_name(CheckResult("fuzz", "fuzz fuzz POST /x", "passed"))
    assert status_classes("200=29 400=2 HTTP-400=1 500=1 FELAKTIGA_INDATA=4") == {
        "2xx": 29, "4xx": 3, "5xx": 1, "FELAKTIGA_INDATA": 4,
    }  # fmt: skip
    lines = fuzz_lines([ok, bad], lambda r: None)
    assert "| v9 | POST /v9/fraga | 32 | 29 | 2 | 1 | – | 2 | ✘ 1 |" in lines
    assert any("lefi-contracts fuzz --seed 3" in ln for ln in lines)
    assert failure_kind(bad) == "fuzz finding" and behaviour_of(bad).id == "robustness"


def test_progress_moves_while_a_phase_runs_on_a_terminal() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Tty()
    p = Progress(stream=out)
    p.start_phase("scenarios", "5,9")
    for _ in range(3):
        p.on_result(CheckResult("scenarios", "a", "passed", version="5"))
    p.on_result(CheckResult("scenarios", "b", "failed", version="9"))
    during = out.getvalue()
    p.end_phase()
    after = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out.getvalue()[len(during) :])
    assert "v5 scenarios" in during and "v9 scenarios" in during  # a bar per version while it runs
    assert "3/?" in during and "1/?" in during  # counts, not 0 until the end
    assert "3 checks, 0 failed" in after and "1 checks, 1 failed" in after


def test_planned_total_not_reached_is_not_shown_as_unfinished() -> None:
    out = io.StringIO()
    p = Progress(stream=out)
    p.start_phase("compat", "9", total=5)
    p.on_result(CheckResult("compat", "a", "passed", version="9"))
    p.on_result(CheckResult("compat", "b", "passed", version="9"))
    p.end_phase()
    assert "2/5" not in out.getvalue() and " 2 checks, 0 failed" in out.getvalue()


def test_ci_summary_links_open_or_become_text() -> None:
    md = "HTML report: [r](allure-report/index.html#/ab)\n\n![m](matrix.svg)\n[ext](https://x/y) [a](#top)\n"
    published = rewrite(md, base="https://o.github.io/r", artifact="https://a/1")
    assert "(https://o.github.io/r/allure-report/index.html#/ab)" in published
    assert (
        "(https://x/y)" in published and "(#top)" in published and published.startswith("[published report]")
    )
    plain = rewrite(md, artifact="https://a/1")
    assert "allure-report/index.html" not in plain and "matrix.svg" not in plain and "(https://a/1)" in plain


def test_contract_review_finds_changed_versions(tmp_path: Path) -> None:
    base, head = tmp_path / "base", tmp_path / "head"
    shutil.copytree(ROOT / "contracts", base)
    shutil.copytree(ROOT / "contracts", head)
    assert changed_versions(base, head) == []
    xsd = head / "v8" / "lefi-online-v8.xsd"
    xsd.write_text(
        xsd.read_text(encoding="utf-8").replace('minOccurs="0"', 'minOccurs="1"', 1), encoding="utf-8"
    )
    ((name, old, new),) = changed_versions(base, head)
    assert name == "v8" and old is not None and old.suffix == ".wsdl" and new.parent == head / "v8"
    assert len(for_comment("x\n" * 40000, limit=1000)) < 1200


def _workflow_scripts(doc: dict[str, object]) -> list[str]:
    return [
        str(step["run"])
        for job in doc["jobs"].values()  # type: ignore[attr-defined]
        for step in job.get("steps", [])
        if "run" in step
    ]


def test_github_workflows_pass_secrets_and_inputs_through_the_environment() -> None:
    gate = yaml.safe_load((CI / "github-actions.yml").read_text(encoding="utf-8"))
    assert gate["permissions"]["checks"] == "write"
    scripts = _workflow_scripts(gate)
    assert all("${{" not in s for s in scripts), "an expression is interpolated into a script"
    gate_step = next(s for s in scripts if "tasks.py gate" in s)
    assert all(flag in gate_step for flag in ("--cert", "--key", "--ca", '"$LEFI_TARGET"'))
    assert "LEFI_CERT" not in (CI / "github-actions.yml").read_text(encoding="utf-8")
    node = next(
        s for j in gate["jobs"].values() for s in j.get("steps", []) if "setup-node" in str(s.get("uses", ""))
    )
    major, minor, *_ = (int(x) for x in str(node["with"]["node-version"]).split("."))
    assert (major, minor) >= (20, 19)
    review = yaml.safe_load((CI / "github-contract-review.yml").read_text(encoding="utf-8"))
    assert all("${{" not in s for s in _workflow_scripts(review))
    assert any("contract_review" in s for s in _workflow_scripts(review))
    assert any("gh pr comment" in s for s in _workflow_scripts(review))


def _check_jsonschema() -> Path:
    exe = Path(sys.executable).with_name("check-jsonschema")
    if not exe.is_file():
        pytest.skip("check-jsonschema is not installed (pip install -e '.[dev]'): CI files unchecked")
    return exe


@pytest.mark.parametrize(
    ("schema", "name"),
    [
        ("vendor.github-workflows", "github-actions.yml"),
        ("vendor.github-workflows", "github-contract-review.yml"),
        ("vendor.gitlab-ci", "gitlab-ci.yml"),
        ("vendor.github-workflows", "github-actions-matrix.yml"),
        ("vendor.gitlab-ci", "gitlab-ci-matrix.yml"),
    ],
)
def test_ci_files_pass_their_schema(schema: str, name: str) -> None:
    proc = subprocess.run(
        [str(_check_jsonschema()), "--builtin-schema", schema, str(CI / name)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_unavailable_target_verdict_is_said_once_without_repeating_itself(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    from lefi_contracts.cli import main

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = main(["gate", "--target", f"http://127.0.0.1:{port}", "--reports", str(tmp_path), "--quiet"])
    out, err = capsys.readouterr()
    assert code == 3
    assert out.count("target unavailable") == 1 and "target unavailable: target unavailable" not in out + err
    assert "gate:" not in err  # the verdict is the CLI's one line, not printed again by the library
