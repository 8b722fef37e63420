"""The public API of lefi_contracts is exactly `__all__` (in the style of httpx's tests/test_exported_members.py),
every name resolves to what the library defines, and `import lefi_contracts` stays cheap (imports are lazy)."""

from __future__ import annotations

import subprocess
import sys
import types

import pytest

import lefi_contracts

PUBLIC = [
    "Attachment",
    "CheckResult",
    "ConsumerContract",
    "contract_for",
    "ContractError",
    "diff_versions",
    "DiffReport",
    "FuzzResult",
    "GateOptions",
    "GateOutcome",
    "LefiClient",
    "LefiContractsError",
    "LefiResponse",
    "load_consumer",
    "load_registry",
    "Query",
    "registry",
    "Registry",
    "ResponseRejected",
    "ResultStream",
    "run_fuzz",
    "run_gate",
    "TargetUnavailable",
    "TlsConfig",
    "UsageError",
    "verify_consumer",
    "VersionInfo",
    "Violation",
    "__version__",
]


def test_all_is_the_pinned_list() -> None:
    assert len(set(lefi_contracts.__all__)) == len(lefi_contracts.__all__)
    assert sorted(lefi_contracts.__all__) == sorted(PUBLIC)
    assert set(lefi_contracts._EXPORTS) == set(PUBLIC) - {"__version__"}  # every name has its lazy import


def test_exported_members() -> None:
    """After every name is resolved, the module's public attributes are __all__ (submodules aside)."""
    for name in lefi_contracts.__all__:
        getattr(lefi_contracts, name)
    members = [
        m
        for m, value in vars(lefi_contracts).items()
        if not isinstance(value, types.ModuleType)
        and (not m.startswith("_") or m == "__version__")
        and m != "annotations"  # from __future__
    ]
    assert sorted(lefi_contracts.__all__) == sorted(members)


@pytest.mark.parametrize("name", [n for n in PUBLIC if n != "__version__"])
def test_each_name_is_the_library_object(name: str) -> None:
    value = getattr(lefi_contracts, name)
    assert value.__module__.startswith("lefi_contracts."), (name, value.__module__)
    assert name in dir(lefi_contracts)


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_thing"):
        lefi_contracts.no_such_thing  # noqa: B018


def test_version_is_the_installed_distributions() -> None:
    from importlib.metadata import version

    assert lefi_contracts.__version__ == version("lefi-contracts")


def test_import_is_cheap() -> None:
    """`import lefi_contracts` (what the pytest11 entry point and `--version` pay) loads no HTTP, schema or
    fuzzing library and none of our heavy modules."""
    code = (
        "import sys, lefi_contracts; "
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'httpx', 'schemathesis', 'hypothesis', 'xmlschema', 'lxml', 'starlette', 'jsonschema', 'yaml'} "
        "or m.startswith('lefi_contracts.'))))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "", loaded
