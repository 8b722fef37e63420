"""The provider as a service: start/restart, determinism, contract documents over HTTP, zeep, maintenance, users,
hostile and malformed requests (never a 500, never a traceback, never entity resolution)."""

from __future__ import annotations

import socket
import sqlite3
import ssl
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
import zeep
from lxml import etree
from provider_testkit import CLEAN_NOW, SOAP_ENV, hamta, read_soap, served, soap_body, version_ids

from lefi_contracts import personnummer
from lefi_contracts.contracts import registry
from lefi_contracts.errors import UsageError
from lefi_contracts.provider import ProviderConfig, catalogue, running_provider, write_catalogue_yaml
from lefi_contracts.provider.store import open_store

VERSIONS = served()
SOAP = [v for v in VERSIONS if v.transport == "soap"]
REST = [v for v in VERSIONS if v.transport == "rest"]
PERIOD = {"from": "2024-01-01", "tom": "2024-12-31"}


# --- data and lifecycle -------------------------------------------------------------------------------------
def test_restart_reuses_the_database(tmp_path: Path) -> None:
    db = tmp_path / "lefi.sqlite"
    t0 = time.perf_counter()
    store, built = open_store(db, 7)
    first = time.perf_counter() - t0
    digest, mtime = store.canonical_digest(), db.stat().st_mtime_ns
    store.close()
    t1 = time.perf_counter()
    again, rebuilt = open_store(db, 7)
    restart = time.perf_counter() - t1
    assert built and not rebuilt
    assert again.canonical_digest() == digest and db.stat().st_mtime_ns == mtime
    assert restart < first
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        persons = conn.execute("SELECT COUNT(DISTINCT pnr) FROM item").fetchone()[0]
        pnrs = [r[0] for r in conn.execute("SELECT DISTINCT pnr FROM item")]
    assert persons >= 199  # 'ingen-data' has no rows by design
    assert all(personnummer.is_valid(p) for p in pnrs)
    assert sum(int(p[6:8]) > 60 for p in pnrs) >= 3, "a few samordningsnummer"


def test_same_seed_same_data_other_seed_other_people(tmp_path: Path) -> None:
    a, _ = open_store(tmp_path / "a.sqlite", 11)
    b, _ = open_store(tmp_path / "b.sqlite", 11)
    c, _ = open_store(tmp_path / "c.sqlite", 12)
    assert a.canonical_digest() == b.canonical_digest()
    assert a.canonical_digest() != c.canonical_digest()
    people = {a.personas()[k]["personnummer"] for k in a.personas() if "personnummer" in a.personas()[k]}
    others = {c.personas()[k]["personnummer"] for k in c.personas() if "personnummer" in c.personas()[k]}
    assert not people & others


def test_other_seed_rebuilds_existing_file(tmp_path: Path) -> None:
    db = tmp_path / "lefi.sqlite"
    first, _ = open_store(db, 1)
    digest = first.canonical_digest()
    first.close()
    second, built = open_store(db, 2)
    assert built and second.canonical_digest() != digest


