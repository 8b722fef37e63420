"""Paths are the user's, relative to where the user stands; Ctrl-C keeps the last complete report until a new
one is whole, and an interrupted run writes what it has, marked interrupted, and exits 130."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lefi_contracts.contracts import default_contracts_dir
from lefi_contracts.gate import GateOptions, run_gate
from lefi_contracts.report.html import project_root


def _summary(folder: Path) -> dict:
    return json.loads((folder / "summary.json").read_text(encoding="utf-8"))


def test_relative_reports_and_fixtures_are_the_callers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(default_contracts_dir() / "fixtures" / "reference-provider.yaml", tmp_path / "mine.yaml")
    monkeypatch.chdir(tmp_path)
    before = set(project_root().iterdir())
    outcome = run_gate(
        GateOptions(
            reports_dir=Path("out/reports"),
            fixtures=Path("mine.yaml"),
            versions="9",
            phases=["scenarios", "validation"],
            quiet=True,
            html=False,
        )
    )
    assert outcome.exit_code == 0, outcome.message
    assert outcome.reports_dir == tmp_path / "out" / "reports"
    data = _summary(tmp_path / "out" / "reports")
    assert data["verdict"] == "held" and data["phases"]["scenarios"]["9"]["passed"] > 0
    assert list((tmp_path / "out" / "reports" / "allure-results").glob("*-result.json"))
    assert set(project_root().iterdir()) == before  # nothing written into the checkout
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["reports"]  # no staging folder left behind


def test_ctrl_c_keeps_the_last_complete_report_and_marks_the_partial_one(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    first = run_gate(
        GateOptions(reports_dir=reports, versions="9", phases=["compat"], quiet=True, html=False)
    )
    assert first.exit_code == 0
    complete = (reports / "summary.json").read_bytes()
    cmd = [sys.executable, "-m", "lefi_contracts.cli", "gate", "--versions", "8,9", "--examples", "5"]
    cmd += ["--reports", str(reports), "--quiet"]
    proc = subprocess.Popen(
        cmd, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:  # interrupt in the middle of the scenarios
        partial = [p for p in tmp_path.glob(".reports.partial-*/scenarios.ndjson") if p.stat().st_size > 0]
        if partial:
            break
        time.sleep(0.2)
    assert partial, "the scenario phase never started"
    os.killpg(proc.pid, signal.SIGINT)  # as Ctrl-C in a terminal: the whole process group
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, out + err[-2000:]
    assert "Traceback" not in err
    assert (reports / "summary.json").read_bytes() == complete  # the last complete report, untouched
    interrupted = tmp_path / "reports.interrupted"
    data = _summary(interrupted)
    assert data["interrupted"] is True and data["verdict"] == "interrupted" and data["exit_code"] == 130
    assert "Interrupted" in (interrupted / "summary.md").read_text(encoding="utf-8")
    assert (interrupted / "results.ndjson").is_file()
    assert not list(tmp_path.glob(".reports.*"))  # no staging folder left behind


def test_contracts_folder_is_honoured_relative_to_the_caller(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lefi_contracts.errors import UsageError

    shutil.copytree(default_contracts_dir(), tmp_path / "my-contracts")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UsageError, match="no-such-folder"):
        run_gate(GateOptions(contracts=Path("no-such-folder"), reports_dir=Path("r0"), quiet=True))
    # a copy whose registry serves version 9 at another base path: the probe asks there, so the target
    # (which serves the real one) does not serve it: the gate used the given registry, not the default one
    registry_file = tmp_path / "my-contracts" / "versions.yaml"
    text = registry_file.read_text(encoding="utf-8")
    assert "/lefi-extern-formansinformation/v9" in text
    registry_file.write_text(
        text.replace("/lefi-extern-formansinformation/v9", "/elsewhere/v9"), encoding="utf-8"
    )
    outcome = run_gate(
        GateOptions(
            contracts=Path("my-contracts"),
            versions="9",
            phases=["compat"],
            reports_dir=Path("r1"),
            quiet=True,
            html=False,
        )
    )
    assert outcome.exit_code == 1
    assert any(r.phase == "target" and "/elsewhere/v9" in r.message for r in outcome.results), [
        (r.phase, r.message) for r in outcome.results
    ]
