"""can-i-deploy: does a candidate contracts/ tree break, for each consumer, what that consumer uses?"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from lefi_contracts.consumers.contract import (
    OPERATION_PATH_TAILS,
    ConsumerContract,
    load_consumers,
    model_operation,
)
from lefi_contracts.contracts import default_contracts_dir
from lefi_contracts.errors import UsageError
from lefi_contracts.results import Attachment, CheckResult
from lefi_contracts.waivers import WaiverSet, waive_findings

if TYPE_CHECKING:
    from lefi_contracts.compat.model import EnumPolicy, Reader
    from lefi_contracts.contracts import Registry


def finding_path(finding: Any) -> str:
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
        op = model_operation(model, "hamtaFormansinformation")
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
                or f.operation.endswith(OPERATION_PATH_TAILS[n])
                or OPERATION_PATH_TAILS[n] in f.operation
            ),
            None,
        )
        if op_name is None and f.operation:
            continue
        if f.direction == "request" or not finding_path(f):
            out.append(f)  # a request it sends, or the operation/message itself
        elif op_name == "hamtaTillgangligaInformationstyper":
            out.append(f)
        elif op_name == "hamtaFormansinformation":
            path = finding_path(f)
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
    waivers: WaiverSet | None = None,
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
        if waivers:
            waive_findings(report.findings, waivers, version=c.version)
        mine = relevant_findings(c, [f for f in report.findings if f.counts], SharedPaths(old_model))
        # A change that is only "potentially" breaking in general is breaking for a consumer that reads that field
        # or sends that request: relevant_findings kept exactly those.
        breaking = mine
        lines = [f"[{f.rule}] {f.verdict}: {finding_path(f) or f.operation}: {f.message}" for f in mine]
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
    waivers: WaiverSet | None = None,
) -> tuple[str, int]:
    candidate = contracts_dir or (registry.root if registry is not None else default_contracts_dir())
    if not (candidate / "versions.yaml").is_file():
        raise UsageError(f"{candidate} is not a contracts folder (no versions.yaml)")
    consumers = load_consumers(consumers_dir or candidate / "consumers", contracts_dir=candidate)
    results = can_i_deploy(candidate, consumers=consumers, registry=registry, waivers=waivers)
    lines = []
    for r in results:
        lines.append(f"{'✘ breaks' if r.failed else '✔ safe  '}  {r.name}")
        lines += [f"      {line}" for line in (r.details or r.message).splitlines()]
    broken = sum(r.failed for r in results)
    lines.append(f"{len(results) - broken} passed, {broken} failed")
    return "\n".join(lines), 1 if broken else 0
