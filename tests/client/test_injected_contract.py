"""resp.violations() checks an answer against the contract of the registry the client was given, never against
the default registry's: the protocol that decoded the answer injects its contract."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from lefi_contracts.client import LefiClient
from lefi_contracts.contracts import Registry, load_registry, registry
from lefi_contracts.provider import ProviderConfig, catalogue, running_provider

MARK = "lefiOnlyInTheCandidate"


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, Any]]]:
    config = ProviderConfig(db_path=tmp_path_factory.mktemp("provider") / "lefi.db")
    with running_provider(config) as url:
        yield url, catalogue(config)


@pytest.fixture(scope="module")
def stricter(tmp_path_factory: pytest.TempPathFactory) -> Registry:
    """A copy of the contracts whose v9 requires a field in tillgängliga informationstyper no provider sends."""
    root = tmp_path_factory.mktemp("candidate") / "contracts"
    shutil.copytree(registry().root, root)
    path = load_registry(root).get("9").contract_file("openapi")
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    schema = doc["components"]["schemas"]["LefiExternTillgangligaInformationstyper"]
    schema.setdefault("properties", {})[MARK] = {"type": "string"}
    schema["required"] = [*schema.get("required", []), MARK]
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_registry(root)


def _types_violations(url: str, aktor: str, reg: Registry | None) -> list[str]:
    with LefiClient(url, "9", aktors_id=aktor, timeout=10, registry=reg) as client:
        resp = client.available_types()
    assert resp.ok, resp.describe()
    return [str(v) for v in resp.violations()]


def test_violations_use_the_clients_registry(target: tuple[str, dict[str, Any]], stricter: Registry) -> None:
    url, cat = target
    aktor = str(cat["system-vendor"]["aktorsId"])
    assert _types_violations(url, aktor, None) == []
    found = _types_violations(url, aktor, stricter)
    assert any(MARK in v for v in found), found


def test_the_client_takes_its_version_from_the_given_registry(stricter: Registry) -> None:
    with LefiClient("http://127.0.0.1:9", "9", registry=stricter) as client:
        assert client.info is stricter.get("9")
        assert client.info.contract_file("openapi").is_relative_to(stricter.root)
