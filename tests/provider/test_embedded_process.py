"""The gate's embedded provider runs in a process of its own (provider and checks on two cores): it answers
while the block runs, stops with the block, and never outlives a parent that dies without cleaning up."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from lefi_contracts.target import target_or_embedded


def _answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/_lefi/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_the_embedded_process_answers_and_stops_with_the_block() -> None:
    with target_or_embedded(None, own_process=True) as (url, embedded):
        assert embedded and _answers(url)
        health = httpx.get(f"{url}/_lefi/health", timeout=2).json()
        assert health  # the reference provider itself, not a stand-in
    assert not _answers(url)


PARENT = """
import sys
from lefi_contracts.target import target_or_embedded
with target_or_embedded(None, own_process=True) as (url, _):
    print(url, flush=True)
    sys.stdin.read()
"""


def test_the_provider_does_not_outlive_a_killed_parent(tmp_path: Path) -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=tmp_path
    )
    assert parent.stdout is not None
    url = parent.stdout.readline().strip()
    assert _answers(url)
    os.kill(parent.pid, signal.SIGKILL)  # no finally, no cleanup: only the pipe's end tells the child
    parent.wait()
    deadline = time.monotonic() + 15
    while _answers(url) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _answers(url), "the embedded provider outlived its parent"
