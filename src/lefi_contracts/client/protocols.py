"""The transport of a version comes from the registry: soap -> SoapProtocol, rest -> RestProtocol."""

from __future__ import annotations

from lefi_contracts.client.base import VersionProtocol
from lefi_contracts.client.rest import RestProtocol
from lefi_contracts.client.soap import SoapProtocol
from lefi_contracts.contracts import Registry, VersionInfo
from lefi_contracts.contracts import registry as default_registry

_PROTOCOLS: dict[str, type[VersionProtocol]] = {"soap": SoapProtocol, "rest": RestProtocol}


def resolve(version: VersionInfo | str | int, registry: Registry | None = None) -> VersionInfo:
    """The VersionInfo of a version number, from `registry` (None: the default registry)."""
    if isinstance(version, VersionInfo):
        return version
    return (registry or default_registry()).get(str(version))


def protocol_for(version: VersionInfo | str | int, registry: Registry | None = None) -> VersionProtocol:
    info = resolve(version, registry)
    return _PROTOCOLS[info.transport](info)
