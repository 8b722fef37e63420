"""Fuzzing a REST version with schemathesis, from our OpenAPI contract, with every default check plus ours.

The schema is loaded with `schemathesis.openapi.from_path` (the contract of the registry, not the target's copy)
and each operation's Hypothesis strategy (`op.as_strategy()`, positive and negative modes) is driven by our own
loop, so that a fixed seed gives the same requests and the cases can be hinted with the target's test data.
Our checks are registered as schemathesis checks (`@schemathesis.check`) and run inside `validate_response`
beside the defaults. `positive_data_acceptance` is replaced by `lefi_valid_request_not_refused`: the schema cannot
say that a personnummer needs a valid check digit, so a 400 for a Luhn failure is right, not a rejection of
valid data.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import schemathesis
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance
from schemathesis.core.failures import Failure, FailureGroup

from lefi_contracts.contracts import VersionInfo, registry
from lefi_contracts.errors import ContractError
from lefi_contracts.fuzz import checks as ours
from lefi_contracts.fuzz.hints import FuzzHints, mix, without_repeats

USER_HEADER = "X-Lefi-Anvandare"


def _version_for_path(path: str) -> VersionInfo | None:
    for v in registry().served():
        if v.transport == "rest" and path.startswith(v.base_path + "/"):
            return v
    return None


def _headers(response: Any) -> dict[str, str]:
    raw = getattr(response, "headers", {}) or {}
    return {k.lower(): (v[0] if isinstance(v, list) and v else str(v)) for k, v in raw.items()}


def exchange_from(case: Any, response: Any, version: VersionInfo) -> ours.Exchange:
    """A schemathesis case/response as our transport-neutral Exchange."""
    # A negative-mode case breaks the schema on purpose: its body is no query to classify (schemathesis'
    # negative_data_rejection judges it); the answer is still checked.
    body = case.body if isinstance(case.body, dict) and not is_negative(case) else {}
    request = dict(body)
    aktor = (case.path_parameters or {}).get("aktorsId")
    if aktor is not None:
        request["aktorsId"] = aktor
    user = (case.headers or {}).get(USER_HEADER)
    if user is not None:
        request["anvandare"] = user
    status = response.status_code
    ex = ours.Exchange(
        version, case.operation.label, request, status, response.content or b"", _headers(response)
    )
    if status >= 400:
        ex.fault_code = f"HTTP-{status}"
    else:
        try:
            data = json.loads(response.content or b"null")
        except ValueError:
            data = None
        ex.data = data if isinstance(data, dict) else None
    return ex


def _make_check(name: str, func: ours.Check) -> Callable[..., None]:
    def check(ctx: Any, response: Any, case: Any) -> None:
        version = _version_for_path(case.path)
        if version is None:
            return
        found = func(exchange_from(case, response, version))
        if found:
            raise AssertionError(f"{name}: " + "; ".join(found))

    check.__name__ = name
    check.__doc__ = func.__doc__
    return check


@lru_cache(maxsize=1)
def registered_checks() -> tuple[Callable[..., None], ...]:
    """Our checks as schemathesis checks, registered once per process (they also run under `st run --hooks`)."""
    made = []
    for name, func in ours.CHECKS.items():
        if name == "lefi_contract_valid":
            continue  # for REST, schemathesis' response_schema_conformance validates against the OpenAPI
        made.append(schemathesis.check(_make_check(name, func)))
    return tuple(made)


def load_schema(version: VersionInfo, base_url: str) -> Any:
    path = version.contract_file("openapi")
    if not path.is_file():
        raise ContractError(f"version {version.number}: OpenAPI contract {path} does not exist")
    try:
        schema = schemathesis.openapi.from_path(path)
    except Exception as exc:
        raise ContractError(f"cannot load {path}: {str(exc).splitlines()[0] if str(exc) else exc}") from None
    schema.config.update(base_url=base_url.rstrip("/"))
    return schema


def operations(schema: Any) -> list[Any]:
    ops = []
    for result in schema.get_all_operations():
        try:
            ops.append(result.ok())
        except Exception as exc:
            raise ContractError(f"OpenAPI operation cannot be fuzzed: {exc}") from None
    return ops


def hinted_strategy(op: Any, hints: FuzzHints) -> st.SearchStrategy[Any]:
    """Positive cases (hinted with known actors, persons and calendar edges) and negative cases (as generated)."""
    positive = op.as_strategy(GenerationMode.POSITIVE)
    negative = op.as_strategy(GenerationMode.NEGATIVE)

    def apply(drawn: tuple[Any, str, str, dict[str, str], str | None, bool, dict[str, Any]]) -> Any:
        case, aktor, pnr, period, user, keep_raw, persona = drawn
        persona = dict(persona)
        if keep_raw:
            return case
        if case.path_parameters and "aktorsId" in case.path_parameters:
            case.path_parameters = {**case.path_parameters, "aktorsId": aktor}
        caller = {k: persona.pop(k) for k in ("aktorsId", "anvandare") if k in persona}
        if isinstance(case.body, dict) and "personnummer" in case.body:
            body = {**case.body, "personnummer": pnr, "period": period, **persona}
            case.body = {k: without_repeats(v) for k, v in body.items()}
            if caller.get("aktorsId") and case.path_parameters:
                case.path_parameters = {**case.path_parameters, "aktorsId": caller["aktorsId"]}
            if "aktorsId" in caller:
                user = caller.get("anvandare")
        if user is not None:
            case.headers = {**(case.headers or {}), USER_HEADER: user}
        elif case.headers and USER_HEADER in case.headers:
            case.headers = {k: v for k, v in case.headers.items() if k != USER_HEADER}
        return case

    version = _version_for_path(op.path)
    groups = tuple(version.behaviour.formansgrupper) if version else ()
    ovrig = tuple(sorted(ours._ovrig_codes(version.number))) if version else ()
    persona = mix(hints.query(groups, ovrig), st.just({}), 7)
    hinted = st.tuples(
        positive, hints.aktors_id(), hints.personnummer(), hints.period(), hints.anvandare(),
        st.sampled_from([False] * 9 + [True]), persona,
    ).map(apply)  # fmt: skip
    return st.one_of(hinted, hinted, hinted, negative)


def persona_cases(op: Any, hints: FuzzHints) -> list[Any]:
    """Each catalogue persona's own query as an explicit case of the query operation (none for other operations)."""
    version = _version_for_path(op.path)
    if version is None or op.method.upper() != "POST" or "aktorsId" not in op.path:
        return []
    groups = tuple(version.behaviour.formansgrupper)
    ovrig = tuple(sorted(ours._ovrig_codes(version.number)))
    cases = []
    for query in hints.persona_queries(groups, ovrig):
        aktor = query.pop("aktorsId", None) or "okand-aktor"
        cases.append(op.Case(path_parameters={"aktorsId": aktor}, body=query, media_type="application/json"))
    return cases


