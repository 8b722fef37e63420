"""Suite-wide set-up: the compat cache of the suite's own runs lives in a temporary folder, never in the home
folder of whoever runs the tests (a test that is about the cache names its own folder)."""

from __future__ import annotations

import os
import tempfile

import pytest


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("LEFI_CACHE_DIR", tempfile.mkdtemp(prefix="lefi-test-cache-"))
