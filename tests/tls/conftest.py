"""A throw-away CA (trustme), certificates per catalogue actor, and the provider serving mutual TLS."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme
from tlskit import ClientCert

from lefi_contracts.provider import ProviderConfig, catalogue, running_provider

SEED = 20250317


@pytest.fixture(scope="session")
def personas() -> dict[str, Any]:
    return catalogue(SEED)


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """CA, server certificate for 127.0.0.1/localhost, and a second CA nobody trusts."""
    root = tmp_path_factory.mktemp("pki")
    ca = trustme.CA(organization_name="LEFI test CA")
    other = trustme.CA(organization_name="Some other CA")
    server = ca.issue_cert("127.0.0.1", "localhost", common_name="lefi-provider.test")
    paths = {"ca": root / "ca.pem", "other_ca": root / "other-ca.pem", "server": root / "server.pem"}
    ca.cert_pem.write_to_path(str(paths["ca"]))
    other.cert_pem.write_to_path(str(paths["other_ca"]))
    server.private_key_and_cert_chain_pem.write_to_path(str(paths["server"]))
    return {
        "ca_obj": ca,
        "other_obj": other,
        "server_obj": server,
        "root": root,
        **{k: str(v) for k, v in paths.items()},
    }


def issue(pki: dict[str, Any], name: str, common_name: str, *, ca_key: str = "ca_obj") -> ClientCert:
    """A client certificate whose subject CN is `common_name` (an aktorsId), cert and key as PEM files."""
    leaf = pki[ca_key].issue_cert(f"{name}.client.test", common_name=common_name, organization_name=name)
    cert, key = pki["root"] / f"{name}-{ca_key}.crt", pki["root"] / f"{name}-{ca_key}.key"
    leaf.cert_chain_pems[0].write_to_path(str(cert))
    leaf.private_key_pem.write_to_path(str(key))
    return ClientCert(str(cert), str(key))


@pytest.fixture(scope="session")
def certs(pki: dict[str, Any], personas: dict[str, Any]) -> dict[str, ClientCert]:
    out = {
        role: issue(pki, role, personas[role]["aktorsId"])
        for role in ("municipality", "insurer", "system-vendor", "unknown-actor")
    }
    out["untrusted-municipality"] = issue(
        pki, "municipality", personas["municipality"]["aktorsId"], ca_key="other_obj"
    )
    return out


@pytest.fixture(scope="session")
def mtls_url(tmp_path_factory: pytest.TempPathFactory, pki: dict[str, Any]) -> Iterator[str]:
    config = ProviderConfig(
        db_path=tmp_path_factory.mktemp("tls-db") / "lefi.sqlite",
        seed=SEED,
        tls_cert=Path(pki["server"]),
        client_ca=Path(pki["ca"]),
    )
    with running_provider(config) as url:
        yield url
