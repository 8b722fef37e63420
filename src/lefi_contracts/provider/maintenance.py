"""Maintenance windows: inside one, every version answers "unavailable" and answers no query.

The release notes announce such a window (2025-03-17 08:00-13:00, deployment of version 9); the schedule is data
(contracts/maintenance.yaml) so that a test or an operator can add one without code.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lefi_contracts.contracts import default_contracts_dir
from lefi_contracts.errors import ContractError
from lefi_contracts.provider.clock import STOCKHOLM
from lefi_contracts.yamlio import read_yaml_file


@dataclass(frozen=True)
class MaintenanceWindow:
    start: dt.datetime
    end: dt.datetime
    reason: str = "underhåll"

    def contains(self, now: dt.datetime) -> bool:
        return self.start <= now < self.end

    def retry_after_seconds(self, now: dt.datetime) -> int:
        return max(1, math.ceil((self.end - now).total_seconds()))

    def retry_after_http_date(self) -> str:
        return email.utils.format_datetime(self.end.astimezone(dt.UTC), usegmt=True)

    def to_dict(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "reason": self.reason}


def _instant(value: Any, tz: dt.tzinfo, where: str) -> dt.datetime:
    if isinstance(value, dt.datetime):
        parsed = value
    else:
        try:
            parsed = dt.datetime.fromisoformat(str(value))
        except ValueError:
            raise ContractError(f"{where}: {value!r} is not an ISO date-time") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


def window_from_dict(raw: Any, where: str = "maintenance window") -> MaintenanceWindow:
    if not isinstance(raw, dict) or "start" not in raw or "end" not in raw:
        raise ContractError(f"{where}: expected a mapping with start and end")
    tz_name = raw.get("timezone")
    tz: dt.tzinfo = STOCKHOLM
    if tz_name:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            tz = ZoneInfo(str(tz_name))
        except (ZoneInfoNotFoundError, ValueError):
            raise ContractError(f"{where}: unknown time zone {tz_name!r}") from None
    start, end = _instant(raw["start"], tz, where), _instant(raw["end"], tz, where)
    if end <= start:
        raise ContractError(f"{where}: end must be after start")
    return MaintenanceWindow(start=start, end=end, reason=str(raw.get("reason", "underhåll")))


def load_schedule(path: Path | None = None) -> list[MaintenanceWindow]:
    """Windows from contracts/maintenance.yaml (`windows: [{start, end, timezone, reason}]`); none if absent."""
    path = path or default_contracts_dir() / "maintenance.yaml"
    if not path.is_file():
        return []
    data = read_yaml_file(path) or {}
    windows = data.get("windows", []) if isinstance(data, dict) else None
    if not isinstance(windows, list):
        raise ContractError(f"{path}: expected a mapping with a list 'windows'")
    return [window_from_dict(w, f"{path.name} window {i + 1}") for i, w in enumerate(windows)]


def active_window(windows: list[MaintenanceWindow], now: dt.datetime) -> MaintenanceWindow | None:
    for window in windows:
        if window.contains(now):
            return window
    return None
