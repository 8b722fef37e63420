"""The provider's answers byte for byte: every catalogue persona x served version x operation, against digests.

Guards performance work on render/store/server: an optimisation may change how an answer is made, never one
byte of it (status, content type and body). The digests in answer_digests.json were generated once from the
provider before that work; regenerate them only for an intended change of answers (new data set, new rule):
    LEFI_WRITE_ANSWER_DIGESTS=1 .venv/bin/python -m pytest -q tests/provider/test_provider_answer_bytes.py
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from provider_testkit import CLEAN_NOW, LISTS, served, soap_body

from lefi_contracts.contracts import VersionInfo
from lefi_contracts.provider import ProviderConfig, running_provider
from lefi_contracts.provider.app import Provider

DIGESTS = Path(__file__).with_name("answer_digests.json")
SYSTEM_ACTOR = "system-vendor"  # the catalogue's ombud: the caller for personas that are persons, not actors


@pytest.fixture(scope="module")
def provider_url(provider_db: Path) -> Iterator[str]:
    with running_provider(ProviderConfig(db_path=provider_db, now=CLEAN_NOW)) as url:
        yield url


def _digest(response: httpx.Response) -> str:
    head = f"{response.status_code} {response.headers.get('content-type')}\n".encode()
    return hashlib.sha256(head + response.content).hexdigest()


def _query(
    client: httpx.Client, v: VersionInfo, actor: str, person: dict[str, Any], lists: dict[str, list[str]]
) -> httpx.Response:
    pnr, period, anvandare = person["personnummer"], person["period"], person.get("anvandare")
    if v.transport == "soap":
        body = soap_body(
            v,
            "hamtaFormansinformation",
            actor,
            personnummer=pnr,
            period=period,
            anvandare=anvandare,
            **lists,
        )
        headers = {
            "Content-Type": "text/xml; charset=utf-8",
            "SOAPAction": f'"{v.namespace}#hamtaFormansinformation"',
        }
        return client.post(f"{v.base_path}/soap", content=body, headers=headers)
    payload: dict[str, Any] = {"personnummer": pnr, "period": period, **{k: c for k, c in lists.items() if c}}
    return client.post(
        f"{v.base_path}/aktorer/{actor}/formansinformation/fraga",
        content=json.dumps(payload).encode(),
        headers={
            "Content-Type": "application/json",
            **({"X-Lefi-Anvandare": anvandare} if anvandare else {}),
        },
    )


def _available(client: httpx.Client, v: VersionInfo, actor: str) -> httpx.Response:
    if v.transport == "soap":
        body = soap_body(v, "hamtaTillgangligaInformationstyper", actor)
        return client.post(f"{v.base_path}/soap", content=body, headers={"Content-Type": "text/xml"})
    return client.get(f"{v.base_path}/aktorer/{actor}/tillgangligaInformationstyper")


def answer_digests(url: str, provider: Provider) -> dict[str, str]:
    """persona|vN|operation -> sha256 of the answer. Operations: query-all (every code the version accepts),
    query-own (the persona's own groups, where it has any), available (the available-types operation)."""
    with httpx.Client(base_url=url, timeout=30) as client:
        catalogue: dict[str, dict[str, Any]] = client.get("/_lefi/catalogue").json()
        assert SYSTEM_ACTOR in catalogue, "the catalogue lost its system-vendor actor"
        default_person = next(
            p for _, p in sorted(catalogue.items()) if "personnummer" in p and "period" in p
        )
        out: dict[str, str] = {}
        for name, p in sorted(catalogue.items()):
            actor = p.get("aktorsId", catalogue[SYSTEM_ACTOR]["aktorsId"])
            person = {
                "personnummer": p.get("personnummer", default_person["personnummer"]),
                "period": p.get("period", default_person["period"]),
                "anvandare": p.get("anvandare"),
            }
            if "clock" in p:  # personas about behörighet expiry are asked at their own instant
                assert client.post("/_lefi/clock", json={"now": p["clock"]}).status_code == 200
            try:
                for v in served():
                    allowed = {k: sorted(provider.engine.allowed(v, k)) for k in LISTS}
                    key = f"{name}|v{v.number}"
                    out[f"{key}|query-all"] = _digest(_query(client, v, actor, person, allowed))
                    own = set(p.get("groups", [])) | set(p.get("ovrig", []))
                    if own:
                        lists = {k: [c for c in codes if c in own] for k, codes in allowed.items()}
                        out[f"{key}|query-own"] = _digest(_query(client, v, actor, person, lists))
                    out[f"{key}|available"] = _digest(_available(client, v, actor))
            finally:
                if "clock" in p:
                    assert client.post("/_lefi/clock", json={"now": CLEAN_NOW.isoformat()}).status_code == 200
        return out


def test_every_answer_byte_is_unchanged(provider_url: str, provider_db: Path) -> None:
    provider = Provider(ProviderConfig(db_path=provider_db, now=CLEAN_NOW))  # the codes each version accepts
    actual = answer_digests(provider_url, provider)
    if os.environ.get("LEFI_WRITE_ANSWER_DIGESTS") == "1":
        DIGESTS.write_text(json.dumps(actual, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        pytest.skip(f"wrote {len(actual)} digests to {DIGESTS.name}")
    expected = json.loads(DIGESTS.read_text(encoding="utf-8"))
    assert sorted(actual) == sorted(expected), "personas, versions or operations differ from the digest file"
    changed = sorted(k for k in expected if actual[k] != expected[k])
    assert not changed, f"{len(changed)} of {len(expected)} answers changed, e.g. {changed[:5]}"
    assert len(expected) >= 200
