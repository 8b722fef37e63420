"""pytest plugin: --target, --lefi-version, and the fixtures that start the embedded provider when no target is given.

Registered through the pytest11 entry point, so `pytest --target URL` works in any project that installs us.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from lefi_contracts.contracts import Registry, VersionInfo, registry

if TYPE_CHECKING:
    from lefi_contracts.client.transport import TlsConfig


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("lefi-contracts")
    group.addoption(
        "--target",
        default=os.environ.get("LEFI_TARGET"),
        help="base URL of the LEFI Online provider under test (env LEFI_TARGET); default: the embedded reference provider",
    )
    group.addoption(
        "--lefi-version",
        action="append",
        default=[],
        help="interface version(s) to test, repeatable or comma separated (default: every served version)",
    )
    group.addoption(
        "--lefi-fixtures",
        default=os.environ.get("LEFI_FIXTURES"),
        help="fixture catalogue (YAML) naming the test persons of a foreign target; the embedded provider has its own",
    )
    group.addoption(
        "--lefi-cert", default=os.environ.get("LEFI_CERT"), help="client certificate (PEM) for mutual TLS"
    )
    group.addoption("--lefi-key", default=os.environ.get("LEFI_KEY"), help="client key (PEM) for mutual TLS")
    group.addoption(
        "--lefi-ca", default=os.environ.get("LEFI_CA"), help="CA bundle (PEM) to verify the target with"
    )


def selected_version_numbers(config: pytest.Config) -> list[str] | None:
    raw: list[str] = config.getoption("--lefi-version") or []
    numbers = [n.strip().lstrip("v") for item in raw for n in item.split(",") if n.strip()]
    return numbers or None


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "lefi_version(number): the interface version a test exercises")


def _item_version(item: pytest.Item) -> str | None:
    marker = item.get_closest_marker("lefi_version")
    if marker and marker.args:
        return str(marker.args[0])
    callspec = getattr(item, "callspec", None)
    if callspec is None:
        return None
    example = callspec.params.get("_pytest_bdd_example")
    if isinstance(example, dict) and "version" in example:
        return str(example["version"])
    value = callspec.params.get("version")
    return str(value.number if isinstance(value, VersionInfo) else value) if value is not None else None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """--lefi-version narrows every versioned test (Scenario Outline rows included) to the chosen versions."""
    wanted = selected_version_numbers(config)
    if not wanted:
        return
    reg = registry()
    for number in wanted:
        reg.get(number)  # unknown version: a clear usage error before anything runs
    keep, drop = [], []
    for item in items:
        version = _item_version(item)
        (drop if version is not None and version not in wanted else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def lefi_registry() -> Registry:
    return registry()


@pytest.fixture(scope="session")
def lefi_versions(pytestconfig: pytest.Config, lefi_registry: Registry) -> list[VersionInfo]:
    return lefi_registry.select(selected_version_numbers(pytestconfig))


@pytest.fixture(scope="session")
def lefi_tls(pytestconfig: pytest.Config) -> TlsConfig:
    from lefi_contracts.client.transport import TlsConfig

    cert, key, ca = (pytestconfig.getoption(o) for o in ("--lefi-cert", "--lefi-key", "--lefi-ca"))
    return TlsConfig.from_options(cert, key, ca)


@pytest.fixture(scope="session")
def lefi_target(pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of the target; with no --target, the embedded reference provider on a free loopback port."""
    target = pytestconfig.getoption("--target")
    if target:
        yield str(target).rstrip("/")
        return
    from lefi_contracts.provider import ProviderConfig, running_provider

    db = tmp_path_factory.mktemp("lefi-provider") / "lefi.sqlite"
    with running_provider(ProviderConfig(db_path=db)) as url:
        yield url


@pytest.fixture(scope="session")
def lefi_embedded(pytestconfig: pytest.Config) -> bool:
    """True when the suite runs against its own embedded provider (test-only endpoints are available)."""
    return not pytestconfig.getoption("--target")


@pytest.fixture(scope="session")
def lefi_catalogue(pytestconfig: pytest.Config, lefi_target: str, lefi_tls: TlsConfig) -> dict[str, Any]:
    """The fixture catalogue: test persons, actors and users named by what they are."""
    from lefi_contracts.catalogue import load_catalogue

    path = pytestconfig.getoption("--lefi-fixtures")
    return load_catalogue(Path(path) if path else None, target=lefi_target, tls=lefi_tls)
