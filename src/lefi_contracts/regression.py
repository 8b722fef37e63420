"""Differential regression: the same queries against the current deployment and the candidate, field by field.

Scenarios and fuzzing prove the candidate keeps the contract; this proves it keeps the *answers*. Every difference
is reported unless it is declared: volatile fields (timestamps) and the changes a release declares, both as data in
contracts/regression/regression.yaml.
"""

from __future__ import annotations

import fnmatch
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lefi_contracts.client.transport import TlsConfig
from lefi_contracts.contracts import VersionInfo, default_contracts_dir
from lefi_contracts.errors import ContractError
from lefi_contracts.results import Attachment, CheckResult
from lefi_contracts.yamlio import read_yaml_file

_MISSING = object()


@dataclass(frozen=True)
class DeclaredChange:
    path: str
    reason: str
    versions: tuple[str, ...] = ()

    def applies(self, version: str, path: str) -> bool:
        return (not self.versions or version in self.versions) and fnmatch.fnmatchcase(path, self.path)


@dataclass(frozen=True)
class RegressionRules:
    volatile: tuple[str, ...] = ("timestamp", "*.timestamp")
    declared: tuple[DeclaredChange, ...] = ()
    ordered_arrays: bool = False

    def explained(self, version: str, path: str) -> str | None:
        """Why a difference at path is expected, or None when it is a regression."""
        for pattern in self.volatile:
            if fnmatch.fnmatchcase(path, pattern):
                return f"volatile ({pattern})"
        for change in self.declared:
            if change.applies(version, path):
                return f"declared change: {change.reason}"
        return None


def load_rules(path: Path | None = None) -> RegressionRules:
    """contracts/regression/regression.yaml, or the built-in defaults when the file is absent."""
    path = path or default_contracts_dir() / "regression" / "regression.yaml"
    if not path.is_file():
        return RegressionRules()
    data = read_yaml_file(path) or {}
    if not isinstance(data, dict):
        raise ContractError(f"{path}: expected a mapping with volatile, ordered_arrays, declared_changes")
    volatile = data.get("volatile") or []
    declared = data.get("declared_changes") or []
    if not isinstance(volatile, list) or not all(isinstance(v, str) for v in volatile):
        raise ContractError(f"{path}: volatile must be a list of path patterns")
    if not isinstance(declared, list):
        raise ContractError(f"{path}: declared_changes must be a list")
    changes = []
    for i, d in enumerate(declared, 1):
        if not isinstance(d, dict) or not isinstance(d.get("path"), str) or not d.get("reason"):
            raise ContractError(f"{path}: declared change {i} needs a path and a reason")
        changes.append(
            DeclaredChange(d["path"], str(d["reason"]), tuple(str(v) for v in d.get("versions") or ()))
        )
    return RegressionRules(tuple(volatile), tuple(changes), bool(data.get("ordered_arrays", False)))


@dataclass(frozen=True)
class Difference:
    path: str
    baseline: Any
    candidate: Any

    @property
    def kind(self) -> str:
        if self.baseline is _MISSING:
            return "added"
        if self.candidate is _MISSING:
            return "removed"
        return "changed"

    def __str__(self) -> str:
        show = lambda v: "(absent)" if v is _MISSING else json.dumps(v, ensure_ascii=False)[:200]  # noqa: E731
        return f"{self.path}: {self.kind}: {show(self.baseline)} -> {show(self.candidate)}"


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def compare(
    baseline: Any, candidate: Any, *, ordered_arrays: bool = False, path: str = ""
) -> list[Difference]:
    """Field-by-field differences of two decoded answers (dicts/lists/scalars), paths with [] for arrays."""
    if isinstance(baseline, dict) and isinstance(candidate, dict):
        out: list[Difference] = []
        for key in list(baseline) + [k for k in candidate if k not in baseline]:
            sub = f"{path}.{key}" if path else str(key)
            b, c = baseline.get(key, _MISSING), candidate.get(key, _MISSING)
            if b is _MISSING or c is _MISSING:
                out.append(Difference(sub, b, c))
            else:
                out.extend(compare(b, c, ordered_arrays=ordered_arrays, path=sub))
        return out
    if isinstance(baseline, list) and isinstance(candidate, list):
        sub = f"{path}[]"
        if not ordered_arrays:
            baseline, candidate = sorted(baseline, key=_canonical), sorted(candidate, key=_canonical)
        out = []
        for i in range(max(len(baseline), len(candidate))):
            b = baseline[i] if i < len(baseline) else _MISSING
            c = candidate[i] if i < len(candidate) else _MISSING
            if b is _MISSING or c is _MISSING:
                out.append(Difference(sub, b, c))
            else:
                out.extend(compare(b, c, ordered_arrays=ordered_arrays, path=sub))
        return out
    return [] if baseline == candidate else [Difference(path or "(document)", baseline, candidate)]


