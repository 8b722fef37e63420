"""Fixtures of the scenario run (`pytest steps`): one client per version, the scenario's state, target control.

The target, the versions and the catalogue come from lefi_contracts.pytest_plugin (--lefi-target, --lefi-version,
--lefi-fixtures), which this conftest switches on; `--target` is this project's short name for --lefi-target. With
no target the embedded reference provider is started once for the session.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from lefi_contracts import pytest_plugin
from lefi_contracts.client.transport import TlsConfig
from lefi_contracts.contracts import Registry
from lefi_contracts.results import NEEDS_TEST_CONTROL
from lefi_contracts.results import READ_ONLY_SCENARIOS_ENV as READ_ONLY_ENV
from lefi_contracts.target_control import TargetControl


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("lefi-contracts").addoption(
        "--target", dest="steps_target", default=None, help="the same as --lefi-target (scenario runs only)"
    )
    parser.getgroup("lefi-contracts").addoption(
        "--lefi-outcomes",
        default=None,
        help="write each scenario's outcome (feature: scenario, Examples row, passed/failed/skipped) to this JSON file",
    )


class OutcomeRecorder:
    """Outcomes keyed by scenario template and Examples row, for tests/test_fault_matrix.py (not by test ids)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.items: dict[str, dict[str, Any]] = {}

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            callspec = getattr(item, "callspec", None)
            example = callspec.params.get("_pytest_bdd_example", {}) if callspec else {}
            doc = getattr(getattr(item, "obj", None), "__doc__", None) or item.name
            self.items[item.nodeid] = {"scenario": doc, "example": dict(example), "outcome": "not run"}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        entry = self.items.get(report.nodeid)
        if entry is None:
            return
        if report.failed:
            entry["outcome"] = "failed"
            entry.setdefault(
                "message", str(report.longrepr).strip().splitlines()[-1][:300] if report.longrepr else ""
            )
        elif report.skipped and entry["outcome"] != "failed":
            entry["outcome"] = "skipped"
        elif report.when == "call" and report.passed and entry["outcome"] == "not run":
            entry["outcome"] = "passed"

    def pytest_sessionfinish(self) -> None:
        self.path.write_text(
            json.dumps(list(self.items.values()), ensure_ascii=False, indent=1), encoding="utf-8"
        )


def pytest_configure(config: pytest.Config) -> None:
    """Switch the lefi-contracts plugin on; register every Gherkin tag of features/ as a marker (pytest-bdd turns
    tags into marks); record outcomes."""
    if config.getoption("steps_target") and not config.getoption("lefi_target"):
        config.option.lefi_target = config.getoption("steps_target")
    pytest_plugin.activate(config)
    outcomes = config.getoption("--lefi-outcomes")
    if outcomes:
        config.pluginmanager.register(OutcomeRecorder(Path(outcomes)), "lefi-outcomes")
    base = Path(str(config.rootpath)) / str(config.getini("bdd_features_base_dir") or "features")
    tags = {
        t
        for f in base.glob("**/*.feature")
        for t in re.findall(r"(?m)^\s*@(\w+)", f.read_text(encoding="utf-8"))
    }
    for tag in sorted(tags):
        config.addinivalue_line("markers", f"{tag}: scenarios tagged @{tag} in features/")


@dataclass
class ScenarioState:
    """What the Given- and When-steps of one scenario established, for its Then-steps."""

    person: dict[str, Any] = field(default_factory=dict)
    actor: dict[str, Any] | None = None
    user: dict[str, Any] | None = None
    version: str | None = None
    response: Any = None
    responses: list[Any] = field(default_factory=list)
    exchanges: list[Any] = field(default_factory=list)  # the oracle's view of each answer (query + answer)
    problems: list[str] = field(default_factory=list)

    def __repr__(self) -> str:
        # Allure records every step argument by its repr: keep it short and free of personnummer.
        return f"<scenario state: version {self.version}, {len(self.responses)} answers>"


@pytest.fixture
def state() -> ScenarioState:
    return ScenarioState()


class Clients:
    """One LefiClient per version for the whole session (building a SOAP client reads the version's XSD)."""

    def __init__(self, target: str, reg: Registry, tls: TlsConfig) -> None:
        self.target, self.reg, self.tls = target, reg, tls
        self._clients: dict[str, Any] = {}

    def __call__(self, number: str) -> Any:
        if number not in self._clients:
            from lefi_contracts.client import LefiClient

            self._clients[number] = LefiClient(self.target, self.reg.get(number), tls=self.tls)
        return self._clients[number]

    def close(self) -> None:
        for client in self._clients.values():
            client.close()


@pytest.fixture(scope="session")
def clients(lefi_target: str, lefi_registry: Registry, lefi_tls: TlsConfig) -> Iterator[Clients]:
    pool = Clients(lefi_target, lefi_registry, lefi_tls)
    yield pool
    pool.close()


@pytest.fixture(scope="session")
def target_control(lefi_target: str, lefi_tls: TlsConfig) -> Iterator[TargetControl]:
    control = TargetControl(lefi_target, tls=lefi_tls)
    yield control
    control.close()


class ControlSession:
    """Changes a scenario makes to the target's clock or agencies, undone when the scenario ends."""

    def __init__(self, control: TargetControl) -> None:
        self.control = control
        self.clock_set = False
        self.agencies: set[str] = set()

    def refuse_if_read_only(self) -> None:
        """In the gate's read-only scenario run (beside the phases that read provider state) no scenario may
        set it: one that does must say so with a tag, and then runs in the run apart."""
        if os.environ.get(READ_ONLY_ENV) == "1":
            pytest.fail(
                "this scenario sets provider state but is not tagged @provider_state or @test_control: "
                "tag it, so that the gate runs it apart from the phases that read that state"
            )

    def require(self) -> None:
        if not self.control.available():
            pytest.skip(f"this scenario {NEEDS_TEST_CONTROL}")

    def set_clock(self, instant: str) -> None:
        self.require()
        self.refuse_if_read_only()
        self.control.set_clock(instant)
        self.clock_set = True

    def set_agency_state(self, agency: str, state: str) -> None:
        self.require()
        self.refuse_if_read_only()
        self.control.set_agency_state(agency, state)
        self.agencies.add(agency)

    def undo(self) -> None:
        if self.clock_set:
            self.control.set_clock(None)
        for agency in self.agencies:
            self.control.set_agency_state(agency, None)


@pytest.fixture
def control(target_control: TargetControl, request: pytest.FixtureRequest) -> Iterator[ControlSession]:
    session = ControlSession(target_control)
    if request.node.get_closest_marker("test_control"):
        session.require()
    yield session
    session.undo()
