"""A plain scenario run with Allure (outside the gate, which masks again) writes no personnummer anywhere.

The Allure results come from our own writer (lefi_contracts.report.bdd_allure, `--lefi-allure-dir`): no pytest
Allure plugin is loaded."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from lefi_contracts.report.masking import scan_for_identity_numbers

ROOT = Path(__file__).resolve().parents[1]


def test_allure_results_of_a_scenario_run_hold_no_personnummer(tmp_path: Path) -> None:
    results = tmp_path / "allure-results"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "steps", "-p", "no:allure_pytest", "-p", "no:allure_pytest_bdd",
         "-p", "lefi_contracts.report.bdd_plugin", f"--lefi-allure-dir={results}", "--lefi-version", "8"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, env=env,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-3000:]
    files = list(results.glob("*"))
    assert len(files) > 20  # results and their masked request/response attachments
    assert scan_for_identity_numbers(results) == []
