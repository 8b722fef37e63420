"""The client against hostile targets: every hostile answer becomes one clear error, within its deadline,
with bounded memory, and no entity is ever resolved."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from lefi_contracts.client import LefiClient, Query
from lefi_contracts.contracts import registry
from lefi_contracts.errors import ResponseRejected, TargetUnavailable

from .server import MODES, HostileServer

ROOT = Path(__file__).resolve().parents[2]
VERSIONS = [v.number for v in registry().served()]
# kind of hostile answer -> the error and the reason the client must give (alternatives separated by |: an XML
# bomb sent to the JSON version is refused for its content type before any parsing)
EXPECTED: dict[str, tuple[type[Exception], str]] = {
    "xxe": (ResponseRejected, "hostile XML|content type"),
    "billion-laughs": (ResponseRejected, "hostile XML|content type"),
    "quadratic": (ResponseRejected, "hostile XML|content type"),
    "huge": (ResponseRejected, "larger than"),
    "endless": (ResponseRejected, "larger than|answer from"),
    "no-answer": (ResponseRejected, "answer from"),
    "drip": (ResponseRejected, "answer from"),
    "invalid-utf8": (ResponseRejected, ""),
    "wrong-content-type": (ResponseRejected, "content type"),
    "missing-content-type": (ResponseRejected, "content type"),
    "truncated": (ResponseRejected, ""),
    "fault-200": (ResponseRejected, "HTTP 200"),
    "redirect-loop": (ResponseRejected, "redirect"),
    "endless-close": (ResponseRejected, "larger than"),
}
DEADLINE = 1.0


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileServer]:
    secret = tmp_path_factory.mktemp("secret") / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    with HostileServer(secret_file=str(secret)).running() as server:
        yield server


def _query() -> Query:
    return Query("197407029284", "2024-01-01", "2024-12-31", formansinformation=["FK:SJP"], aktors_id="a")


def test_every_mode_has_an_expectation() -> None:
    assert set(EXPECTED) == set(MODES)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("mode", MODES)
def test_hostile_answer_is_one_clear_error_within_the_deadline(
    hostile: HostileServer, mode: str, version: str
) -> None:
    error, reason = EXPECTED[mode]
    started = time.monotonic()
    with (
        LefiClient(
            hostile.url(mode), version, timeout=DEADLINE, connect_timeout=1.0, max_response_bytes=1_000_000
        ) as c,
        pytest.raises((ResponseRejected, TargetUnavailable)) as info,
    ):
        c.query(_query())
    elapsed = time.monotonic() - started
    message = str(info.value)
    assert isinstance(info.value, error), f"{mode} v{version}: {type(info.value).__name__}: {message}"
    assert any(r.lower() in message.lower() for r in reason.split("|")), message
    assert "\n" not in message and "Traceback" not in message
    assert "TOP-SECRET-CONTENT" not in message
    assert elapsed < DEADLINE + 2.0, f"{mode} took {elapsed:.1f}s"


def test_unreachable_target_is_target_unavailable() -> None:
    with LefiClient("http://127.0.0.1:9", "9", connect_timeout=1.0) as c, pytest.raises(TargetUnavailable):
        c.query(_query())


_RSS_PROBE = """
import json, sys
sys.path.insert(0, {root!r})
from lefi_contracts.client import LefiClient, Query
from lefi_contracts.errors import LefiContractsError

def status_kb(field):  # /proc, not getrusage: ru_maxrss survives exec and would report the parent's pytest
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])

base = status_kb("VmHWM")
outcomes = {{}}
for mode in {modes!r}:
    for version in {versions!r}:
        with LefiClient("{url}/" + mode, version, timeout=3.0, max_response_bytes=1_000_000) as c:
            try:
                c.query(Query("197407029284", "2024-01-01", "2024-12-31", formansinformation=["FK:SJP"], aktors_id="a"))
                outcomes[mode + version] = "accepted"
            except LefiContractsError as exc:
                outcomes[mode + version] = type(exc).__name__
peak = status_kb("VmHWM")
print(json.dumps({{"base_kb": base, "peak_kb": peak, "outcomes": outcomes}}))
"""


@pytest.mark.heavy
def test_memory_stays_bounded_against_huge_and_expanding_answers(hostile: HostileServer) -> None:
    """Peak RSS of a fresh process that meets 50 MB bodies, endless bodies and entity bombs for every version."""
    modes = ["huge", "endless", "billion-laughs", "quadratic"]
    code = _RSS_PROBE.format(
        root=str(ROOT / "src"), modes=modes, versions=VERSIONS, url=f"http://127.0.0.1:{hostile.port}"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    assert set(figures["outcomes"].values()) == {"ResponseRejected"}, figures["outcomes"]
    growth_mb = (figures["peak_kb"] - figures["base_kb"]) / 1024
    print(
        f"peak RSS {figures['peak_kb'] / 1024:.0f} MB, growth while meeting hostile answers {growth_mb:.0f} MB"
    )
    assert figures["peak_kb"] / 1024 < 300, figures
    assert growth_mb < 120, figures
