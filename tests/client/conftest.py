"""Fixtures of the client tests: a stub server on a free loopback port."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .stubserver import Stub, serve


@pytest.fixture
def stub() -> Iterator[Stub]:
    with serve() as state:
        yield state
