"""contract_for reads the registry: SOAP versions get an XsdContract, REST versions an OpenApiContract."""

from __future__ import annotations

import pytest

from lefi_contracts.contracts import registry
from lefi_contracts.errors import UsageError
from lefi_contracts.validation import OpenApiContract, XsdContract, contract_for


def _present(number: str) -> bool:
    info = registry().get(number)
    return info.contract_file("xsd" if info.transport == "soap" else "openapi").is_file()


@pytest.mark.parametrize("info", registry().served(), ids=lambda v: f"v{v.number}")
def test_every_served_version_has_a_loadable_contract(info) -> None:
    if not _present(info.number):
        pytest.skip(f"contract of version {info.number} not written yet")
    contract = contract_for(info)
    assert isinstance(contract, XsdContract if info.transport == "soap" else OpenApiContract)
    assert contract is contract_for(info.number)  # cached
    assert {o.name for o in contract.operations()} >= {
        "hamtaFormansinformation",
        "hamtaTillgangligaInformationstyper",
    }
    if isinstance(contract, XsdContract):
        assert contract.namespace == info.namespace
        assert "fel" in contract.globals


def test_unknown_version_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown interface version"):
        contract_for("42")
