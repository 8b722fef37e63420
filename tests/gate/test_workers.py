"""gate --workers N and --rate-limit R: the same seed gives the same results and summary whatever N (results are
ordered by check, never by completion), and R bounds the requests a second the target sees, over every worker."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from lefi_contracts.cli import main
from lefi_contracts.client.transport import GuardedTransport, RateLimiter
from lefi_contracts.gate import GateOptions, run_gate
from lefi_contracts.target import target_or_embedded

from .proxykit import hiding_proxy

pytest.importorskip("lefi_contracts.provider")

# What changes from run to run whatever the workers: times, and the embedded provider's port.
VOLATILE = ("started", "duration_seconds", "phase_times", "target")


def _run(workers: int, reports: Path) -> tuple[list[tuple[object, ...]], dict]:
    run_gate(
        GateOptions(
            versions="8,9",
            reports_dir=reports,
            examples=3,
            seed=11,
            quiet=True,
            html=False,
            workers=workers,
            compat_cache=False,  # a warm cache adds a note to the second run
        )
    )
    rows = []
    for line in (reports / "results.ndjson").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        rows.append((r["phase"], r["version"], r["name"], r["status"], r["message"], r["behaviour"]))
    summary = json.loads((reports / "summary.json").read_text(encoding="utf-8"))
    for key in VOLATILE:
        summary.pop(key, None)
    return rows, summary


def test_the_same_seed_gives_the_same_results_and_summary_at_1_and_8_workers(tmp_path: Path) -> None:
    one_rows, one_summary = _run(1, tmp_path / "w1")
    eight_rows, eight_summary = _run(8, tmp_path / "w8")
    assert len(one_rows) > 50 and {r[0] for r in one_rows} >= {"validation", "fuzz", "consumers"}
    assert eight_rows == one_rows  # names, statuses, messages and order
    assert eight_summary == one_summary


def _max_in_window(times: list[float], window: float = 1.0) -> int:
    times = sorted(times)
    best, start = 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


def test_a_rate_limit_bounds_the_requests_a_second_over_every_thread() -> None:
    seen: list[float] = []
    limiter = RateLimiter(20)
    with target_or_embedded(None) as (upstream, _), hiding_proxy(upstream, None, seen) as url:

        def worker() -> None:
            http = GuardedTransport(timeout=10, limiter=limiter)  # one transport a thread, one limiter
            try:
                for _ in range(6):
                    http.send("GET", f"{url}/_lefi/catalogue")
            finally:
                http.close()

        threads = [threading.Thread(target=worker) for _ in range(8)]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - t0
    assert len(seen) == 48
    assert elapsed >= 47 / 20 * 0.9  # 48 requests at 20/s, a burst of 1
    assert _max_in_window(seen) <= 20 * 1.3


def test_the_gate_keeps_to_its_rate_limit_with_many_workers(tmp_path: Path) -> None:
    seen: list[float] = []
    with target_or_embedded(None) as (upstream, _), hiding_proxy(upstream, None, seen) as url:
        t0 = time.monotonic()
        outcome = run_gate(
            GateOptions(
                target=url,
                versions="8,9",
                reports_dir=tmp_path,
                quiet=True,
                html=False,
                phases=["validation", "consumers"],
                workers=8,
                rate_limit=25,
            )
        )
        elapsed = time.monotonic() - t0
    assert outcome.exit_code == 0, outcome.message
    gated = [t for t in seen if t >= t0]
    assert len(gated) > 30
    assert _max_in_window(gated) <= 25 * 1.3 + 3  # the probe and the catalogue are outside the limiter
    assert elapsed >= (len(gated) - 10) / 25 * 0.8


@pytest.mark.parametrize(
    "argv", [["--rate-limit", "0"], ["--rate-limit", "fast"], ["--rate-limit", "-3"], ["--workers", "0"]]
)
def test_a_bad_workers_or_rate_value_is_exit_2_with_one_line(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["gate", "--reports", str(tmp_path), *argv])
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and argv[0] in err[0]
    assert not (tmp_path / "summary.json").exists()
