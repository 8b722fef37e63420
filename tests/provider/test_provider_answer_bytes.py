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
from lxml import etree
from provider_testkit import CLEAN_NOW, LISTS, served, soap_body, version_ids

from lefi_contracts.contracts import VersionInfo
from lefi_contracts.provider import ProviderConfig, running_provider
from lefi_contracts.provider.app import Provider
from lefi_contracts.provider.render import _escape, answer_envelope, build_xml, envelope, validator_for
from lefi_contracts.provider.rules import ProviderQuery, Rejected

DIGESTS = Path(__file__).with_name("answer_digests.json")
SOAP = [v for v in served() if v.transport == "soap"]
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


def _xml_chars() -> Iterator[str]:
    """Every character XML 1.0 can carry, in chunks (the Char production)."""
    ranges = [(0x9, 0xA), (0xD, 0xD), (0x20, 0xD7FF), (0xE000, 0xFFFD), (0x10000, 0x10FFFF)]
    chars = [chr(c) for lo, hi in ranges for c in range(lo, hi + 1)]
    for i in range(0, len(chars), 4096):
        yield "".join(chars[i : i + 4096]) + "&<>\r\n\"'"


def test_text_rendering_escapes_every_character_as_lxml_does() -> None:
    compared = 0
    for chunk in _xml_chars():
        elem = etree.Element("{urn:x}t", nsmap={None: "urn:x"})
        elem.text = chunk
        assert etree.tostring(elem, encoding="UTF-8") == f'<t xmlns="urn:x">{_escape(chunk)}</t>'.encode()
        compared += 1
    assert compared > 250


@pytest.mark.parametrize("v", SOAP, ids=version_ids(SOAP))
def test_rendered_answers_are_the_tree_path_bytes(provider_db: Path, v: VersionInfo) -> None:
    """answer_envelope (text from the XSD plan) gives envelope(build_xml) byte for byte for the provider's own
    answers, and None (the caller's checked tree path) for what the XSD does not allow."""
    provider = Provider(ProviderConfig(db_path=provider_db, now=CLEAN_NOW))
    eng, personas = provider.engine, provider.store.personas()
    lists = {k: sorted(eng.allowed(v, k)) for k in LISTS}
    answers = []
    for p in personas.values():
        actor = p.get("aktorsId", personas[SYSTEM_ACTOR]["aktorsId"])
        try:
            if "personnummer" in p and "period" in p:
                q = ProviderQuery(
                    actor,
                    p.get("anvandare"),
                    p["personnummer"],
                    p["period"]["from"],
                    p["period"]["tom"],
                    lists,
                )
                answers.append(("hamtaFormansinformationSvar", eng.hamta(v, q)))
            available = eng.tillgangliga(v, actor)
        except Rejected:
            continue
        available.pop("ansprak", None)
        available.pop("beslut", None)
        answers.append(("hamtaTillgangligaInformationstyperSvar", available))
    for element, data in answers:
        assert answer_envelope(v, element, data) == envelope(build_xml(v, element, data)), element
    assert len(answers) >= 30
    for element in ("hamtaFormansinformationSvar", "hamtaTillgangligaInformationstyperSvar"):
        assert answer_envelope(v, element, {"noSuchKey": []}) is None
        assert validator_for(v).validate(build_xml(v, element, {})) == (
            answer_envelope(v, element, {}) is not None
        )
    assert answer_envelope(v, "hamtaFormansinformationSvar", {"utlamnare": [{"utlamnare": "\x01"}]}) is None
