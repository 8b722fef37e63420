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


def test_workers_asking_for_a_contract_at_once_build_it_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    import lefi_contracts.validation as validation

    built: list[str] = []
    real = validation.XsdContract

    def counting(*args: object, **kwargs: object) -> object:
        built.append("xsd")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(validation, "XsdContract", counting)
    validation.clear_cache()
    got: list[object] = []
    threads = [threading.Thread(target=lambda: got.append(validation.contract_for("8"))) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    validation.clear_cache()
    assert len(built) == 1 and len(got) == 6 and all(g is got[0] for g in got)
