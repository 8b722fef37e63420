"""Configuration of the reference provider: where its database lives, the seed, faults, clock and schedule."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lefi_contracts.errors import UsageError
from lefi_contracts.provider.dataset import DEFAULT_SEED
from lefi_contracts.provider.maintenance import MaintenanceWindow, load_schedule

AGENCIES = ("FK", "PM")
TILLSTAND = ("OK", "FELANDE", "OTILLGANGLIG")


def _default_schedule() -> list[MaintenanceWindow]:
    return load_schedule()


@dataclass(frozen=True)
class ProviderConfig:
    """Everything a start of the provider depends on; two equal configs give the same answers.

    faults: names from faults.list_faults(); now: a fixed clock (None = real Europe/Stockholm time);
    maintenance: windows (default: contracts/maintenance.yaml); agency_state: e.g. {"PM": "OTILLGANGLIG"}.
    """

    db_path: Path
    seed: int = DEFAULT_SEED
    faults: frozenset[str] = frozenset()
    now: dt.datetime | None = None
    maintenance: list[MaintenanceWindow] = field(default_factory=_default_schedule)
    max_body_bytes: int = 1_000_000
    agency_state: dict[str, str] = field(default_factory=dict)
    persons: int = 240
    tls_cert: Path | None = None  # serve HTTPS with this certificate (PEM; may hold the key too)
    tls_key: Path | None = None
    client_ca: Path | None = None  # require client certificates signed by this CA (mutual TLS)

    @classmethod
    def from_cli(
        cls,
        *,
        db_path: Path | str,
        seed: int | None = None,
        faults: list[str] | None = None,
        now: str | None = None,
        tls_cert: str | Path | None = None,
        tls_key: str | Path | None = None,
        client_ca: str | Path | None = None,
    ) -> ProviderConfig:
        """A config from `lefi-contracts serve` options; every bad value is a one-line UsageError."""
        from lefi_contracts.provider.clock import parse_instant

        for label, value in (("--tls-cert", tls_cert), ("--tls-key", tls_key), ("--client-ca", client_ca)):
            if value is not None and not Path(value).is_file():
                raise UsageError(f"{label} {value}: no such file")
        if tls_key is not None and tls_cert is None:
            raise UsageError("--tls-key needs --tls-cert")
        if client_ca is not None and tls_cert is None:
            raise UsageError("--client-ca (mutual TLS) needs --tls-cert")
        return cls(
            db_path=Path(db_path),
            seed=DEFAULT_SEED if seed is None else int(seed),
            faults=frozenset(faults or ()),
            now=parse_instant(now) if now else None,
            tls_cert=Path(tls_cert) if tls_cert else None,
            tls_key=Path(tls_key) if tls_key else None,
            client_ca=Path(client_ca) if client_ca else None,
        )

    def ssl_options(self) -> dict[str, Any] | None:
        """uvicorn TLS options (without the ssl_ prefix) from tls_cert/tls_key/client_ca, or None for plain HTTP."""
        if self.tls_cert is None:
            return None
        import ssl

        options: dict[str, Any] = {"certfile": str(self.tls_cert)}
        if self.tls_key is not None:
            options["keyfile"] = str(self.tls_key)
        if self.client_ca is not None:
            options.update(ca_certs=str(self.client_ca), cert_reqs=ssl.CERT_REQUIRED)
        return options

    def __post_init__(self) -> None:
        from lefi_contracts.provider.faults import validate_faults

        object.__setattr__(self, "db_path", Path(self.db_path))
        if isinstance(self.now, str):
            from lefi_contracts.provider.clock import parse_instant

            object.__setattr__(self, "now", parse_instant(self.now))
        object.__setattr__(self, "faults", validate_faults(self.faults))
        check_agency_state(self.agency_state)
        if self.max_body_bytes < 1024:
            raise UsageError("max_body_bytes must be at least 1024")
        if self.persons < 200:
            raise UsageError("the data set needs at least 200 persons")


def check_agency_state(state: dict[str, str]) -> None:
    for agency, value in state.items():
        if agency not in AGENCIES:
            raise UsageError(f"unknown agency {agency!r} (known: {', '.join(AGENCIES)})")
        if value not in TILLSTAND:
            raise UsageError(f"unknown tillstand {value!r} for {agency} (known: {', '.join(TILLSTAND)})")
