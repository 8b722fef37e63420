"""Consumer contracts: what one consumer calls and reads, verified against a target or a candidate contracts/ tree.

A consumer contract names fields by slash paths in the response (formansinformation/sjukpenningarende/beslut/
period/fran). The same path names an element in the XML versions and a property in JSON, because every version
decodes to one shape (see lefi_contracts.client).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import jsonschema
import yaml

from lefi_contracts.client.transport import RateLimiter, TlsConfig
from lefi_contracts.contracts import default_contracts_dir
from lefi_contracts.errors import ContractError, UsageError
from lefi_contracts.results import Attachment, CheckResult

if TYPE_CHECKING:
    from lefi_contracts.compat.model import EnumPolicy, Reader
    from lefi_contracts.contracts import Registry


@dataclass(frozen=True)
class ConsumerExample:
    name: str
    period_from: str
    period_tom: str
    persona: str | None = None
    personnummer: str | None = None
    expect_present: tuple[str, ...] = ()


@dataclass(frozen=True)
class ConsumerContract:
    path: Path
    consumer: str
    version: str
    reader: str
    enum_policy: str
    operations: tuple[str, ...]
    groups: dict[str, tuple[str, ...]]
    reads: tuple[str, ...]
    examples: tuple[ConsumerExample, ...]
    aktors_id: str | None = None
    kind: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, compare=False)

    def reads_under(self, path: str) -> list[str]:
        """The read paths that a change at `path` touches: the path itself, what lies below it, what lies above."""
        path = path.strip("/")
        return [r for r in self.reads if r == path or r.startswith(path + "/") or path.startswith(r + "/")]


@lru_cache(maxsize=4)
def _meta_schema(contracts_dir: str) -> dict[str, Any]:
    path = Path(contracts_dir) / "consumers" / "schema.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ContractError(
            f"consumer meta-schema {path} cannot be read ({exc.__class__.__name__})"
        ) from None


def load_consumer(path: Path, *, contracts_dir: Path | None = None) -> ConsumerContract:
    """Read and validate one consumer contract against contracts/consumers/schema.json."""
    contracts_dir = contracts_dir or default_contracts_dir()
    if not path.is_file():
        raise UsageError(f"consumer contract {path} does not exist")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ContractError(f"consumer contract {path}: not valid YAML ({exc.__class__.__name__})") from None
    validator = jsonschema.Draft202012Validator(_meta_schema(str(contracts_dir)))
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(top)"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ContractError(f"consumer contract {path.name}: {where}: {first.message}{more}")
    examples = tuple(
        ConsumerExample(
            name=str(ex.get("name") or ex.get("persona") or f"example {i + 1}"),
            period_from=str(ex["period"]["from"]),
            period_tom=str(ex["period"]["tom"]),
            persona=ex.get("persona"),
            personnummer=ex.get("personnummer"),
            expect_present=tuple(ex.get("expect_present", ())),
        )
        for i, ex in enumerate(data["examples"])
    )
    return ConsumerContract(
        path=path,
        consumer=data["consumer"],
        version=str(data["version"]),
        reader=data.get("reader", "tolerant"),
        enum_policy=data.get("enum_policy", "open"),
        operations=tuple(data["operations"]),
        groups={k: tuple(v) for k, v in data["groups"].items()},
        reads=tuple(data["reads"]),
        examples=examples,
        aktors_id=data.get("aktorsId"),
        kind=data.get("kind"),
        raw=data,
    )


def load_consumers(
    folder: Path | None = None, *, contracts_dir: Path | None = None
) -> list[ConsumerContract]:
    contracts_dir = contracts_dir or default_contracts_dir()
    folder = folder or contracts_dir / "consumers"
    if not folder.is_dir():
        raise UsageError(f"consumer folder {folder} does not exist")
    return [load_consumer(p, contracts_dir=contracts_dir) for p in sorted(folder.glob("*.yaml"))]


def values_at(data: Any, path: str) -> list[Any]:
    """Every value at a slash path, flattening lists on the way (XML repetition and JSON arrays alike)."""
    current: list[Any] = [data]
    for part in path.strip("/").split("/"):
        nxt: list[Any] = []
        for node in current:
            items = node if isinstance(node, list) else [node]
            for item in items:
                if isinstance(item, dict) and part in item and item[part] is not None:
                    value = item[part]
                    nxt.extend(value if isinstance(value, list) else [value])
        current = nxt
    return current


# ------------------------------------------------------------------------------------------ verification


def _resolve(name: str | None, catalogue: dict[str, Any], key: str, consumer: str) -> str | None:
    """A catalogue name (or 'id:<literal>') to the target's value for key."""
    if name is None:
        return None
    if name.startswith("id:"):
        return name[3:]
    entry = catalogue.get(name)
    if not isinstance(entry, dict) or key not in entry:
        raise UsageError(f"consumer {consumer}: the target's fixture catalogue has no {name!r} with a {key}")
    return str(entry[key])


