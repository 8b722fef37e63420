"""Every rule of the oracle's `probes` phase holds on the clean provider for every test person, every version and
both transports, and each fault it names breaks it in every version the fault affects.

The provider is asked (real HTTP, the real client) about every catalogue person for everything each version serves,
over the person's period, a narrow one, a distant one, one group only and övrig information only
(tests/oracle_probe.py), and every rule is run over each exchange.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from lefi_contracts.contracts import registry
from lefi_contracts.oracles import RULES
from lefi_contracts.provider import ProviderConfig, list_faults, running_provider

sys.path.insert(0, str(Path(__file__).resolve().parent))
from oracle_probe import findings

pytestmark = pytest.mark.heavy  # ~1 min on 2 cores: every person x version x fault

PROBED = [r for r in RULES if "probes" in r.phases]
FAULTS = {f.name: f for f in list_faults()}
CASES = [(r.name, fault) for r in PROBED for fault in r.broken_by]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("oracle-probes") / "lefi.sqlite"


def test_every_probed_rule_holds_on_the_clean_provider(db: Path) -> None:
    with running_provider(ProviderConfig(db_path=db)) as url:
        for v in registry().served():
            found = {name: msgs for name, msgs in findings(url, v).items() if msgs}
            assert not found, f"v{v.number}: {found}"


@pytest.mark.parametrize(("rule", "fault"), CASES, ids=[f"{r}<-{f}" for r, f in CASES])
def test_the_fault_breaks_the_rule_in_every_version_it_affects(rule: str, fault: str, db: Path) -> None:
    versions = [v for v in registry().served() if v.number in FAULTS[fault].versions]
    assert versions
    with running_provider(ProviderConfig(db_path=db, faults=frozenset({fault}))) as url:
        for v in versions:
            assert findings(url, v, [rule]).get(rule), f"{fault} does not break {rule} in v{v.number}"
