"""Every command reads its contracts from --contracts DIR when given (relative to where the user stands), and
none ignores it: pointed at a folder without contracts, each one says so in one line, naming that folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lefi_contracts.resources import CONTRACTS_ENV

COMMANDS = {
    "versions": ["versions"],
    "diff": ["diff", "7", "8"],
    "serve": ["serve", "--port", "0"],
    "gate": ["gate", "--versions", "9"],
    "fuzz": ["fuzz", "--versions", "9"],
    "verify-consumer": ["verify-consumer", "my.yaml"],
    "query": [
        "query",
        "--version",
        "9",
        "--personnummer",
        "191212121212",
        "--from",
        "2024-01-01",
        "--tom",
        "2024-02-01",
        "--groups",
        "FK:SJP",
    ],
    "can-i-deploy": ["can-i-deploy", "--current"],
}


def _run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lefi_contracts.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**{k: v for k, v in os.environ.items() if k != CONTRACTS_ENV}, **env},
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize("name", list(COMMANDS))
def test_contracts_option_is_honoured(name: str, tmp_path: Path) -> None:
    args = COMMANDS[name]
    args = [*args, "nothing"] if args[-1] == "--current" else [*args, "--contracts", "nothing"]
    run = _run(args, tmp_path)
    lines = run.stderr.strip().splitlines()
    assert run.returncode == 2 and len(lines) == 1, run.stderr
    assert str(tmp_path / "nothing") in lines[0], lines


@pytest.mark.parametrize("name", ["versions", "diff", "gate", "query"])
def test_contracts_environment_is_honoured(name: str, tmp_path: Path) -> None:
    run = _run(COMMANDS[name], tmp_path, **{CONTRACTS_ENV: "elsewhere"})
    assert run.returncode == 2, run.stderr
    assert str(tmp_path / "elsewhere") in run.stderr.strip().splitlines()[0]