# The operation names consumers use, and how the REST rendition names the same operation (its path's tail).
_OPERATION_PATH_TAILS = {
    "hamtaFormansinformation": "/formansinformation/fraga",
    "hamtaTillgangligaInformationstyper": "/tillgangligaInformationstyper",
}


def _model_operation(model: Any, name: str) -> Any | None:
    tail = _OPERATION_PATH_TAILS.get(name, "/" + name)
    for op_id, op in model.operations.items():
        if op_id == name or str(op.meta.get("path", op_id)).endswith(tail):
            return op
    return None


def _paths_of(shape: Any, prefix: str, out: set[str], seen: set[int]) -> None:
    if id(shape) in seen:  # recursive types: each shape once per walk
        return
    seen = seen | {id(shape)}
    for name, fld in shape.fields.items():
        if name.startswith("@") or name == "[]":
            continue
        path = f"{prefix}/{name}" if prefix else name
        out.add(path)
        _paths_of(fld.shape, path, out, seen)


def declared_paths(
    version: str, *, contracts_dir: Path | None = None, registry: Registry | None = None
) -> set[str]:
    """Every slash path the version's contract declares in its query answer."""
    from lefi_contracts.compat import load_contract_model
    from lefi_contracts.contracts import load_registry

    info = (registry or load_registry(contracts_dir)).get(version)
    source = info.contract_file("wsdl" if info.transport == "soap" else "openapi")
    op = _model_operation(load_contract_model(source), "hamtaFormansinformation")
    out: set[str] = set()
    if op is not None:
        for msg in op.responses.get("200", {}).values():
            if msg.key.startswith("body"):
                _paths_of(msg.root.shape, "", out, set())
    return out


