"""The provider's clock: real Stockholm time, or a fixed instant that tests can move.

Behörighet expiry and maintenance windows depend on "now"; a settable clock makes both testable over HTTP.
"""

from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

from lefi_contracts.errors import UsageError

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def parse_instant(value: str) -> dt.datetime:
    """An ISO 8601 instant; naive values are read as Stockholm local time (the provider's zone)."""
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        raise UsageError(f"not an ISO 8601 date-time: {value!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=STOCKHOLM)


class Clock:
    """Thread-safe: the ASGI app reads it on the server thread while a test sets it from another."""

    def __init__(self, fixed: dt.datetime | None = None) -> None:
        self._lock = threading.Lock()
        self._fixed = self._aware(fixed) if fixed is not None else None

    @staticmethod
    def _aware(value: dt.datetime) -> dt.datetime:
        return value if value.tzinfo else value.replace(tzinfo=STOCKHOLM)

    def now(self) -> dt.datetime:
        with self._lock:
            fixed = self._fixed
        return (fixed or dt.datetime.now(STOCKHOLM)).astimezone(STOCKHOLM)

    def today(self) -> dt.date:
        return self.now().date()

    def set(self, value: dt.datetime | None) -> None:
        """Fix the clock at `value`, or return to real time with None."""
        with self._lock:
            self._fixed = self._aware(value) if value is not None else None

    @property
    def fixed(self) -> bool:
        return self._fixed is not None
