"""Waivers of compatibility findings (`diff --waivers`, `can-i-deploy --waivers`): the one waiver file format of
lefi_contracts.waivers, read with the rule catalogue so that an unknown rule is named; its rule + path entries
mark the findings they select (a live waiver silences a finding, an expired one lets it count again, saying so).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from lefi_contracts.compat.findings import DiffReport
from lefi_contracts.compat.rules import RULES
from lefi_contracts.waivers import WaiverSet, waive_findings
from lefi_contracts.waivers import load_waivers as load_waiver_file


def load_waivers(path: Path) -> WaiverSet:
    """Read and check a waiver file (published schema; rule ids from the catalogue). Bad input: exit 2."""
    return load_waiver_file(path, known_rules=set(RULES))


def apply_waivers(report: DiffReport, waivers: WaiverSet, today: dt.date | None = None) -> set[int]:
    """Mark the findings the rule waivers select; returns the entries that matched something."""
    return waive_findings(report.findings, waivers, today=today)
