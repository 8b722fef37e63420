"""The fast XSD-guided XML encoder agrees with xmlschema's encoder on every persona's answer in every SOAP version."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from provider_testkit import served, version_ids, xsd

from lefi_contracts.contracts import VersionInfo
from lefi_contracts.provider import ProviderConfig
from lefi_contracts.provider.app import Provider
from lefi_contracts.provider.render import UnknownElement, build_xml, encode_xml
from lefi_contracts.provider.rules import ProviderQuery

SOAP = [v for v in served() if v.transport == "soap"]


def shape(elem: etree._Element) -> list[tuple[str, str]]:
    return [(n.tag, (n.text or "").strip()) for n in elem.iter() if isinstance(n.tag, str)]


@pytest.fixture(scope="module")
def provider(provider_db: Path) -> Provider:
    return Provider(ProviderConfig(db_path=provider_db, maintenance=[]))


@pytest.mark.parametrize("v", SOAP, ids=version_ids(SOAP))
def test_fast_encoder_equals_xmlschema(provider: Provider, v: VersionInfo) -> None:
    eng = provider.engine
    personas = provider.store.personas()
    actor = personas["municipality"]["aktorsId"]
    groups = list(v.behaviour.formansgrupper)
    lists = {"formansinformation": groups, "preliminaraUtbetalningar": groups, "utbetalningar": groups,
             "ovrigInformation": eng.ovrig_codes(v)}  # fmt: skip
    compared = 0
    for p in personas.values():
        if "personnummer" not in p:
            continue
        period = p.get("period", {"from": "2024-01-01", "tom": "2024-12-31"})
        data = eng.hamta(
            v, ProviderQuery(actor, None, p["personnummer"], period["from"], period["tom"], lists)
        )
        fast = build_xml(v, "hamtaFormansinformationSvar", data)
        assert xsd(v).validate(fast), xsd(v).error_log
        assert shape(fast) == shape(encode_xml(v, "hamtaFormansinformationSvar", data))
        compared += 1
    assert compared >= 20


def test_fast_encoder_refuses_unknown_keys() -> None:
    v = SOAP[0]
    with pytest.raises(UnknownElement):
        build_xml(v, "hamtaFormansinformationSvar", {"formansinformation": {"noSuchKey": []}})
