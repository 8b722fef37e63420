"""Shared types of the TLS tests (kept out of conftest.py, which is not importable by name)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ClientCert:
    cert: str
    key: str

    @property
    def pair(self) -> tuple[str, str]:
        return (self.cert, self.key)
