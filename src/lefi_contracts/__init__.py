"""lefi-contracts: contract testing and version compatibility for LEFI Online (versions 5-9).

The public API is what `__all__` names (pinned by tests/test_public_api.py); every other module is an
implementation detail that may change between releases. The names are imported on first use (module
`__getattr__`), so `import lefi_contracts` stays cheap: a pytest run or a `--version` pays for nothing else.

    from lefi_contracts import GateOptions, run_gate
    outcome = run_gate(GateOptions(target="https://lefi.test.example", versions="8,9"))
    outcome.exit_code, outcome.summary_path
"""

from __future__ import annotations

from importlib import import_module as _import_module
from importlib.metadata import PackageNotFoundError as _PackageNotFoundError
from importlib.metadata import version as _distribution_version
from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any

try:
    __version__ = _distribution_version("lefi-contracts")
except _PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

# public name -> the module that defines it, grouped by concern
_EXPORTS: dict[str, str] = {
    # the release gate
    "GateOptions": "lefi_contracts.gate",
    "GateOutcome": "lefi_contracts.gate",
    "run_gate": "lefi_contracts.gate",
    # compatibility of two contracts
    "DiffReport": "lefi_contracts.compat",
    "diff_versions": "lefi_contracts.compat",
    # consumer contracts
    "ConsumerContract": "lefi_contracts.consumers",
    "load_consumer": "lefi_contracts.consumers",
    "verify_consumer": "lefi_contracts.consumers",
    # fuzzing
    "FuzzResult": "lefi_contracts.fuzz",
    "run_fuzz": "lefi_contracts.fuzz",
    # the client
    "LefiClient": "lefi_contracts.client",
    "LefiResponse": "lefi_contracts.client",
    "Query": "lefi_contracts.client",
    "TlsConfig": "lefi_contracts.client",
    # contracts and validation
    "Registry": "lefi_contracts.contracts",
    "VersionInfo": "lefi_contracts.contracts",
    "load_registry": "lefi_contracts.contracts",
    "registry": "lefi_contracts.contracts",
    "Violation": "lefi_contracts.validation",
    "contract_for": "lefi_contracts.validation",
    # results
    "Attachment": "lefi_contracts.results",
    "CheckResult": "lefi_contracts.results",
    "ResultStream": "lefi_contracts.results",
    # errors (each carries its exit code)
    "ContractError": "lefi_contracts.errors",
    "LefiContractsError": "lefi_contracts.errors",
    "ResponseRejected": "lefi_contracts.errors",
    "TargetUnavailable": "lefi_contracts.errors",
    "UsageError": "lefi_contracts.errors",
}

__all__ = [
    "Attachment",
    "CheckResult",
    "ConsumerContract",
    "ContractError",
    "DiffReport",
    "FuzzResult",
    "GateOptions",
    "GateOutcome",
    "LefiClient",
    "LefiContractsError",
    "LefiResponse",
    "Query",
    "Registry",
    "ResponseRejected",
    "ResultStream",
    "TargetUnavailable",
    "TlsConfig",
    "UsageError",
    "VersionInfo",
    "Violation",
    "__version__",
    "contract_for",
    "diff_versions",
    "load_consumer",
    "load_registry",
    "registry",
    "run_fuzz",
    "run_gate",
    "verify_consumer",
]

if _TYPE_CHECKING:
    from lefi_contracts.client import LefiClient, LefiResponse, Query, TlsConfig
    from lefi_contracts.compat import DiffReport, diff_versions
    from lefi_contracts.consumers import ConsumerContract, load_consumer, verify_consumer
    from lefi_contracts.contracts import Registry, VersionInfo, load_registry, registry
    from lefi_contracts.errors import (
        ContractError,
        LefiContractsError,
        ResponseRejected,
        TargetUnavailable,
        UsageError,
    )
    from lefi_contracts.fuzz import FuzzResult, run_fuzz
    from lefi_contracts.gate import GateOptions, GateOutcome, run_gate
    from lefi_contracts.results import Attachment, CheckResult, ResultStream
    from lefi_contracts.validation import Violation, contract_for


def __getattr__(name: str) -> _Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'lefi_contracts' has no attribute {name!r}")
    value = getattr(_import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