def verify_consumer(
    contract: ConsumerContract,
    target: str,
    *,
    catalogue: dict[str, Any] | None = None,
    tls: TlsConfig | None = None,
    registry: Registry | None = None,
    limiter: RateLimiter | None = None,
) -> list[CheckResult]:
    """Run the consumer's example requests against the target; one result per example and per contract check."""
    from lefi_contracts.catalogue import load_catalogue
    from lefi_contracts.client import LefiClient, Query

    catalogue = catalogue if catalogue is not None else load_catalogue(target=target, tls=tls)
    results: list[CheckResult] = []
    behaviour = f"consumer {contract.consumer}"
    params = {"consumer": contract.consumer, "version": contract.version}

    declared = declared_paths(contract.version, registry=registry)
    version = registry.get(contract.version) if registry is not None else contract.version
    if declared:
        missing = [r for r in contract.reads if r not in declared]
        results.append(
            CheckResult(
                phase="consumers",
                name=f"{contract.consumer}: every field it reads is in the v{contract.version} contract",
                status="failed" if missing else "passed",
                version=contract.version,
                behaviour=behaviour,
                message=("not declared: " + ", ".join(missing)) if missing else "",
                parameters=params,
            )
        )

    aktors_id = _resolve(contract.aktors_id, catalogue, "aktorsId", contract.consumer)
    with LefiClient(target, version, aktors_id=aktors_id, tls=tls, limiter=limiter) as client:
        if "hamtaTillgangligaInformationstyper" in contract.operations:
            started = time.monotonic()
            resp = client.available_types(aktors_id)
            offered = {
                section: {
                    str(item.get("kod"))
                    for item in (resp.data or {}).get(section, [])
                    if isinstance(item, dict)
                }
                for section in contract.groups
            }
            lacking = [
                f"{s}:{g}" for s, groups in contract.groups.items() for g in groups if g not in offered[s]
            ]
            offer_problems = [str(v) for v in resp.violations()] + (
                [f"not offered to the consumer's actor: {', '.join(lacking)}"] if lacking else []
            )
            if resp.fault:
                offer_problems.insert(0, f"refused: {resp.fault.code} {resp.fault.message}")
            results.append(
                _exchange_result(
                    contract, "tillgängliga informationstyper cover its groups", offer_problems, started, resp
                )
            )
        for example in contract.examples:
            started = time.monotonic()
            pnr = example.personnummer or _resolve(
                example.persona, catalogue, "personnummer", contract.consumer
            )
            query = Query(
                str(pnr),
                example.period_from,
                example.period_tom,
                formansinformation=list(contract.groups.get("formansinformation", ())),
                preliminara_utbetalningar=list(contract.groups.get("preliminaraUtbetalningar", ())),
                utbetalningar=list(contract.groups.get("utbetalningar", ())),
                ovrig_information=list(contract.groups.get("ovrigInformation", ())),
                ansprak=list(contract.groups.get("ansprak", ())),
                beslut=list(contract.groups.get("beslut", ())),
                aktors_id=aktors_id,
            )
            resp = client.query(query)
            problems: list[str] = []
            if resp.fault or not resp.ok:
                code = resp.fault.code if resp.fault else f"HTTP {resp.http_status}"
                problems.append(f"refused: {code} {resp.fault.message if resp.fault else ''}".strip())
            problems += [f"contract: {v}" for v in resp.violations()[:5]]
            data = resp.data or {}
            problems += [f"missing: {p}" for p in example.expect_present if not values_at(data, p)]
            avvikelser = [a for a in (resp.avvikelser() or []) if isinstance(a, dict)]
            problems += [f"avvikelse: {a.get('avvikelse', {}).get('kod')}" for a in avvikelser]
            results.append(_exchange_result(contract, example.name, problems, started, resp))
    return results


def _exchange_result(
    contract: ConsumerContract, what: str, problems: list[str], started: float, resp: Any
) -> CheckResult:
    """One consumer check on one exchange with the target, its request and answer attached (masked)."""
    return CheckResult(
        phase="consumers",
        name=f"{contract.consumer}: {what}",
        status="failed" if problems else "passed",
        version=contract.version,
        behaviour=f"consumer {contract.consumer}",
        message="; ".join(problems[:8]),
        duration=time.monotonic() - started,
        parameters={"consumer": contract.consumer, "version": contract.version},
        attachments=[Attachment("exchange", resp.describe(masked=True))],
    )


def verify_all(
    folder: Path | None = None,
    *,
    target: str,
    versions: list[str] | None = None,
    tls: TlsConfig | None = None,
    registry: Registry | None = None,
) -> list[CheckResult]:
    """Every consumer contract of a folder whose version is among `versions` (the gate's consumer phase)."""
    from lefi_contracts.catalogue import load_catalogue

    root = registry.root if registry is not None else None
    contracts = [
        c for c in load_consumers(folder, contracts_dir=root) if versions is None or c.version in versions
    ]
    catalogue = load_catalogue(target=target, tls=tls) if contracts else {}
    return [
        r
        for c in contracts
        for r in verify_consumer(c, target, catalogue=catalogue, tls=tls, registry=registry)
    ]


