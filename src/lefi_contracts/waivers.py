"""Waivers: known failures accepted on purpose, for every kind of result a run produces.

A release gate that can only say "all green or nothing" is switched off the first time a known defect blocks an
urgent fix. A waiver selects results (phase, versions, behaviour, check name; for compatibility findings rule and
path, as `diff --waivers` always did) and carries a reason, a reference (a ticket) and an expiry date, optionally
ending earlier when a version is retired. A waived failure is reported as *waived*: not held, not broken, and it
does not fail the run. An expired waiver no longer applies: its failure counts again, saying so. A waiver that
selected no failure in a run is *stale*, listed so that waivers do not pile up (`--strict` fails on it).

The file format is published as a JSON Schema (lefi_contracts/schemas/waivers.schema.json); every entry is checked
against it before a run starts, and a bad entry is one line naming it (exit 2).
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import json
import threading
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal, Protocol

import jsonschema

from lefi_contracts.errors import ContractError, UsageError
from lefi_contracts.results import CheckResult
from lefi_contracts.yamlio import read_yaml_file

WaiverState = Literal["live", "expired", "ended"]
DEFAULT_FILE = "waivers.yaml"  # in the contracts folder: used by the gate when present


class FindingLike(Protocol):
    """What a waiver reads of a compatibility finding (lefi_contracts.compat's Finding)."""

    rule: str
    operation: str
    old_path: str | None
    new_path: str | None


@dataclass(frozen=True)
class Waiver:
    """One accepted failure. Every selector given must match; absent selectors match anything."""

    entry: int  # 1-based position in its file, for messages
    source: str
    reason: str
    reference: str
    expires: dt.date
    phase: str | None = None
    versions: tuple[str, ...] = ()
    behaviour: str | None = None
    check: str | None = None
    rule: str | None = None
    path: str | None = None
    until_version: str | None = None

    @property
    def label(self) -> str:
        return f"{self.source}: waiver {self.entry} ({self.reference})"

    @property
    def for_findings(self) -> bool:
        """A rule waiver silences compatibility findings inside a diff, not whole results."""
        return self.rule is not None

    def state(self, today: dt.date, retired: Collection[str] = ()) -> WaiverState:
        if self.until_version is not None and self.until_version in retired:
            return "ended"
        return "expired" if self.expires < today else "live"

    def end_note(self, state: WaiverState) -> str:
        if state == "ended":
            return f"waiver {self.reference} ended: version {self.until_version} is retired"
        return f"waiver {self.reference} expired on {self.expires.isoformat()}"

    def days_left(self, today: dt.date) -> int:
        return (self.expires - today).days

    def selects(self, result: CheckResult) -> bool:
        if self.for_findings and result.phase != "compat":
            return False
        if self.phase is not None and result.phase != self.phase:
            return False
        if self.versions and (result.version or "") not in self.versions:
            return False
        if self.behaviour is not None and not fnmatch.fnmatchcase(result.behaviour or "", self.behaviour):
            return False
        return self.check is None or fnmatch.fnmatchcase(result.name, self.check)

    def selects_finding(self, finding: FindingLike, version: str | None = None) -> bool:
        if self.rule is None or self.rule not in (finding.rule, "*"):
            return False
        if self.versions and (version or "") not in self.versions:
            return False
        if self.path is None or self.path == "*":
            return True
        paths = [p for p in (finding.old_path, finding.new_path) if p]
        targets = [f"{finding.operation} {p}" for p in paths] + paths
        return any(fnmatch.fnmatchcase(t, self.path) for t in targets)

    def to_json(self, today: dt.date | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "entry": self.entry,
            "reason": self.reason,
            "reference": self.reference,
            "expires": self.expires.isoformat(),
            "selects": self.selector_text(),
        }
        if today is not None:
            out["days_left"] = self.days_left(today)
        if self.until_version:
            out["until_version"] = self.until_version
        return out

    def selector_text(self) -> str:
        parts = [
            f"{name}={value}"
            for name, value in (
                ("phase", self.phase),
                ("versions", ",".join(self.versions) or None),
                ("behaviour", self.behaviour),
                ("check", self.check),
                ("rule", self.rule),
                ("path", self.path),
            )
            if value
        ]
        return " ".join(parts)


@dataclass(frozen=True)
class WaiverSet:
    waivers: tuple[Waiver, ...] = ()
    source: str = ""

    def __bool__(self) -> bool:
        return bool(self.waivers)

    def __iter__(self) -> Any:
        return iter(self.waivers)


@lru_cache(maxsize=1)
def waiver_schema() -> dict[str, Any]:
    text = resources.files("lefi_contracts").joinpath("schemas/waivers.schema.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _plain(value: Any) -> Any:
    """YAML gives dates and numbers; the schema speaks JSON: dates as ISO text, versions as text."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def _entry_error(source: str, entries: Sequence[Any], error: jsonschema.ValidationError) -> str:
    where = list(error.absolute_path)
    if len(where) >= 2 and where[0] == "waivers" and isinstance(where[1], int):
        index = where[1]
        entry = entries[index] if index < len(entries) else None
        ref = entry.get("reference") if isinstance(entry, dict) else None
        name = f"waiver {index + 1}" + (f" ({ref})" if ref else "")
        field_name = ".".join(str(p) for p in where[2:])
        if error.validator == "anyOf" and not field_name:
            return f"{source}: {name} selects nothing: give phase, version(s), behaviour, check or rule"
        if error.validator == "additionalProperties":
            return f"{source}: {name}: {error.message}"
        if error.validator == "required" and isinstance(error.validator_value, list):
            missing = [k for k in error.validator_value if k not in (error.instance or {})]
            return f"{source}: {name} lacks {', '.join(missing)}"
        if error.validator == "dependentRequired":
            return f"{source}: {name}: path goes with rule (a compatibility rule id or *)"
        if field_name == "expires":
            return f"{source}: {name}: expires must be a date YYYY-MM-DD, not {error.instance!r}"
        return f"{source}: {name}: {field_name or 'entry'}: {error.message}"
    return f"{source}: {error.message}"


def parse_waivers(data: Any, source: str, *, known_rules: Collection[str] | None = None) -> WaiverSet:
    """Check a loaded waiver document against the published schema and build the waivers (UsageError if bad)."""
    data = _plain(data if data is not None else {})
    if isinstance(data, dict) and "waivers" in data and data["waivers"] is None:
        data["waivers"] = []
    validator = jsonschema.Draft202012Validator(waiver_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: (list(e.absolute_path), e.validator))
    if errors:
        entries = data.get("waivers") if isinstance(data, dict) else None
        raise ContractError(_entry_error(source, entries if isinstance(entries, list) else [], errors[0]))
    out: list[Waiver] = []
    for index, entry in enumerate(data["waivers"], 1):
        try:
            expires = dt.date.fromisoformat(entry["expires"])
        except ValueError:
            raise ContractError(
                f"{source}: waiver {index} ({entry['reference']}): expires {entry['expires']!r} is not a real date"
            ) from None
        rule = entry.get("rule")
        if rule is not None and rule != "*" and known_rules is not None and rule not in known_rules:
            raise ContractError(
                f"{source}: waiver {index} ({entry['reference']}) names unknown rule {rule!r}"
            )
        versions = tuple(entry.get("versions") or ([entry["version"]] if "version" in entry else []))
        out.append(
            Waiver(
                entry=index,
                source=source,
                reason=entry["reason"],
                reference=entry["reference"],
                expires=expires,
                phase=entry.get("phase"),
                versions=versions,
                behaviour=entry.get("behaviour"),
                check=entry.get("check"),
                rule=rule,
                path=entry.get("path"),
                until_version=entry.get("until_version"),
            )
        )
    return WaiverSet(tuple(out), source)


def load_waivers(path: Path, *, known_rules: Collection[str] | None = None) -> WaiverSet:
    """Read a waiver file (YAML or JSON). A missing, unreadable or invalid file is a usage error (exit 2)."""
    if not path.is_file():
        raise UsageError(f"waiver file not found: {path}")
    data = read_yaml_file(path)
    return parse_waivers(data, str(path), known_rules=known_rules)


def default_waivers_file(contracts_dir: Path) -> Path | None:
    candidate = contracts_dir / DEFAULT_FILE
    return candidate if candidate.is_file() else None


def waivers_for(path: Path | None, contracts_dir: Path) -> WaiverSet:
    """A command's waivers: --waivers FILE, else <contracts>/waivers.yaml when present, else none. Rule ids are
    checked against the compatibility rule catalogue; a bad file is exit 2 before anything runs."""
    from lefi_contracts.compat.rules import RULES

    chosen = path or default_waivers_file(contracts_dir)
    return load_waivers(chosen, known_rules=set(RULES)) if chosen is not None else WaiverSet()


@dataclass
class WaiverOutcome:
    """What the waivers did in one run."""

    results: list[CheckResult]
    in_force: list[Waiver] = field(default_factory=list)
    used: set[int] = field(default_factory=set)  # entries that waived or would have waived a failure
    ended: list[tuple[Waiver, WaiverState]] = field(default_factory=list)
    today: dt.date = field(default_factory=dt.date.today)

    def stale(self, waivers: Iterable[Waiver]) -> list[Waiver]:
        return [w for w in waivers if w.entry not in self.used]


def waive_results(
    results: Sequence[CheckResult],
    waivers: WaiverSet,
    *,
    today: dt.date | None = None,
    retired: Collection[str] = (),
) -> WaiverOutcome:
    """Mark each failure a live waiver selects as waived; an ended waiver leaves it failing, with a note.

    Results are copied, never changed in place, so a stream that already holds them stays as it was emitted.
    """
    today = today or dt.date.today()
    states = {w.entry: w.state(today, retired) for w in waivers}
    outcome = WaiverOutcome(results=[], today=today)
    outcome.in_force = [w for w in waivers if states[w.entry] == "live"]
    outcome.ended = [(w, states[w.entry]) for w in waivers if states[w.entry] != "live"]
    for result in results:
        chosen = None
        if result.failed or result.waiver is not None:
            chosen = next((w for w in waivers if not w.for_findings and w.selects(result)), None)
        if chosen is None:
            outcome.results.append(result)
            continue
        outcome.used.add(chosen.entry)
        state = states[chosen.entry]
        if state == "live":
            outcome.results.append(
                replace(
                    result, status="waived", waiver=chosen.to_json(today) | {"original_status": result.status}
                )
            )
        else:
            note = chosen.end_note(state)
            message = result.message if note in result.message else f"{note}: {result.message}"
            outcome.results.append(replace(result, message=message))
    return outcome


def waive_findings(
    findings: Iterable[Any],
    waivers: WaiverSet,
    *,
    version: str | None = None,
    today: dt.date | None = None,
    retired: Collection[str] = (),
) -> set[int]:
    """Rule waivers on compatibility findings (`diff`, `can-i-deploy`, the gate's compat phase): sets each
    matching finding's `waiver` (and a note when it ended) and returns the entries that matched something."""
    today = today or dt.date.today()
    used: set[int] = set()
    for finding in findings:
        for w in waivers:
            if not w.selects_finding(finding, version):
                continue
            used.add(w.entry)
            state = w.state(today, retired)
            finding.waiver = w.to_json(today) | {"expired": state != "live"}
            if state != "live":
                finding.note = f"{w.end_note(state)}: the finding counts again"
            break
    return used


class RunWaivers:
    """The waivers of one run, applied to each result as it is emitted (ResultStream's transform) and to the
    compatibility findings of each diff; remembers what they matched, for the stale list at the end."""

    def __init__(
        self, waivers: WaiverSet, *, today: dt.date | None = None, retired: Collection[str] = ()
    ) -> None:
        self.waivers = waivers
        self.retired = frozenset(retired)
        self.outcome = WaiverOutcome(results=[], today=today or dt.date.today())
        self.outcome.in_force = [w for w in waivers if w.state(self.outcome.today, self.retired) == "live"]
        self.outcome.ended = [
            (w, w.state(self.outcome.today, self.retired))
            for w in waivers
            if w.state(self.outcome.today, self.retired) != "live"
        ]
        self._lock = threading.Lock()

    def __call__(self, result: CheckResult) -> CheckResult:
        if not self.waivers:
            return result
        one = waive_results([result], self.waivers, today=self.outcome.today, retired=self.retired)
        with self._lock:
            self.outcome.used |= one.used
        return one.results[0]

    def findings(self, findings: Iterable[Any], version: str | None) -> None:
        used = waive_findings(
            findings, self.waivers, version=version, today=self.outcome.today, retired=self.retired
        )
        with self._lock:
            self.outcome.used |= used

    @property
    def stale(self) -> list[Waiver]:
        return self.outcome.stale(self.waivers)

    def summary_lines(self) -> list[str]:
        return summary_lines(self.outcome, self.waivers)

    def to_json(self) -> list[dict[str, object]]:
        stale = {w.entry for w in self.stale}
        ended = {w.entry: state for w, state in self.outcome.ended}
        return [
            w.to_json(self.outcome.today) | {"state": ended.get(w.entry, "live"), "stale": w.entry in stale}
            for w in self.waivers
        ]


def summary_lines(outcome: WaiverOutcome, waivers: WaiverSet) -> list[str]:
    """Markdown lines for the summary: waivers in force with days left, ended ones, stale ones."""
    if not waivers:
        return []
    lines = [
        "",
        "## Waivers",
        "",
        "| entry | selects | reason | reference | expires | days left | state |",
        "|---|---|---|---|---|---|---|",
    ]
    stale = {w.entry for w in outcome.stale(waivers)}
    ended = dict((w.entry, s) for w, s in outcome.ended)
    for w in waivers:
        state: str = ended.get(w.entry) or ("stale" if w.entry in stale else "in force")
        if w.entry in stale and w.entry in ended:
            state = f"{ended[w.entry]}, stale"
        lines.append(
            f"| {w.entry} | `{w.selector_text()}` | {w.reason} | {w.reference} | {w.expires.isoformat()} | "
            f"{w.days_left(outcome.today)} | {state} |"
        )
    return lines
