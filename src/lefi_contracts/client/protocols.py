"""The transport of a version comes from the registry: soap -> SoapProtocol, rest -> RestProtocol."""

from __future__ import annotations

from lefi_contracts.client.base import VersionProtocol
from lefi_contracts.client.rest import RestProtocol
from lefi_contracts.client.soap import SoapProtocol
from lefi_contracts.contracts import VersionInfo, registry

_PROTOCOLS: dict[str, type[VersionProtocol]] = {"soap": SoapProtocol, "rest": RestProtocol}


def resolve(version: VersionInfo | str | int) -> VersionInfo:
    return version if isinstance(version, VersionInfo) else registry().get(str(version))


def protocol_for(version: VersionInfo | str | int) -> VersionProtocol:
    info = resolve(version)
    return _PROTOCOLS[info.transport](info)
