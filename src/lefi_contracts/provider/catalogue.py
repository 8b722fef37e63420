"""The fixture catalogue of the reference provider: test data named by what it is, with the facts to assert.

Scenarios ask for "forebyggande-sjukpenning-after-cutoff", never for a personnummer. The same mapping is served at
GET /_lefi/catalogue and can be written as YAML in the format a foreign target's catalogue uses
(contracts/fixtures/<name>.yaml).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from lefi_contracts.errors import UsageError
from lefi_contracts.provider.config import ProviderConfig
from lefi_contracts.provider.dataset import build_dataset
from lefi_contracts.provider.store import Store, open_store


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
        import json

        # Built in memory: the same personas the store would hold (JSON round trip = the stored form).
        return json.loads(
            json.dumps(build_dataset(config_or_seed).personas, ensure_ascii=False, sort_keys=True)
        )
    raise UsageError("catalogue() takes a ProviderConfig or a seed (int)")


def write_catalogue_yaml(
    data: dict[str, dict[str, Any]], path: Path, *, target: str = "reference-provider"
) -> Path:
    """Write the catalogue as YAML (the format of contracts/fixtures/<name>.yaml)."""
    header = (
        f"# Fixture catalogue of {target}: test persons, actors and users named by what they are.\n"
        "# Generated from the reference provider's data set; personnummer are synthetic (valid Luhn and date).\n"
    )
    try:
        path.write_text(header + yaml.safe_dump(data, allow_unicode=True, sort_keys=True), encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path