def is_negative(case: Any) -> bool:
    mode = getattr(getattr(case, "meta", None), "generation", None)
    return getattr(getattr(mode, "mode", None), "value", "") == "negative"


def failures_of(case: Any, response: Any) -> list[tuple[str, str]]:
    """(check, message) of every failed check on one response: the defaults and ours."""
    registered_checks()
    try:
        case.validate_response(response, excluded_checks=[positive_data_acceptance])
    except (AssertionError, FailureGroup) as exc:  # FailureGroup is a BaseExceptionGroup, not an Exception
        return _flatten(exc) or [("schemathesis", str(exc).splitlines()[0] if str(exc) else repr(exc))]
    return []


def _flatten(exc: BaseException) -> list[tuple[str, str]]:
    group = getattr(exc, "exceptions", None)
    if group:
        out: list[tuple[str, str]] = []
        for sub in group:
            out.extend(_flatten(sub))
        return out
    if isinstance(exc, Failure):
        title = exc.title or exc.__class__.__name__
        name = title
        message = (exc.message or "").strip()
        if message.startswith("lefi_") and ":" in message:
            name, _, message = message.partition(":")
        code = getattr(exc, "code", "")
        return [(name.strip() if name else str(code), f"{title}: {message.strip()}"[:2000])]
    if isinstance(exc, AssertionError):
        text = str(exc)
        name, _, message = text.partition(":") if text.startswith("lefi_") else ("assertion", "", text)
        return [(name, message.strip())]
    return []
