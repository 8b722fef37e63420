"""The release gate end to end: every exit code, the reports it writes, and that faults are named in the summary.

Real HTTP on loopback against the reference provider; small phase subsets keep each run to a few seconds.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from lxml import etree

from lefi_contracts.cli import main
from lefi_contracts.gate import GateOptions, parse_retry_after, run_gate
from lefi_contracts.report import scan_for_identity_numbers

provider = pytest.importorskip("lefi_contracts.provider")
STOCKHOLM = dt.timezone(dt.timedelta(hours=1))  # 2025-03-17 is winter time in Stockholm
IN_WINDOW = dt.datetime(2025, 3, 17, 10, 30, tzinfo=STOCKHOLM)
OUTSIDE = dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("gate-provider") / "lefi.sqlite"
    with provider.running_provider(provider.ProviderConfig(db_path=db, now=OUTSIDE)) as url:
        yield url


def _set_clock(url: str, when: dt.datetime | None) -> None:
    httpx.post(f"{url}/_lefi/clock", json={"now": when.isoformat() if when else None}).raise_for_status()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _summary(reports: Path) -> dict:
    return json.loads((reports / "summary.json").read_text(encoding="utf-8"))


# ------------------------------------------------------------------------------------------------ exit code 2


@pytest.mark.parametrize(
    "argv, words",
    [
        (["gate", "--versions", "4"], "4"),
        (["gate", "--target", "http://127.0.0.1:9", "--fault", "netto-mismatch"], "--fault"),
        (["gate", "--fault", "no-such-fault"], "no-such-fault"),
        (["gate", "--target", "ftp://example"], "http"),
        (["gate", "--examples", "x"], "whole number"),
    ],
)
def test_usage_errors_exit_2_with_one_line(argv: list[str], words: str, tmp_path: Path, capsys) -> None:
    try:
        code = main([*argv, "--reports", str(tmp_path), "--quiet"])
    except SystemExit as exc:  # argparse's own errors exit through SystemExit(2)
        code = int(exc.code or 0)
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and words in err and "Traceback" not in err


# ------------------------------------------------------------------------------------------------ exit code 3


def test_a_target_that_is_down_is_exit_3_and_nothing_runs(tmp_path: Path) -> None:
    started = time.perf_counter()
    outcome = run_gate(
        GateOptions(target=f"http://127.0.0.1:{_free_port()}", reports_dir=tmp_path, quiet=True)
    )
    assert outcome.exit_code == 3 and "unreachable" in outcome.message
    assert outcome.results == [] and time.perf_counter() - started < 10
    data = _summary(tmp_path)
    assert data["verdict"] == "target unavailable" and data["counts"]["failed"] == 0


def test_a_target_in_its_maintenance_window_is_exit_3_with_the_end_of_the_window(
    target: str, tmp_path: Path
) -> None:
    _set_clock(target, IN_WINDOW)
    try:
        outcome = run_gate(GateOptions(target=target, reports_dir=tmp_path, quiet=True))
    finally:
        _set_clock(target, OUTSIDE)
    assert outcome.exit_code == 3
    assert (
        "maintenance window until" in outcome.message and "Retry-After 9000 s" in outcome.message
    )  # 10:30 -> 13:00
    assert outcome.results == []  # never a pile of contract failures
    assert "maintenance window" in (tmp_path / "summary.md").read_text(encoding="utf-8")


def test_wait_gives_up_at_once_when_the_window_ends_beyond_the_limit(target: str, tmp_path: Path) -> None:
    _set_clock(target, IN_WINDOW)
    try:
        started = time.perf_counter()
        outcome = run_gate(GateOptions(target=target, reports_dir=tmp_path, quiet=True, wait=5, phases=[]))
    finally:
        _set_clock(target, OUTSIDE)
    assert outcome.exit_code == 3 and "beyond --wait 5 s" in outcome.message
    assert time.perf_counter() - started < 5


def test_wait_waits_out_the_end_of_a_window(target: str, tmp_path: Path) -> None:
    end = dt.datetime(2025, 3, 17, 13, 0, tzinfo=STOCKHOLM)
    _set_clock(target, end - dt.timedelta(seconds=2))
    # The provider's clock is fixed: move it past the window while the gate waits, as time would.
    mover = threading.Timer(1.0, _set_clock, args=(target, OUTSIDE))
    mover.start()
    try:
        outcome = run_gate(
            GateOptions(
                target=target, reports_dir=tmp_path, quiet=True, wait=20, phases=["validation"], versions="9"
            )
        )
    finally:
        mover.join()
        _set_clock(target, OUTSIDE)
    assert outcome.exit_code == 0, outcome.message
    assert outcome.phase_times["probe"] >= 1.5 and any(r.phase == "validation" for r in outcome.results)


def test_retry_after_is_read_as_seconds_or_an_http_date() -> None:
    now = dt.datetime(2025, 3, 17, 11, 0, tzinfo=dt.UTC)
    assert parse_retry_after("120", now=now) == (120.0, now + dt.timedelta(seconds=120))
    seconds, until = parse_retry_after("Mon, 17 Mar 2025 12:00:00 GMT", now=now)
    assert seconds == 3600 and until == dt.datetime(2025, 3, 17, 12, 0, tzinfo=dt.UTC)
    assert parse_retry_after("soon", now=now) == (None, None)


# ---------------------------------------------------------------------------------------------- exit codes 0, 1


def test_a_held_gate_is_exit_0_and_writes_every_report_without_a_personnummer(
    target: str, tmp_path: Path
) -> None:
    outcome = run_gate(
        GateOptions(
            target=target, reports_dir=tmp_path, quiet=True, versions="7,9", phases=["compat", "validation"]
        )
    )
    assert outcome.exit_code == 0, outcome.message
    assert {r.phase for r in outcome.results} == {"compat", "validation"}
    assert (tmp_path / "summary.md").is_file() and _summary(tmp_path)["verdict"] == "held"
    junit = etree.parse(str(tmp_path / "junit" / "lefi-gate.xml")).getroot()
    assert int(junit.get("tests")) == len(outcome.results) and junit.get("failures") == "0"
    assert len(list((tmp_path / "allure-results").glob("*-result.json"))) == len(outcome.results)
    assert scan_for_identity_numbers(tmp_path) == []
    matrix = _summary(tmp_path)["matrix"]
    assert matrix["Every answer holds to its version's contract"] == {"7": "held", "9": "held"}


def test_regression_against_a_baseline_reports_every_unexplained_difference(
    target: str, tmp_path: Path
) -> None:
    same = run_gate(
        GateOptions(
            target=target,
            baseline=target,
            reports_dir=tmp_path / "same",
            quiet=True,
            versions="9",
            phases=["regression"],
        )
    )
    assert same.exit_code == 0 and same.results and all(r.phase == "regression" for r in same.results)
    cfg = provider.ProviderConfig(
        db_path=tmp_path / "cand.sqlite", now=OUTSIDE, faults=frozenset({"netto-mismatch"})
    )
    with provider.running_provider(cfg) as candidate:
        changed = run_gate(
            GateOptions(
                target=candidate,
                baseline=target,
                reports_dir=tmp_path / "changed",
                quiet=True,
                versions="9",
                phases=["regression"],
            )
        )
    assert changed.exit_code == 1
    failed = [r for r in changed.results if r.failed]
    assert failed and all("nettobelopp" in r.details for r in failed)


SMOKE_FAULTS = ["fsjp-leaks-into-old-versions"]  # one fast case; the full sweep is marked heavy


def _fault_case(name: str, tmp_path: Path) -> None:
    fault = next(f for f in provider.list_faults() if f.name == name)
    version = fault.versions[0]
    phases = (
        ["compat"] if fault.only_compat else ["fuzz"] if fault.only_fuzzing else ["scenarios", "validation"]
    )
    outcome = run_gate(
        GateOptions(
            reports_dir=tmp_path,
            quiet=True,
            versions=version,
            faults=[name],
            phases=phases,
            seed=1,
            examples=100,
            html=False,
        )
    )
    assert outcome.exit_code == 1, f"{name}: {outcome.message}"
    data = _summary(tmp_path)
    assert data["verdict"] == "broken"
    broken = {(b["behaviour"], b["version"]) for b in data["broken"]}
    # A behaviour that belongs to no version (an unserved version refused) is reported without one.
    assert broken and all(v in (version, None) for _, v in broken), broken
    text = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert name in text  # the summary names the fault ...
    if any(v == version for _, v in broken):
        assert f"in **v{version}**" in text  # ... and the version it broke
    assert all(behaviour in text for behaviour, _ in broken)  # ... and the behaviour


@pytest.mark.parametrize("name", SMOKE_FAULTS)
def test_a_fault_makes_the_gate_exit_1_and_the_summary_names_it(name: str, tmp_path: Path) -> None:
    _fault_case(name, tmp_path)


@pytest.mark.heavy
@pytest.mark.parametrize(
    "name",
    [f.name for f in provider.list_faults() if f.name not in SMOKE_FAULTS],
)
def test_every_named_fault_breaks_the_gate(name: str, tmp_path: Path) -> None:
    _fault_case(name, tmp_path)
