"""Our v9 fuzzing finds at least what a raw `schemathesis run` finds, and the correct provider survives both.

The raw run is the real `schemathesis` CLI in a subprocess, as a new user runs it: all phases, a real aktorsId from
the target's fixture catalogue as a `schemathesis.toml` [parameters] entry, every default check except
positive_data_acceptance; once with the published contract (/work/shared/lefi, skipped where it is absent) and once
with the contract the provider serves. The table: fault -> the failure codes raw schemathesis reports -> the gate's
own fuzzing (run_fuzz) reports every one of them.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from lefi_contracts.fuzz import run_fuzz
from lefi_contracts.provider import ProviderConfig, running_provider

PUBLISHED = Path("/work/shared/lefi/lefi-formansinformation-v9.openapi.yaml")
SERVED = "/lefi-extern-formansinformation/v9/openapi.yaml"
PHASES = "examples,coverage,fuzzing,stateful"
EXAMPLES = 20
SEED = 1
CHECK_OPTIONS = ("--exclude-checks", "positive_data_acceptance", "-n", str(EXAMPLES), "--seed", str(SEED))

# fault -> the failure codes raw schemathesis must report against it (with the contract it is found with)
TABLE = {
    "undeclared-method-not-found": ("served", {"ST204"}),
    "user-header-length-unchecked": ("served", {"ST201"}),
    "request-schema-unchecked": ("published", {"ST201"}),
}


def raw_schemathesis(contract: str, url: str, workdir: Path) -> tuple[int, str, set[str]]:
    """`schemathesis run` with a real aktorsId from the catalogue; (exit code, output, failure codes)."""
    catalogue = httpx.get(url + "/_lefi/catalogue", timeout=10).json()
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "schemathesis.toml").write_text(
        f'[parameters]\naktorsId = "{catalogue["municipality"]["aktorsId"]}"\n', encoding="utf-8"
    )
    cli = Path(sys.executable).with_name("schemathesis")
    run = subprocess.run(
        [str(cli), "run", contract, "--url", url, "--phases", PHASES, *CHECK_OPTIONS],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=300,
    )
    text = run.stdout + run.stderr
    return run.returncode, text, set(re.findall(r"^- (ST\d+) ", text, flags=re.M))


def gate_codes(url: str) -> set[str]:
    """The schemathesis failure codes in the failed results of our own v9 fuzzing on the same target."""
    result = run_fuzz(url, "9", examples=EXAMPLES, seed=SEED, negative_examples=0)
    return {m for r in result.results if r.failed for m in re.findall(r"\b(ST\d+)\b", r.message or "")}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("parity") / "lefi.sqlite"


@pytest.fixture(scope="module")
def correct(db: Path) -> Iterator[str]:
    with running_provider(ProviderConfig(db_path=db)) as url:
        yield url


@pytest.mark.parametrize("which", ["served", "published"])
def test_raw_schemathesis_finds_nothing_on_the_correct_provider(
    which: str, correct: str, tmp_path: Path
) -> None:
    if which == "published" and not PUBLISHED.is_file():
        pytest.skip("the published contract is not on this machine")
    contract = correct + SERVED if which == "served" else str(PUBLISHED)
    code, text, found = raw_schemathesis(contract, correct, tmp_path)
    assert found == set() and code == 0, text[-3000:]
    assert re.search(r"\d+ generated, \d+ passed", text), text[-2000:]
    if which == "published":  # the real aktorsId gets past the door (ours also varies the user header: 403s)
        assert "Authentication failed" not in text, text[-2000:]


@pytest.mark.heavy  # ~60 s: a provider per fault, one raw run and one of ours each
@pytest.mark.parametrize("fault", sorted(TABLE))
def test_what_raw_schemathesis_finds_the_gate_finds(fault: str, db: Path, tmp_path: Path) -> None:
    which, expected = TABLE[fault]
    if which == "published" and not PUBLISHED.is_file():
        pytest.skip("the published contract is not on this machine")
    with running_provider(ProviderConfig(db_path=db, faults=frozenset({fault}))) as url:
        contract = url + SERVED if which == "served" else str(PUBLISHED)
        _, text, raw = raw_schemathesis(contract, url, tmp_path)
        ours = gate_codes(url)
    assert expected <= raw, f"raw schemathesis no longer finds {fault}: {text[-2000:]}"
    assert raw <= ours, f"raw schemathesis found {sorted(raw - ours)} that our fuzzing missed"