def test_port_in_use_is_a_usage_error(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with (
            pytest.raises(UsageError, match="cannot listen"),
            running_provider(ProviderConfig(db_path=tmp_path / "x.sqlite"), port=port),
        ):
            pass


def test_bad_db_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        open_store(tmp_path / "missing-dir" / "x.sqlite", 1)


def test_catalogue_served_and_written_as_yaml(
    http: httpx.Client, cat: dict[str, Any], tmp_path: Path
) -> None:
    assert cat == catalogue(20250317)
    for name in (
        "municipality",
        "insurer",
        "unemployment-fund",
        "system-vendor",
        "unknown-actor",
        "actor-without-FK:BOB",
        "valid-user",
        "expired-user-2-years",
        "old-grant-within-3-years",
    ):
        assert name in cat, name
    rows = [n for n in cat if n.startswith("preliminara-")]
    assert len(rows) == 8
    path = write_catalogue_yaml(cat, tmp_path / "reference-provider.yaml")
    assert yaml.safe_load(path.read_text(encoding="utf-8")) == cat


# --- contract documents and routing ---------------------------------------------------------------------------
@pytest.mark.parametrize("v", SOAP, ids=version_ids(SOAP))
def test_wsdl_and_xsd_served(http: httpx.Client, v) -> None:
    for path in (f"{v.base_path}/soap?wsdl", f"{v.base_path}/{v.contract_file('wsdl').name}"):
        wsdl = etree.fromstring(http.get(path).content)
        address = wsdl.find(".//{http://schemas.xmlsoap.org/wsdl/soap/}address")
        assert address.get("location") == f"{http.base_url}{v.base_path}/soap".replace("//lefi", "/lefi")
    xsd = http.get(f"{v.base_path}/{v.contract_file('xsd').name}")
    assert xsd.content == v.contract_file("xsd").read_bytes()


@pytest.mark.parametrize("v", REST, ids=version_ids(REST))
def test_openapi_served(http: httpx.Client, v) -> None:
    assert http.get(f"{v.base_path}/openapi.yaml").content == v.contract_file("openapi").read_bytes()
    assert http.get(f"{v.base_path}/openapi.json").json() == yaml.safe_load(
        v.contract_file("openapi").read_text()
    )


@pytest.mark.parametrize(
    "path", ["/lefi-online/v4/soap", "/lefi-extern-formansinformation/v7/aktorer/x/formansinformation/fraga"]
)
def test_unknown_version_path_404_names_served_versions(http: httpx.Client, path: str) -> None:
    response = http.post(path, content=b"{}")
    assert response.status_code == 404
    assert all(v.base_path in response.json()["meddelande"] for v in VERSIONS)


def test_new_registry_version_is_served_without_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Version 10 in a copied versions.yaml (reusing v8's files) is served at its own base_path."""
    root = registry().root
    data = yaml.safe_load((root / "versions.yaml").read_text(encoding="utf-8"))
    ten = dict(data["versions"]["8"], label="10.0", base_path="/lefi-online/v10")
    ten["contract"] = {k: str(root / p) for k, p in ten["contract"].items()}
    data["versions"]["10"] = ten
    contracts = tmp_path / "contracts"
    contracts.mkdir()
    (contracts / "versions.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    (contracts / "codes").symlink_to(root / "codes")
    (contracts / "fixtures").symlink_to(root / "fixtures")  # the data set's recipes
    monkeypatch.setenv("LEFI_CONTRACTS_DIR", str(contracts))
    registry.cache_clear()
    try:
        with running_provider(ProviderConfig(db_path=tmp_path / "x.sqlite", maintenance=[])) as url:
            health = httpx.get(f"{url}/_lefi/health").json()
            assert "10" in [v["number"] for v in health["versions"]]
            assert httpx.get(f"{url}/lefi-online/v10/soap?wsdl").status_code == 200
    finally:
        registry.cache_clear()


# --- a real SOAP client ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("v", SOAP, ids=version_ids(SOAP))
def test_zeep_loads_wsdl_from_provider_and_calls(clean_url: str, cat: dict[str, Any], v) -> None:
    client = zeep.Client(f"{clean_url}{v.base_path}/soap?wsdl")
    p = cat["bostadsbidrag-flera-beloppsperioder"]
    result = client.service.hamtaFormansinformation(
        aktorsId=cat["municipality"]["aktorsId"],
        personnummer=p["personnummer"],
        period={"from": "2024-01-01", "tom": "2024-12-31"},
        formansinformation=["FK:BOB"],
    )
    assert result["utlamnare"][0]["tillstand"]["kod"] == "OK"
    assert len(result["formansinformation"]["bostadsbidragsarende"][0]["beslut"]) == p["beloppsperioder"]
    listing = client.service.hamtaTillgangligaInformationstyper(aktorsId=cat["insurer"]["aktorsId"])
    assert "FK:SJP" in {g["kod"] for g in listing["formansinformation"]}


# --- maintenance, users, agency state (a provider of their own: they move the clock) --------------------------
@pytest.fixture(scope="module")
def timed(provider_db: Path) -> Any:
    with (
        running_provider(ProviderConfig(db_path=provider_db, now=CLEAN_NOW)) as url,
        httpx.Client(base_url=url) as c,
    ):
        yield c


def _clock(client: httpx.Client, now: str | None) -> None:
    assert client.post("/_lefi/clock", json={"now": now}).status_code == 200


@pytest.mark.parametrize("v", VERSIONS, ids=version_ids(VERSIONS))
def test_maintenance_window(timed: httpx.Client, cat: dict[str, Any], v) -> None:
    _clock(timed, "2025-03-17T10:00:00+01:00")
    try:
        p = cat["effected-payments"]
        answer = hamta(
            timed,
            v,
            cat["municipality"]["aktorsId"],
            p["personnummer"],
            PERIOD,
            formansinformation=["FK:SJP"],
        )
        assert answer.status == 503
        assert answer.headers["Retry-After"] == str(3 * 3600)
        if v.transport == "soap":
            assert (answer.fault["faultcode"], answer.fault["kod"]) == ("soap:Server", "OTILLGANGLIG")
            assert timed.get(f"{v.base_path}/soap?wsdl").status_code == 200
        else:
            assert set(answer.data) == {"meddelande", "timestamp"} and answer.schema_errors == []
            assert timed.get(f"{v.base_path}/openapi.yaml").status_code == 200
        _clock(timed, "2025-03-17T13:00:00+01:00")
        after = hamta(
            timed,
            v,
            cat["municipality"]["aktorsId"],
            p["personnummer"],
            PERIOD,
            formansinformation=["FK:SJP"],
        )
        assert after.status == 200
    finally:
        _clock(timed, CLEAN_NOW.isoformat())


@pytest.mark.parametrize("v", VERSIONS, ids=version_ids(VERSIONS))
@pytest.mark.parametrize(
    "user", ["valid-user", "expired-user-2-years", "old-grant-within-3-years", "expired-user-3-years"]
)
def test_behorighet_two_years_three_before_2025_04_11(
    timed: httpx.Client, cat: dict[str, Any], v, user: str
) -> None:
    u = cat[user]
    _clock(timed, u["clock"])
    try:
        p = cat["effected-payments"]
        answer = hamta(
            timed, v, u["aktorsId"], p["personnummer"], PERIOD, u["anvandare"], formansinformation=["FK:SJP"]
        )
    finally:
        _clock(timed, CLEAN_NOW.isoformat())
    if u["valid_at_clock"]:
        assert answer.status == 200
    elif v.transport == "rest":
        assert answer.status == 403
    else:
        assert (answer.fault["faultcode"], answer.fault["kod"]) == ("soap:Client", "ANVANDARE_OBEHORIG")


@pytest.mark.parametrize("v", VERSIONS, ids=version_ids(VERSIONS))
@pytest.mark.parametrize("state", ["FELANDE", "OTILLGANGLIG"])
def test_agency_not_ok_contributes_nothing(timed: httpx.Client, cat: dict[str, Any], v, state: str) -> None:
    agency = "PM" if v.behaviour.pensionsmyndigheten else "FK"
    assert timed.post("/_lefi/agency-state", json={agency: state}).status_code == 200
    try:
        p = cat["pensionsmyndigheten-allman-pension"]
        lists: dict[str, list[str]] = {"formansinformation": ["FK:SJP"]}
        if agency == "PM":
            lists.update(ansprak=["PM:AP"], utbetalningar=["PM:AP"])
        answer = hamta(timed, v, cat["insurer"]["aktorsId"], p["personnummer"], PERIOD, **lists)
    finally:
        timed.post("/_lefi/agency-state", json={"FK": "OK", "PM": "OK"})
    assert answer.status == 200 and answer.schema_errors == []
    states = {u["utlamnare"]["kod"]: u["tillstand"]["kod"] for u in answer.data["utlamnare"]}
    assert states[agency] == state
    if agency == "PM":
        assert "ansprak" not in answer.data and "utbetalningar" not in answer.data
        assert answer.fi["sjukpenningarende"], "FK still delivers"
    else:
        assert not answer.fi and "avvikelser" not in answer.data


# --- hostile and malformed requests ---------------------------------------------------------------------------
DTD_BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>&lol2;</soap:Body></soap:Envelope>"""
XXE = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>&xxe;</soap:Body></soap:Envelope>"""


@pytest.mark.parametrize("v", SOAP, ids=version_ids(SOAP))
@pytest.mark.parametrize(
    ("case", "body", "ctype"),
    [
        ("dtd-bomb", DTD_BOMB, "text/xml"),
        ("xxe", XXE, "text/xml"),
        ("malformed", b"<soap:Envelope", "text/xml"),
        ("not-envelope", b"<a/>", "text/xml"),
        ("wrong-content-type", b"{}", "application/json"),
        ("empty", b"", "text/xml"),
        ("oversized", b"<a>" + b"x" * 1_100_000 + b"</a>", "text/xml"),
    ],
)
def test_hostile_soap_gets_client_fault(http: httpx.Client, v, case: str, body: bytes, ctype: str) -> None:
    response = http.post(f"{v.base_path}/soap", content=body, headers={"Content-Type": ctype})
    answer = read_soap(v, response)
    assert response.status_code == 500
    assert (answer.fault["faultcode"], answer.fault["kod"]) == ("soap:Client", "FELAKTIGA_INDATA")
    assert answer.schema_errors == []
    assert "root:" not in response.text and "Traceback" not in response.text


@pytest.mark.parametrize("v", SOAP, ids=version_ids(SOAP))
def test_soap_request_in_another_versions_namespace_is_refused(
    http: httpx.Client, cat: dict[str, Any], v
) -> None:
    other = next(o for o in SOAP if o.number != v.number)
    body = soap_body(
        other,
        "hamtaFormansinformation",
        cat["municipality"]["aktorsId"],
        personnummer=cat["effected-payments"]["personnummer"],
        period=PERIOD,
        formansinformation=["FK:SJP"],
    )
    answer = read_soap(
        v, http.post(f"{v.base_path}/soap", content=body, headers={"Content-Type": "text/xml"})
    )
    assert answer.fault["kod"] == "FELAKTIGA_INDATA"


@pytest.mark.parametrize("v", REST, ids=version_ids(REST))
@pytest.mark.parametrize(
    ("case", "body", "ctype"),
    [
        ("malformed-json", b"{", "application/json"),
        ("not-object", b"[]", "application/json"),
        ("wrong-content-type", b"<a/>", "text/xml"),
        ("period-not-object", b'{"personnummer": "191212121212", "period": "2024"}', "application/json"),
        (
            "list-not-array",
            b'{"personnummer": "191212121212", "period": {"from": "2024-01-01", "tom": "2024-02-01"}, '
            b'"formansinformation": "FK:SJP"}',
            "application/json",
        ),
        ("oversized", b'{"x": "' + b"x" * 1_100_000 + b'"}', "application/json"),
    ],
)
def test_bad_rest_requests_get_400(
    http: httpx.Client, cat: dict[str, Any], v, case: str, body: bytes, ctype: str
) -> None:
    url = f"{v.base_path}/aktorer/{cat['municipality']['aktorsId']}/formansinformation/fraga"
    response = http.post(url, content=body, headers={"Content-Type": ctype})
    assert response.status_code == 400, response.text
    assert set(response.json()) == {"meddelande", "timestamp"}


def test_soap_fault_envelope_is_soap_11(http: httpx.Client) -> None:
    v = SOAP[0]
    response = http.post(f"{v.base_path}/soap", content=b"<x", headers={"Content-Type": "text/xml"})
    root = etree.fromstring(response.content)
    assert root.tag == f"{{{SOAP_ENV}}}Envelope"
    assert response.headers["content-type"].startswith("text/xml")


# --- TLS --------------------------------------------------------------------------------------------------------
def test_mutual_tls_requires_a_client_certificate(tmp_path: Path, cat: dict[str, Any]) -> None:
    trustme = pytest.importorskip("trustme")
    ca = trustme.CA()
    server = ca.issue_cert("127.0.0.1")
    client = ca.issue_cert("lefi-client")
    paths = {name: tmp_path / f"{name}.pem" for name in ("ca", "server", "client")}
    ca.cert_pem.write_to_path(str(paths["ca"]))
    server.private_key_and_cert_chain_pem.write_to_path(str(paths["server"]))
    client.private_key_and_cert_chain_pem.write_to_path(str(paths["client"]))
    config = ProviderConfig.from_cli(
        db_path=tmp_path / "x.sqlite", tls_cert=paths["server"], client_ca=paths["ca"]
    )
    with running_provider(config) as url:
        assert url.startswith("https://")
        with_cert = ssl.create_default_context(cafile=str(paths["ca"]))
        with_cert.load_cert_chain(str(paths["client"]))
        with httpx.Client(verify=with_cert) as good:
            assert good.get(f"{url}/_lefi/health").status_code == 200
        without = ssl.create_default_context(cafile=str(paths["ca"]))
        with httpx.Client(verify=without) as anonymous, pytest.raises(httpx.HTTPError):
            anonymous.get(f"{url}/_lefi/health")


def test_bad_tls_options_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        ProviderConfig.from_cli(db_path=tmp_path / "x.sqlite", tls_cert=tmp_path / "missing.pem")
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    with (
        pytest.raises(UsageError, match="TLS"),
        running_provider(ProviderConfig.from_cli(db_path=tmp_path / "x.sqlite", tls_cert=junk)),
    ):
        pass
