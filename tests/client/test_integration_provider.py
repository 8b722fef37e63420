"""Every served version of the running reference provider answers a query the client decodes and the contract accepts.

Skips while the provider or a version's contract is not there yet (they are written in parallel).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from lefi_contracts.client import LefiClient, Query, TlsConfig
from lefi_contracts.contracts import VersionInfo, registry
from lefi_contracts.errors import TargetUnavailable

provider = pytest.importorskip("lefi_contracts.provider")

SERVED = registry().served()


def _contract_present(info: VersionInfo) -> bool:
    return info.contract_file("xsd" if info.transport == "soap" else "openapi").is_file()


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, Any]]]:
    config = provider.ProviderConfig(db_path=Path(tmp_path_factory.mktemp("provider")) / "lefi.db")
    with provider.running_provider(config) as url:
        yield url, provider.catalogue(config)


@pytest.fixture(scope="module")
def maintenance_target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, Any]]]:
    """The provider with its clock inside the 2025-03-17 08:00-13:00 window of contracts/maintenance.yaml."""
    now = dt.datetime(2025, 3, 17, 9, 0, tzinfo=ZoneInfo("Europe/Stockholm"))
    config = provider.ProviderConfig(db_path=Path(tmp_path_factory.mktemp("maint")) / "lefi.db", now=now)
    with provider.running_provider(config) as url:
        yield url, provider.catalogue(config)


def _actor(cat: dict[str, Any], group: str) -> str:
    for entry in cat.values():
        if (
            isinstance(entry, dict)
            and entry.get("aktorsId")
            and group in (entry.get("groups") or [])
            and entry.get("representable", True)
        ):
            return str(entry["aktorsId"])
    pytest.skip(f"no catalogue actor entitled to {group}")


@pytest.mark.parametrize("info", SERVED, ids=lambda v: f"v{v.number}")
def test_query_every_served_version(target: tuple[str, dict[str, Any]], info: VersionInfo) -> None:
    if not _contract_present(info):
        pytest.skip(f"contract of version {info.number} not written yet")
    url, cat = target
    person = cat["effected-payments"]
    aktor = _actor(cat, "FK:SJP")
    with LefiClient(url, info, aktors_id=aktor, timeout=10) as client:
        resp = client.query(
            Query(
                person["personnummer"],
                person["period"]["from"],
                person["period"]["tom"],
                formansinformation=["FK:SJP"],
                utbetalningar=["FK:SJP"],
            )
        )
        types = client.available_types()
    assert resp.ok, resp.describe()
    assert resp.version == info.number and resp.transport == info.transport
    assert resp.utlamnare_state("FK") == "OK"
    assert resp.formansinformation.get("sjukpenningarende", []), "no sjukpenningarende decoded"
    assert resp.violations() == [], [str(v) for v in resp.violations()]
    assert types.ok and types.violations() == []
    assert any(g.get("kod") == "FK:SJP" for g in (types.data or {}).get("formansinformation", []))


@pytest.mark.parametrize("info", SERVED, ids=lambda v: f"v{v.number}")
def test_maintenance_window_is_target_unavailable(tmp_path: Path, info: VersionInfo) -> None:
    if not _contract_present(info):
        pytest.skip(f"contract of version {info.number} not written yet")
    now = dt.datetime(2025, 3, 17, 9, 0, tzinfo=ZoneInfo("Europe/Stockholm"))
    config = provider.ProviderConfig(db_path=tmp_path / "lefi.db", now=now)
    cat = provider.catalogue(config)
    with (
        provider.running_provider(config) as url,
        LefiClient(url, info, aktors_id=_actor(cat, "FK:SJP"), timeout=10) as client,
    ):
        q = Query("197310234302", "2024-01-01", "2024-12-31", formansinformation=["FK:SJP"])
        with pytest.raises(TargetUnavailable) as exc:
            client.query(q)
        assert exc.value.retry_after
        resp = client.query(q, raise_on_unavailable=False)
    assert resp.unavailable and resp.http_status == 503
    assert resp.violations() == [], [str(v) for v in resp.violations()]


def test_tls_with_our_ca_and_refusal_without_it(tmp_path: Path) -> None:
    """https: the client trusts the CA it is given (and only that), the server certificate is checked."""
    trustme = pytest.importorskip("trustme")
    info = next((v for v in SERVED if _contract_present(v)), None)
    if info is None:
        pytest.skip("no contract written yet")
    ca = trustme.CA()
    server_cert = ca.issue_cert("127.0.0.1", "localhost")
    ca_path, cert_path = tmp_path / "ca.pem", tmp_path / "server.pem"
    ca.cert_pem.write_to_path(str(ca_path))
    server_cert.private_key_and_cert_chain_pem.write_to_path(str(cert_path))
    config = provider.ProviderConfig(db_path=tmp_path / "lefi.db")
    cat = provider.catalogue(config)
    aktor = _actor(cat, "FK:SJP")
    q = Query("197310234302", "2024-01-01", "2024-12-31", formansinformation=["FK:SJP"])
    with provider.running_provider(
        config, ssl={"certfile": str(cert_path), "keyfile": str(cert_path)}
    ) as url:
        assert url.startswith("https://")
        with LefiClient(url, info, aktors_id=aktor, tls=TlsConfig(ca=str(ca_path)), timeout=10) as client:
            assert client.query(q).ok
        with (
            LefiClient(url, info, aktors_id=aktor, timeout=10) as client,
            pytest.raises(TargetUnavailable, match="certificate"),
        ):
            client.query(q)
