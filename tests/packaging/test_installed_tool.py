"""The installed tool, used where its users use it: a fresh venv with the wheel, an empty folder far from the
checkout. Every command finds its contracts, features and steps in the wheel (or where --contracts /
LEFI_CONTRACTS_DIR point, relative to the user's folder), and the gate's scenarios really run."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import httpx
import pytest
from wheelkit import ROOT, InstalledVenv

pytestmark = pytest.mark.heavy


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _outside_checkout(path: Path) -> Path:
    assert not path.resolve().is_relative_to(ROOT.resolve()), path
    return path


def _ok(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 0, f"exit {proc.returncode}: {(proc.stdout + proc.stderr)[-3000:]}"
    return proc.stdout


def _packaged_contracts(installed: InstalledVenv, cwd: Path) -> Path:
    code = "import lefi_contracts.resources as r; print(r.contracts_dir())"
    return Path(_ok(installed.run(installed.python, "-c", code, cwd=cwd)).strip())


def test_the_wheel_carries_its_data_and_runs_from_site_packages(
    installed: InstalledVenv, tmp_path: Path
) -> None:
    where = _ok(
        installed.run(
            installed.python,
            "-c",
            "import lefi_contracts.resources as r; print(r.__file__); print(r.contracts_dir()); "
            "print(r.features_dir()); print(r.steps_dir()); print(r.source_checkout())",
            cwd=_outside_checkout(tmp_path),
        )
    ).splitlines()
    module, contracts, features, steps, checkout = where
    for path in (module, contracts, features, steps):
        assert Path(path).is_relative_to(installed.root), where  # the wheel's copy, not this checkout's
    assert checkout == "None"
    assert (Path(contracts) / "versions.yaml").is_file()
    assert (Path(contracts) / "fixtures" / "reference-provider.yaml").is_file()
    assert (Path(contracts) / "consumers" / "schema.json").is_file()
    assert sorted(p.name for p in Path(features).glob("*.feature")) == sorted(
        p.name for p in (ROOT / "features").glob("*.feature")
    )
    assert (Path(steps) / "test_scenarios.py").is_file()


def test_every_command_works_outside_the_checkout(installed: InstalledVenv, tmp_path: Path) -> None:
    here = _outside_checkout(tmp_path / "somewhere")
    here.mkdir()
    cli = installed.bin / "lefi-contracts"

    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert _ok(installed.run(cli, "--version", cwd=here)).strip() == f"lefi-contracts {version}"

    listed = _ok(installed.run(cli, "versions", cwd=here))
    assert [line.split()[0] for line in listed.splitlines()] == ["5", "6", "7", "8", "9"]
    # diff 7 8 finds breaking changes (exit 1): the installed tool says exactly what the checkout says.
    diff = installed.run(cli, "diff", "7", "8", cwd=here)
    ours = subprocess.run(
        [sys.executable, "-m", "lefi_contracts.cli", "diff", "7", "8"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert (diff.returncode, diff.stdout) == (ours.returncode, ours.stdout), diff.stderr
    assert diff.returncode in (0, 1) and "breaking" in diff.stdout
    assert "passed, 0 failed" in _ok(installed.run(cli, "can-i-deploy", cwd=here))

    # --contracts and LEFI_CONTRACTS_DIR, both relative to the user's folder, win over the packaged contracts.
    shutil.copytree(_packaged_contracts(installed, here), here / "mine")
    registry = here / "mine" / "versions.yaml"
    registry.write_text(
        registry.read_text(encoding="utf-8").replace('label: "9.0.0"', 'label: "9.9.9"'), "utf-8"
    )
    assert "9.9.9" in registry.read_text(encoding="utf-8")
    assert "9.9.9" in _ok(installed.run(cli, "versions", "--contracts", "mine", cwd=here))
    assert "9.9.9" in _ok(installed.run(cli, "versions", cwd=here, LEFI_CONTRACTS_DIR="mine"))
    assert "9.9.9" not in _ok(installed.run(cli, "versions", cwd=here))

    # serve + verify-consumer: a consumer contract of the user's own, against the served reference provider.
    port = _free_port()
    server = subprocess.Popen(
        [str(cli), "serve", "--port", str(port), "--db", "provider.sqlite"],
        cwd=here,
        env=installed.env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, f"serve exited {server.returncode}"
            try:
                if httpx.get(f"{url}/_lefi/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "serve did not come up"
            time.sleep(0.5)
        shutil.copy(ROOT / "contracts" / "consumers" / "insurer-v8.yaml", here / "my.yaml")
        verified = _ok(installed.run(cli, "verify-consumer", "my.yaml", "--target", url, cwd=here))
        assert "0 failed" in verified
    finally:
        server.terminate()
        server.wait(timeout=30)

    # The gate, with the contracts from LEFI_CONTRACTS_DIR (relative) and relative reports: scenarios really run.
    gate_args = ["gate", "--versions", "9", "--examples", "2", "--reports", "reports", "--quiet"]
    gate = installed.run(cli, *gate_args, cwd=here, timeout=600, LEFI_CONTRACTS_DIR="mine")
    assert gate.returncode == 0, (gate.stdout + gate.stderr)[-3000:]
    summary = json.loads((here / "reports" / "summary.json").read_text(encoding="utf-8"))
    assert summary["verdict"] == "held"
    scenario_checks = sum(c["passed"] + c["failed"] for c in summary["phases"]["scenarios"].values())
    assert scenario_checks > 0, summary["phases"]
    assert (here / "reports" / "scenarios.ndjson").stat().st_size > 0
    assert not (
        here / ".tools"
    ).exists()  # the HTML report's tool goes to a per-user cache, not the user's folder