def _render(results: list[CheckResult]) -> str:
    lines = [
        f"{'✔' if not r.failed else '✘'} v{r.version} {r.name}" + (f": {r.message}" if r.message else "")
        for r in results
    ]
    failed = sum(r.failed for r in results)
    lines.append(f"{len(results) - failed} passed, {failed} failed")
    return "\n".join(lines)


def command_verify_consumer(
    file: Path,
    *,
    target: str | None = None,
    tls: TlsConfig | None = None,
    registry: Registry | None = None,
) -> tuple[str, int]:
    from lefi_contracts.target import target_or_embedded

    contract = load_consumer(file, contracts_dir=registry.root if registry is not None else None)
    with target_or_embedded(target) as (url, _embedded):
        results = verify_consumer(contract, url, tls=tls, registry=registry)
    return _render(results), 1 if any(r.failed for r in results) else 0


# ------------------------------------------------------------------------------------------ can-i-deploy


def _finding_path(finding: Any) -> str:
    """A finding's path as a consumer writes it: without the wrapper element or the JSON body root."""
    raw = finding.old_path or finding.new_path or ""
    if " /" in raw:  # "200 body parameters /hamtaFormansinformationSvar/..." -> the part inside the message
        raw = raw.split(" /", 1)[1]
    elif " " in raw:  # the message itself (a status, a media type): no field path
        raw = ""
    raw = raw.strip("/")
    parts = [p for p in raw.split("/") if p and not p.startswith("[")]
    if parts and parts[0].endswith("Svar"):
        parts = parts[1:]
    return "/".join(parts)


class SharedPaths:
    """Every path at which a shared (named) type of a query answer occurs.

    The diff reports a change inside a shared type once, at its shortest path; a consumer may read the same type
    elsewhere (LefiBelopp/summa under nettobelopp as well as bruttobelopp), so a finding is matched at every path
    where its type lives.
    """

    def __init__(self, model: Any, *, limit: int = 200) -> None:
        self.root: Any = None
        self.paths: dict[int, list[str]] = {}
        op = _model_operation(model, "hamtaFormansinformation")
        bodies = [m for m in (op.responses.get("200", {}) if op else {}).values() if m.key.startswith("body")]
        if not bodies:
            return
        self.root = bodies[0].root.shape
        stack: list[tuple[Any, str, frozenset[int]]] = [(self.root, "", frozenset())]
        while stack:
            shape, prefix, chain = stack.pop()
            for name, fld in shape.fields.items():
                if name.startswith("@") or name == "[]":
                    continue
                path = f"{prefix}/{name}" if prefix else name
                seen = self.paths.setdefault(id(fld.shape), [])
                if len(seen) < limit:
                    seen.append(path)
                    if id(fld.shape) not in chain:
                        stack.append((fld.shape, path, chain | {id(shape)}))

    def equivalents(self, path: str) -> set[str]:
        parent, _, leaf = path.rpartition("/")
        shape = self.root
        for part in parent.split("/") if parent else []:
            fld = shape.fields.get(part) if shape is not None else None
            shape = fld.shape if fld is not None else None
        if shape is None or shape is self.root:
            return {path}
        return {path} | {f"{p}/{leaf}" for p in self.paths.get(id(shape), [])}


def relevant_findings(
    contract: ConsumerContract, findings: list[Any], shared: SharedPaths | None = None
) -> list[Any]:
    """The findings that matter to this consumer: its operations' requests, and the response fields it reads."""
    operations = set(contract.operations)
    out = []
    for f in findings:
        if f.verdict == "compatible":
            continue
        op_name = next(
            (
                n
                for n in operations
                if f.operation == n
                or f.operation.endswith(_OPERATION_PATH_TAILS[n])
                or _OPERATION_PATH_TAILS[n] in f.operation
            ),
            None,
        )
        if op_name is None and f.operation:
            continue
        if f.direction == "request" or not _finding_path(f):
            out.append(f)  # a request it sends, or the operation/message itself
        elif op_name == "hamtaTillgangligaInformationstyper":
            out.append(f)
        elif op_name == "hamtaFormansinformation":
            path = _finding_path(f)
            paths = shared.equivalents(path) if shared else {path}
            if any(contract.reads_under(p) for p in paths):
                out.append(f)
    return out


