"""Fuzzing a REST version with schemathesis, from our OpenAPI contract, with every default check plus ours.

The schema is loaded with `schemathesis.openapi.from_path` (the registry's contract; `from_url` for a served one)
and run by schemathesis' own engine (rest_run.py) with its phases (examples, coverage, fuzzing, stateful) and all
its default checks, so the gate finds at least what a raw `schemathesis run` finds. Our checks are registered as
schemathesis checks (`@schemathesis.check`) and run beside the defaults. `positive_data_acceptance` is replaced by
`lefi_valid_request_not_refused`: the schema cannot say that a personnummer needs a valid check digit, so a 400 for
a Luhn failure is right, not a rejection of valid data. The target's fixture catalogue reaches the run as
schema-local hooks (install_hints): without it every call stops at 403 and nothing past the door is tested.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig

from lefi_contracts.client.transport import RateLimiter, TlsConfig
from lefi_contracts.contracts import VersionInfo, registry
from lefi_contracts.errors import ContractError
from lefi_contracts.fuzz import checks as ours
from lefi_contracts.fuzz.hints import FuzzHints, mix, without_repeats

USER_HEADER = "X-Lefi-Anvandare"
# Schemathesis' test phases, all on: stateful runs where the contract has links (skipped as not applicable else).
PHASES = ("examples", "coverage", "fuzzing", "stateful")


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


def schema_config(
    base_url: str,
    *,
    seed: int,
    examples: int,
    tls: TlsConfig | None = None,
    timeout: float = 30.0,
    parameters: dict[str, Any] | None = None,
    workers: int = 1,
) -> SchemathesisConfig:
    """Schemathesis' own phases and every default check; only positive_data_acceptance is off (replaced by our
    Luhn-aware lefi_valid_request_not_refused). No cache or example database: a seed gives the same run."""
    tls = tls or TlsConfig()
    project: dict[str, Any] = {
        "base-url": base_url.rstrip("/"),
        "phases": {name: {"enabled": True} for name in PHASES},
        "checks": {"positive_data_acceptance": {"enabled": False}},
        "generation": {"max-examples": max(examples, 1), "database": "none"},
        "request-timeout": timeout,
        "max-redirects": 5,
        "tls-verify": str(tls.ca) if tls.ca else tls.verify,
        "workers": max(1, workers),  # schemathesis' own: operations in parallel, each one thread's
    }
    if tls.cert:
        project["request-cert"] = str(tls.cert)
    if tls.key:
        project["request-cert-key"] = str(tls.key)
    if parameters:
        project["parameters"] = dict(parameters)
    return SchemathesisConfig.from_dict({"seed": seed, "cache": {"enabled": False}, **project})


def load_schema(version: VersionInfo, config: SchemathesisConfig, source: str | Path | None = None) -> Any:
    """The version's OpenAPI contract (the registry's by default; a path or URL given as `source`)."""
    where = source or version.contract_file("openapi")
    try:
        if isinstance(where, str) and where.startswith(("http://", "https://")):
            return schemathesis.openapi.from_url(where, config=config)
        path = Path(where)
        if not path.is_file():
            raise ContractError(f"version {version.number}: OpenAPI contract {path} does not exist")
        return schemathesis.openapi.from_path(path, config=config)
    except ContractError:
        raise
    except Exception as exc:
        raise ContractError(f"cannot load {where}: {str(exc).splitlines()[0] if str(exc) else exc}") from None


def operations(schema: Any) -> list[Any]:
    ops = []
    for result in schema.get_all_operations():
        try:
            ops.append(result.ok())
        except Exception as exc:
            raise ContractError(f"OpenAPI operation cannot be fuzzed: {exc}") from None
    return ops


def install_hints(schema: Any, hints: FuzzHints) -> None:
    """Catalogue hints as schema-local hooks: the fuzzing phase's positive cases get known actors, users, persons
    and calendar edges (the raw case stays one branch), and each persona's query joins the examples phase."""

    def flatmap_case(context: Any, case: Any) -> st.SearchStrategy[Any]:
        if is_negative(case) or case.operation is None:
            return st.just(case)
        return hinted_strategy(case.operation, hints, st.just(case))

    def before_add_examples(context: Any, examples: list[Any]) -> None:
        op = getattr(context, "operation", None)
        if op is not None:
            examples.extend(persona_cases(op, hints))

    schema.hook("flatmap_case")(flatmap_case)
    schema.hook("before_add_examples")(before_add_examples)
    _HINTED[id(schema)] = hints
    _register_caller_fix()


def forget_hints(schema: Any) -> None:
    _HINTED.pop(id(schema), None)


# Schemas whose cases get the caller fixed before each call (before_call is a global hook in schemathesis 4).
_HINTED: dict[int, FuzzHints] = {}


@lru_cache(maxsize=1)
def _register_caller_fix() -> None:
    """Examples and coverage cases name the contract's example user, an unknown one to the target: every such case
    would stop at 403 before the part it varies is tested. Unless the case is about the user header itself, the
    header becomes one of the actor's own users from the catalogue (or goes: a system call)."""

    def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
        operation = getattr(case, "operation", None)
        hints = _HINTED.get(id(getattr(operation, "schema", None)))
        phase = getattr(getattr(case, "meta", None), "phase", None)
        if hints is None or phase is None or str(phase.name) not in ("examples", "coverage"):
            return
        if getattr(phase.data, "parameter", None) == USER_HEADER:
            return
        headers = dict(case.headers or {})
        user = headers.get(USER_HEADER)
        aktor = (case.path_parameters or {}).get("aktorsId")
        if user is None or (aktor, user) in hints.user_of:
            return
        own = [u for a, u in hints.user_of if a == aktor]
        if own:
            headers[USER_HEADER] = own[0]
        else:
            headers.pop(USER_HEADER)
        case.headers = headers

    schemathesis.hook("before_call")(before_call)


def hinted_strategy(op: Any, hints: FuzzHints, positive: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A positive case hinted with known actors, persons and calendar edges (one in ten kept as generated)."""

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
    parts = (hints.aktors_id(), hints.personnummer(), hints.period(), hints.anvandare())
    return st.tuples(positive, *parts, st.sampled_from([False] * 9 + [True]), persona).map(apply)


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


def shared_rate_limit(limiter: RateLimiter) -> Any:
    """The run's one rate limiter in the shape schemathesis asks (a pyrate_limiter Limiter it calls
    try_acquire on before each request), so that its requests and ours share one budget."""
    from pyrate_limiter import Limiter

    class SharedLimiter(Limiter):
        def __init__(self) -> None:  # no bucket of its own: the run's limiter is the bucket
            pass

        def try_acquire(
            self, name: str = "", weight: int = 1, blocking: bool = True, timeout: float = -1
        ) -> bool:
            for _ in range(weight):
                limiter.acquire()
            return True

    return SharedLimiter()