def answer_of(resp: Any) -> dict[str, Any]:
    """What a consumer sees of one response: the HTTP status, the fault code, and the decoded payload."""
    fault = getattr(resp, "fault", None)
    return {
        "http": {"status": getattr(resp, "http_status", None)},
        "fault": {"code": getattr(fault, "code", None)} if fault is not None else None,
        "data": getattr(resp, "data", None),
    }


@dataclass
class RegressionOutcome:
    unexplained: list[Difference] = field(default_factory=list)
    explained: list[tuple[Difference, str]] = field(default_factory=list)


def diff_answers(version: str, baseline: Any, candidate: Any, rules: RegressionRules) -> RegressionOutcome:
    outcome = RegressionOutcome()
    for d in compare(baseline, candidate, ordered_arrays=rules.ordered_arrays):
        why = rules.explained(version, d.path.removeprefix("data."))
        if why is None:
            why = rules.explained(version, d.path)
        if why is None:
            outcome.unexplained.append(d)
        else:
            outcome.explained.append((d, why))
    return outcome


def run_regression(
    baseline_url: str,
    candidate_url: str,
    version: VersionInfo,
    queries: Iterable[tuple[str, dict[str, Any]]],
    *,
    tls: TlsConfig | None = None,
    rules: RegressionRules | None = None,
) -> list[CheckResult]:
    """One CheckResult per query: failed when baseline and candidate answer differently without a declared reason."""
    from lefi_contracts.client import LefiClient, Query

    rules = rules or load_rules()
    results: list[CheckResult] = []
    with (
        LefiClient(baseline_url, version, tls=tls) as old,
        LefiClient(candidate_url, version, tls=tls) as new,
    ):
        for name, q in queries:
            started, t0 = time.time(), time.perf_counter()
            query = Query(**q)
            a, b = answer_of(old.query(query)), answer_of(new.query(query))
            outcome = diff_answers(version.number, a, b, rules)
            lines = [str(d) for d in outcome.unexplained] + [f"{d} [{why}]" for d, why in outcome.explained]
            results.append(
                CheckResult(
                    phase="regression",
                    name=f"{name}: same answer as the baseline",
                    status="failed" if outcome.unexplained else "passed",
                    version=version.number,
                    behaviour="answers unchanged from the baseline",
                    message=(
                        f"{len(outcome.unexplained)} unexplained difference(s), e.g. {outcome.unexplained[0]}"
                        if outcome.unexplained
                        else f"identical ({len(outcome.explained)} declared/volatile difference(s))"
                    ),
                    details="\n".join(lines[:200]),
                    duration=time.perf_counter() - t0,
                    started=started,
                    parameters={"query": name},
                    attachments=[Attachment("differences", "\n".join(lines))] if lines else [],
                )
            )
    return results


def summarise(differences: Sequence[Difference]) -> str:
    return "\n".join(str(d) for d in differences)
