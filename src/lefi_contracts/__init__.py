"""lefi-contracts: contract testing and version compatibility for LEFI Online (versions 5-9).

The public API is what `__all__` names (pinned by tests/test_public_api.py); every other module is an
implementation detail that may change between releases.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("lefi-contracts")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
