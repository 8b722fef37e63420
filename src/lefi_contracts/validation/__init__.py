"""Contract validation for every version: `contract_for(version)` picks the XSD or OpenAPI contract from the registry.

from lefi_contracts.validation import contract_for
violations = contract_for("8").validate_response(body, operation="hamtaFormansinformation", status=200)
"""

from __future__ import annotations

import threading
from pathlib import Path

from lefi_contracts.contracts import VersionInfo, registry
from lefi_contracts.errors import ContractError
from lefi_contracts.validation.base import Contract, OperationBinding, Violation
from lefi_contracts.validation.openapi import OpenApiContract
from lefi_contracts.validation.soap_envelope import SOAP11_NS
from lefi_contracts.validation.xmlsafe import DEFAULT_MAX_BYTES, parse_json, parse_xml
from lefi_contracts.validation.xsd import XsdContract

__all__ = [
    "DEFAULT_MAX_BYTES",
    "SOAP11_NS",
    "Contract",
    "OpenApiContract",
    "OperationBinding",
    "Violation",
    "XsdContract",
    "clear_cache",
    "contract_for",
    "parse_json",
    "parse_xml",
]

_cache: dict[tuple[str, str, int], Contract] = {}
_lock = threading.Lock()
_building: dict[tuple[str, str], threading.Lock] = {}  # per contract file: its one build at a time


def _resolve(version: VersionInfo | str | int) -> VersionInfo:
    return version if isinstance(version, VersionInfo) else registry().get(str(version))


def contract_file_for(version: VersionInfo | str | int) -> Path:
    info = _resolve(version)
    return info.contract_file("xsd" if info.transport == "soap" else "openapi")


def contract_for(version: VersionInfo | str | int) -> Contract:
    """The version's Contract (XsdContract for soap, OpenApiContract for rest), cached per file and mtime."""
    info = _resolve(version)
    path = contract_file_for(info)
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        raise ContractError(f"version {info.number}: contract file {path} does not exist") from None
    key = (info.number, str(path), mtime)
    with _lock:
        cached = _cache.get(key)
        building = _building.setdefault(key[:2], threading.Lock())
    if cached is not None:
        return cached
    # One build a contract: the gate's workers ask for it at once, and an XSD build costs ~a second of CPU.
    with building:
        with _lock:
            cached = _cache.get(key)
        if cached is not None:
            return cached
        contract: Contract
        if info.transport == "soap":
            contract = XsdContract(path, version=info.number)
        else:
            contract = OpenApiContract(path, version=info.number)
        with _lock:
            for old in [k for k in _cache if k[:2] == key[:2]]:
                del _cache[old]
            _cache[key] = contract
    return contract


def clear_cache() -> None:
    with _lock:
        _cache.clear()
