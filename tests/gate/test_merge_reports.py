"""merge-reports: the report folders of per-version gate runs (CI matrix jobs) give the verdict and the counts of
one run of all versions; a job that did not reach a verdict decides the merged one; bad input is exit 2."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from lefi_contracts.cli import main
from lefi_contracts.gate import GateOptions, run_gate
from lefi_contracts.report.merge import merge_reports

pytest.importorskip("lefi_contracts.provider")


def _gate(versions: str, reports: Path) -> dict:
    run_gate(GateOptions(versions=versions, reports_dir=reports, examples=2, seed=7, quiet=True, html=False))
    return json.loads((reports / "summary.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("matrix")
    for versions in ("8", "9", "8,9"):
        _gate(versions, root / versions.replace(",", "-"))
    return {"8": root / "8", "9": root / "9", "all": root / "8-9"}


def test_per_version_jobs_merge_into_the_verdict_and_counts_of_one_run(
    runs: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "merged"
    assert main(["merge-reports", str(runs["8"]), str(runs["9"]), "--reports", str(out), "--no-html"]) == 0
    one = json.loads((runs["all"] / "summary.json").read_text(encoding="utf-8"))
    merged = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert one["verdict"] == "held"
    for key in ("verdict", "exit_code", "versions", "counts", "phases", "matrix", "not_verified"):
        assert merged[key] == one[key], key
    for name in ("summary.md", "summary.html", "matrix.svg", "results.ndjson"):
        assert (out / name).is_file(), name
    assert list((out / "junit").glob("*.xml"))
    # Every job's Allure result file is in the merged folder as the job wrote it (Allure merges natively;
    # the masking pass may re-serialise it).
    for job in (runs["8"], runs["9"]):
        for path in (job / "allure-results").glob("*-result.json"):
            merged_file = json.loads((out / "allure-results" / path.name).read_text(encoding="utf-8"))
            assert merged_file == json.loads(path.read_text(encoding="utf-8"))
    lines = (out / "results.ndjson").read_text(encoding="utf-8").splitlines()
    assert len(lines) == sum(merged["counts"].values())


def _job_copy(src: Path, dest: Path, **changes: object) -> Path:
    shutil.copytree(src, dest)
    summary = json.loads((dest / "summary.json").read_text(encoding="utf-8"))
    summary.update(changes)
    (dest / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    return dest


def test_an_unavailable_job_makes_the_merged_verdict_unavailable(
    runs: dict[str, Path], tmp_path: Path
) -> None:
    down = tmp_path / "job9"
    shutil.copytree(runs["9"], down)
    (down / "results.ndjson").write_text("", encoding="utf-8")
    _job_copy(
        down, tmp_path / "down", exit_code=3, message="the target is in its maintenance window until 18:00"
    )
    out = merge_reports([runs["8"], tmp_path / "down"], tmp_path / "merged", html=False)
    assert out.exit_code == 3 and "maintenance window until 18:00" in out.message
    merged = json.loads((tmp_path / "merged" / "summary.json").read_text(encoding="utf-8"))
    assert merged["verdict"] == "target unavailable" and merged["versions"] == ["8", "9"]


def test_an_interrupted_job_means_no_merged_verdict(runs: dict[str, Path], tmp_path: Path) -> None:
    job = _job_copy(runs["9"], tmp_path / "cut", interrupted=True, exit_code=130, message="interrupted")
    out = merge_reports([runs["8"], job], tmp_path / "merged", html=False)
    assert out.exit_code == 130 and "interrupted" in out.message


def test_a_version_no_job_ran_a_check_for_is_broken(runs: dict[str, Path], tmp_path: Path) -> None:
    job = _job_copy(runs["9"], tmp_path / "empty")
    (job / "results.ndjson").write_text("", encoding="utf-8")
    out = merge_reports([runs["8"], job], tmp_path / "merged", html=False)
    assert out.exit_code == 1
    assert any(r.name == "no job ran a check for version 9" for r in out.results)


def test_a_failed_check_in_one_job_breaks_the_merged_verdict(runs: dict[str, Path], tmp_path: Path) -> None:
    job = _job_copy(runs["9"], tmp_path / "bad")
    lines = (job / "results.ndjson").read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    first["status"] = "failed"
    lines[0] = json.dumps(first)
    (job / "results.ndjson").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = merge_reports([runs["8"], job], tmp_path / "merged", html=False)
    assert out.exit_code == 1 and "1 of" in out.message


@pytest.mark.parametrize(
    "make",
    [
        lambda d: None,  # an empty folder
        lambda d: (d / "summary.json").write_text("{not json", encoding="utf-8"),
        lambda d: (
            (d / "summary.json").write_text('{"exit_code": 0, "versions": ["9"]}', encoding="utf-8"),
            (d / "results.ndjson").write_text('{"phase": "nonsense"}\n', encoding="utf-8"),
        ),
    ],
    ids=["empty", "bad-json", "bad-result"],
)
def test_a_folder_that_is_not_a_gate_report_is_exit_2_with_one_line(make, tmp_path: Path, capsys) -> None:
    folder = tmp_path / "job"
    folder.mkdir()
    make(folder)
    assert main(["merge-reports", str(folder), "--reports", str(tmp_path / "out"), "--no-html"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not a gate report" in err[0]
    assert not (tmp_path / "out" / "summary.json").exists()
