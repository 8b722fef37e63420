"""The gate against a target without the /_lefi test endpoints (the reference provider behind a proxy that hides
them, as a real deployment looks): it finishes every phase, writes every report and gives one verdict; the
behaviours that need test control are listed as not verified on this target (exit 0), or fail with --strict."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from lefi_contracts.contracts import default_contracts_dir
from lefi_contracts.gate import GateOptions, run_gate
from lefi_contracts.provider import ProviderConfig, running_provider

from .proxykit import hiding_proxy

FIXTURES = default_contracts_dir() / "fixtures" / "reference-provider.yaml"
NEEDS_CONTROL = {"Underhållsfönster", "Utlämnarnas tillstånd"}  # features with @test_control scenarios


@pytest.fixture(scope="module")
def foreign(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("foreign") / "lefi.sqlite"
    with running_provider(ProviderConfig(db_path=db)) as upstream, hiding_proxy(upstream) as url:
        assert httpx.get(f"{url}/_lefi/catalogue").status_code == 404
        yield url


def test_every_phase_runs_every_report_is_written_and_one_verdict(foreign: str, tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    cmd = [sys.executable, "-m", "lefi_contracts.cli", "gate", "--target", foreign, "--versions", "8,9"]
    cmd += [
        "--fixtures",
        str(FIXTURES),
        "--examples",
        "5",
        "--seed",
        "7",
        "--reports",
        str(reports),
        "--quiet",
    ]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    assert "Traceback" not in run.stderr and "not verified on this target" in run.stdout
    data = json.loads((reports / "summary.json").read_text(encoding="utf-8"))
    assert data["verdict"] == "held" and data["counts"]["broken"] == 0
    assert set(data["phases"]) >= {"compat", "scenarios", "validation", "fuzz", "consumers"}
    unverified = {row["behaviour"]: set(row["versions"]) for row in data["not_verified"]}
    # the tagged features, and any other scenario that sets the clock (it skips when it asks for control)
    assert set(unverified) >= NEEDS_CONTROL and all(unverified[b] == {"8", "9"} for b in NEEDS_CONTROL)
    text = (reports / "summary.md").read_text(encoding="utf-8")
    assert "## Not verified on this target" in text and all(b in text for b in NEEDS_CONTROL)
    assert (reports / "junit" / "lefi-gate.xml").is_file()
    assert list((reports / "allure-results").glob("*-result.json"))
    assert (reports / "results.ndjson").read_text(encoding="utf-8").count("\n") == sum(
        data["counts"].values()
    )


def test_strict_makes_the_not_verified_behaviours_fail(foreign: str, tmp_path: Path) -> None:
    outcome = run_gate(
        GateOptions(
            target=foreign,
            fixtures=FIXTURES,
            versions="9",
            phases=["scenarios"],
            strict=True,
            reports_dir=tmp_path,
            quiet=True,
            html=False,
        )
    )
    assert outcome.exit_code == 1 and "--strict" in outcome.message
    assert {r.behaviour for r in outcome.not_verified} >= NEEDS_CONTROL


def test_without_fixtures_the_parts_that_need_them_are_broken_and_say_which_option(
    foreign: str, tmp_path: Path
) -> None:
    outcome = run_gate(
        GateOptions(
            target=foreign,
            versions="9",
            phases=["validation", "compat"],
            reports_dir=tmp_path,
            quiet=True,
            html=False,
        )
    )
    assert outcome.exit_code == 1
    broken = [r for r in outcome.results if r.status == "broken"]
    assert broken and all(r.phase == "validation" for r in broken)
    assert "--fixtures" in broken[0].message and "--lefi-fixtures" not in broken[0].message
    assert any(r.phase == "compat" and r.status == "passed" for r in outcome.results)  # the rest still ran
    assert json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))["verdict"] == "broken"
