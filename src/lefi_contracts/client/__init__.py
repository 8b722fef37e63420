"""The versioned LEFI Online client: one interface for SOAP (v5-v8) and REST (v9), chosen from the registry.

with LefiClient(url, "8", aktors_id="...") as client:
    resp = client.query(Query("191212121212", "2024-01-01", "2024-12-31", formansinformation=["FK:SJP"]))
    resp.data["formansinformation"]["sjukpenningarende"], resp.violations()
"""

from __future__ import annotations

from lefi_contracts.client.base import OP_QUERY, OP_TYPES, Fault, LefiResponse, Query, VersionProtocol
from lefi_contracts.client.client import LefiClient
from lefi_contracts.client.protocols import protocol_for
from lefi_contracts.client.transport import GuardedTransport, RawResponse, RequestRecord, TlsConfig

__all__ = [
    "OP_QUERY",
    "OP_TYPES",
    "Fault",
    "GuardedTransport",
    "LefiClient",
    "LefiResponse",
    "Query",
    "RawResponse",
    "RequestRecord",
    "TlsConfig",
    "VersionProtocol",
    "protocol_for",
]
