"""pytest plugin: the lefi-contracts fixtures (target, versions, catalogue, TLS) for scenario and contract runs.

Registered through the pytest11 entry point, but inert until asked for: a plain `pytest` in a project that merely
has lefi-contracts installed runs exactly as before. It is active with `-p lefi_contracts`, with `--lefi`, with any
`--lefi-*` option on the command line, or when a conftest calls `activate(config)` (our steps/ do). Every option is
namespaced `--lefi-*`, so none can clash with a project's own; `--lefi-version` narrows only our own tests (the
scenarios under lefi-contracts' steps/, tests marked `lefi_version`, and tests parametrized with a VersionInfo),
never a project's test that happens to take a `version` parameter.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:  # imported when used: a plain pytest run of another project pays for none of it
    from lefi_contracts.client.transport import TlsConfig
    from lefi_contracts.contracts import Registry, VersionInfo

PLUGIN_NAME = "lefi_contracts"  # the entry point's name, so `-p lefi_contracts` names this module
_ACTIVE = pytest.StashKey[bool]()
# Options that activate the plugin when given on the command line (dest names).
_OWN_OPTIONS = (
    "lefi_target",
    "lefi_version",
    "lefi_fixtures",
    "lefi_cert",
    "lefi_key",
    "lefi_ca",
    "lefi_contracts",
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("lefi-contracts")
    group.addoption("--lefi", action="store_true", help="activate the lefi-contracts plugin")
    group.addoption(
        "--lefi-target",
        default=None,
        help="base URL of the LEFI Online provider under test (env LEFI_TARGET); "
        "default: the embedded reference provider",
    )
    group.addoption(
        "--lefi-version",
        action="append",
        default=[],
        help="interface version(s) to test, repeatable or comma separated (default: every served version)",
    )
    group.addoption(
        "--lefi-fixtures",
        default=None,
        help="fixture catalogue (YAML) naming the test persons of a foreign target (env LEFI_FIXTURES)",
    )
    group.addoption(
        "--lefi-cert", default=None, help="client certificate (PEM) for mutual TLS (env LEFI_CERT)"
    )
    group.addoption("--lefi-key", default=None, help="client key (PEM) for mutual TLS (env LEFI_KEY)")
    group.addoption("--lefi-ca", default=None, help="CA bundle (PEM) to verify the target with (env LEFI_CA)")
    group.addoption(
        "--lefi-contracts",
        default=None,
        help="contracts folder with versions.yaml (env LEFI_CONTRACTS_DIR; default: the packaged contracts)",
    )


def activate(config: pytest.Config) -> None:
    """Switch the plugin on for this run (our own steps/conftest.py does; so may a user's conftest)."""
    config.stash[_ACTIVE] = True
    _share_contracts(config)
    _check_versions(config)


def _share_contracts(config: pytest.Config) -> None:
    """--lefi-contracts DIR is LEFI_CONTRACTS_DIR for this run, so the embedded provider (and every part that
    reads the default registry) reads the same contracts; restored when the run ends."""
    given = config.getoption("lefi_contracts", None)
    if not given:
        return
    from lefi_contracts.resources import contracts_env

    shared = contextlib.ExitStack()
    shared.enter_context(contracts_env(str(given)))
    config.add_cleanup(shared.close)


def is_active(config: pytest.Config) -> bool:
    return config.stash.get(_ACTIVE, False)


def _asked_for(config: pytest.Config) -> bool:
    if config.getoption("lefi", False):
        return True
    if PLUGIN_NAME in (getattr(config.option, "plugins", None) or []):
        return True
    return any(config.getoption(dest, None) for dest in _OWN_OPTIONS)


def _option(config: pytest.Config, dest: str, env: str) -> str | None:
    """A --lefi-* option, else its environment variable (read only once the plugin is active)."""
    value = config.getoption(dest, None)
    return str(value) if value else (os.environ.get(env) or None)


def selected_version_numbers(config: pytest.Config) -> list[str] | None:
    raw: list[str] = config.getoption("lefi_version", None) or []
    numbers = [n.strip().lstrip("v") for item in raw for n in item.split(",") if n.strip()]
    return numbers or None


def _registry(config: pytest.Config) -> Registry:
    from lefi_contracts.contracts import registry

    return registry(_option(config, "lefi_contracts", "LEFI_CONTRACTS_DIR"))


def _check_versions(config: pytest.Config) -> None:
    """An unknown --lefi-version is one usage line before anything is collected, not an INTERNALERROR."""
    wanted = selected_version_numbers(config)
    if not wanted:
        return
    from lefi_contracts.errors import LefiContractsError

    try:
        reg = _registry(config)
        for number in wanted:
            reg.get(number)
    except LefiContractsError as exc:
        raise pytest.UsageError(f"--lefi-version: {exc}") from None


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "lefi_version(number): the interface version a test exercises")
    config.addinivalue_line(
        "markers", "test_control: a scenario that needs the target's test control (/_lefi)"
    )
    config.addinivalue_line("markers", "provider_state: a scenario that may set provider state (its clock)")
    if _asked_for(config):
        activate(config)