def can_i_deploy(
    candidate_dir: Path,
    *,
    consumers: list[ConsumerContract],
    current_dir: Path | None = None,
    registry: Registry | None = None,
) -> list[CheckResult]:
    """For each consumer: does the candidate contracts/ tree break the version it uses, in what it uses?
    The current contracts are `registry` (else those of `current_dir`, else the default registry)."""
    from lefi_contracts.compat import diff_models, load_contract_model
    from lefi_contracts.contracts import load_registry

    current = registry or load_registry(current_dir)
    candidate = load_registry(candidate_dir)
    results: list[CheckResult] = []
    for c in consumers:
        name = f"{c.consumer} on version {c.version}"
        params = {"consumer": c.consumer, "version": c.version, "reader": c.reader}
        old_info = current.get(c.version)
        new_info = candidate.versions.get(c.version)
        if new_info is None or not new_info.served:
            results.append(
                CheckResult(
                    phase="consumers",
                    name=name,
                    status="failed",
                    version=c.version,
                    behaviour=f"consumer {c.consumer}",
                    parameters=params,
                    message=f"the candidate no longer serves version {c.version}",
                )
            )
            continue
        kind = "wsdl" if old_info.transport == "soap" else "openapi"
        old_model = load_contract_model(old_info.contract_file(kind))
        report = diff_models(
            old_model,
            load_contract_model(new_info.contract_file(kind)),
            reader=cast("Reader", c.reader),  # the consumer contract schema allows only these
            enum_policy=cast("EnumPolicy", c.enum_policy),
            old_label=f"v{c.version}",
            new_label=f"candidate v{c.version}",
        )
        mine = relevant_findings(c, [f for f in report.findings if f.waiver is None], SharedPaths(old_model))
        # A change that is only "potentially" breaking in general is breaking for a consumer that reads that field
        # or sends that request: relevant_findings kept exactly those.
        breaking = mine
        lines = [f"[{f.rule}] {f.verdict}: {_finding_path(f) or f.operation}: {f.message}" for f in mine]
        witness = next((f.witness for f in breaking if f.witness), None)
        results.append(
            CheckResult(
                phase="consumers",
                name=name,
                status="failed" if breaking else "passed",
                version=c.version,
                behaviour=f"consumer {c.consumer}",
                message="; ".join(lines[:6]) + (f" (and {len(lines) - 6} more)" if len(lines) > 6 else ""),
                details="\n".join(lines),
                parameters=params,
                attachments=[Attachment("witness", witness)] if witness else [],
            )
        )
    return results


def command_can_i_deploy(
    *,
    contracts_dir: Path | None = None,
    consumers_dir: Path | None = None,
    registry: Registry | None = None,
) -> tuple[str, int]:
    candidate = contracts_dir or (registry.root if registry is not None else default_contracts_dir())
    if not (candidate / "versions.yaml").is_file():
        raise UsageError(f"{candidate} is not a contracts folder (no versions.yaml)")
    consumers = load_consumers(consumers_dir or candidate / "consumers", contracts_dir=candidate)
    results = can_i_deploy(candidate, consumers=consumers, registry=registry)
    lines = []
    for r in results:
        lines.append(f"{'✘ breaks' if r.failed else '✔ safe  '}  {r.name}")
        lines += [f"      {line}" for line in (r.details or r.message).splitlines()]
    broken = sum(r.failed for r in results)
    lines.append(f"{len(results) - broken} passed, {broken} failed")
    return "\n".join(lines), 1 if broken else 0
