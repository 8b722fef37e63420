"""The XML coverage phase reaches every facet kind's boundary, decides inside/outside by the XSD itself, and catches
a target that answers what is outside the contract, for every kind; the reference provider survives it."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import xmlschema
from lxml import etree

from lefi_contracts.client.transport import GuardedTransport
from lefi_contracts.contracts import registry
from lefi_contracts.fuzz import run_fuzz
from lefi_contracts.fuzz.checks import Exchange
from lefi_contracts.fuzz.soap import envelope
from lefi_contracts.fuzz.soap_run import BOUNDARY_CHECK, METHOD_CHECK, judge
from lefi_contracts.fuzz.xml_coverage import KINDS, CoverageCase, XsdCoverage
from lefi_contracts.fuzz.xml_strategies import XsdStrategies
from lefi_contracts.provider import ProviderConfig, running_provider

XSD = Path(__file__).parent / "fixtures" / "boundaries.xsd"
BASE = {
    "kod": ["FK:SJP"],
    "namn": "abc",
    "pnr": "194408139089",
    "belopp": "12.50",
    "dag": "2024-05-19",
    "vem": "abc",
}


@functools.lru_cache(maxsize=1)
def _cases() -> tuple[CoverageCase, ...]:
    schema = xmlschema.XMLSchema(str(XSD))
    base = XsdStrategies(schema).encode("fraga", BASE)
    return tuple(XsdCoverage(schema, etree.XMLSchema(etree.parse(str(XSD))), "fraga").cases(base))


def fresh_cases() -> list[CoverageCase]:
    schema = xmlschema.XMLSchema(str(XSD))
    base = XsdStrategies(schema).encode("fraga", BASE)
    return XsdCoverage(schema, etree.XMLSchema(etree.parse(str(XSD))), "fraga").cases(base)


def cases() -> list[CoverageCase]:
    return list(_cases())


def described(kind: str, path: str) -> dict[str, bool]:
    return {c.description: c.valid for c in cases() if c.kind == kind and c.path == path}


def test_every_facet_kind_is_reached_inside_and_outside() -> None:
    found = cases()
    for kind in KINDS:
        valid = {c.valid for c in found if c.kind == kind}
        assert True in valid, f"no case inside the contract for {kind}"
        if kind not in ("optional", "choice"):  # both branches / presence are inside by nature
            assert False in valid, f"no case outside the contract for {kind}"
    assert described("length", "fraga/namn") == {
        "minLength 2: length 1": False,
        "minLength 2: length 2": True,
        "minLength 2: length 3": True,
        "maxLength 5: length 4": True,
        "maxLength 5: length 5": True,
        "maxLength 5: length 6": False,
    }
    occurs = described("occurs", "fraga/kod")
    assert occurs["minOccurs 1, maxOccurs 3: 3 times"] and not occurs["minOccurs 1, maxOccurs 3: 4 times"]
    assert not occurs["minOccurs 1, maxOccurs 3: absent"]
    numeric = described("numeric", "fraga/belopp")
    assert numeric["minInclusive 0: 0"] and numeric["maxInclusive 100: 100"]
    assert not numeric["minInclusive 0: -0.01"] and not numeric["maxInclusive 100: 100.01"]
    dates = described("date", "fraga/dag")
    assert dates["minInclusive 2020-01-01: 2020-01-01"] and not dates["minInclusive 2020-01-01: 2019-12-31"]
    assert (
        not dates["maxInclusive 2030-12-31: 2031-01-01"] and not dates["date: 29 February of a common year"]
    )
    pattern = described("pattern", "fraga/pnr")
    assert pattern["pattern [0-9]{10}|[0-9]{12}: 12 characters"]
    assert not pattern["pattern [0-9]{10}|[0-9]{12}: 13 characters"] and not pattern["pattern edge: empty"]
    assert {d for d, ok in described("enumeration", "fraga/kod").items() if ok} == {
        "enumeration value FK:SJP",
        "enumeration value FK:BOB",
        "enumeration value FK:FP",
    }
    assert described("choice", "fraga/vem") == {"choice branch vem": True}
    assert described("choice", "fraga/vad") == {"choice branch vad": True}
    assert described("optional", "fraga/anvandare") == {
        "minOccurs 0, maxOccurs 1: absent": True,
        "minOccurs 0, maxOccurs 1: present": True,
    }


def test_the_cases_are_the_same_every_time() -> None:
    def shape(found: list[CoverageCase]) -> list[tuple[str, str, bytes, bool]]:
        return [(c.kind, c.description, etree.tostring(c.payload), c.valid) for c in found]

    assert shape(fresh_cases()) == shape(cases())


class _Stub(BaseHTTPRequestHandler):
    """A SOAP target with no request validation: answers every POST with `answer`."""

    answer: tuple[int, bytes] = (200, b"")

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length") or 0))
        status, body = self.answer
        self.send_response(status)
        self.send_header("Content-Type", "text/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def stub() -> Iterator[tuple[ThreadingHTTPServer, str]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Stub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, f"http://127.0.0.1:{server.server_address[1]}/soap"
    server.shutdown()
    server.server_close()


ANSWERED = (
    b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body/></soap:Envelope>'
)
SERVER_FAULT = (
    b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault>'
    b"<faultcode>soap:Server</faultcode><faultstring>Internt fel</faultstring></soap:Fault></soap:Body>"
    b"</soap:Envelope>"
)


@pytest.mark.parametrize(("status", "body", "side"), [(200, ANSWERED, None), (500, SERVER_FAULT, "server")])
def test_a_target_taking_what_is_outside_is_caught_for_every_kind(
    stub: tuple[ThreadingHTTPServer, str], status: int, body: bytes, side: str | None
) -> None:
    _, url = stub
    _Stub.answer = (status, body)
    version = registry().get("5")
    client = GuardedTransport(timeout=10)
    caught: set[str] = set()
    outside: set[str] = set()
    try:
        for case in cases():
            raw = client.send("POST", url, headers={"Content-Type": "text/xml"}, body=envelope(case.payload))
            ex = Exchange(version, "fraga", {}, raw.status, raw.body, dict(raw.headers))
            ex.fault_side = side
            _, findings = judge(case, ex)
            if not case.valid:
                outside.add(case.kind)
                if any(check == BOUNDARY_CHECK for check, _ in findings):
                    caught.add(case.kind)
    finally:
        client.close()
    assert outside >= {"enumeration", "length", "pattern", "occurs", "numeric", "date"}
    assert caught == outside


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("xml-coverage") / "lefi.sqlite"


def _coverage(url: str) -> tuple[dict[str, int], set[str]]:
    result = run_fuzz(url, "5", examples=2, seed=1, negative_examples=0)
    kinds: dict[str, int] = {}
    for o in result.outcomes:
        if o.kind == "coverage":
            for k, n in o.kinds.items():
                kinds[k] = kinds.get(k, 0) + n
    return kinds, {r.behaviour for r in result.results if r.failed and r.behaviour}


def test_the_reference_provider_survives_its_coverage_phase(db: Path) -> None:
    with running_provider(ProviderConfig(db_path=db)) as url:
        kinds, failed = _coverage(url)
    assert failed == set()
    assert {"enumeration", "pattern", "occurs", "optional", "date", "method"} <= set(kinds)
    # every code of the version's lists is sent once in each list that takes it
    assert kinds["enumeration"] >= len(registry().get("5").behaviour.formansgrupper)


@pytest.mark.heavy  # one embedded provider and a v5 run per fault
@pytest.mark.parametrize(
    ("fault", "check"),
    [("request-schema-unchecked", BOUNDARY_CHECK), ("undeclared-method-not-found", METHOD_CHECK)],
)
def test_the_coverage_phase_catches_the_provider_fault(fault: str, check: str, db: Path) -> None:
    with running_provider(ProviderConfig(db_path=db, faults=frozenset({fault}))) as url:
        _, failed = _coverage(url)
    assert check in failed


def test_the_smallest_value_of_a_type_is_found_once_and_reused_only_for_the_same_definition() -> None:
    from lefi_contracts.fuzz import xml_coverage

    xml_coverage._SMALLEST.clear()
    cold = [(c.kind, c.path, c.description, c.valid) for c in fresh_cases()]
    warm = [(c.kind, c.path, c.description, c.valid) for c in fresh_cases()]  # from the memo
    assert warm == cold and xml_coverage._SMALLEST

    def pattern_type(pattern: str) -> object:
        schema = xmlschema.XMLSchema(
            '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:simpleType name="P">'
            f'<xs:restriction base="xs:string"><xs:pattern value="{pattern}"/></xs:restriction>'
            "</xs:simpleType></xs:schema>"
        )
        return schema.types["P"]

    # the same name in another schema with another facet is another type: never the other's value
    assert xml_coverage.type_key(pattern_type("[0-9]{12}")) != xml_coverage.type_key(pattern_type("[a-z]{3}"))
    assert xml_coverage.type_key(pattern_type("[0-9]{12}")) == xml_coverage.type_key(
        pattern_type("[0-9]{12}")
    )