def _is_own_scenario(item: pytest.Item) -> bool:
    """A test of lefi-contracts' own step definitions (checkout or packaged), not of the user's project."""
    from lefi_contracts.resources import steps_dir

    try:
        return Path(str(item.path)).resolve().is_relative_to(steps_dir().resolve())
    except OSError:
        return False


def _item_version(item: pytest.Item) -> str | None:
    """The interface version a test of ours exercises; None for every test that is not ours."""
    from lefi_contracts.contracts import VersionInfo

    marker = item.get_closest_marker("lefi_version")
    if marker and marker.args:
        return str(marker.args[0])
    callspec = getattr(item, "callspec", None)
    if callspec is None:
        return None
    for value in callspec.params.values():
        if isinstance(value, VersionInfo):
            return value.number
    if not _is_own_scenario(item):
        return None
    example = callspec.params.get("_pytest_bdd_example")
    if isinstance(example, dict) and "version" in example:
        return str(example["version"])
    value = callspec.params.get("version")
    return str(value) if value is not None else None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """--lefi-version narrows our versioned tests (Scenario Outline rows included) to the chosen versions."""
    if not is_active(config):
        return
    wanted = selected_version_numbers(config)
    if not wanted:
        return
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        version = _item_version(item)
        (drop if version is not None and version not in wanted else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def lefi_registry(pytestconfig: pytest.Config) -> Registry:
    return _registry(pytestconfig)


@pytest.fixture(scope="session")
def lefi_versions(pytestconfig: pytest.Config, lefi_registry: Registry) -> list[VersionInfo]:
    return lefi_registry.select(selected_version_numbers(pytestconfig))


@pytest.fixture(scope="session")
def lefi_tls(pytestconfig: pytest.Config) -> TlsConfig:
    from lefi_contracts.client.transport import TlsConfig

    cert, key, ca = (_option(pytestconfig, f"lefi_{o}", f"LEFI_{o.upper()}") for o in ("cert", "key", "ca"))
    return TlsConfig.from_options(cert, key, ca)


def target_option(config: pytest.Config) -> str | None:
    """--lefi-target, else LEFI_TARGET: the provider under test (None: the embedded reference provider)."""
    return _option(config, "lefi_target", "LEFI_TARGET")


@pytest.fixture(scope="session")
def lefi_target(pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of the target; with no --lefi-target, the embedded reference provider on a free loopback port."""
    target = target_option(pytestconfig)
    if target:
        yield target.rstrip("/")
        return
    from lefi_contracts.provider import ProviderConfig, running_provider

    db = tmp_path_factory.mktemp("lefi-provider") / "lefi.sqlite"
    with running_provider(ProviderConfig(db_path=db)) as url:
        yield url


@pytest.fixture(scope="session")
def lefi_embedded(pytestconfig: pytest.Config) -> bool:
    """True when the suite runs against its own embedded provider (test-only endpoints are available)."""
    return not target_option(pytestconfig)


@pytest.fixture(scope="session")
def lefi_catalogue(pytestconfig: pytest.Config, lefi_target: str, lefi_tls: TlsConfig) -> dict[str, Any]:
    """The fixture catalogue: test persons, actors and users named by what they are."""
    from lefi_contracts.catalogue import load_catalogue

    path = _option(pytestconfig, "lefi_fixtures", "LEFI_FIXTURES")
    return load_catalogue(Path(path) if path else None, target=lefi_target, tls=lefi_tls)
