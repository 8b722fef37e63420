"""The data set as data: the committed catalogue and the database content are what the recipes produce.

The recipes (contracts/fixtures/reference-provider.personas.yaml and .tables.yaml) are read from the contracts
folder of the registry; the release-note cut-off comes from versions.yaml, never from the code.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from lefi_contracts.contracts import Registry, load_registry, registry
from lefi_contracts.errors import ContractError
from lefi_contracts.provider.catalogue import REFERENCE_CATALOGUE, reference_catalogue_yaml
from lefi_contracts.provider.dataset import (
    DATASET_VERSION,
    DEFAULT_SEED,
    build_dataset,
    source_fingerprint,
)
from lefi_contracts.provider.recipes import PERSONAS_FILE, TABLES_FILE
from lefi_contracts.provider.store import open_store

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "gen_fixture_catalogue.py"
# Store.canonical_digest() of the database per (seed, persons), pinned from the generator before its recipes became
# data. A deliberate change of the data set bumps DATASET_VERSION and pins the new digests under the new version.
PINNED_DIGESTS = {
    "3": {
        (DEFAULT_SEED, 240): "d555660c6cf196666abea024c19c55e03dc03821afac1fc1c43a73008679a685",
        (7, 300): "b824df3ca47037ee52afad7beea1ef228fc47c70f2ff5bf394b432bcf841e140",
    }
}


@pytest.fixture
def contracts_copy(tmp_path: Path) -> Path:
    """A contracts folder of our own to edit: the registry, the code lists and the fixtures."""
    root = tmp_path / "contracts"
    root.mkdir()
    shutil.copy(registry().root / "versions.yaml", root / "versions.yaml")
    for folder in ("codes", "fixtures"):
        shutil.copytree(registry().root / folder, root / folder)
    return root


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _items_of(pnr: str, ds: Any, kind: str, grupp: str) -> list[dict[str, Any]]:
    return [i.payload for i in ds.items if i.pnr == pnr and i.kind == kind and i.grupp == grupp]


# --- drift ----------------------------------------------------------------------------------------------------
def test_committed_catalogue_is_what_the_data_set_produces() -> None:
    committed = (registry().root / REFERENCE_CATALOGUE).read_text(encoding="utf-8")
    assert committed == reference_catalogue_yaml(), (
        "run tools/gen_fixture_catalogue.py (and say why it changed)"
    )


def test_database_content_is_pinned(tmp_path: Path) -> None:
    assert DATASET_VERSION in PINNED_DIGESTS, "a new DATASET_VERSION needs its pinned digests"
    for (seed, persons), digest in PINNED_DIGESTS[DATASET_VERSION].items():
        store, built = open_store(tmp_path / f"{seed}-{persons}.sqlite", seed, persons)
        try:
            assert built and store.canonical_digest() == digest, (seed, persons)
        finally:
            store.close()


def test_the_check_fails_on_drift_and_the_tool_repairs_it(contracts_copy: Path) -> None:
    env = dict(os.environ, LEFI_CONTRACTS_DIR=str(contracts_copy))

    def tool(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(TOOL), *args], env=env, capture_output=True, text=True, timeout=60
        )

    assert tool("--check").returncode == 0
    _edit(contracts_copy / PERSONAS_FILE, "one ordinary sjukpenning ärende", "one plain sjukpenning ärende")
    failed = tool("--check")
    assert failed.returncode == 1 and len(failed.stderr.strip().splitlines()) == 1
    assert "out of date" in failed.stderr and "Traceback" not in failed.stderr
    assert tool().returncode == 0 and tool("--check").returncode == 0
    written = yaml.safe_load((contracts_copy / REFERENCE_CATALOGUE).read_text(encoding="utf-8"))
    assert "one plain sjukpenning ärende" in written["forebyggande-sjukpenning-after-cutoff"]["description"]


# --- data read from the configured contracts folder -------------------------------------------------------------
def test_recipes_come_from_the_registry_folder(contracts_copy: Path) -> None:
    _edit(contracts_copy / TABLES_FILE, "ersattningsniva: NORMAL", "ersattningsniva: LAG")
    _edit(contracts_copy / PERSONAS_FILE, "antalForbrukade: 212", "antalForbrukade: 99")
    edited = load_registry(contracts_copy)
    ds = build_dataset(registry=edited)
    pnr = ds.personas["programjobdagar"]["personnummer"]
    assert [p["antalForbrukade"] for p in _items_of(pnr, ds, "arende", "FK:PJOB")] == [99]
    levels = {
        b["ersattningsniva"]
        for i in ds.items
        if i.grupp == "FK:SJP" and i.kind == "arende"
        for b in i.payload["beslut"]
    }
    assert levels == {"LAG"}
    assert source_fingerprint(edited) != source_fingerprint(registry())


def _with_cutoffs(root: Path, *until: str) -> Registry:
    text = (root / "versions.yaml").read_text(encoding="utf-8")
    parts = text.split("until: 2024-05-19")
    assert len(parts) == len(until) + 1
    rebuilt = parts[0] + "".join(f"until: {u}{rest}" for u, rest in zip(until, parts[1:], strict=True))
    (root / "versions.yaml").write_text(rebuilt, encoding="utf-8")
    return load_registry(root)


def test_the_cutoff_is_read_from_the_registry(contracts_copy: Path) -> None:
    moved = _with_cutoffs(contracts_copy, "2024-05-26", "2024-05-26", "2024-05-26")
    personas = build_dataset(registry=moved).personas
    cutoffs = {name: p["cutoff"] for name, p in personas.items() if "cutoff" in p}
    assert len(cutoffs) == 3 and set(cutoffs.values()) == {"2024-05-26"}


def test_two_cutoffs_in_the_registry_are_a_contract_error(contracts_copy: Path) -> None:
    with pytest.raises(ContractError, match=r"one forebyggande_sjukpenning\.until"):
        build_dataset(registry=_with_cutoffs(contracts_copy, "2024-05-19", "2024-05-26", "2024-05-19"))


def test_forebyggande_personas_agree_with_their_cutoff_and_their_rows() -> None:
    """The facts a scenario asserts are written beside the recipe: they must say what the rows hold."""
    ds = build_dataset()
    personas = ds.personas
    after = personas["forebyggande-sjukpenning-after-cutoff"]
    before = personas["forebyggande-sjukpenning-before-cutoff"]
    across = personas["forebyggande-sjukpenning-across-cutoff"]
    assert before["fattades"] <= before["cutoff"] < after["fattades"]
    assert across["fattades_before"] <= across["cutoff"] < across["fattades_after"]
    for persona, dates in (
        (after, [after["fattades"]]),
        (before, [before["fattades"]]),
        (across, [across["fattades_before"], across["fattades_after"]]),
    ):
        arenden = _items_of(persona["personnummer"], ds, "arende", "FK:FSJP")
        assert [b["fattades"] for a in arenden for b in a["beslut"]] == dates
    bostadsbidrag = personas["bostadsbidrag-flera-beloppsperioder"]
    (arende,) = _items_of(bostadsbidrag["personnummer"], ds, "arende", "FK:BOB")
    assert [b["beslutatBruttobelopp"]["summa"] for b in arende["beslut"]] == bostadsbidrag["belopp"]


# --- malformed recipes --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (PERSONAS_FILE, "kind: bostadsbidrag", "kind: husbidrag", "no arende kind 'husbidrag'"),
        (PERSONAS_FILE, "- utbetalning:", "- utbetalningar:", "persona 'karensersattning'.*unknown step"),
        (PERSONAS_FILE, "startades: 2024-04-20", "startades: soon", "bostadsbidrag-flera-beloppsperioder"),
        (PERSONAS_FILE, "startades: 2024-04-20", "startades: 2024-04-31", "cannot be read.*out of range"),
        (TABLES_FILE, "schema_version: 1", "schema_version: 2", "schema_version: 1"),
    ],
)
def test_a_malformed_recipe_is_a_one_line_contract_error(
    contracts_copy: Path, file: str, old: str, new: str, message: str
) -> None:
    _edit(contracts_copy / file, old, new)
    with pytest.raises(ContractError, match=message) as raised:
        build_dataset(registry=load_registry(contracts_copy))
    assert "\n" not in str(raised.value)


def test_a_missing_recipe_file_is_a_contract_error(contracts_copy: Path) -> None:
    (contracts_copy / TABLES_FILE).unlink()
    with pytest.raises(ContractError, match="cannot be read"):
        build_dataset(registry=load_registry(contracts_copy))
