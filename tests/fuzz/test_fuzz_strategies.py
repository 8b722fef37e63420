"""XSD-driven strategies: every generated document is valid for lxml (an independent validator), on a fixture
XSD with the hard parts and on every SOAP version's request elements of the registry."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from lxml import etree

from lefi_contracts.contracts import registry
from lefi_contracts.errors import ContractError
from lefi_contracts.fuzz.soap import wsdl_operations
from lefi_contracts.fuzz.xml_strategies import XsdStrategies, python_pattern

MINI = Path(__file__).parent / "fixtures" / "mini.xsd"
FAST = settings(max_examples=60, database=None, deadline=None, suppress_health_check=list(HealthCheck))


def _lxml(path: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(path)))


def test_fixture_documents_are_valid_and_varied() -> None:
    strategies, schema = XsdStrategies(str(MINI)), _lxml(MINI)
    seen_choice: set[str] = set()
    counts: list[int] = []

    @FAST
    @given(strategies.element("q"))
    def check(value: dict) -> None:
        element = strategies.encode("q", value)
        assert schema.validate(element), str(schema.error_log)
        seen_choice.update(k for k in ("a", "b") if k in value)
        counts.append(len(value.get("kod") or []))

    check()
    assert seen_choice == {"a", "b"}, "both branches of the xs:choice are generated"
    assert max(counts) > 1, "unbounded elements are repeated"


@pytest.mark.parametrize(
    ("xsd_regex", "good", "bad"),
    [
        ("[0-9]{10}|[0-9]{12}", "1234567890", "12345678901"),
        (r"\i\c*", "a-1", "1a"),
        ("[a-z-[aeiou]]+", "xyz", "abc"),
    ],
)
def test_python_pattern_handles_xsd_regex(xsd_regex: str, good: str, bad: str) -> None:
    pattern = re.compile(python_pattern(xsd_regex))
    assert pattern.fullmatch(good)
    assert not pattern.fullmatch(bad)


def test_unknown_element_is_a_contract_error() -> None:
    with pytest.raises(ContractError, match="no global element 'nope'"):
        XsdStrategies(str(MINI)).element("nope")


SOAP_VERSIONS = [v for v in registry().served() if v.transport == "soap"]


@pytest.mark.parametrize("version", SOAP_VERSIONS, ids=lambda v: f"v{v.number}")
def test_every_soap_request_generated_from_the_xsd_is_valid(version) -> None:
    xsd = version.contract_file("xsd")
    strategies, schema = XsdStrategies(str(xsd)), _lxml(xsd)
    for op in wsdl_operations(version.contract_file("wsdl")):
        name = op.input_element

        @settings(max_examples=25, database=None, deadline=None, suppress_health_check=list(HealthCheck))
        @given(strategies.element(name))
        def check(value: dict) -> None:
            element = strategies.encode(name, value)  # noqa: B023 - the loop variable is used inside its iteration
            assert element.tag == f"{{{version.namespace}}}{name}"  # noqa: B023
            assert schema.validate(element), str(schema.error_log)

        check()
