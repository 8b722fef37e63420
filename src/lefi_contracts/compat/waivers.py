"""Waivers: accepted findings with a reason, a reference and an expiry date.

A live waiver silences a finding (it is still shown, marked waived); an expired waiver does not:
the finding counts again, with a note saying its waiver expired.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from lefi_contracts.compat.rules import RULES
from lefi_contracts.errors import ContractError


@dataclass(frozen=True)
class Waiver:
    rule: str
    path: str  # glob over "<operation> <path>" of either version
    reason: str
    reference: str
    expires: dt.date

    def matches(self, finding: Any) -> bool:
        if self.rule not in (finding.rule, "*"):
            return False
        targets = [f"{finding.operation} {p}" for p in (finding.old_path, finding.new_path) if p]
        targets += [p for p in (finding.old_path, finding.new_path) if p]
        return any(fnmatch.fnmatchcase(t, self.path) for t in targets) or (not targets and self.path == "*")


def load_waivers(path: Path) -> list[Waiver]:
    """Read and check a waiver file; every entry needs rule, path, reason, reference, expires."""
    if not path.is_file():
        raise ContractError(f"waiver file not found: {path}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ContractError(f"{path}: not valid YAML ({exc.__class__.__name__})") from None
    entries = data.get("waivers") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ContractError(f"{path}: expected a mapping with a 'waivers' list")
    out = []
    for i, e in enumerate(entries, 1):
        if not isinstance(e, dict):
            raise ContractError(f"{path}: waiver {i} is not a mapping")
        missing = [k for k in ("rule", "path", "reason", "reference", "expires") if not e.get(k)]
        if missing:
            raise ContractError(f"{path}: waiver {i} lacks {', '.join(missing)}")
        if e["rule"] != "*" and e["rule"] not in RULES:
            raise ContractError(f"{path}: waiver {i} names unknown rule {e['rule']!r}")
        exp = e["expires"]
        try:
            exp = exp if isinstance(exp, dt.date) else dt.date.fromisoformat(str(exp))
        except ValueError:
            raise ContractError(f"{path}: waiver {i}: expires must be YYYY-MM-DD, not {exp!r}") from None
        out.append(Waiver(str(e["rule"]), str(e["path"]), str(e["reason"]), str(e["reference"]), exp))
    return out


def apply_waivers(report: Any, waivers: list[Waiver], today: dt.date | None = None) -> None:
    """Mark matching findings; an expired waiver leaves the finding counting, with a note."""
    today = today or dt.date.today()
    for f in report.findings:
        for w in waivers:
            if w.matches(f):
                expired = w.expires < today
                f.waiver = {
                    "reason": w.reason,
                    "reference": w.reference,
                    "expires": w.expires.isoformat(),
                    "expired": expired,
                }
                if expired:
                    f.note = (
                        f"waiver {w.reference} expired on {w.expires.isoformat()}: the finding counts again"
                    )
                break
