"""One SOAP version fuzzed from its XSD (soap.py strategies), its coverage phase (xml_coverage.py), and negative
fuzzing of any version (negative.py).

Every request goes through the guarded transport (deadline, size cap, TLS): the target may be hostile. Each
operation's persona queries are explicit examples, so every data path the catalogue knows is visited at least once.
"""

from __future__ import annotations

import time
from typing import Any

from hypothesis import HealthCheck, find, settings
from lxml import etree

from lefi_contracts.client.transport import GuardedTransport
from lefi_contracts.contracts import Registry, VersionInfo
from lefi_contracts.errors import ResponseRejected, TargetUnavailable
from lefi_contracts.fuzz import negative
from lefi_contracts.fuzz.checks import CHECKS, Exchange, run_checks
from lefi_contracts.fuzz.hints import FuzzHints
from lefi_contracts.fuzz.runner import OperationOutcome, Sample, drive
from lefi_contracts.fuzz.soap import SoapOperation, SoapVersionFuzzer, envelope, post
from lefi_contracts.fuzz.xml_coverage import CoverageCase as XsdCoverageCase
from lefi_contracts.fuzz.xml_coverage import XsdCoverage
from lefi_contracts.fuzz.xml_strategies import XsdStrategies

NEGATIVE_CHECK = "lefi_negative_refused_by_contract"


def fuzz_soap(
    version: VersionInfo, url: str, hints: FuzzHints, examples: int, seed: int, client: GuardedTransport
) -> list[OperationOutcome]:
    """Each operation of the version: `examples` XSD-valid requests (hinted), every check on every answer."""
    fuzzer = SoapVersionFuzzer(version, url, hints, client)
    outcomes = []
    for op in fuzzer.operations:
        outcome = OperationOutcome(version.number, op.name)
        start = time.perf_counter()

        def probe(value: dict[str, Any], op: SoapOperation = op, outcome: OperationOutcome = outcome) -> None:
            ex, body, headers = fuzzer.send(op, value)
            if ex.status == 503:
                raise TargetUnavailable(f"v{version.number} is in a maintenance window")
            outcome.statuses[ex.fault_code or str(ex.status)] += 1
            findings = [(f.check, f.message) for f in run_checks(ex)]

            def sample(check: str, message: str) -> Sample:
                return Sample(check, message, "POST", fuzzer.url, headers, body, ex.status, ex.body)

            outcome.record(list(CHECKS), findings, sample)

        explicit = (
            hints.persona_queries(tuple(version.behaviour.formansgrupper), tuple(fuzzer.ovrig_codes(op)))
            if fuzzer.takes_query(op)
            else []
        )
        drive(fuzzer.strategy(op), probe, examples=examples, seed=seed, explicit=explicit)
        outcome.duration = time.perf_counter() - start
        outcomes.append(outcome)
    return outcomes


def _query_operation(fuzzer: SoapVersionFuzzer) -> SoapOperation:
    wanted = [o for o in fuzzer.operations if o.input_element == "hamtaFormansinformation"]
    return wanted[0] if wanted else fuzzer.operations[0]


def fuzz_negative(
    version: VersionInfo,
    url: str,
    hints: FuzzHints,
    examples: int,
    seed: int,
    client: GuardedTransport,
    reg: Registry,
) -> OperationOutcome:
    """Queries broken in exactly one rule must be refused with the contract's error (400 / soap:Client)."""
    outcome = OperationOutcome(version.number, "hamtaFormansinformation", kind="negative")
    strict = bool(hints.actors)
    fuzzer = SoapVersionFuzzer(version, url, hints, client) if version.transport == "soap" else None
    start = time.perf_counter()

    def probe(drawn: tuple[str, dict[str, Any]]) -> None:
        kind, query = drawn
        if fuzzer is None:
            ex, req_url, body = negative.send_rest(client, url, version, query)
            headers = {"Content-Type": "application/json"}
        else:
            body = negative.soap_broken_body(fuzzer, query)
            op = _query_operation(fuzzer)
            headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{op.soap_action}"'}
            status, content, answer_headers = post(client, fuzzer.url, body, headers)
            if status == 503:
                raise TargetUnavailable(f"v{version.number} is in a maintenance window")
            ex = fuzzer.exchange(op, query, status, content, answer_headers)
            req_url = fuzzer.url
        outcome.statuses[ex.fault_code or str(ex.status)] += 1
        findings = negative.check_negative(ex, kind, strict)

        def sample(check: str, message: str) -> Sample:
            return Sample(check, message, "POST", req_url, headers, body, ex.status, ex.body)

        outcome.record([*CHECKS, NEGATIVE_CHECK], findings, sample)

    drive(negative.broken_queries(version, hints, reg), probe, examples=examples, seed=seed)
    outcome.duration = time.perf_counter() - start
    return outcome


BOUNDARY_CHECK = "lefi_xsd_boundary_refused"
METHOD_CHECK = "lefi_undeclared_method_405"
_INSIDE_CHECKS = ["lefi_no_server_error", "lefi_contract_valid", "lefi_no_identity_in_error"]
UNDECLARED_METHODS = ("PUT", "DELETE", "PATCH")


