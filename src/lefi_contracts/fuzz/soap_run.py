"""One SOAP version fuzzed from its XSD (soap.py strategies), and negative fuzzing of any version (negative.py).

Every request goes through the guarded transport (deadline, size cap, TLS): the target may be hostile. Each
operation's persona queries are explicit examples, so every data path the catalogue knows is visited at least once.
"""

from __future__ import annotations

import time
from typing import Any

from lefi_contracts.client.transport import GuardedTransport
from lefi_contracts.contracts import VersionInfo, registry
from lefi_contracts.errors import TargetUnavailable
from lefi_contracts.fuzz import negative
from lefi_contracts.fuzz.checks import CHECKS, run_checks
from lefi_contracts.fuzz.hints import FuzzHints
from lefi_contracts.fuzz.runner import OperationOutcome, Sample, drive
from lefi_contracts.fuzz.soap import SoapOperation, SoapVersionFuzzer, post

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
    version: VersionInfo, url: str, hints: FuzzHints, examples: int, seed: int, client: GuardedTransport
) -> OperationOutcome:
    """Queries broken in exactly one rule must be refused with the contract's error (400 / soap:Client)."""
    reg = registry()
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
