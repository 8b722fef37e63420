"""The fixture catalogue of the reference provider: test data named by what it is, with the facts to assert.

Scenarios ask for "forebyggande-sjukpenning-after-cutoff", never for a personnummer. The same mapping is served at
GET /_lefi/catalogue and can be written as YAML in the format a foreign target's catalogue uses
(contracts/fixtures/<name>.yaml).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from lefi_contracts.contracts import Registry
from lefi_contracts.contracts import registry as default_registry
from lefi_contracts.errors import UsageError
from lefi_contracts.provider.config import ProviderConfig
from lefi_contracts.provider.dataset import DEFAULT_SEED, build_dataset
from lefi_contracts.provider.store import Store, open_store

# The committed catalogue of the default seed, relative to the contracts folder (tools/gen_fixture_catalogue.py).
REFERENCE_CATALOGUE = "fixtures/reference-provider.yaml"


def catalogue_from_store(store: Store, seed: int) -> dict[str, dict[str, Any]]:
    return store.personas()


def catalogue(config_or_seed: ProviderConfig | int) -> dict[str, dict[str, Any]]:
    """Persona name -> {personnummer?, aktorsId?, anvandare?, description, facts...} for that seed's data set."""
    if isinstance(config_or_seed, ProviderConfig):
        store, _ = open_store(config_or_seed.db_path, config_or_seed.seed, config_or_seed.persons)
        try:
            return store.personas()
        finally:
            store.close()
    if isinstance(config_or_seed, int) and not isinstance(config_or_seed, bool):
        return _built_catalogue(config_or_seed, None)
    raise UsageError("catalogue() takes a ProviderConfig or a seed (int)")


def _built_catalogue(seed: int, registry: Registry | None) -> dict[str, dict[str, Any]]:
    """Built in memory: the same personas the store would hold (JSON round trip = the stored form)."""
    import json

    personas = build_dataset(seed, registry=registry).personas
    loaded: dict[str, dict[str, Any]] = json.loads(json.dumps(personas, ensure_ascii=False, sort_keys=True))
    return loaded


def catalogue_yaml(data: dict[str, dict[str, Any]], *, target: str = "reference-provider") -> str:
    """The catalogue as YAML text (the format of contracts/fixtures/<name>.yaml)."""
    header = (
        f"# Fixture catalogue of {target}: test persons, actors and users named by what they are.\n"
        "# Generated from the reference provider's data set; personnummer are synthetic (valid Luhn and date).\n"
    )
    return header + yaml.safe_dump(data, allow_unicode=True, sort_keys=True)


def reference_catalogue_yaml(registry: Registry | None = None) -> str:
    """What contracts/fixtures/reference-provider.yaml must hold: the catalogue of the default seed's data set."""
    data = _built_catalogue(DEFAULT_SEED, registry if registry is not None else default_registry())
    return catalogue_yaml(data, target=f"the reference provider (seed {DEFAULT_SEED})")


def write_catalogue_yaml(
    data: dict[str, dict[str, Any]], path: Path, *, target: str = "reference-provider"
) -> Path:
    """Write the catalogue as YAML (the format of contracts/fixtures/<name>.yaml)."""
    try:
        path.write_text(catalogue_yaml(data, target=target), encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path