def _base_request(
    fuzzer: SoapVersionFuzzer, op: SoapOperation, hints: FuzzHints, seed: int
) -> etree._Element:
    """One valid request to vary: a catalogue persona's query (chosen by the seed), else the XSD's smallest."""
    strategies = XsdStrategies(fuzzer.xs)
    candidates: list[dict[str, Any]] = []
    if fuzzer.takes_query(op):
        candidates = hints.persona_queries(
            tuple(fuzzer.version.behaviour.formansgrupper), tuple(fuzzer.ovrig_codes(op))
        )
    elif hints.actors:
        candidates = [{"aktorsId": a} for a in hints.actors]
    for offset in range(len(candidates)):
        value = candidates[(seed + offset) % len(candidates)]
        try:
            payload = strategies.encode(op.input_element, value)
        except Exception:  # a catalogue value the XSD does not take: try the next one
            continue
        if fuzzer.lxml_schema.validate(payload):
            return payload
    smallest = find(
        strategies.element(op.input_element),
        lambda _: True,
        settings=settings(database=None, derandomize=True, suppress_health_check=list(HealthCheck)),
    )
    return strategies.encode(op.input_element, smallest)


def _soap_headers(op: SoapOperation) -> dict[str, str]:
    return {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{op.soap_action}"'}


def judge(case: XsdCoverageCase, ex: Exchange) -> tuple[list[str], list[tuple[str, str]]]:
    """(checks run, findings) for one coverage case: outside the XSD it must be a soap:Client fault (never an
    answer, never a server fault); inside, the answer is checked like any other (no server error, valid)."""
    what = f"{case.kind} at {case.path}: {case.description}"
    if case.valid:
        return list(_INSIDE_CHECKS), [
            (f.check, f"{what}: {f.message}") for f in run_checks(ex, _INSIDE_CHECKS)
        ]
    if ex.fault_side == "client" and ex.status != 200:
        return [BOUNDARY_CHECK], []
    answer = f"HTTP {ex.status}" + (f" {ex.fault_side} fault {ex.fault_code}" if ex.fault_side else "")
    return [BOUNDARY_CHECK], [(BOUNDARY_CHECK, f"{what}: outside the XSD, answered {answer}")]


def fuzz_xml_coverage(
    version: VersionInfo, url: str, hints: FuzzHints, seed: int, client: GuardedTransport
) -> list[OperationOutcome]:
    """Every XSD boundary of each operation's request once (xml_coverage.py), and each undeclared HTTP method."""
    fuzzer = SoapVersionFuzzer(version, url, hints, client)
    outcomes = []
    for op in fuzzer.operations:
        outcome = OperationOutcome(version.number, op.name, kind="coverage")
        start = time.perf_counter()
        coverage = XsdCoverage(fuzzer.xs, fuzzer.lxml_schema, op.input_element)
        headers = _soap_headers(op)
        for case in coverage.cases(_base_request(fuzzer, op, hints, seed)):
            body = envelope(case.payload)
            status, content, answer_headers = post(client, fuzzer.url, body, headers)
            if status == 503:
                raise TargetUnavailable(f"v{version.number} is in a maintenance window")
            ex = fuzzer.exchange(op, {}, status, content, answer_headers)
            outcome.statuses[ex.fault_code or str(ex.status)] += 1
            outcome.kinds[case.kind] += 1
            ran, findings = judge(case, ex)

            def sample(
                check: str, message: str, body: bytes = body, ex: Exchange = ex, op: SoapOperation = op
            ) -> Sample:
                return Sample(check, message, "POST", fuzzer.url, _soap_headers(op), body, ex.status, ex.body)

            outcome.record(ran, findings, sample)
        outcome.duration = time.perf_counter() - start
        outcomes.append(outcome)
    outcomes.append(_undeclared_methods(version, fuzzer.url, client))
    return outcomes


def _undeclared_methods(version: VersionInfo, url: str, client: GuardedTransport) -> OperationOutcome:
    """A method the SOAP endpoint does not take is answered 405 with an Allow header (RFC 9110)."""
    outcome = OperationOutcome(version.number, "soap endpoint: undeclared methods", kind="coverage")
    for method in UNDECLARED_METHODS:
        try:
            raw = client.send(method, url, headers={"Content-Type": "text/xml; charset=utf-8"})
            status, allow, content = raw.status, raw.headers.get("allow"), raw.body
        except ResponseRejected as exc:
            status, allow, content = 0, None, str(exc).encode()
        outcome.statuses[str(status)] += 1
        outcome.kinds["method"] += 1
        problem = (
            None
            if status == 405 and allow
            else f"{method} answered {status}" + ("" if allow else " without Allow")
        )
        findings = [(METHOD_CHECK, problem)] if problem else []

        def sample(
            check: str, message: str, method: str = method, status: int = status, content: bytes = content
        ) -> Sample:
            return Sample(check, message, method, url, {}, None, status, content)

        outcome.record([METHOD_CHECK], findings, sample)
    return outcome
