"""The reference provider of LEFI Online: every served version on one port, backed by SQLite and synthetic data.

Public API:
  ProviderConfig(db_path, seed=20250317, faults=frozenset(), now=None, maintenance=[...], max_body_bytes=1_000_000,
                 agency_state={}, persons=240)
  create_app(config) -> Starlette ASGI app
  running_provider(config, host="127.0.0.1", port=0, ssl=None) -> context manager yielding the base URL
  serve(config, host, port, ssl=None)   blocking, for `lefi-contracts serve`
  list_faults() -> list[Fault];  catalogue(config_or_seed) -> dict[str, dict];  write_catalogue_yaml(data, path)
"""

from lefi_contracts.provider.app import create_app
from lefi_contracts.provider.catalogue import catalogue, write_catalogue_yaml
from lefi_contracts.provider.config import ProviderConfig
from lefi_contracts.provider.faults import Fault, list_faults
from lefi_contracts.provider.maintenance import MaintenanceWindow, load_schedule
from lefi_contracts.provider.server import running_provider, serve

__all__ = [
    "Fault",
    "MaintenanceWindow",
    "ProviderConfig",
    "catalogue",
    "create_app",
    "list_faults",
    "load_schedule",
    "running_provider",
    "serve",
    "write_catalogue_yaml",
]
