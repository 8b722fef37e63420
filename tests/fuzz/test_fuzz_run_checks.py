"""The fuzz run's own verdicts can fail: a run that never got past authorisation is not held, and its replay
line reproduces it by itself (no port of a provider gone after the run)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lefi_contracts.fuzz import run_fuzz
from lefi_contracts.fuzz.runner import REACHED_CHECK
from lefi_contracts.provider import ProviderConfig, running_provider


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("run-checks") / "lefi.sqlite"


def test_a_run_that_only_saw_refusals_is_not_held(db: Path) -> None:
    # no catalogue: the contract's example aktorsId is no actor of the provider, every call stops at 403
    with running_provider(ProviderConfig(db_path=db)) as url:
        blind = run_fuzz(url, "9", examples=3, seed=1, catalogue={}, negative_examples=0)
        seeing = run_fuzz(url, "9", examples=3, seed=1, negative_examples=0)
    unreached = [r for r in blind.results if r.failed and r.behaviour == REACHED_CHECK]
    assert unreached and blind.failed
    assert all("nothing past authorisation" in (r.message or "") for r in unreached)
    assert not seeing.failed
    assert all(o.answered > 0 for o in seeing.outcomes if o.kind == "fuzz")


def test_the_replay_of_an_embedded_provider_names_its_faults_not_its_port(db: Path) -> None:
    fault = "undeclared-method-not-found"
    with running_provider(ProviderConfig(db_path=db, faults=frozenset({fault}))) as url:
        result = run_fuzz(url, "9", examples=3, seed=1, negative_examples=0)
    port = url.rsplit(":", 1)[-1]
    failed = [r for r in result.results if r.failed]
    assert failed
    for record in failed:
        replay = (record.reproducer or "").split("replay exactly (deterministic seed):", 1)[1]
        assert f"--fault {fault}" in replay and "--seed 1" in replay and port not in replay
