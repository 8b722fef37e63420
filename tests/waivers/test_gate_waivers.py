"""Waivers through the gate: a named provider fault waived is exit 0 and shows as waived in every report; the
same waiver expired is exit 1 saying so; a stale waiver is listed (and fails under --strict); a bad file is exit 2
with one line before anything runs."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from lefi_contracts.gate import GateOptions, GateOutcome, run_gate

FAULT = "netto-mismatch"  # breaks "Effektuerade utbetalningar add up" (tests/test_fault_matrix.py)
BEHAVIOUR = "Effektuerade utbetalningar*"


def _waivers(tmp_path: Path, expires: dt.date, *, stale: bool = False) -> Path:
    entries = [
        {
            "phase": "scenarios",
            "versions": ["9"],
            "behaviour": BEHAVIOUR,
            "reason": "netto is off by rounding; fixed in the next provider release",
            "reference": "LEFI-42",
            "expires": expires.isoformat(),
        }
    ]
    if stale:
        entries.append(
            {"phase": "fuzz", "check": "no-such-check", "reason": "long fixed", "reference": "LEFI-7",
             "expires": "2099-01-01"}
        )  # fmt: skip
    path = tmp_path / "waivers.yaml"
    path.write_text(json.dumps({"waivers": entries}), encoding="utf-8")  # JSON is YAML
    return path


def _gate(tmp_path: Path, waivers: Path, **extra: object) -> GateOutcome:
    return run_gate(
        GateOptions(
            reports_dir=tmp_path / "reports",
            quiet=True,
            versions="9",
            faults=[FAULT],
            phases=["scenarios"],
            waivers=waivers,
            html=False,
            **extra,  # type: ignore[arg-type]
        )
    )


def test_a_waived_fault_holds_and_is_shown_as_waived_everywhere(tmp_path: Path) -> None:
    outcome = _gate(tmp_path, _waivers(tmp_path, dt.date.today() + dt.timedelta(days=30)))
    assert outcome.exit_code == 0, outcome.message
    waived = [r for r in outcome.results if r.status == "waived"]
    assert waived and all(r.waiver and r.waiver["reference"] == "LEFI-42" for r in waived)
    reports = tmp_path / "reports"
    summary = json.loads((reports / "summary.json").read_text(encoding="utf-8"))
    assert summary["verdict"] == "held" and summary["counts"]["waived"] == len(waived)
    assert summary["waivers"][0]["days_left"] == 30 and not summary["waivers"][0]["stale"]
    text = (reports / "summary.md").read_text(encoding="utf-8")
    assert "## Waivers" in text and "LEFI-42" in text and "⚑" in text
    junit = etree.parse(str(reports / "junit" / "lefi-gate.xml"))
    skipped = junit.xpath("//testcase/skipped[starts-with(@message, 'waived: ')]")
    assert len(skipped) == len(waived) and "LEFI-42" in skipped[0].get("message")
    allure = [json.loads(p.read_text()) for p in (reports / "allure-results").glob("*-result.json")]
    marked = [a for a in allure if {"name": "tag", "value": "waived"} in a.get("labels", [])]
    assert len(marked) == len(waived)
    assert all(a["status"] == "skipped" and any(ln["name"] == "LEFI-42" for ln in a["links"]) for a in marked)


def test_the_same_waiver_expired_fails_the_gate_saying_so(tmp_path: Path) -> None:
    yesterday = dt.date.today() - dt.timedelta(days=1)
    outcome = _gate(tmp_path, _waivers(tmp_path, yesterday))
    assert outcome.exit_code == 1
    failed = [r for r in outcome.results if r.failed]
    assert failed and all(r.message.startswith(f"waiver LEFI-42 expired on {yesterday}") for r in failed)
    summary = json.loads((tmp_path / "reports" / "summary.json").read_text(encoding="utf-8"))
    assert summary["waivers"][0]["state"] == "expired"


def test_a_stale_waiver_is_listed_and_fails_only_under_strict(tmp_path: Path) -> None:
    waivers = _waivers(tmp_path, dt.date.today() + dt.timedelta(days=30), stale=True)
    outcome = _gate(tmp_path, waivers)
    assert outcome.exit_code == 0
    assert any("stale waiver" in n and "LEFI-7" in n for n in outcome.notes)
    summary = json.loads((tmp_path / "reports" / "summary.json").read_text(encoding="utf-8"))
    assert [w["reference"] for w in summary["waivers"] if w["stale"]] == ["LEFI-7"]
    strict = _gate(tmp_path, waivers, strict=True)
    assert strict.exit_code == 1 and "stale waiver" in strict.message


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (
            "waivers:\n  - {phase: scenarios, reference: X-1, expires: 2030-01-01}\n",
            "waiver 1 (X-1) lacks reason",
        ),
        ("waivers:\n  - {phase: scenarios, reason: r, reference: X-1, expires: soon}\n", "YYYY-MM-DD"),
        (
            "waivers:\n  - {rule: not-a-rule, path: '*', reason: r, reference: X-1, expires: 2030-01-01}\n",
            "unknown rule",
        ),
    ],
)
def test_a_malformed_waiver_file_is_exit_2_with_one_line(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(text, encoding="utf-8")
    cmd = [
        sys.executable,
        "-m",
        "lefi_contracts.cli",
        "gate",
        "--waivers",
        str(path),
        "--reports",
        str(tmp_path / "r"),
    ]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert run.returncode == 2, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and says in lines[0] and "Traceback" not in run.stderr
    assert not (tmp_path / "r" / "summary.json").exists()  # nothing ran
