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


def test_the_masking_pass_leaves_ids_and_digests_whole(tmp_path: Path) -> None:
    """A hex historyId or a uuid may hold a run of digits shaped like a personnummer: masking it would break the
    result's link to its history, and it is no person. The same digits as text are masked."""
    import json as _json

    from lefi_contracts.report.masking import mask_files

    digest = "5d1fc2101244733e9e07f0d1c0ffee42"  # holds 2101244733, a valid-looking ten-digit number
    uuid = "0b3cfe70-1111-4222-8333-197407021234"
    doc = {"historyId": digest, "uuid": uuid, "name": "person 7407021234 asked"}
    (tmp_path / "x-result.json").write_text(_json.dumps(doc), encoding="utf-8")
    mask_files(tmp_path)
    after = _json.loads((tmp_path / "x-result.json").read_text(encoding="utf-8"))
    assert after["historyId"] == digest and after["uuid"] == uuid
    assert "7407021234" not in after["name"]
