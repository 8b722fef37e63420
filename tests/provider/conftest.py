"""Fixtures of the provider tests: one clean provider per module on a shared database (built once per session)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from provider_testkit import CLEAN_NOW

from lefi_contracts.provider import ProviderConfig, running_provider


@pytest.fixture(scope="session")
def provider_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("provider") / "lefi.sqlite"


@pytest.fixture(scope="module")
def clean_url(provider_db: Path) -> Iterator[str]:
    with running_provider(ProviderConfig(db_path=provider_db, now=CLEAN_NOW)) as url:
        yield url


@pytest.fixture(scope="module")
def http(clean_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=clean_url, timeout=10) as client:
        yield client


@pytest.fixture(scope="module")
def cat(http: httpx.Client) -> dict[str, Any]:
    response = http.get("/_lefi/catalogue")
    assert response.status_code == 200
    return response.json()
