"""The whole gate over mutual TLS with a throw-away CA: every phase (compat, scenarios, validation, fuzz,
consumers) gets the client certificate and the CA bundle, and holds; a wrong client certificate is exit 3 with
one line, before any phase runs.

The gate asks for many actors (scenarios, validation), so it presents an ombud's certificate (the system
vendor, who may represent them), as a provider team's CI would."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tlskit import ClientCert


def _gate(url: str, cert: ClientCert, ca: str, reports: Path) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "lefi_contracts.cli", "gate", "--target", url, "--versions", "8,9"]
    cmd += ["--cert", cert.cert, "--key", cert.key, "--ca", ca, "--examples", "5", "--seed", "3"]
    cmd += ["--reports", str(reports), "--quiet"]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=900, cwd=reports.parent)


def test_the_gate_over_mutual_tls_runs_every_phase_and_holds(
    mtls_url: str, pki: dict, certs: dict, tmp_path: Path
) -> None:
    run = _gate(mtls_url, certs["system-vendor"], pki["ca"], tmp_path / "reports")
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    data = json.loads((tmp_path / "reports" / "summary.json").read_text(encoding="utf-8"))
    assert data["verdict"] == "held" and data["counts"]["broken"] == 0 and data["counts"]["failed"] == 0
    for phase in ("compat", "scenarios", "validation", "fuzz", "consumers"):
        cells = data["phases"][phase]
        assert sum(c["passed"] for c in cells.values()) > 0, (phase, cells)
    assert data["not_verified"] == []  # the provider offers its test control over mTLS too


def test_a_certificate_from_another_ca_is_exit_3_with_one_line(
    mtls_url: str, pki: dict, certs: dict, tmp_path: Path
) -> None:
    run = _gate(mtls_url, certs["untrusted-municipality"], pki["ca"], tmp_path / "reports")
    assert run.returncode == 3, run.stdout + run.stderr[-3000:]
    assert "Traceback" not in run.stderr + run.stdout
    [verdict] = run.stdout.strip().splitlines()  # one line
    assert verdict.startswith("target unavailable:") and "client certificate" in verdict, verdict
    data = json.loads((tmp_path / "reports" / "summary.json").read_text(encoding="utf-8"))
    assert data["verdict"] == "target unavailable" and data["counts"]["passed"] == 0
