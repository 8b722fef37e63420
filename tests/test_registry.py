from pathlib import Path

import pytest

from lefi_contracts.contracts import load_registry, registry
from lefi_contracts.errors import ContractError, UsageError


def test_registry_lists_every_version_with_its_contract_files() -> None:
    reg = registry()
    assert list(reg.versions) == sorted(reg.versions, key=int)
    for v in reg.versions.values():
        assert v.contract_files, v.number
        if v.transport == "soap":
            assert v.namespace and set(v.contract_files) == {"xsd", "wsdl"}
        else:
            assert "openapi" in v.contract_files


def test_behaviour_flags_follow_the_release_notes() -> None:
    reg = registry()
    for v in reg.versions.values():
        fsjp = v.behaviour.forebyggande_sjukpenning
        if fsjp.mode == "inside_sjukpenning":
            assert "FK:FSJP" not in v.behaviour.formansgrupper
            assert str(fsjp.until) == "2024-05-19"
        else:
            assert "FK:FSJP" in v.behaviour.formansgrupper
    assert reg.get("7").behaviour.preliminara_utbetalningar == "legacy"
    assert reg.get("8").behaviour.preliminara_utbetalningar == "harmonised"
    assert [v.number for v in reg.versions.values() if v.behaviour.pensionsmyndigheten] == ["9"]


def test_unknown_version_is_a_usage_error_naming_the_known_ones() -> None:
    with pytest.raises(UsageError, match=r"unknown interface version '4' \(known: 5, 6, 7, 8, 9\)"):
        registry().get("4")
    assert registry().get("v9").number == "9"
    assert [v.number for v in registry().select("5, 9")] == ["5", "9"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("versions: [", "not valid YAML"),
        ("{}", "expected a mapping with 'versions'"),
        ("versions: {'5': {transport: soap}}", "missing or malformed field"),
        (
            "versions: {'5': {transport: ftp, status: active, contract: {}, base_path: /x, behaviour: "
            "{formansgrupper: [], forebyggande_sjukpenning: {mode: own_set}, preliminara_utbetalningar: legacy, "
            "pensionsmyndigheten: false}}}",
            "transport must be soap or rest",
        ),
    ],
)
def test_malformed_registry_is_a_contract_error(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "versions.yaml").write_text(content)
    with pytest.raises(ContractError, match=message):
        load_registry(tmp_path)


def test_missing_registry(tmp_path: Path) -> None:
    with pytest.raises(ContractError, match="no version registry"):
        load_registry(tmp_path)


def test_a_registry_that_is_not_utf8_is_one_line_naming_it(tmp_path: Path) -> None:
    (tmp_path / "versions.yaml").write_bytes(b'versions:\n  - number: "5"\n    name: "\xff\xfe"\n')
    with pytest.raises(ContractError, match=r"versions\.yaml: not valid YAML \(UnicodeDecodeError\)"):
        load_registry(tmp_path)
