"""The gate's probe against a close-delimited endless body (no Content-Length, not chunked): it stops at its
size cap with a clear message, in bounded memory (peak RSS measured in a fresh process, VmHWM)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .server import HostileServer

SCRIPT = r"""
import json, sys
from pathlib import Path
import lefi_contracts.gate  # everything the run needs, imported before the baseline

def hwm_kib():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])

from lefi_contracts.gate import GateOptions, run_gate
before = hwm_kib()
outcome = run_gate(GateOptions(target=sys.argv[1], versions="8,9", phases=[], reports_dir=Path(sys.argv[2]),
                               quiet=True, html=False, probe_timeout=30.0))
print(json.dumps({"growth_kib": hwm_kib() - before, "exit": outcome.exit_code,
                  "messages": [r.message for r in outcome.results]}))
"""
MAX_GROWTH_MIB = 64  # the cap is 1 MB; reading the body whole would be as large as the target cares to send


@pytest.fixture(scope="module")
def hostile() -> Iterator[HostileServer]:
    with HostileServer().running() as server:
        yield server


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="VmHWM is read from /proc")
def test_probe_meets_an_endless_close_delimited_body_in_bounded_memory(
    hostile: HostileServer, tmp_path: Path
) -> None:
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT, hostile.url("endless-close"), str(tmp_path / "reports")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    found = json.loads(run.stdout.strip().splitlines()[-1])
    print(f"\npeak RSS growth during the probe: {found['growth_kib'] / 1024:.1f} MiB")
    assert found["growth_kib"] < MAX_GROWTH_MIB * 1024, found
    assert found["exit"] == 1  # the target's fault: broken, not unavailable
    assert len(found["messages"]) == 2  # both versions probed
    assert all("larger than the cap" in m for m in found["messages"]), found["messages"]
    summary = json.loads((tmp_path / "reports" / "summary.json").read_text(encoding="utf-8"))
    assert summary["verdict"] == "broken"
