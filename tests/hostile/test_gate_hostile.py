"""The release gate against hostile targets: a clear verdict and report (exit 1, or 3 when nothing answers),
never a crash, never a hang past its deadline, no entity resolved, and every selected version still examined."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .server import HostileServer

SECRET = "TOP-SECRET-GATE-CONTENT"
# mode -> the exit codes that are a clear verdict for it
MODES = {"xxe": {1}, "huge": {1}, "fault-200": {1}, "no-answer": {3}}
DEADLINE_S = 150


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileServer]:
    secret = tmp_path_factory.mktemp("gate-secret") / "secret.txt"
    secret.write_text(SECRET)
    with HostileServer(secret_file=str(secret)).running() as server:
        yield server


def _gate(url: str, reports: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.perf_counter()
    cmd = [sys.executable, "-m", "lefi_contracts.cli", "gate", "--target", url, "--versions", "8,9"]
    cmd += ["--examples", "1", "--reports", str(reports), "--quiet"]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=DEADLINE_S, stdin=subprocess.DEVNULL)
    return run, time.perf_counter() - started


@pytest.mark.heavy
def test_gate_reports_hostile_targets_and_goes_on(hostile: HostileServer, tmp_path: Path) -> None:
    with ThreadPoolExecutor(max_workers=len(MODES)) as pool:
        runs = {m: pool.submit(_gate, hostile.url(m), tmp_path / m) for m in MODES}
        outcomes = {m: f.result() for m, f in runs.items()}
    for mode, (run, elapsed) in outcomes.items():
        shown = f"{mode}: rc={run.returncode} {elapsed:.0f}s stderr={run.stderr[-1500:]!r}"
        print(
            f"\n{mode:<10} exit {run.returncode} in {elapsed:.1f} s: {(run.stdout.strip().splitlines() or [''])[0]}"
        )
        assert "Traceback" not in run.stderr + run.stdout, shown
        assert run.returncode in MODES[mode], shown
        summary = json.loads((tmp_path / mode / "summary.json").read_text(encoding="utf-8"))
        assert summary["exit_code"] == run.returncode and summary["versions"] == ["8", "9"], summary
        if run.returncode == 1:  # examined: every version has verdicts, not just the first one
            seen = {v for row in summary["matrix"].values() for v in row}
            assert {"8", "9"} <= seen, summary["matrix"]
            assert summary["counts"]["failed"] + summary["counts"]["broken"] > 0
        for f in (tmp_path / mode).rglob("*"):
            if f.is_file() and f.stat().st_size < 20_000_000:
                assert SECRET not in f.read_text(encoding="utf-8", errors="replace"), (
                    f"entity resolved in {f}"
                )
